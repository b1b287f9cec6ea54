//! Suppliers, supplier prices, purchase orders and receipts.
//!
//! A purchase order goes draft → sent → partially received → received →
//! closed (draft and sent ones may be cancelled; a partly received one may
//! be closed short). A receipt records what arrived: receipt moves into
//! the order's warehouse, and — in the same transaction — the backordered
//! sales-order lines of the received products in that warehouse are
//! reserved, oldest confirmed order first.
//!
//! Locks: a receipt takes the purchase order's row, then the rows of the
//! sales orders it may serve (by id), then the stock levels (by product) —
//! the same order (orders before levels) as confirming, shipping and
//! cancelling sales orders take them, so none of them deadlock. An order
//! confirmed while the receipt waited for a level is picked up after the
//! levels are held, with SKIP LOCKED, so it neither deadlocks nor is
//! forgotten.

mod create;
mod detail;
mod list;
mod prices;
mod receive;
mod supplier_records;
mod transitions;
mod waiting;

pub use self::create::{create, PoInput, PoLineInput};
pub use self::detail::{detail_of, get, PoDetail, PoLineView};
pub use self::list::{list, PoRow};
pub use self::prices::{best_offers, remove_price, set_price, supplier, PriceRow, SupplierDetail};
pub use self::receive::{receive, Received};
pub use self::supplier_records::{
    create_supplier, save_supplier, supplier_key, suppliers, update_supplier, SupplierInput,
};
pub use self::transitions::{cancel, close, send, step};

use std::collections::{BTreeSet, HashMap};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::{
    access::{policy, Actor, Permission},
    entities::products,
    Result,
};

pub use crate::entities::purchase_orders::{
    CANCELLED, CLOSED, DRAFT, OPEN_STATES, PARTIALLY_RECEIVED, RECEIVED, SENT, STATES,
};
pub use crate::inventory::low_stock::incoming;

/// What the actor may do in purchasing, for the UI's buttons.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Abilities {
    /// Edit suppliers and their prices; create, send, close and cancel
    /// purchase orders (`purchasing.write`).
    pub write: bool,
    /// Receive goods (`purchasing.receive`).
    pub receive: bool,
}

/// The actor's abilities in purchasing, from the permissions the writes require.
pub fn abilities(actor: &Actor) -> Abilities {
    Abilities {
        write: policy::require(actor, Permission::PurchasingWrite).is_ok(),
        receive: policy::require(actor, Permission::PurchasingReceive).is_ok(),
    }
}

/// Where a purchase order lives in the UI.
pub fn link(id: i64) -> String {
    format!("/purchase-orders/{id}")
}

async fn product_map(
    db: &impl ConnectionTrait,
    ids: impl Iterator<Item = i64>,
) -> Result<HashMap<i64, products::Model>> {
    let ids: BTreeSet<i64> = ids.collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(products::Entity::find()
        .filter(products::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect())
}
