//! Summary tables kept current in the transaction of the write that
//! changes them. `order_stats` sums sales orders by order day, state,
//! warehouse, owner, customer segment and currency.
//!
//! A write that changes orders takes a [`Snapshot`] of their contribution
//! before it changes them and applies it after: the difference is added
//! to the summary rows as relative increments (`orders = orders + d`), so
//! concurrent writers never overwrite each other, and rows are touched in
//! key order so two writers cannot deadlock on them. [`rebuild`] recounts
//! everything from the orders; [`check`] compares the two.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use sea_orm::{
    sea_query::{Alias, Expr, OnConflict},
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Statement,
};

use crate::{
    entities::{customers, order_stats, sales_orders},
    Result,
};

/// The key of one summary row.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    /// Order day (UTC date the order was created).
    pub day: NaiveDate,
    /// Order state.
    pub state: String,
    /// Warehouse.
    pub warehouse_id: i64,
    /// Owner; 0 when none.
    pub owner_id: i64,
    /// The customer's segment.
    pub segment: String,
    /// Currency.
    pub currency: String,
}

/// The measures of one summary row.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Number of orders.
    pub orders: i64,
    /// Net value, minor units.
    pub net_minor: i64,
    /// Total with tax, minor units.
    pub total_minor: i64,
}

impl Counts {
    fn is_zero(&self) -> bool {
        *self == Counts::default()
    }

    fn add(&mut self, other: Counts, sign: i64) {
        self.orders += sign * other.orders;
        self.net_minor += sign * other.net_minor;
        self.total_minor += sign * other.total_minor;
    }
}

/// Summary rows by key; rows summing to zero are left out.
pub type Summary = BTreeMap<Key, Counts>;

/// The order columns the summary needs.
type OrderRow = (
    i64,
    chrono::DateTime<chrono::Utc>,
    String,
    i64,
    Option<i64>,
    i64,
    String,
    i64,
    i64,
);

fn order_columns<S: QuerySelect>(select: S) -> S {
    use sales_orders::Column as C;
    select.select_only().columns([
        C::Id,
        C::CreatedAt,
        C::State,
        C::WarehouseId,
        C::OwnerId,
        C::CustomerId,
        C::Currency,
        C::SubtotalMinor,
        C::TotalMinor,
    ])
}

/// Segments of the given customers.
async fn segments(db: &impl ConnectionTrait, ids: BTreeSet<i64>) -> Result<HashMap<i64, String>> {
    let mut found = HashMap::with_capacity(ids.len());
    let ids: Vec<i64> = ids.into_iter().collect();
    for chunk in ids.chunks(500) {
        let rows: Vec<(i64, String)> = customers::Entity::find()
            .select_only()
            .columns([customers::Column::Id, customers::Column::Segment])
            .filter(customers::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        found.extend(rows);
    }
    Ok(found)
}

/// Adds orders' contributions to `into`.
fn fold(into: &mut Summary, rows: Vec<OrderRow>, segments: &HashMap<i64, String>) {
    for (_, created, state, warehouse_id, owner, customer, currency, net, total) in rows {
        let key = Key {
            day: created.date_naive(),
            state,
            warehouse_id,
            owner_id: owner.unwrap_or(0),
            segment: segments.get(&customer).cloned().unwrap_or_default(),
            currency,
        };
        into.entry(key).or_default().add(
            Counts {
                orders: 1,
                net_minor: net,
                total_minor: total,
            },
            1,
        );
    }
}

/// The contribution of the orders `ids` as they are now; with `lock`,
/// their rows are taken for the rest of the transaction (PostgreSQL), so
/// the snapshot stays true until the change is applied.
async fn contributions(db: &impl ConnectionTrait, ids: &[i64], lock: bool) -> Result<Summary> {
    let mut summary = Summary::new();
    for chunk in ids.chunks(500) {
        let mut select = order_columns(sales_orders::Entity::find())
            .filter(sales_orders::Column::Id.is_in(chunk.iter().copied()))
            .order_by_asc(sales_orders::Column::Id);
        if lock {
            select = select.lock(sea_orm::sea_query::LockType::NoKeyUpdate);
        }
        let rows: Vec<OrderRow> = select.into_tuple().all(db).await?;
        let customers = rows.iter().map(|r| r.5).collect();
        let segments = segments(db, customers).await?;
        fold(&mut summary, rows, &segments);
    }
    Ok(summary)
}

/// Orders' contribution before a change; [`Snapshot::apply`] after the
/// change (in the same transaction) moves the summary by the difference.
#[derive(Debug)]
#[must_use = "a snapshot does nothing until applied"]
pub struct Snapshot {
    ids: Vec<i64>,
    before: Summary,
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
            before: Summary::new(),
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
        let mut delta = after;
        for (key, counts) in self.before {
            delta.entry(key).or_default().add(counts, -1);
        }
        add(db, &delta).await
    }
}

/// The summary row of `key` holding `counts`.
fn summary_row(key: &Key, counts: &Counts) -> order_stats::ActiveModel {
    order_stats::ActiveModel {
        day: Set(key.day),
        state: Set(key.state.clone()),
        warehouse_id: Set(key.warehouse_id),
        owner_id: Set(key.owner_id),
        segment: Set(key.segment.clone()),
        currency: Set(key.currency.clone()),
        orders: Set(counts.orders),
        net_minor: Set(counts.net_minor),
        total_minor: Set(counts.total_minor),
        ..Default::default()
    }
}

/// Adds `delta` to the summary rows, in key order.
async fn add(db: &impl ConnectionTrait, delta: &Summary) -> Result<()> {
    use order_stats::Column as C;
    for (key, counts) in delta.iter().filter(|(_, c)| !c.is_zero()) {
        let row = summary_row(key, counts);
        let plus = |col: C| {
            Expr::col((order_stats::Entity, col)).add(Expr::col((Alias::new("excluded"), col)))
        };
        order_stats::Entity::insert(row)
            .on_conflict(
                OnConflict::columns([
                    C::Day,
                    C::State,
                    C::WarehouseId,
                    C::OwnerId,
                    C::Segment,
                    C::Currency,
                ])
                .value(C::Orders, plus(C::Orders))
                .value(C::NetMinor, plus(C::NetMinor))
                .value(C::TotalMinor, plus(C::TotalMinor))
                .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// The summary as maintained (rows summing to zero left out).
pub async fn maintained(db: &impl ConnectionTrait) -> Result<Summary> {
    let rows = order_stats::Entity::find()
        .order_by_asc(order_stats::Column::Id)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let key = Key {
                day: r.day,
                state: r.state,
                warehouse_id: r.warehouse_id,
                owner_id: r.owner_id,
                segment: r.segment,
                currency: r.currency,
            };
            let counts = Counts {
                orders: r.orders,
                net_minor: r.net_minor,
                total_minor: r.total_minor,
            };
            (key, counts)
        })
        .filter(|(_, c)| !c.is_zero())
        .collect())
}

/// The summary recounted from every order, `batch` orders at a time;
/// `progress` hears (orders counted so far).
pub async fn recompute(
    db: &impl ConnectionTrait,
    batch: u64,
    mut progress: impl FnMut(u64),
) -> Result<Summary> {
    let all_segments: HashMap<i64, String> = customers::Entity::find()
        .select_only()
        .columns([customers::Column::Id, customers::Column::Segment])
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut summary = Summary::new();
    let mut after = 0_i64;
    let mut counted = 0_u64;
    loop {
        let rows: Vec<OrderRow> = order_columns(sales_orders::Entity::find())
            .filter(sales_orders::Column::Id.gt(after))
            .order_by_asc(sales_orders::Column::Id)
            .limit(batch.max(1))
            .into_tuple()
            .all(db)
            .await?;
        let Some(last) = rows.last() else { break };
        after = last.0;
        counted += rows.len() as u64;
        fold(&mut summary, rows, &all_segments);
        progress(counted);
    }
    summary.retain(|_, c| !c.is_zero());
    Ok(summary)
}

/// One summary row that differs: (key, maintained, recounted).
pub type Difference = (Key, Counts, Counts);

/// Compares the maintained summary with a recount from the orders.
pub async fn check(db: &impl ConnectionTrait) -> Result<Vec<Difference>> {
    let kept = maintained(db).await?;
    let fresh = recompute(db, 5_000, |_| ()).await?;
    let keys: BTreeSet<&Key> = kept.keys().chain(fresh.keys()).collect();
    Ok(keys
        .into_iter()
        .filter_map(|k| {
            let a = kept.get(k).copied().unwrap_or_default();
            let b = fresh.get(k).copied().unwrap_or_default();
            (a != b).then(|| (k.clone(), a, b))
        })
        .collect())
}

/// Replaces the summary with a recount from the orders, in one
/// transaction; on PostgreSQL order writes wait until it is done (so none
/// is counted twice or missed). Returns the number of summary rows.
pub async fn rebuild(db: &impl crate::db::Tx, progress: impl FnMut(u64)) -> Result<u64> {
    let txn = db.begin().await?;
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute(Statement::from_string(
            DbBackend::Postgres,
            "LOCK TABLE sales_orders IN SHARE MODE",
        ))
        .await?;
    }
    let fresh = recompute(&txn, 5_000, progress).await?;
    order_stats::Entity::delete_many().exec(&txn).await?;
    let rows: Vec<order_stats::ActiveModel> = fresh
        .iter()
        .map(|(key, counts)| summary_row(key, counts))
        .collect();
    for chunk in rows.chunks(1_000) {
        order_stats::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(fresh.len() as u64)
}
