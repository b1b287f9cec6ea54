//! The four boards, assembled from the figures. A section whose area the
//! actor cannot read is left out rather than refused, so a custom role
//! sees the parts of a board it is entitled to.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};

use super::{
    currency, figures, owners,
    sales::{self, Slice},
    Board, Chart, ChartKind, Filter, Kind, Labels, Point, Ranking, Tile, Unit,
};
use crate::{
    access::{policy, Actor, Permission, Scope},
    entities::{activities, invoices, opportunities, sales_orders, tickets},
    Result,
    {access::scope::records, sales::orders::OrderState, service::tickets as ticket_service},
};

/// `path?k=v&…` with the present values, URL-encoded.
fn link(path: &str, pairs: &[(&str, Option<String>)]) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        if let Some(v) = v {
            query.append_pair(k, v);
        }
    }
    let query = query.finish();
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}

/// The order list filtered like the figures.
fn orders_link(filter: &Filter, state: &str) -> String {
    link(
        "/orders",
        &[
            ("state", Some(state.to_owned())),
            ("from", Some(filter.from.to_string())),
            ("to", Some(filter.to.to_string())),
            ("warehouse", filter.warehouse_id.map(|w| w.to_string())),
            ("owner", filter.owner_id.map(|o| o.to_string())),
            ("team", filter.team_id.map(|t| t.to_string())),
            ("segment", filter.segment.clone()),
        ],
    )
}

fn scope(actor: &Actor, read: Permission, read_all: Permission) -> Option<Scope> {
    policy::scope(actor, read, read_all).ok()
}

/// Rows owned by one of `owners` (all when `None`), of `segment`'s customers.
fn owned_by<C: ColumnTrait>(
    owners: &Option<Vec<i64>>,
    owner: C,
    customer: C,
    segment: &Option<String>,
) -> Condition {
    let mut c = Condition::all();
    if let Some(owners) = owners {
        c = c.add(owner.is_in(owners.clone()));
    }
    if let Some(s) = segment {
        c = c.add(customer.in_subquery(sales::segment_customers(s)));
    }
    c
}

fn empty(kind: Kind, filter: Filter, currency: String) -> Board {
    Board {
        kind,
        previous: filter.previous(),
        filter,
        currency,
        tiles: Vec::new(),
        charts: Vec::new(),
        rankings: Vec::new(),
    }
}

fn tile(key: &'static str, unit: Unit, value: i64, link: String) -> Tile {
    Tile {
        key,
        unit,
        value: Some(value),
        previous: None,
        link,
    }
}

/// Revenue, its series, orders by state and the top lists.
async fn sales_section(db: &impl ConnectionTrait, board: &mut Board, slice: &Slice) -> Result<()> {
    let filter = board.filter.clone();
    let (pf, pt) = board.previous;
    // Independent queries, side by side (each on its own pooled connection).
    let before = slice.over(pf, pt);
    let (current, previous, by_day, states, customers, products) = tokio::try_join!(
        sales::revenue(db, slice),
        sales::revenue(db, &before),
        sales::revenue_by_day(db, slice),
        sales::by_state(db, slice),
        sales::top_customers(db, slice, 5),
        sales::top_products(db, slice, 5),
    )?;
    let mut revenue = tile(
        "revenue",
        Unit::Money,
        current,
        orders_link(&filter, "booked"),
    );
    revenue.previous = Some(previous);
    board.tiles.push(revenue);
    let grain = filter.grain();
    let buckets = grain.buckets(filter.from, filter.to);
    let mut points: Vec<Point> = buckets
        .iter()
        .map(|b| Point {
            label: b.to_string(),
            value: 0,
            extra: None,
            link: None,
        })
        .collect();
    for (day, net) in by_day {
        let start = grain.start(day).to_string();
        if let Some(p) = points.iter_mut().find(|p| p.label == start) {
            p.value += net;
        }
    }
    board.charts.push(Chart {
        key: "revenue",
        kind: ChartKind::Series,
        unit: Unit::Money,
        labels: Labels::Date,
        grain: Some(grain),
        points,
    });
    board.charts.push(Chart {
        key: "orders_by_state",
        kind: ChartKind::Bars,
        unit: Unit::Count,
        labels: Labels::OrderState,
        grain: None,
        points: states
            .iter()
            .map(|(state, n, _)| Point {
                label: state.clone(),
                value: *n,
                extra: None,
                link: Some(orders_link(&filter, state)),
            })
            .collect(),
    });
    let booked: i64 = states
        .iter()
        .filter(|(s, _, _)| sales::is_booked(s))
        .map(|(_, n, _)| n)
        .sum();
    board.tiles.push(tile(
        "orders_booked",
        Unit::Count,
        booked,
        orders_link(&filter, "booked"),
    ));
    board.rankings.push(Ranking {
        key: "top_customers",
        rows: customers
            .into_iter()
            .map(|r| {
                let to = format!("/customers/{}", r.id);
                (r, to)
            })
            .collect(),
    });
    board.rankings.push(Ranking {
        key: "top_products",
        rows: products
            .into_iter()
            .map(|r| {
                let to = format!("/products/{}", r.id);
                (r, to)
            })
            .collect(),
    });
    Ok(())
}

/// The open pipeline as a funnel and the weighted forecast of the period.
async fn pipeline_section(
    db: &impl ConnectionTrait,
    board: &mut Board,
    cond: Condition,
    whose: &str,
) -> Result<()> {
    let stages = figures::pipeline(db, cond.clone(), &board.currency).await?;
    let forecast = figures::forecast(
        db,
        cond,
        &board.currency,
        board.filter.from,
        board.filter.to,
    )
    .await?;
    board.tiles.push(tile(
        "forecast",
        Unit::Money,
        forecast,
        link(
            "/opportunities/forecast",
            &[("whose", Some(whose.to_owned()))],
        ),
    ));
    board.charts.push(Chart {
        key: "pipeline",
        kind: ChartKind::Funnel,
        unit: Unit::Money,
        labels: Labels::Text,
        grain: None,
        points: stages
            .into_iter()
            .map(|s| Point {
                label: format!("{} ({})", s.name, s.count),
                value: s.amount_minor,
                extra: Some(s.weighted_minor),
                link: Some(link(
                    "/opportunities/list",
                    &[
                        ("stage", Some(s.id.to_string())),
                        ("whose", Some(whose.to_owned())),
                    ],
                )),
            })
            .collect(),
    });
    Ok(())
}

/// Tickets opened and resolved, SLA compliance, mean resolution time.
async fn service_section(
    db: &impl ConnectionTrait,
    board: &mut Board,
    cond: Condition,
) -> Result<()> {
    let f = figures::tickets(db, cond, board.filter.from, board.filter.to).await?;
    board.tiles.push(tile(
        "tickets_opened",
        Unit::Count,
        f.opened,
        "/tickets?view=all".into(),
    ));
    board.tiles.push(tile(
        "tickets_resolved",
        Unit::Count,
        f.resolved,
        "/tickets?view=all&status=resolved".into(),
    ));
    board.tiles.push(Tile {
        key: "sla_compliance",
        unit: Unit::Percent,
        value: (f.with_target > 0).then(|| f.met * 10_000 / f.with_target),
        previous: None,
        link: "/tickets?view=all&status=resolved".into(),
    });
    board.tiles.push(Tile {
        key: "mean_resolution",
        unit: Unit::Minutes,
        value: (f.resolved > 0).then(|| f.resolution_minutes / f.resolved),
        previous: None,
        link: "/tickets?view=all&status=resolved".into(),
    });
    Ok(())
}

/// The stock value tile (for those who may see cost prices) and the
/// low-stock tile, for a reader of stock.
async fn stock_tiles(
    db: &impl ConnectionTrait,
    actor: &Actor,
    warehouse: Option<i64>,
) -> Result<(Option<Tile>, Tile)> {
    let value = if actor.has(Permission::ProductsReadCost) {
        let value = figures::stock_value(db, warehouse).await?;
        Some(tile(
            "stock_value",
            Unit::Money,
            value,
            "/warehouses".into(),
        ))
    } else {
        None
    };
    let low = figures::low_stock(db, warehouse).await?;
    Ok((
        value,
        tile("low_stock", Unit::Count, low, "/replenishment".into()),
    ))
}

/// The manager's board. Its sections run side by side, each into a part
/// of its own, joined in order.
pub async fn manager(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: Filter,
    _now: DateTime<Utc>,
) -> Result<Board> {
    let currency = currency(db).await?;
    let part = || empty(Kind::Manager, filter.clone(), currency.clone());
    let sales = async {
        let mut board = part();
        if let Some(s) = scope(actor, Permission::OrdersRead, Permission::OrdersReadAll) {
            let slice = Slice {
                from: filter.from,
                to: filter.to,
                currency: currency.clone(),
                warehouse_id: filter.warehouse_id,
                owners: owners(db, s, &filter).await?,
                segment: filter.segment.clone(),
            };
            sales_section(db, &mut board, &slice).await?;
        }
        Ok::<_, crate::Error>(board)
    };
    let pipeline = async {
        let mut board = part();
        if let Some(s) = scope(
            actor,
            Permission::OpportunitiesRead,
            Permission::OpportunitiesReadAll,
        ) {
            use opportunities::Column as C;
            let cond = owned_by(
                &owners(db, s, &filter).await?,
                C::OwnerId,
                C::CustomerId,
                &filter.segment,
            );
            pipeline_section(
                db,
                &mut board,
                cond,
                if s == Scope::All { "all" } else { "mine" },
            )
            .await?;
        }
        Ok(board)
    };
    let stock = async {
        let mut board = part();
        if actor.has(Permission::StockRead) {
            let (value, low) = stock_tiles(db, actor, filter.warehouse_id).await?;
            board.tiles.extend(value);
            board.tiles.push(low);
        }
        Ok(board)
    };
    let service = async {
        let mut board = part();
        if actor.has(Permission::TicketsRead) || actor.has(Permission::TicketsReadAll) {
            let cond = ticket_service::scope_condition(db, actor).await?;
            service_section(db, &mut board, cond).await?;
        }
        Ok(board)
    };
    let receivables = async {
        let mut board = part();
        if let Some(s) = scope(actor, Permission::InvoicesRead, Permission::InvoicesReadAll) {
            use invoices::Column as C;
            let cond = owned_by(
                &owners(db, s, &filter).await?,
                C::OwnerId,
                C::CustomerId,
                &filter.segment,
            );
            let (n, owed) = figures::overdue(db, cond, &board.currency).await?;
            board.tiles.push(tile(
                "overdue_amount",
                Unit::Money,
                owed,
                "/invoices?state=overdue".into(),
            ));
            board.tiles.push(tile(
                "overdue_count",
                Unit::Count,
                n,
                "/invoices?state=overdue".into(),
            ));
        }
        Ok(board)
    };
    let parts = tokio::try_join!(sales, pipeline, stock, service, receivables)?;
    let mut board = part();
    for p in [parts.0, parts.1, parts.2, parts.3, parts.4] {
        board.tiles.extend(p.tiles);
        board.charts.extend(p.charts);
        board.rankings.extend(p.rankings);
    }
    withhold_unopenable(db, actor, &mut board).await?;
    Ok(board)
}

/// A ranked customer or product the actor may not open (a customer who
/// moved to another salesperson, whose past orders are still the actor's)
/// keeps its figure but loses its name and link ([`records::withhold`]).
async fn withhold_unopenable(
    db: &impl ConnectionTrait,
    actor: &Actor,
    board: &mut Board,
) -> Result<()> {
    for ranking in &mut board.rankings {
        let kind = match ranking.key {
            "top_customers" => records::Kind::Customer,
            "top_products" => records::Kind::Product,
            _ => continue,
        };
        records::withhold(
            db,
            actor,
            &mut ranking.rows[..],
            |(row, _)| Some(records::Record { kind, id: row.id }),
            |(row, link)| {
                row.label = records::WITHHELD.to_owned();
                link.clear();
            },
        )
        .await?;
    }
    Ok(())
}

/// Whose records a board about people shows, for an area read with
/// `read`/`read_all` (`None`: the area is not readable). A user without
/// `dashboards.view_all` always gets their own; with it, the filter's
/// owner or team, or everyone, within their scope.
async fn whose(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &Filter,
    read: Permission,
    read_all: Permission,
) -> Result<Option<Option<Vec<i64>>>> {
    let Some(s) = scope(actor, read, read_all) else {
        return Ok(None);
    };
    if actor.has(Permission::DashboardsViewAll) {
        Ok(Some(owners(db, s, filter).await?))
    } else {
        Ok(Some(Some(vec![actor.user_id])))
    }
}

/// A salesperson's board: their pipeline, forecast, activities, open
/// orders, revenue and overdue invoices (see [`whose`]).
pub async fn sales_board(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: Filter,
    now: DateTime<Utc>,
) -> Result<Board> {
    use Permission as P;
    let currency = currency(db).await?;
    let mut board = empty(Kind::Sales, filter.clone(), currency.clone());
    // The one owner the lists behind the tiles filter by, when there is one.
    let single = |owners: &Option<Vec<i64>>| match owners.as_deref() {
        Some([one]) => Some(*one),
        _ => None,
    };
    if let Some(owners) = whose(
        db,
        actor,
        &filter,
        P::OpportunitiesRead,
        P::OpportunitiesReadAll,
    )
    .await?
    {
        use opportunities::Column as C;
        let cond = owned_by(&owners, C::OwnerId, C::CustomerId, &filter.segment);
        let mine = single(&owners) == Some(actor.user_id);
        pipeline_section(db, &mut board, cond, if mine { "mine" } else { "all" }).await?;
    }
    if let Some(owners) = whose(db, actor, &filter, P::ActivitiesRead, P::ActivitiesReadAll).await?
    {
        use activities::Column as C;
        let tomorrow = figures::midnight(now.date_naive() + Duration::days(1));
        let mut due = activities::Entity::find()
            .filter(C::DoneAt.is_null())
            .filter(C::DueAt.lt(tomorrow));
        if let Some(owners) = &owners {
            due = due.filter(C::OwnerId.is_in(owners.clone()));
        }
        let n = due.count(db).await? as i64;
        let to = link(
            "/activities",
            &[
                ("owner", single(&owners).map(|o| o.to_string())),
                ("status", Some("open".into())),
                ("sort", Some("due".into())),
            ],
        );
        board.tiles.push(tile("activities_due", Unit::Count, n, to));
    }
    if let Some(owners) = whose(db, actor, &filter, P::OrdersRead, P::OrdersReadAll).await? {
        use sales_orders::Column as C;
        let cond = owned_by(&owners, C::OwnerId, C::CustomerId, &filter.segment);
        let open = [OrderState::Confirmed, OrderState::PartiallyShipped];
        let (n, total) = figures::orders_in(db, cond, &open, &currency).await?;
        let owner = single(&owners).map(|o| o.to_string());
        let to = link(
            "/orders",
            &[("state", Some("open".into())), ("owner", owner)],
        );
        board
            .tiles
            .push(tile("open_orders", Unit::Count, n, to.clone()));
        board
            .tiles
            .push(tile("open_orders_value", Unit::Money, total, to));
        let slice = Slice {
            from: filter.from,
            to: filter.to,
            currency: currency.clone(),
            warehouse_id: filter.warehouse_id,
            owners: owners.clone(),
            segment: filter.segment.clone(),
        };
        let listed = Filter {
            owner_id: single(&owners),
            ..filter.clone()
        };
        let mut revenue = tile(
            "revenue",
            Unit::Money,
            sales::revenue(db, &slice).await?,
            orders_link(&listed, "booked"),
        );
        let (pf, pt) = board.previous;
        revenue.previous = Some(sales::revenue(db, &slice.over(pf, pt)).await?);
        board.tiles.push(revenue);
    }
    if let Some(owners) = whose(db, actor, &filter, P::InvoicesRead, P::InvoicesReadAll).await? {
        use invoices::Column as C;
        let cond = owned_by(&owners, C::OwnerId, C::CustomerId, &filter.segment);
        let (n, owed) = figures::overdue(db, cond, &currency).await?;
        let to = "/invoices?state=overdue".to_owned();
        board
            .tiles
            .push(tile("overdue_count", Unit::Count, n, to.clone()));
        board
            .tiles
            .push(tile("overdue_amount", Unit::Money, owed, to));
    }
    Ok(board)
}

/// The warehouse's board (of the filter's warehouse, or all).
pub async fn warehouse(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: Filter,
    now: DateTime<Utc>,
) -> Result<Board> {
    let currency = currency(db).await?;
    let mut board = empty(Kind::Warehouse, filter.clone(), currency.clone());
    let today = now.date_naive();
    if let Some(s) = scope(actor, Permission::OrdersRead, Permission::OrdersReadAll) {
        use sales_orders::Column as C;
        let mut cond = owned_by(
            &owners(db, s, &filter).await?,
            C::OwnerId,
            C::CustomerId,
            &filter.segment,
        );
        if let Some(w) = filter.warehouse_id {
            cond = cond.add(C::WarehouseId.eq(w));
        }
        let open = [OrderState::Confirmed, OrderState::PartiallyShipped];
        let (due, _) =
            figures::orders_in(db, cond.clone().add(C::ShipBy.lte(today)), &open, &currency)
                .await?;
        board
            .tiles
            .push(tile("to_ship_today", Unit::Count, due, "/shipments".into()));
        let back = figures::backorders(db, cond).await?;
        board.tiles.push(tile(
            "backorders",
            Unit::Count,
            back,
            link("/orders", &[("state", Some("open".into()))]),
        ));
    }
    if actor.has(Permission::StockRead) {
        let (value, low) = stock_tiles(db, actor, filter.warehouse_id).await?;
        board.tiles.push(low);
        board.tiles.extend(value);
    }
    if actor.has(Permission::PurchasingRead) {
        let n = figures::arriving(db, filter.warehouse_id, today + Duration::days(7)).await?;
        board.tiles.push(tile(
            "po_arriving",
            Unit::Count,
            n,
            link("/purchase-orders", &[("state", Some("open".into()))]),
        ));
    }
    Ok(board)
}

/// Support's board: my queue, breaching tickets, satisfaction trend.
pub async fn support(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: Filter,
    now: DateTime<Utc>,
) -> Result<Board> {
    let currency = currency(db).await?;
    let mut board = empty(Kind::Support, filter.clone(), currency);
    if !(actor.has(Permission::TicketsRead) || actor.has(Permission::TicketsReadAll)) {
        return Ok(board);
    }
    use tickets::Column as C;
    let cond = ticket_service::scope_condition(db, actor).await?;
    let active = || C::Status.is_in(ticket_service::ACTIVE);
    let mine = tickets::Entity::find()
        .filter(cond.clone())
        .filter(active())
        .filter(C::AssigneeId.eq(actor.user_id))
        .count(db)
        .await? as i64;
    board.tiles.push(tile(
        "my_queue",
        Unit::Count,
        mine,
        "/tickets?view=mine".into(),
    ));
    let soon = now + Duration::minutes(ticket_service::SOON_MINUTES);
    let breaching = tickets::Entity::find()
        .filter(cond.clone())
        .filter(active())
        .filter(
            Condition::any()
                .add(C::FirstResponseDue.lte(soon))
                .add(C::ResolutionDue.lte(soon)),
        )
        .count(db)
        .await? as i64;
    board.tiles.push(tile(
        "breaching",
        Unit::Count,
        breaching,
        "/tickets?view=breaching".into(),
    ));
    service_section(db, &mut board, cond.clone()).await?;
    let grain = match filter.grain() {
        super::Grain::Day if filter.days() > 14 => super::Grain::Week,
        g => g,
    };
    let buckets = grain.buckets(filter.from, filter.to);
    let rated = figures::ratings(db, cond, &buckets, filter.to).await?;
    board.charts.push(Chart {
        key: "satisfaction",
        kind: ChartKind::Series,
        unit: Unit::Rating,
        labels: Labels::Date,
        grain: Some(grain),
        points: rated
            .into_iter()
            .map(|(start, n, sum)| Point {
                label: start.to_string(),
                value: if n > 0 { sum * 100 / n } else { 0 },
                extra: Some(n),
                link: None,
            })
            .collect(),
    });
    Ok(board)
}
