//! The sales reports (by customer, by product, by period): booked orders
//! of the filter's slice.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait,
};

use super::{by_customer::by_customer, n, owners};
use crate::{
    access::{Actor, Permission},
    analytics::{
        dashboards::{self, customer_key, sum, Grain, Slice, BOOKED},
        reports::{col, Cell, Kind, Report},
    },
    entities::{customer_stats, order_stats, products, sales_orders},
    Result,
};

async fn slice(db: &impl ConnectionTrait, actor: &Actor, report: &Report) -> Result<Slice> {
    let owners = owners(
        db,
        actor,
        report,
        Permission::OrdersRead,
        Permission::OrdersReadAll,
    )
    .await?;
    Ok(Slice {
        from: report.filter.from,
        to: report.filter.to,
        currency: report.currency.clone(),
        warehouse_id: report.filter.warehouse_id,
        owners,
        segment: report.filter.segment.clone(),
    })
}

/// Booked orders by customer: orders, net, total with tax; most net
/// first. With a `limit`, the first `limit` customers (totals over all).
/// Whole years without a warehouse, owner or segment filter read the
/// `customer_stats` summary (see `Slice::customer_stats`).
pub async fn sales_by_customer(
    db: &impl ConnectionTrait,
    actor: &Actor,
    report: &mut Report,
    today: NaiveDate,
    limit: Option<usize>,
) -> Result<()> {
    use sales_orders::Column as C;
    let slice = slice(db, actor, report).await?;
    let grouped = match slice.customer_stats(today) {
        Some(cond) => {
            use customer_stats::Column as S;
            customer_stats::Entity::find()
                .select_only()
                .column(S::CustomerId)
                .column_as(sum(S::Orders), "orders")
                .column_as(sum(S::NetMinor), "net")
                .column_as(sum(S::TotalMinor), "total")
                .filter(cond)
                .group_by(S::CustomerId)
                .into_query()
        }
        None => sales_orders::Entity::find()
            .select_only()
            .column_as(customer_key(), "customer_id")
            .column_as(C::Id.count(), "orders")
            .column_as(sum(C::SubtotalMinor), "net")
            .column_as(sum(C::TotalMinor), "total")
            .filter(slice.orders())
            .group_by(customer_key())
            .into_query(),
    };
    report.columns = vec![
        col("customer", Kind::Text),
        col("orders", Kind::Count),
        col("net", Kind::Money),
        col("total", Kind::Money),
    ];
    by_customer(
        db,
        report,
        grouped,
        &["orders", "net", "total"],
        1,
        limit,
        |id| format!("/customers/{id}"),
    )
    .await
}

/// Booked order lines by product: quantity, net; cost and margin for
/// those who may see cost prices.
pub async fn sales_by_product(
    db: &impl ConnectionTrait,
    actor: &Actor,
    report: &mut Report,
) -> Result<()> {
    let slice = slice(db, actor, report).await?;
    let rows = dashboards::product_sums(db, &slice, None).await?;
    let catalogue: HashMap<i64, products::Model> = products::Entity::find()
        .filter(products::Column::Id.is_in(rows.iter().map(|r| r.0)))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let costs = actor.has(Permission::ProductsReadCost);
    report.columns = vec![
        col("sku", Kind::Text),
        col("product", Kind::Text),
        col("category", Kind::Text),
        col("quantity", Kind::Count),
        col("net", Kind::Money),
    ];
    if costs {
        report.columns.push(col("cost", Kind::Money));
        report.columns.push(col("margin", Kind::Money));
    }
    for (id, qty, net) in rows {
        let p = catalogue.get(&id);
        let mut row = vec![
            Cell::Text(p.map(|p| p.sku.clone()).unwrap_or_default()),
            Cell::Text(p.map(|p| p.name.clone()).unwrap_or_default()),
            Cell::Text(p.map(|p| p.category.clone()).unwrap_or_default()),
            n(qty),
            n(net),
        ];
        if costs {
            // At today's cost price: the catalogue keeps no cost history.
            let cost = qty * p.map(|p| p.cost_price_minor).unwrap_or(0);
            row.push(n(cost));
            row.push(n(net - cost));
        }
        report.rows.push(row);
        report.links.push(Some(format!("/products/{id}")));
    }
    Ok(())
}

/// Booked orders per day, week or month, from the order summary.
pub async fn sales_by_period(
    db: &impl ConnectionTrait,
    actor: &Actor,
    report: &mut Report,
    grain: Grain,
) -> Result<()> {
    use order_stats::Column as C;
    let slice = slice(db, actor, report).await?;
    let mut cond = Condition::all()
        .add(C::Day.gte(slice.from))
        .add(C::Day.lte(slice.to))
        .add(C::Currency.eq(slice.currency.clone()))
        .add(C::State.is_in(BOOKED.map(|s| s.as_str())));
    if let Some(w) = slice.warehouse_id {
        cond = cond.add(C::WarehouseId.eq(w));
    }
    if let Some(o) = &slice.owners {
        cond = cond.add(C::OwnerId.is_in(o.clone()));
    }
    if let Some(s) = &slice.segment {
        cond = cond.add(C::Segment.eq(s.clone()));
    }
    type Day = (NaiveDate, Option<i64>, Option<i64>, Option<i64>);
    let days: Vec<Day> = order_stats::Entity::find()
        .select_only()
        .column(C::Day)
        .column_as(sum(C::Orders), "orders")
        .column_as(sum(C::NetMinor), "net")
        .column_as(sum(C::TotalMinor), "total")
        .filter(cond)
        .group_by(C::Day)
        .into_tuple()
        .all(db)
        .await?;
    let mut buckets: BTreeMap<NaiveDate, (i64, i64, i64)> = grain
        .buckets(slice.from, slice.to)
        .into_iter()
        .map(|b| (b, (0, 0, 0)))
        .collect();
    for (day, orders, net, total) in days {
        let slot = buckets.entry(grain.start(day)).or_default();
        slot.0 += orders.unwrap_or(0);
        slot.1 += net.unwrap_or(0);
        slot.2 += total.unwrap_or(0);
    }
    report.columns = vec![
        col(grain.as_str(), Kind::Text),
        col("orders", Kind::Count),
        col("net", Kind::Money),
        col("total", Kind::Money),
    ];
    for (start, (orders, net, total)) in buckets {
        report.rows.push(vec![
            Cell::Text(start.to_string()),
            n(orders),
            n(net),
            n(total),
        ]);
        report.links.push(None);
    }
    Ok(())
}
