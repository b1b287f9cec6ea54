//! Keeping the summaries current: a [`Snapshot`] of orders' contribution
//! before a write, applied after it as the difference, and the order
//! summaries as crm moves them when customers regroup.

use std::collections::BTreeMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use super::{
    contributions::{contributions, Both},
    keys::Measures,
    store::add,
    tables::{Customers, Orders, ProductYears, Products},
};
use crate::{entities::sales_orders, Result};

/// The order summaries as the figures crm moves when a customer's segment
/// changes or two customers merge (`crate::crm::customers::Regroup`).
#[derive(Clone, Copy, Debug, Default)]
pub struct OrderSummaries;

impl crate::crm::customers::Regroup for OrderSummaries {
    type Before = Snapshot;
    async fn before(&self, txn: &sea_orm::DatabaseTransaction, customer: i64) -> Result<Snapshot> {
        Snapshot::of_customer(txn, customer).await
    }
    async fn apply(&self, txn: &sea_orm::DatabaseTransaction, before: Snapshot) -> Result<()> {
        before.apply(txn).await
    }
}

/// `after − before`, key by key.
fn difference<K: Ord, V: Measures>(
    mut after: BTreeMap<K, V>,
    before: BTreeMap<K, V>,
) -> BTreeMap<K, V> {
    for (key, counts) in before {
        after.entry(key).or_default().add(counts, -1);
    }
    after
}

/// Orders' contribution before a change; [`Snapshot::apply`] after the
/// change (in the same transaction) moves the summary by the difference.
#[derive(Debug)]
#[must_use = "a snapshot does nothing until applied"]
pub struct Snapshot {
    ids: Vec<i64>,
    before: Both,
}

impl Snapshot {
    /// The orders `ids` as they are before the change (their rows are
    /// locked from here on).
    pub async fn take(db: &impl ConnectionTrait, ids: Vec<i64>) -> Result<Self> {
        let before = contributions(db, &ids, true).await?;
        Ok(Snapshot { ids, before })
    }

    /// Orders that did not exist before (just inserted).
    pub fn inserted(ids: Vec<i64>) -> Self {
        Snapshot {
            ids,
            before: Both::default(),
        }
    }

    /// Every order of `customer` before the change (a segment change or a
    /// merge moves them between summary rows).
    pub async fn of_customer(db: &impl ConnectionTrait, customer: i64) -> Result<Self> {
        let ids: Vec<i64> = sales_orders::Entity::find()
            .select_only()
            .column(sales_orders::Column::Id)
            .filter(sales_orders::Column::CustomerId.eq(customer))
            .into_tuple()
            .all(db)
            .await?;
        Self::take(db, ids).await
    }

    /// Applies the difference between now and the snapshot.
    pub async fn apply(self, db: &impl ConnectionTrait) -> Result<()> {
        let after = contributions(db, &self.ids, false).await?;
        add::<Orders>(db, &difference(after.orders, self.before.orders)).await?;
        add::<Products>(db, &difference(after.products, self.before.products)).await?;
        add::<Customers>(db, &difference(after.customers, self.before.customers)).await?;
        add::<ProductYears>(
            db,
            &difference(after.product_years, self.before.product_years),
        )
        .await
    }
}
