//! A product's supply picture for its page: recent demand and its forecast,
//! and per warehouse what is on order and the reorder rule.

use chrono::NaiveDate;
use sea_orm::ConnectionTrait;

use crate::{
    access::{policy, Actor, Permission},
    inventory::warehouses,
    Result,
};

use super::{forecast, purchase_orders, replenishment};

/// Weeks of shipped history the page shows.
pub const HISTORY_SHOWN: usize = 12;
/// Weeks the page forecasts.
pub const FORECAST_WEEKS: usize = 4;

/// A product's incoming units and reorder rule in one warehouse.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WarehouseSupply {
    /// The warehouse.
    pub warehouse_id: i64,
    /// Its code.
    pub code: String,
    /// Units on open purchase orders not yet received.
    pub incoming: i64,
    /// Reorder point, when a rule exists.
    pub reorder_point: Option<i64>,
    /// Reorder quantity, when a rule exists.
    pub reorder_quantity: Option<i64>,
}

/// A product's supply picture.
#[derive(Clone, Debug, Default)]
pub struct Supply {
    /// (week start, units shipped), the last [`HISTORY_SHOWN`] weeks, oldest first.
    pub history: Vec<(NaiveDate, i64)>,
    /// (week start, forecast units), the coming [`FORECAST_WEEKS`] weeks.
    pub forecast: Vec<(NaiveDate, f64)>,
    /// Every warehouse the actor may see, in the warehouse list's order.
    pub warehouses: Vec<WarehouseSupply>,
    /// The actor may change reorder rules (`replenishment.manage`).
    pub can_manage: bool,
}

/// The supply picture of a product as of `today` (`products.read`, and a
/// permission that reads warehouses).
pub async fn supply(
    db: &impl ConnectionTrait,
    actor: &Actor,
    product_id: i64,
    today: NaiveDate,
) -> Result<Supply> {
    let f = forecast::of_product(db, actor, product_id, today, FORECAST_WEEKS).await?;
    let rules = replenishment::rules_of(db, actor, product_id).await?;
    let incoming = purchase_orders::incoming(db, Some(&[product_id])).await?;
    let houses = warehouses::list(db, actor).await?;
    let skip = f.history.len().saturating_sub(HISTORY_SHOWN);
    Ok(Supply {
        history: f.history.into_iter().skip(skip).collect(),
        forecast: f.forecast,
        warehouses: houses
            .into_iter()
            .map(|w| {
                let rule = rules.iter().find(|r| r.warehouse_id == w.id);
                WarehouseSupply {
                    incoming: incoming.get(&(product_id, w.id)).copied().unwrap_or(0),
                    reorder_point: rule.map(|r| r.reorder_point),
                    reorder_quantity: rule.map(|r| r.reorder_quantity),
                    warehouse_id: w.id,
                    code: w.code,
                }
            })
            .collect(),
        can_manage: policy::require(actor, Permission::ReplenishmentManage).is_ok(),
    })
}
