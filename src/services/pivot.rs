//! Custom analysis: a pivot table over orders, order lines, opportunities,
//! tickets or stock moves. The user picks a row and a column dimension
//! and a measure; rows are read through the source area's record scope
//! (and field permissions: margin needs `products.read_cost`), limited to
//! the filter's period, and summed. Orders (and order lines) by dimensions
//! the order (product) summary holds are read from it; everything else
//! from the rows themselves.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait,
};

use crate::{
    auth::{policy, Actor, Permission},
    entities::{
        opportunities, order_stats, pipeline_stages, product_stats, products, queues,
        sales_order_lines, sales_orders, stock_moves, tickets, warehouses,
    },
    services::{
        dashboards::{self, midnight, segment_customers, FilterInput, Grain, BOOKED},
        scope::records,
        tickets as ticket_service,
    },
    Error, Result,
};

/// Sources and, for each, its dimensions and measures.
pub const SOURCES: &[(&str, &[&str], &[&str])] = &[
    (
        "orders",
        &[
            "customer",
            "segment",
            "owner",
            "warehouse",
            "state",
            "day",
            "week",
            "month",
        ],
        &["count", "revenue", "total"],
    ),
    (
        "order_lines",
        &[
            "product",
            "category",
            "customer",
            "owner",
            "warehouse",
            "month",
        ],
        &["quantity", "revenue", "margin"],
    ),
    (
        "opportunities",
        &["stage", "owner", "customer", "segment", "month"],
        &["count", "amount", "weighted"],
    ),
    (
        "tickets",
        &[
            "queue", "assignee", "kind", "priority", "status", "channel", "segment", "week",
            "month",
        ],
        &["count"],
    ),
    (
        "stock_moves",
        &["product", "category", "warehouse", "kind", "week", "month"],
        &["quantity", "count"],
    ),
];

/// Most row (or column) labels kept; the rest are summed into "others".
pub const MAX_LABELS: usize = 200;

/// What to analyse.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    /// A source of [`SOURCES`].
    pub source: String,
    /// Row dimension.
    pub rows: String,
    /// Column dimension (empty: one column).
    pub columns: String,
    /// Measure.
    pub measure: String,
    /// Period, warehouse, owner, team, segment.
    pub filter: FilterInput,
}

/// The result.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pivot {
    /// Row labels, largest total first.
    pub rows: Vec<String>,
    /// Column labels (sorted; dates in order).
    pub columns: Vec<String>,
    /// cells[r][c].
    pub cells: Vec<Vec<i64>>,
    /// Per row.
    pub row_totals: Vec<i64>,
    /// Per column.
    pub column_totals: Vec<i64>,
    /// Everything.
    pub total: i64,
    /// Whether the measure is money (minor units).
    pub money: bool,
}

/// One fact: (row key, column key, value).
type Fact = (String, String, i64);

/// An order as the pivot reads it: customer, created, state, warehouse,
/// owner, net, total.
type OrderRow = (i64, DateTime<Utc>, String, i64, Option<i64>, i64, i64);

fn check(
    q: &Query,
) -> Result<&'static (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
)> {
    let mut errors = crate::FieldErrors::new();
    let source = SOURCES.iter().find(|s| s.0 == q.source);
    match source {
        None => {
            errors.insert("source".into(), crate::messages::CHOICE_INVALID.into());
        }
        Some((_, dims, measures)) => {
            if !dims.contains(&q.rows.as_str()) {
                errors.insert("rows".into(), crate::messages::CHOICE_INVALID.into());
            }
            if !q.columns.is_empty() && !dims.contains(&q.columns.as_str()) {
                errors.insert("columns".into(), crate::messages::CHOICE_INVALID.into());
            }
            if !measures.contains(&q.measure.as_str()) {
                errors.insert("measure".into(), crate::messages::CHOICE_INVALID.into());
            }
        }
    }
    match source {
        Some(s) if errors.is_empty() => Ok(s),
        _ => Err(Error::Validation(errors)),
    }
}

fn bucket(dim: &str, at: NaiveDate) -> Option<String> {
    Grain::parse(dim).map(|g| g.start(at).to_string())
}

/// Runs `query` for `actor` at `now`. Needs `reports.view` and read
/// access to the source's area.
pub async fn run(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
    query: &Query,
    now: DateTime<Utc>,
) -> Result<Pivot> {
    let actor = policy::require(actor, Permission::ReportsView)?;
    check(query)?;
    if query.measure == "margin" && !actor.has(Permission::ProductsReadCost) {
        return Err(Error::Forbidden);
    }
    let filter = dashboards::resolve(&query.filter, now.date_naive())?;
    let currency = dashboards::currency(db).await?;
    let facts = match query.source.as_str() {
        "orders" => orders(db, actor, query, &filter, &currency).await?,
        "order_lines" => lines(db, actor, query, &filter, &currency).await?,
        "opportunities" => opportunities_facts(db, actor, query, &filter, &currency).await?,
        "tickets" => tickets_facts(db, actor, query, &filter).await?,
        _ => moves(db, actor, query, &filter).await?,
    };
    let money = matches!(
        query.measure.as_str(),
        "revenue" | "total" | "amount" | "weighted" | "margin"
    );
    // Facts carry ids; only the rows and columns kept are named (a month
    // of orders by customer names some 25,000 customers otherwise), and
    // two customers of one name stay two rows.
    let mut pivot = assemble(facts, money, &query.columns);
    pivot.rows = label(db, actor, &query.rows, pivot.rows).await?;
    pivot.columns = label(db, actor, &query.columns, pivot.columns).await?;
    Ok(pivot)
}

/// Sums facts into the table, largest rows first, at most [`MAX_LABELS`].
fn assemble(facts: Vec<Fact>, money: bool, columns_dim: &str) -> Pivot {
    let mut cells: HashMap<(String, String), i64> = HashMap::new();
    let mut row_totals: HashMap<String, i64> = HashMap::new();
    let mut column_totals: BTreeMap<String, i64> = BTreeMap::new();
    let mut total = 0;
    for (r, c, v) in facts {
        *cells.entry((r.clone(), c.clone())).or_default() += v;
        *row_totals.entry(r).or_default() += v;
        *column_totals.entry(c).or_default() += v;
        total += v;
    }
    let mut rows: Vec<(String, i64)> = row_totals.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut columns: Vec<(String, i64)> = column_totals.into_iter().collect();
    if Grain::parse(columns_dim).is_none() {
        columns.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    }
    columns.truncate(MAX_LABELS);
    rows.truncate(MAX_LABELS);
    Pivot {
        cells: rows
            .iter()
            .map(|(r, _)| {
                columns
                    .iter()
                    .map(|(c, _)| cells.get(&(r.clone(), c.clone())).copied().unwrap_or(0))
                    .collect()
            })
            .collect(),
        row_totals: rows.iter().map(|r| r.1).collect(),
        column_totals: columns.iter().map(|c| c.1).collect(),
        rows: rows.into_iter().map(|r| r.0).collect(),
        columns: columns.into_iter().map(|c| c.0).collect(),
        total,
        money,
    }
}

/// Names by id of one kind of record.
async fn names(
    db: &impl ConnectionTrait,
    what: &str,
    ids: Vec<i64>,
) -> Result<HashMap<i64, String>> {
    use super::lookup::text_by_id;
    match what {
        "customer" => crate::services::customers::names(db, ids).await,
        "owner" | "assignee" => crate::services::users::names(db, ids).await,
        "warehouse" => {
            text_by_id::<warehouses::Entity>(
                db,
                ids,
                warehouses::Column::Id,
                warehouses::Column::Code,
            )
            .await
        }
        "product" => {
            text_by_id::<products::Entity>(db, ids, products::Column::Id, products::Column::Sku)
                .await
        }
        "stage" => {
            text_by_id::<pipeline_stages::Entity>(
                db,
                ids,
                pipeline_stages::Column::Id,
                pipeline_stages::Column::Name,
            )
            .await
        }
        "queue" => {
            text_by_id::<queues::Entity>(db, ids, queues::Column::Id, queues::Column::Name).await
        }
        _ => Ok(HashMap::new()),
    }
}

/// Turns per-record dimension values into labels: ids become names. A
/// customer or product the actor may not open (a customer since moved to
/// another salesperson) keeps its row or column, with its figures, under
/// [`records::WITHHELD`] instead of its name ([`records::withhold`]).
async fn label(
    db: &impl ConnectionTrait,
    actor: &Actor,
    dim: &str,
    raw: Vec<String>,
) -> Result<Vec<String>> {
    if !matches!(
        dim,
        "customer" | "owner" | "assignee" | "warehouse" | "product" | "stage" | "queue"
    ) {
        return Ok(raw);
    }
    let ids: Vec<i64> = raw.iter().filter_map(|v| v.parse().ok()).collect();
    let names = names(db, dim, ids).await?;
    let mut labels: Vec<(Option<i64>, String)> = raw
        .into_iter()
        .map(|v| {
            let id = v.parse::<i64>().ok();
            let name = id.and_then(|id| names.get(&id).cloned());
            (id, name.unwrap_or_default())
        })
        .collect();
    let kind = match dim {
        "customer" => Some(records::Kind::Customer),
        "product" => Some(records::Kind::Product),
        _ => None,
    };
    if let Some(kind) = kind {
        records::withhold(
            db,
            actor,
            &mut labels[..],
            |(id, _)| id.map(|id| records::Record { kind, id }),
            |(_, name)| *name = records::WITHHELD.to_owned(),
        )
        .await?;
    }
    Ok(labels.into_iter().map(|(_, name)| name).collect())
}

/// Orders: from the summary when every dimension is one it keeps.
async fn orders(
    db: &impl ConnectionTrait,
    actor: &Actor,
    q: &Query,
    f: &dashboards::Filter,
    currency: &str,
) -> Result<Vec<Fact>> {
    let scope = policy::scope(
        Some(actor),
        Permission::OrdersRead,
        Permission::OrdersReadAll,
    )?;
    let owners = dashboards::owners(db, scope, f).await?;
    let summary_dims = [
        "segment",
        "owner",
        "warehouse",
        "state",
        "day",
        "week",
        "month",
        "",
    ];
    if summary_dims.contains(&q.rows.as_str()) && summary_dims.contains(&q.columns.as_str()) {
        use order_stats::Column as C;
        let mut cond = Condition::all()
            .add(C::Day.gte(f.from))
            .add(C::Day.lte(f.to))
            .add(C::Currency.eq(currency));
        if q.measure != "count" || !(q.rows == "state" || q.columns == "state") {
            cond = cond.add(C::State.is_in(BOOKED.map(|s| s.as_str())));
        }
        if let Some(w) = f.warehouse_id {
            cond = cond.add(C::WarehouseId.eq(w));
        }
        if let Some(o) = &owners {
            cond = cond.add(C::OwnerId.is_in(o.clone()));
        }
        if let Some(s) = &f.segment {
            cond = cond.add(C::Segment.eq(s.clone()));
        }
        let rows = order_stats::Entity::find().filter(cond).all(db).await?;
        let pick = |dim: &str, r: &order_stats::Model| -> String {
            match dim {
                "segment" => r.segment.clone(),
                "owner" => r.owner_id.to_string(),
                "warehouse" => r.warehouse_id.to_string(),
                "state" => r.state.clone(),
                "" => String::new(),
                other => bucket(other, r.day).unwrap_or_default(),
            }
        };
        let raw = rows
            .iter()
            .map(|r| {
                let v = match q.measure.as_str() {
                    "count" => r.orders,
                    "total" => r.total_minor,
                    _ => r.net_minor,
                };
                (pick(&q.rows, r), pick(&q.columns, r), v)
            })
            .collect();
        return Ok(raw);
    }
    // By customer: from the orders of the period.
    let slice = dashboards::Slice {
        from: f.from,
        to: f.to,
        currency: currency.to_owned(),
        warehouse_id: f.warehouse_id,
        owners,
        segment: f.segment.clone(),
    };
    use sales_orders::Column as C;
    let rows: Vec<OrderRow> = sales_orders::Entity::find()
        .select_only()
        .columns([
            C::CustomerId,
            C::CreatedAt,
            C::State,
            C::WarehouseId,
            C::OwnerId,
            C::SubtotalMinor,
            C::TotalMinor,
        ])
        .filter(slice.orders())
        .into_tuple()
        .all(db)
        .await?;
    let segments: HashMap<i64, String> = if q.rows == "segment" || q.columns == "segment" {
        crate::services::customers::segments(db, rows.iter().map(|r| r.0)).await?
    } else {
        HashMap::new()
    };
    let pick = |dim: &str, r: &OrderRow| -> String {
        match dim {
            "customer" => r.0.to_string(),
            "segment" => segments.get(&r.0).cloned().unwrap_or_default(),
            "owner" => r.4.unwrap_or(0).to_string(),
            "warehouse" => r.3.to_string(),
            "state" => r.2.clone(),
            "" => String::new(),
            other => bucket(other, r.1.date_naive()).unwrap_or_default(),
        }
    };
    let raw = rows
        .iter()
        .map(|r| {
            let v = match q.measure.as_str() {
                "count" => 1,
                "total" => r.6,
                _ => r.5,
            };
            (pick(&q.rows, r), pick(&q.columns, r), v)
        })
        .collect();
    Ok(raw)
}

/// Order lines of the period's booked orders.
async fn lines(
    db: &impl ConnectionTrait,
    actor: &Actor,
    q: &Query,
    f: &dashboards::Filter,
    currency: &str,
) -> Result<Vec<Fact>> {
    let scope = policy::scope(
        Some(actor),
        Permission::OrdersRead,
        Permission::OrdersReadAll,
    )?;
    let slice = dashboards::Slice {
        from: f.from,
        to: f.to,
        currency: currency.to_owned(),
        warehouse_id: f.warehouse_id,
        owners: dashboards::owners(db, scope, f).await?,
        segment: f.segment.clone(),
    };
    let catalogue: HashMap<i64, (String, i64)> = products::Entity::find()
        .select_only()
        .columns([
            products::Column::Id,
            products::Column::Category,
            products::Column::CostPriceMinor,
        ])
        .into_tuple::<(i64, String, i64)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, cat, cost)| (id, (cat, cost)))
        .collect();
    // Margin at today's cost price (no cost history is kept).
    let value = |product: i64, quantity: i64, net: i64| match q.measure.as_str() {
        "quantity" => quantity,
        "margin" => net - quantity * catalogue.get(&product).map_or(0, |c| c.1),
        _ => net,
    };
    let summary_dims = ["product", "category", "warehouse", "month", ""];
    if let Some(cond) = slice
        .product_stats()
        .filter(|_| summary_dims.contains(&q.rows.as_str()))
        .filter(|_| summary_dims.contains(&q.columns.as_str()))
    {
        // Lines by product, warehouse and day from the product summary.
        use product_stats::Column as P;
        let rows: Vec<(i64, i64, NaiveDate, i64, i64)> = product_stats::Entity::find()
            .select_only()
            .columns([
                P::ProductId,
                P::WarehouseId,
                P::Day,
                P::Quantity,
                P::NetMinor,
            ])
            .filter(cond)
            .into_tuple()
            .all(db)
            .await?;
        let pick = |dim: &str, r: &(i64, i64, NaiveDate, i64, i64)| -> String {
            match dim {
                "product" => r.0.to_string(),
                "category" => catalogue.get(&r.0).map(|c| c.0.clone()).unwrap_or_default(),
                "warehouse" => r.1.to_string(),
                "" => String::new(),
                other => bucket(other, r.2).unwrap_or_default(),
            }
        };
        let raw = rows
            .iter()
            .map(|r| (pick(&q.rows, r), pick(&q.columns, r), value(r.0, r.3, r.4)))
            .collect();
        return Ok(raw);
    }
    let orders: HashMap<i64, (i64, Option<i64>, i64, DateTime<Utc>)> = sales_orders::Entity::find()
        .select_only()
        .columns([
            sales_orders::Column::Id,
            sales_orders::Column::CustomerId,
            sales_orders::Column::OwnerId,
            sales_orders::Column::WarehouseId,
            sales_orders::Column::CreatedAt,
        ])
        .filter(slice.orders())
        .into_tuple::<(i64, i64, Option<i64>, i64, DateTime<Utc>)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, c, o, w, at)| (id, (c, o, w, at)))
        .collect();
    // The lines of the same orders, in one query.
    let rows: Vec<(i64, i64, i64, i64)> = sales_order_lines::Entity::find()
        .select_only()
        .columns([
            sales_order_lines::Column::OrderId,
            sales_order_lines::Column::ProductId,
            sales_order_lines::Column::Quantity,
            sales_order_lines::Column::NetMinor,
        ])
        .filter(
            sales_order_lines::Column::OrderId.in_subquery(
                sales_orders::Entity::find()
                    .select_only()
                    .column(sales_orders::Column::Id)
                    .filter(slice.orders())
                    .into_query(),
            ),
        )
        .into_tuple()
        .all(db)
        .await?;
    let pick = |dim: &str, l: &(i64, i64, i64, i64)| -> String {
        let o = orders.get(&l.0);
        match dim {
            "product" => l.1.to_string(),
            "category" => catalogue.get(&l.1).map(|c| c.0.clone()).unwrap_or_default(),
            "customer" => o.map(|o| o.0.to_string()).unwrap_or_default(),
            "owner" => o.and_then(|o| o.1).unwrap_or(0).to_string(),
            "warehouse" => o.map(|o| o.2.to_string()).unwrap_or_default(),
            "" => String::new(),
            other => o
                .and_then(|o| bucket(other, o.3.date_naive()))
                .unwrap_or_default(),
        }
    };
    let raw = rows
        .iter()
        .map(|l| (pick(&q.rows, l), pick(&q.columns, l), value(l.1, l.2, l.3)))
        .collect();
    Ok(raw)
}

/// Opportunities expected to close in the period.
async fn opportunities_facts(
    db: &impl ConnectionTrait,
    actor: &Actor,
    q: &Query,
    f: &dashboards::Filter,
    currency: &str,
) -> Result<Vec<Fact>> {
    use opportunities::Column as C;
    let scope = policy::scope(
        Some(actor),
        Permission::OpportunitiesRead,
        Permission::OpportunitiesReadAll,
    )?;
    let owners = dashboards::owners(db, scope, f).await?;
    let mut find = opportunities::Entity::find()
        .select_only()
        .columns([
            C::StageId,
            C::OwnerId,
            C::CustomerId,
            C::ExpectedClose,
            C::AmountMinor,
            C::Probability,
        ])
        .filter(C::ExpectedClose.gte(f.from))
        .filter(C::ExpectedClose.lte(f.to))
        .filter(C::Currency.eq(currency));
    if let Some(o) = owners {
        find = find.filter(C::OwnerId.is_in(o));
    }
    if let Some(s) = &f.segment {
        find = find.filter(C::CustomerId.in_subquery(segment_customers(s)));
    }
    let rows: Vec<(i64, Option<i64>, i64, NaiveDate, i64, i32)> = find.into_tuple().all(db).await?;
    let segments: HashMap<i64, String> =
        crate::services::customers::segments(db, rows.iter().map(|r| r.2)).await?;
    let pick = |dim: &str, r: &(i64, Option<i64>, i64, NaiveDate, i64, i32)| -> String {
        match dim {
            "stage" => r.0.to_string(),
            "owner" => r.1.unwrap_or(0).to_string(),
            "customer" => r.2.to_string(),
            "segment" => segments.get(&r.2).cloned().unwrap_or_default(),
            "" => String::new(),
            other => bucket(other, r.3).unwrap_or_default(),
        }
    };
    let raw = rows
        .iter()
        .map(|r| {
            let v = match q.measure.as_str() {
                "count" => 1,
                // Per deal, rounded half up, so the total is the sum of the cells.
                "weighted" => (r.4 * i64::from(r.5) + 50).div_euclid(100),
                _ => r.4,
            };
            (pick(&q.rows, r), pick(&q.columns, r), v)
        })
        .collect();
    Ok(raw)
}

/// Tickets opened in the period.
async fn tickets_facts(
    db: &impl ConnectionTrait,
    actor: &Actor,
    q: &Query,
    f: &dashboards::Filter,
) -> Result<Vec<Fact>> {
    use tickets::Column as C;
    if !(actor.has(Permission::TicketsRead) || actor.has(Permission::TicketsReadAll)) {
        return Err(Error::Forbidden);
    }
    let scope = ticket_service::scope_condition(db, actor).await?;
    let mut find = tickets::Entity::find()
        .select_only()
        .columns([
            C::QueueId,
            C::AssigneeId,
            C::Kind,
            C::Priority,
            C::Status,
            C::Channel,
            C::CustomerId,
            C::CreatedAt,
        ])
        .filter(scope)
        .filter(C::CreatedAt.gte(midnight(f.from)))
        .filter(C::CreatedAt.lt(midnight(f.to + Duration::days(1))));
    if let Some(s) = &f.segment {
        find = find.filter(C::CustomerId.in_subquery(segment_customers(s)));
    }
    type Row = (
        Option<i64>,
        Option<i64>,
        String,
        String,
        String,
        String,
        i64,
        DateTime<Utc>,
    );
    let rows: Vec<Row> = find.into_tuple().all(db).await?;
    let segments: HashMap<i64, String> = if q.rows == "segment" || q.columns == "segment" {
        crate::services::customers::segments(db, rows.iter().map(|r| r.6)).await?
    } else {
        HashMap::new()
    };
    let pick = |dim: &str, r: &Row| -> String {
        match dim {
            "queue" => r.0.unwrap_or(0).to_string(),
            "assignee" => r.1.unwrap_or(0).to_string(),
            "kind" => r.2.clone(),
            "priority" => r.3.clone(),
            "status" => r.4.clone(),
            "channel" => r.5.clone(),
            "segment" => segments.get(&r.6).cloned().unwrap_or_default(),
            "" => String::new(),
            other => bucket(other, r.7.date_naive()).unwrap_or_default(),
        }
    };
    let raw = rows
        .iter()
        .map(|r| (pick(&q.rows, r), pick(&q.columns, r), 1))
        .collect();
    Ok(raw)
}

/// Stock moves of the period (of the filter's warehouse).
async fn moves(
    db: &impl ConnectionTrait,
    actor: &Actor,
    q: &Query,
    f: &dashboards::Filter,
) -> Result<Vec<Fact>> {
    use stock_moves::Column as C;
    policy::require(Some(actor), Permission::StockRead)?;
    let mut find = stock_moves::Entity::find()
        .select_only()
        .columns([
            C::ProductId,
            C::WarehouseId,
            C::Kind,
            C::Quantity,
            C::CreatedAt,
        ])
        .filter(C::CreatedAt.gte(midnight(f.from)))
        .filter(C::CreatedAt.lt(midnight(f.to + Duration::days(1))));
    if let Some(w) = f.warehouse_id {
        find = find.filter(C::WarehouseId.eq(w));
    }
    type Row = (i64, i64, String, i64, DateTime<Utc>);
    let rows: Vec<Row> = find.into_tuple().all(db).await?;
    let categories: HashMap<i64, String> = products::Entity::find()
        .select_only()
        .columns([products::Column::Id, products::Column::Category])
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let pick = |dim: &str, r: &Row| -> String {
        match dim {
            "product" => r.0.to_string(),
            "category" => categories.get(&r.0).cloned().unwrap_or_default(),
            "warehouse" => r.1.to_string(),
            "kind" => r.2.clone(),
            "" => String::new(),
            other => bucket(other, r.4.date_naive()).unwrap_or_default(),
        }
    };
    let raw = rows
        .iter()
        .map(|r| {
            (
                pick(&q.rows, r),
                pick(&q.columns, r),
                if q.measure == "count" { 1 } else { r.3 },
            )
        })
        .collect();
    Ok(raw)
}

/// A query from its saved form (`source=orders&rows=owner&columns=month&measure=revenue&period=year…`).
pub fn parse(definition: &str) -> Query {
    let mut q = Query::default();
    let mut rest = Vec::new();
    for (k, v) in url::form_urlencoded::parse(definition.trim_start_matches('?').as_bytes()) {
        match k.as_ref() {
            "source" => q.source = v.into_owned(),
            "rows" => q.rows = v.into_owned(),
            "columns" => q.columns = v.into_owned(),
            "measure" => q.measure = v.into_owned(),
            _ => rest.push(format!("{}={}", k, v)),
        }
    }
    q.filter = crate::services::report_runs::parse_filter(&rest.join("&")).0;
    q
}

/// Saves an analysis under `name` for the actor (shared with every user
/// who may run reports when `shared`).
pub async fn save(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
    name: &str,
    definition: &str,
    shared: bool,
    now: DateTime<Utc>,
) -> Result<i64> {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let actor = policy::require(actor, Permission::ReportsView)?;
    let name = name.trim();
    let mut errors = crate::FieldErrors::new();
    if name.is_empty() {
        errors.insert("name".into(), crate::messages::NAME_REQUIRED.into());
    } else if name.chars().count() > 100 {
        errors.insert("name".into(), crate::messages::MAX_100.into());
    }
    if definition.chars().count() > 1000 {
        errors.insert("definition".into(), crate::messages::MAX_1000.into());
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let query = parse(definition);
    check(&query)?;
    dashboards::resolve(&query.filter, now.date_naive())?;
    let row = crate::entities::saved_analyses::ActiveModel {
        owner_id: Set(actor.user_id),
        name: Set(name.to_owned()),
        definition: Set(definition.trim_start_matches('?').to_owned()),
        shared: Set(shared),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

/// The analyses the actor may open: their own and the shared ones, by name.
pub async fn saved(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
) -> Result<Vec<crate::entities::saved_analyses::Model>> {
    use crate::entities::saved_analyses::{Column as C, Entity};
    use sea_orm::QueryOrder;
    let actor = policy::require(actor, Permission::ReportsView)?;
    Ok(Entity::find()
        .filter(
            Condition::any()
                .add(C::OwnerId.eq(actor.user_id))
                .add(C::Shared.eq(true)),
        )
        .order_by_asc(C::Name)
        .order_by_asc(C::Id)
        .all(db)
        .await?)
}

/// Deletes one of the actor's own analyses.
pub async fn delete(db: &impl ConnectionTrait, actor: Option<&Actor>, id: i64) -> Result<()> {
    use crate::entities::saved_analyses::{Column as C, Entity};
    let actor = policy::require(actor, Permission::ReportsView)?;
    let done = Entity::delete_many()
        .filter(C::Id.eq(id))
        .filter(C::OwnerId.eq(actor.user_id))
        .exec(db)
        .await?;
    if done.rows_affected == 0 {
        return Err(Error::NotFound);
    }
    Ok(())
}

/// The table as CSV: `row_header` over the row labels, the column labels,
/// a total column and a totals row labelled `total_label`.
pub fn to_csv(p: &Pivot, row_header: &str, total_label: &str) -> Result<Vec<u8>> {
    use crate::services::reports::{csv_of, Cell, Kind};
    let kind = if p.money { Kind::Money } else { Kind::Count };
    let mut columns: Vec<(&str, Kind)> = vec![(row_header, Kind::Text)];
    columns.extend(p.columns.iter().map(|c| (c.as_str(), kind)));
    columns.push((total_label, kind));
    let rows: Vec<Vec<Cell>> = p
        .rows
        .iter()
        .zip(&p.cells)
        .zip(&p.row_totals)
        .map(|((label, cells), total)| {
            let mut row = vec![Cell::Text(label.clone())];
            row.extend(cells.iter().map(|v| Cell::Number(Some(*v))));
            row.push(Cell::Number(Some(*total)));
            row
        })
        .collect();
    let mut totals = vec![Cell::Text(String::new())];
    totals.extend(p.column_totals.iter().map(|v| Cell::Number(Some(*v))));
    totals.push(Cell::Number(Some(p.total)));
    csv_of(&columns, &rows, &totals, &[], total_label)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_sum_into_rows_columns_and_totals() {
        let facts = vec![
            ("a".to_owned(), "x".to_owned(), 5),
            ("b".to_owned(), "x".to_owned(), 7),
            ("a".to_owned(), "y".to_owned(), 4),
            ("a".to_owned(), "x".to_owned(), 1),
        ];
        let p = assemble(facts, false, "kind");
        assert_eq!(p.rows, vec!["a".to_owned(), "b".to_owned()]);
        assert_eq!(p.columns, vec!["x".to_owned(), "y".to_owned()]);
        assert_eq!(p.cells, vec![vec![6, 4], vec![7, 0]]);
        assert_eq!(
            (p.row_totals.clone(), p.column_totals.clone(), p.total),
            (vec![10, 7], vec![13, 4], 17)
        );
    }
}
