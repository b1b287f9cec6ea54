//! The report queries. Sales reports read the booked orders of the
//! filter's slice (the same condition the dashboards and the order list
//! use); the others read their area's rows through its record scope.

use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, NaiveDate};
use sea_orm::{
    sea_query::{Alias, Asterisk, Expr, Order, Query, SelectStatement},
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait,
};

use super::{col, Cell, Kind, Report};
use crate::{
    auth::{policy, Actor, Permission},
    entities::{
        customer_stats, customers, invoices, opportunities, order_stats, pipeline_stages, products,
        queues, sales_orders, stock_levels, stock_moves, tickets, users,
    },
    services::{
        customers as customer_service,
        dashboards::{self, customer_key, midnight, segment_customers, sum, Grain, Slice, BOOKED},
        invoices as invoice_service, tickets as ticket_service,
    },
    Error, Result,
};

fn n(v: i64) -> Cell {
    Cell::Number(Some(v))
}

/// The owners a report may include for an area (scope narrowed by the
/// filter), or `Forbidden` without read access to it.
async fn owners(
    db: &impl ConnectionTrait,
    actor: &Actor,
    report: &Report,
    read: Permission,
    read_all: Permission,
) -> Result<Option<Vec<i64>>> {
    let scope = policy::scope(Some(actor), read, read_all)?;
    dashboards::owners(db, scope, &report.filter).await
}

/// Fills `report` with the rows of `grouped`, a statement whose first
/// column is `customer_id` and whose next columns are the numbers named
/// `measures`: one row per customer (its name, then the numbers), most
/// `measures[sort]` first (then by customer), linked by `link`, with
/// totals and the row count over every row.
///
/// With a `limit`, the database sorts the groups and sends only the kept
/// ones, with the totals and the count as window sums over all of them;
/// only the kept rows are named (by id). Sending every group (some 25,000
/// customers for 30 days at a million orders) cost more than grouping them.
/// Without one, every row is named in the statement itself, a join on the
/// grouped rows: naming tens of thousands of customers by bound ids cost
/// more than the report.
async fn by_customer(
    db: &impl ConnectionTrait,
    report: &mut Report,
    grouped: SelectStatement,
    measures: &[&str],
    sort: usize,
    limit: Option<usize>,
    link: impl Fn(i64) -> String,
) -> Result<()> {
    let g = Alias::new("g");
    let id = Alias::new("customer_id");
    let width = measures.len();
    let mut stmt = Query::select()
        .column((g.clone(), Asterisk))
        .from_subquery(grouped, g.clone())
        .to_owned();
    match limit {
        Some(limit) => {
            stmt.expr(Expr::cust("COUNT(*) OVER ()"));
            for m in measures {
                stmt.expr(
                    Expr::cust(format!("SUM(COALESCE(g.{m}, 0)) OVER ()"))
                        .cast_as(Alias::new("BIGINT")),
                );
            }
            stmt.order_by_expr(
                Expr::cust(format!("COALESCE(g.{}, 0)", measures[sort])),
                Order::Desc,
            )
            .order_by((g.clone(), id.clone()), Order::Asc)
            .limit(limit as u64);
        }
        None => {
            stmt.column((customers::Entity, customers::Column::Name))
                .left_join(
                    customers::Entity,
                    Expr::col((customers::Entity, customers::Column::Id))
                        .equals((g.clone(), id.clone())),
                );
        }
    }
    let backend = db.get_database_backend();
    let mut rows: Vec<(i64, Vec<i64>, String)> = Vec::new();
    let mut totals = vec![0; width];
    let mut count = 0;
    for r in db.query_all(backend.build(&stmt)).await? {
        let mut numbers = Vec::with_capacity(width);
        for i in 1..=width {
            numbers.push(r.try_get_by_index::<Option<i64>>(i)?.unwrap_or(0));
        }
        let name = match limit {
            Some(_) => {
                count = r.try_get_by_index::<i64>(width + 1)? as usize;
                for (i, t) in totals.iter_mut().enumerate() {
                    *t = r
                        .try_get_by_index::<Option<i64>>(width + 2 + i)?
                        .unwrap_or(0);
                }
                String::new()
            }
            None => {
                count += 1;
                for (t, v) in totals.iter_mut().zip(&numbers) {
                    *t += v;
                }
                r.try_get_by_index::<Option<String>>(width + 1)?
                    .unwrap_or_default()
            }
        };
        rows.push((r.try_get_by_index(0)?, numbers, name));
    }
    rows.sort_by(|a, b| b.1[sort].cmp(&a.1[sort]).then(a.0.cmp(&b.0)));
    report.row_count = count;
    report.totals = std::iter::once(Cell::Text(String::new()))
        .chain(totals.into_iter().map(n))
        .collect();
    if limit.is_some() {
        let names = customer_service::names(db, rows.iter().map(|r| r.0)).await?;
        for r in &mut rows {
            r.2 = names.get(&r.0).cloned().unwrap_or_default();
        }
    }
    for (id, numbers, name) in rows {
        report.links.push(Some(link(id)));
        report.rows.push(
            std::iter::once(Cell::Text(name))
                .chain(numbers.into_iter().map(n))
                .collect(),
        );
    }
    Ok(())
}

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

/// Opportunities created in the period by stage: how many are there now,
/// how many reached each stage (a deal in a later stage, or won, passed
/// it), the conversion to the next stage, and the win rate.
pub async fn pipeline_conversion(
    db: &impl ConnectionTrait,
    actor: &Actor,
    report: &mut Report,
) -> Result<()> {
    use opportunities::Column as C;
    let owners = owners(
        db,
        actor,
        report,
        Permission::OpportunitiesRead,
        Permission::OpportunitiesReadAll,
    )
    .await?;
    let mut q = opportunities::Entity::find()
        .select_only()
        .column(C::StageId)
        .column_as(C::Id.count(), "n")
        .column_as(sum(C::AmountMinor), "amount")
        .filter(C::CreatedAt.gte(midnight(report.filter.from)))
        .filter(C::CreatedAt.lt(midnight(report.filter.to + Duration::days(1))))
        .filter(C::Currency.eq(report.currency.clone()))
        .group_by(C::StageId);
    if let Some(o) = owners {
        q = q.filter(C::OwnerId.is_in(o));
    }
    if let Some(s) = &report.filter.segment {
        q = q.filter(C::CustomerId.in_subquery(segment_customers(s)));
    }
    let counts: HashMap<i64, (i64, i64)> = q
        .into_tuple::<(i64, i64, Option<i64>)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(s, c, a)| (s, (c, a.unwrap_or(0))))
        .collect();
    let stages = pipeline_stages::Entity::find()
        .order_by_asc(pipeline_stages::Column::Position)
        .all(db)
        .await?;
    let won: i64 = stages
        .iter()
        .filter(|s| s.is_won)
        .map(|s| counts.get(&s.id).map_or(0, |c| c.0))
        .sum();
    let lost: i64 = stages
        .iter()
        .filter(|s| s.is_lost)
        .map(|s| counts.get(&s.id).map_or(0, |c| c.0))
        .sum();
    let open: Vec<&pipeline_stages::Model> =
        stages.iter().filter(|s| !s.is_won && !s.is_lost).collect();
    // Reached stage i: now in stage i or a later open stage, or won. Lost
    // deals keep no record of where they left, so they count as reaching
    // the first stage only.
    let mut reached: Vec<i64> = Vec::new();
    for (i, _) in open.iter().enumerate() {
        let later: i64 = open[i..]
            .iter()
            .map(|s| counts.get(&s.id).map_or(0, |c| c.0))
            .sum();
        reached.push(later + won + if i == 0 { lost } else { 0 });
    }
    report.columns = vec![
        col("stage", Kind::Text),
        col("now_in_stage", Kind::Count),
        col("amount", Kind::Money),
        col("reached", Kind::Text),
        col("conversion", Kind::Percent),
    ];
    for (i, s) in open.iter().enumerate() {
        let next = reached.get(i + 1).copied().unwrap_or(won);
        let (count, amount) = counts.get(&s.id).copied().unwrap_or_default();
        report.rows.push(vec![
            Cell::Text(s.name.clone()),
            n(count),
            n(amount),
            Cell::Text(reached[i].to_string()),
            Cell::Number((reached[i] > 0).then(|| next * 10_000 / reached[i])),
        ]);
        report
            .links
            .push(Some(format!("/opportunities/list?stage={}", s.id)));
    }
    for s in stages.iter().filter(|s| s.is_won || s.is_lost) {
        let (count, amount) = counts.get(&s.id).copied().unwrap_or_default();
        report.rows.push(vec![
            Cell::Text(s.name.clone()),
            n(count),
            n(amount),
            Cell::Text(String::new()),
            Cell::Number(None),
        ]);
        report
            .links
            .push(Some(format!("/opportunities/list?stage={}", s.id)));
    }
    // The totals row's share is the win rate of the decided deals.
    report.totals = vec![
        Cell::Text(String::new()),
        n(0),
        n(0),
        Cell::Text(String::new()),
        Cell::Number((won + lost > 0).then(|| won * 10_000 / (won + lost))),
    ];
    Ok(())
}

/// Stock per product (of one warehouse or all): on hand, reserved, value
/// at cost (for those who may see it), shipped in the period and turnover
/// (shipped ÷ on hand).
pub async fn inventory(
    db: &impl ConnectionTrait,
    actor: &Actor,
    report: &mut Report,
) -> Result<()> {
    policy::require(Some(actor), Permission::StockRead)?;
    let warehouse = report.filter.warehouse_id;
    let mut levels = stock_levels::Entity::find()
        .select_only()
        .column(stock_levels::Column::ProductId)
        .column_as(sum(stock_levels::Column::OnHand), "on_hand")
        .column_as(sum(stock_levels::Column::Reserved), "reserved")
        .group_by(stock_levels::Column::ProductId);
    if let Some(w) = warehouse {
        levels = levels.filter(stock_levels::Column::WarehouseId.eq(w));
    }
    let levels: Vec<(i64, Option<i64>, Option<i64>)> = levels.into_tuple().all(db).await?;
    let mut moved = stock_moves::Entity::find()
        .select_only()
        .column(stock_moves::Column::ProductId)
        .column_as(sum(stock_moves::Column::Quantity), "qty")
        .filter(stock_moves::Column::Kind.eq("shipment"))
        .filter(stock_moves::Column::CreatedAt.gte(midnight(report.filter.from)))
        .filter(stock_moves::Column::CreatedAt.lt(midnight(report.filter.to + Duration::days(1))))
        .group_by(stock_moves::Column::ProductId);
    if let Some(w) = warehouse {
        moved = moved.filter(stock_moves::Column::WarehouseId.eq(w));
    }
    let shipped: HashMap<i64, i64> = moved
        .into_tuple::<(i64, Option<i64>)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(p, q)| (p, -q.unwrap_or(0)))
        .collect();
    let catalogue: HashMap<i64, products::Model> = products::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let costs = actor.has(Permission::ProductsReadCost);
    report.columns = vec![
        col("sku", Kind::Text),
        col("product", Kind::Text),
        col("on_hand", Kind::Count),
        col("reserved", Kind::Count),
        col("shipped", Kind::Count),
        col("turnover", Kind::Percent),
    ];
    if costs {
        report.columns.push(col("value", Kind::Money));
    }
    let mut rows: Vec<(String, Vec<Cell>, i64)> = Vec::new();
    for (id, on_hand, reserved) in levels {
        let Some(p) = catalogue.get(&id) else {
            continue;
        };
        let on_hand = on_hand.unwrap_or(0);
        let out = shipped.get(&id).copied().unwrap_or(0);
        let mut row = vec![
            Cell::Text(p.sku.clone()),
            Cell::Text(p.name.clone()),
            n(on_hand),
            n(reserved.unwrap_or(0)),
            n(out),
            Cell::Number((on_hand > 0).then(|| out * 10_000 / on_hand)),
        ];
        if costs {
            row.push(n(on_hand * p.cost_price_minor));
        }
        rows.push((p.sku.clone(), row, id));
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    for (_, row, id) in rows {
        report.rows.push(row);
        report.links.push(Some(format!("/products/{id}")));
    }
    Ok(())
}

/// The aging column of an invoice due on `due`, as of `today`: not due,
/// 1–30, 31–60, 61–90 or more than 90 days overdue.
fn age_column(today: NaiveDate, due: NaiveDate) -> usize {
    match (today - due).num_days() {
        ..=0 => 0,
        1..=30 => 1,
        31..=60 => 2,
        61..=90 => 3,
        _ => 4,
    }
}

/// The five aging columns and the total owed.
type Ages = [i64; 6];

fn add_age(ages: &mut Ages, today: NaiveDate, due: NaiveDate, owed: i64) {
    ages[age_column(today, due)] += owed;
    ages[5] += owed;
}

/// What each customer owes as of `today`, by how long it is overdue; most
/// owed first. With a `limit`, the first `limit` customers (totals over all).
///
/// The database sums what is owed by customer and due date; the columns by
/// age are added up here, from the due dates. With a `limit`, three
/// queries run side by side (on the read pool's connections): the customers
/// who owe most, how many customers owe anything, and the totals by due
/// date; then the kept customers' rows are read by due date. All read the
/// partial indexes on unpaid invoices (migration 14).
pub async fn aging(
    db: &impl ConnectionTrait,
    actor: &Actor,
    report: &mut Report,
    today: NaiveDate,
    limit: Option<usize>,
) -> Result<()> {
    use invoices::Column as C;
    let owners = owners(
        db,
        actor,
        report,
        Permission::InvoicesRead,
        Permission::InvoicesReadAll,
    )
    .await?;
    let unpaid = || {
        let mut q = invoices::Entity::find()
            .select_only()
            .filter(invoice_service::unpaid_literal())
            .filter(C::Currency.eq(report.currency.clone()));
        if let Some(o) = &owners {
            q = q.filter(C::OwnerId.is_in(o.clone()));
        }
        if let Some(s) = &report.filter.segment {
            q = q.filter(C::CustomerId.in_subquery(segment_customers(s)));
        }
        q
    };
    report.columns = vec![
        col("customer", Kind::Text),
        col("not_due", Kind::Money),
        col("d0_30", Kind::Money),
        col("d31_60", Kind::Money),
        col("d61_90", Kind::Money),
        col("d90_plus", Kind::Money),
        col("owed", Kind::Money),
    ];
    let by_customer_and_due = || {
        unpaid()
            .column(C::CustomerId)
            .column(C::DueDate)
            .column_as(invoice_service::owed_sum(), "owed")
            .group_by(C::CustomerId)
            .group_by(C::DueDate)
    };
    let mut totals: Ages = [0; 6];
    let mut rows: Vec<(i64, Ages, String)> = Vec::new();
    match limit {
        Some(limit) => {
            let top = unpaid()
                .column(C::CustomerId)
                .column_as(invoice_service::owed_sum(), "owed")
                .group_by(C::CustomerId)
                .order_by_desc(invoice_service::owed_sum())
                .order_by_asc(C::CustomerId)
                .limit(limit as u64)
                .into_tuple::<(i64, Option<i64>)>()
                .all(db);
            let count = unpaid()
                .column(C::CustomerId)
                .group_by(C::CustomerId)
                .count(db);
            let by_due = unpaid()
                .column(C::DueDate)
                .column_as(invoice_service::owed_sum(), "owed")
                .group_by(C::DueDate)
                .into_tuple::<(NaiveDate, Option<i64>)>()
                .all(db);
            let (top, count, by_due) = tokio::try_join!(top, count, by_due)?;
            for (due, owed) in by_due {
                add_age(&mut totals, today, due, owed.unwrap_or(0));
            }
            report.row_count = count as usize;
            let ids: Vec<i64> = top.iter().map(|t| t.0).collect();
            let mut ages: HashMap<i64, Ages> = HashMap::new();
            let kept: Vec<(i64, NaiveDate, Option<i64>)> = by_customer_and_due()
                .filter(C::CustomerId.is_in(ids.clone()))
                .into_tuple()
                .all(db)
                .await?;
            for (id, due, owed) in kept {
                add_age(ages.entry(id).or_default(), today, due, owed.unwrap_or(0));
            }
            let names = customer_service::names(db, ids.iter().copied()).await?;
            for id in ids {
                rows.push((
                    id,
                    ages.get(&id).copied().unwrap_or_default(),
                    names.get(&id).cloned().unwrap_or_default(),
                ));
            }
        }
        None => {
            // Every customer, named in the statement (a join, not bound
            // ids: see `by_customer`).
            let stmt = by_customer_and_due()
                .column_as(
                    Expr::col((customers::Entity, customers::Column::Name)),
                    "name",
                )
                .group_by(Expr::col((customers::Entity, customers::Column::Name)))
                .into_query()
                .left_join(
                    customers::Entity,
                    Expr::col((customers::Entity, customers::Column::Id))
                        .equals((invoices::Entity, C::CustomerId)),
                )
                .to_owned();
            let backend = db.get_database_backend();
            let mut named: Vec<(i64, NaiveDate, Option<i64>, Option<String>)> = Vec::new();
            for r in db.query_all(backend.build(&stmt)).await? {
                named.push((
                    r.try_get_by_index(0)?,
                    r.try_get_by_index(1)?,
                    r.try_get_by_index(2)?,
                    r.try_get_by_index(3)?,
                ));
            }
            let mut by_id: HashMap<i64, (Ages, String)> = HashMap::new();
            for (id, due, owed, name) in named {
                let entry = by_id.entry(id).or_default();
                add_age(&mut entry.0, today, due, owed.unwrap_or(0));
                if let Some(name) = name {
                    entry.1 = name;
                }
            }
            for (id, (ages, name)) in by_id {
                for (t, v) in totals.iter_mut().zip(ages) {
                    *t += v;
                }
                rows.push((id, ages, name));
            }
            rows.sort_by(|a, b| b.1[5].cmp(&a.1[5]).then(a.0.cmp(&b.0)));
            report.row_count = rows.len();
        }
    }
    report.totals = std::iter::once(Cell::Text(String::new()))
        .chain(totals.into_iter().map(n))
        .collect();
    for (id, ages, name) in rows {
        report
            .links
            .push(Some(format!("/customers/{id}?tab=invoices")));
        report.rows.push(
            std::iter::once(Cell::Text(name))
                .chain(ages.into_iter().map(n))
                .collect(),
        );
    }
    Ok(())
}

#[derive(Default)]
struct Perf {
    opened: i64,
    resolved: i64,
    met: i64,
    with_target: i64,
    minutes: i64,
    ratings: i64,
    rating_sum: i64,
}

impl Perf {
    fn cells(&self) -> Vec<Cell> {
        vec![
            n(self.opened),
            n(self.resolved),
            Cell::Number((self.with_target > 0).then(|| self.met * 10_000 / self.with_target)),
            Cell::Number((self.resolved > 0).then(|| self.minutes / self.resolved)),
            Cell::Number((self.ratings > 0).then(|| self.rating_sum * 100 / self.ratings)),
        ]
    }
}

/// Tickets opened and resolved in the period per queue (or per agent):
/// resolved within SLA, mean time to resolve, average rating.
pub async fn tickets(
    db: &impl ConnectionTrait,
    actor: &Actor,
    report: &mut Report,
    by_agent: bool,
) -> Result<()> {
    use tickets::Column as C;
    if !(actor.has(Permission::TicketsRead) || actor.has(Permission::TicketsReadAll)) {
        return Err(Error::Forbidden);
    }
    let scope = ticket_service::scope_condition(db, actor).await?;
    let (start, end) = (
        midnight(report.filter.from),
        midnight(report.filter.to + Duration::days(1)),
    );
    type Row = (
        Option<i64>,
        Option<i64>,
        chrono::DateTime<chrono::Utc>,
        Option<chrono::DateTime<chrono::Utc>>,
        Option<i64>,
        Option<bool>,
        Option<i32>,
    );
    let rows: Vec<Row> = tickets::Entity::find()
        .select_only()
        .columns([
            C::QueueId,
            C::AssigneeId,
            C::CreatedAt,
            C::ResolvedAt,
            C::ResolutionMinutes,
            C::ResolutionMet,
            C::Rating,
        ])
        .filter(scope)
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(C::CreatedAt.gte(start))
                        .add(C::CreatedAt.lt(end)),
                )
                .add(
                    Condition::all()
                        .add(C::ResolvedAt.gte(start))
                        .add(C::ResolvedAt.lt(end)),
                ),
        )
        .into_tuple()
        .all(db)
        .await?;
    let mut groups: BTreeMap<i64, Perf> = BTreeMap::new();
    let mut all = Perf::default();
    for (queue, agent, created, resolved, minutes, met, rating) in rows {
        let key = if by_agent { agent } else { queue }.unwrap_or(0);
        for p in [groups.entry(key).or_default(), &mut all] {
            if created >= start && created < end {
                p.opened += 1;
            }
            if resolved.is_some_and(|r| r >= start && r < end) {
                p.resolved += 1;
                // Written when the ticket was resolved
                // (`tickets::resolution_minutes`), as the boards read it.
                p.minutes += minutes.unwrap_or(0);
                if let Some(met) = met {
                    p.with_target += 1;
                    p.met += i64::from(met);
                }
                if let Some(r) = rating {
                    p.ratings += 1;
                    p.rating_sum += i64::from(r);
                }
            }
        }
    }
    let names: HashMap<i64, String> = if by_agent {
        users::Entity::find()
            .filter(users::Column::Id.is_in(groups.keys().copied()))
            .all(db)
            .await?
            .into_iter()
            .map(|u| (u.id, u.name))
            .collect()
    } else {
        queues::Entity::find()
            .filter(queues::Column::Id.is_in(groups.keys().copied()))
            .all(db)
            .await?
            .into_iter()
            .map(|q| (q.id, q.name))
            .collect()
    };
    report.columns = vec![
        col(if by_agent { "agent" } else { "queue" }, Kind::Text),
        col("opened", Kind::Count),
        col("resolved", Kind::Count),
        col("within_sla", Kind::Percent),
        col("mean_resolution", Kind::Minutes),
        col("avg_rating", Kind::Rating),
    ];
    for (key, perf) in &groups {
        let mut row = vec![Cell::Text(names.get(key).cloned().unwrap_or_default())];
        row.extend(perf.cells());
        report.rows.push(row);
        report.links.push(None);
    }
    let mut totals = vec![Cell::Text(String::new())];
    totals.extend(all.cells());
    report.totals = totals;
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, NaiveDate};

    use super::age_column;

    #[test]
    fn invoices_age_by_whole_days_past_due() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 30).expect("a date");
        let ago = |days: i64| today - Duration::days(days);
        for (due, column) in [
            (today + Duration::days(5), 0),
            (today, 0),
            (ago(1), 1),
            (ago(30), 1),
            (ago(31), 2),
            (ago(60), 2),
            (ago(61), 3),
            (ago(90), 3),
            (ago(91), 4),
            (ago(900), 4),
        ] {
            assert_eq!(age_column(today, due), column, "due {due}");
        }
    }
}
