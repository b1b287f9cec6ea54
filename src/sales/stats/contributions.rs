//! What some orders contribute to the four summaries: reading their order
//! and line columns and folding them into rows by key.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::keys::{
    Counts, CustomerKey, CustomerSummary, Key, Measures, ProductCounts, ProductKey, ProductSummary,
    ProductYearKey, ProductYearSummary, Summary,
};
use crate::{
    entities::{sales_order_lines, sales_orders},
    sales::orders::is_booked,
    Result,
};

/// The summaries' contributions of some orders.
#[derive(Debug, Default)]
pub(super) struct Both {
    pub(super) orders: Summary,
    pub(super) products: ProductSummary,
    pub(super) customers: CustomerSummary,
    pub(super) product_years: ProductYearSummary,
}

/// The order columns the summary needs.
pub(super) type OrderRow = (
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

pub(super) fn order_columns<S: QuerySelect>(select: S) -> S {
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

/// The product key of an order's lines, without the product.
type LineKey = (NaiveDate, String, i64, String);

/// Lines of the orders `rows` (ids), as (order, product, quantity, net).
pub(super) async fn lines_of(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<Vec<(i64, i64, i64, i64)>> {
    use sales_order_lines::Column as L;
    Ok(sales_order_lines::Entity::find()
        .select_only()
        .columns([L::OrderId, L::ProductId, L::Quantity, L::NetMinor])
        .filter(L::OrderId.is_in(ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await?)
}

/// Adds the lines' contributions to the product summaries in `into`;
/// `orders` gives each order's key.
pub(super) fn fold_lines(
    into: &mut Both,
    lines: Vec<(i64, i64, i64, i64)>,
    orders: &HashMap<i64, LineKey>,
) {
    for (order, product_id, quantity, net_minor) in lines {
        let Some((day, state, warehouse_id, currency)) = orders.get(&order) else {
            continue;
        };
        let counts = ProductCounts {
            lines: 1,
            quantity,
            net_minor,
        };
        if is_booked(state) {
            let by_year = ProductYearKey {
                year: day.year(),
                currency: currency.clone(),
                warehouse_id: *warehouse_id,
                product_id,
            };
            into.product_years
                .entry(by_year)
                .or_default()
                .add(counts, 1);
        }
        let key = ProductKey {
            day: *day,
            state: state.clone(),
            warehouse_id: *warehouse_id,
            currency: currency.clone(),
            product_id,
        };
        into.products.entry(key).or_default().add(counts, 1);
    }
}

/// Each order's line key.
pub(super) fn line_keys(rows: &[OrderRow]) -> HashMap<i64, LineKey> {
    rows.iter()
        .map(|(id, created, state, warehouse_id, _, _, currency, _, _)| {
            (
                *id,
                (
                    created.date_naive(),
                    state.clone(),
                    *warehouse_id,
                    currency.clone(),
                ),
            )
        })
        .collect()
}

/// Adds orders' contributions to the order and customer summaries.
pub(super) fn fold(into: &mut Both, rows: Vec<OrderRow>, segments: &HashMap<i64, String>) {
    for (_, created, state, warehouse_id, owner, customer, currency, net, total) in rows {
        let counts = Counts {
            orders: 1,
            net_minor: net,
            total_minor: total,
        };
        if is_booked(&state) {
            let by_customer = CustomerKey {
                year: created.year(),
                currency: currency.clone(),
                customer_id: customer,
            };
            into.customers
                .entry(by_customer)
                .or_default()
                .add(counts, 1);
        }
        let key = Key {
            day: created.date_naive(),
            state,
            warehouse_id,
            owner_id: owner.unwrap_or(0),
            segment: segments.get(&customer).cloned().unwrap_or_default(),
            currency,
        };
        into.orders.entry(key).or_default().add(counts, 1);
    }
}

/// The contribution of the orders `ids` as they are now; with `lock`,
/// their rows are taken for the rest of the transaction (PostgreSQL), so
/// the snapshot stays true until the change is applied.
pub(super) async fn contributions(
    db: &impl ConnectionTrait,
    ids: &[i64],
    lock: bool,
) -> Result<Both> {
    let mut both = Both::default();
    for chunk in ids.chunks(500) {
        let mut select = order_columns(sales_orders::Entity::find())
            .filter(sales_orders::Column::Id.is_in(chunk.iter().copied()))
            .order_by_asc(sales_orders::Column::Id);
        if lock {
            select = select.lock(sea_orm::sea_query::LockType::NoKeyUpdate);
        }
        let rows: Vec<OrderRow> = select.into_tuple().all(db).await?;
        let segments = crate::crm::customers::segments(db, rows.iter().map(|r| r.5)).await?;
        let keys = line_keys(&rows);
        fold(&mut both, rows, &segments);
        fold_lines(&mut both, lines_of(db, chunk).await?, &keys);
    }
    Ok(both)
}
