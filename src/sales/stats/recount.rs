//! The summaries as maintained, their recount from every order, and the
//! two uses of a recount: [`check`] compares, [`rebuild`] replaces.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Statement,
};

use super::{
    contributions::{fold, fold_lines, line_keys, lines_of, order_columns, Both, OrderRow},
    keys::{
        Counts, CustomerKey, CustomerSummary, Key, Measures, ProductCounts, ProductKey,
        ProductSummary, ProductYearKey, ProductYearSummary, Summary,
    },
    store::{replace, stored},
    tables::{Customers, Orders, ProductYears, Products},
};
use crate::{
    entities::{customers, sales_orders},
    Result,
};

/// The order summary as maintained (rows summing to zero left out).
pub async fn maintained(db: &impl ConnectionTrait) -> Result<Summary> {
    stored::<Orders>(db).await
}

/// The product summary as maintained (rows summing to zero left out).
pub async fn maintained_products(db: &impl ConnectionTrait) -> Result<ProductSummary> {
    stored::<Products>(db).await
}

/// The customer summary as maintained (rows summing to zero left out).
pub async fn maintained_customers(db: &impl ConnectionTrait) -> Result<CustomerSummary> {
    stored::<Customers>(db).await
}

/// The products' year summary as maintained (rows summing to zero left
/// out).
pub async fn maintained_product_years(db: &impl ConnectionTrait) -> Result<ProductYearSummary> {
    stored::<ProductYears>(db).await
}

/// The summaries recounted from every order, `batch` orders at a time;
/// `progress` hears (orders counted so far).
async fn recompute(
    db: &impl ConnectionTrait,
    batch: u64,
    mut progress: impl FnMut(u64),
) -> Result<Both> {
    let all_segments: HashMap<i64, String> = customers::Entity::find()
        .select_only()
        .columns([customers::Column::Id, customers::Column::Segment])
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut both = Both::default();
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
        let keys = line_keys(&rows);
        let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
        fold(&mut both, rows, &all_segments);
        for chunk in ids.chunks(5_000) {
            fold_lines(&mut both, lines_of(db, chunk).await?, &keys);
        }
        progress(counted);
    }
    both.orders.retain(|_, c| !c.is_zero());
    both.products.retain(|_, c| !c.is_zero());
    both.customers.retain(|_, c| !c.is_zero());
    both.product_years.retain(|_, c| !c.is_zero());
    Ok(both)
}

/// One summary row that differs: its key, the maintained and the
/// recounted values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Difference {
    /// A row of `order_stats`.
    Order(Key, Counts, Counts),
    /// A row of `product_stats`.
    Product(ProductKey, ProductCounts, ProductCounts),
    /// A row of `customer_stats`.
    Customer(CustomerKey, Counts, Counts),
    /// A row of `product_year_stats`.
    ProductYear(ProductYearKey, ProductCounts, ProductCounts),
}

/// Where two summaries differ: (key, first, second).
fn differences<K: Ord + Clone, V: Copy + Default + PartialEq>(
    kept: &BTreeMap<K, V>,
    fresh: &BTreeMap<K, V>,
) -> Vec<(K, V, V)> {
    let keys: BTreeSet<&K> = kept.keys().chain(fresh.keys()).collect();
    keys.into_iter()
        .filter_map(|k| {
            let a = kept.get(k).copied().unwrap_or_default();
            let b = fresh.get(k).copied().unwrap_or_default();
            (a != b).then(|| (k.clone(), a, b))
        })
        .collect()
}

/// Compares the maintained summaries with a recount from the orders.
pub async fn check(db: &impl ConnectionTrait) -> Result<Vec<Difference>> {
    let kept = maintained(db).await?;
    let kept_products = maintained_products(db).await?;
    let kept_customers = maintained_customers(db).await?;
    let kept_years = maintained_product_years(db).await?;
    let fresh = recompute(db, 5_000, |_| ()).await?;
    let orders = differences(&kept, &fresh.orders)
        .into_iter()
        .map(|(k, a, b)| Difference::Order(k, a, b));
    let products = differences(&kept_products, &fresh.products)
        .into_iter()
        .map(|(k, a, b)| Difference::Product(k, a, b));
    let customers = differences(&kept_customers, &fresh.customers)
        .into_iter()
        .map(|(k, a, b)| Difference::Customer(k, a, b));
    let years = differences(&kept_years, &fresh.product_years)
        .into_iter()
        .map(|(k, a, b)| Difference::ProductYear(k, a, b));
    Ok(orders
        .chain(products)
        .chain(customers)
        .chain(years)
        .collect())
}

/// Replaces the summaries with a recount from the orders, in one
/// transaction; on PostgreSQL order writes wait until it is done (so none
/// is counted twice or missed). Returns the number of `order_stats` rows.
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
    replace::<Orders>(&txn, &fresh.orders).await?;
    replace::<Products>(&txn, &fresh.products).await?;
    replace::<Customers>(&txn, &fresh.customers).await?;
    replace::<ProductYears>(&txn, &fresh.product_years).await?;
    txn.commit().await?;
    Ok(fresh.orders.len() as u64)
}
