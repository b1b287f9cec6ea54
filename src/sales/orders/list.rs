//! Orders in the actor's scope: the filtered order list and a customer's
//! order figures for the 360 page.

use chrono::NaiveDate;
use sea_orm::{
    sea_query::{Alias, Expr},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::{
    rows::scope_of,
    state::{OrderState, BOOKED},
};
use crate::{
    access::{scope, Actor},
    crm::customers as customer_service,
    entities::sales_orders,
    platform::page::{paginate_after, Page},
    sales::credit::exposure,
    Error, Result,
};

/// Filters for the order list.
#[derive(Clone, Debug, Default)]
pub struct OrderFilter {
    /// Only this state (`draft`, …), or `open` (confirmed or partially
    /// shipped), or `approval` (quotes waiting for an approval).
    pub state: Option<String>,
    /// Only this customer.
    pub customer_id: Option<i64>,
    /// Only this owner.
    pub owner_id: Option<i64>,
    /// Start of the number (`SO-2026-0001`).
    pub search: Option<String>,
    /// Ordered on or after this day (UTC).
    pub from: Option<NaiveDate>,
    /// Ordered on or before this day (UTC).
    pub to: Option<NaiveDate>,
    /// Only this warehouse.
    pub warehouse_id: Option<i64>,
    /// Only the members of this team as owners.
    pub team_id: Option<i64>,
    /// Only customers of this segment.
    pub segment: Option<String>,
    /// API cursor: only rows with an id above this, in id order (see `page::paginate_after`).
    pub after: Option<i64>,
}

/// An order in a list.
#[derive(Clone, Debug)]
pub struct OrderRow {
    /// The order.
    pub order: sales_orders::Model,
    /// The customer's name.
    pub customer_name: String,
}

/// A page of orders in the actor's scope, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &OrderFilter,
    page: u64,
    per_page: u64,
) -> Result<Page<OrderRow>> {
    let scope = scope_of(actor)?;
    let mut query = sales_orders::Entity::find()
        .filter(scope::owned(scope, sales_orders::Column::OwnerId))
        .order_by_desc(sales_orders::Column::Id);
    match filter.state.as_deref() {
        Some("open") => {
            query = query.filter(sales_orders::Column::State.is_in([
                OrderState::Confirmed.as_str(),
                OrderState::PartiallyShipped.as_str(),
            ]))
        }
        Some("approval") => {
            query = query
                .filter(sales_orders::Column::State.eq(OrderState::Draft.as_str()))
                .filter(sales_orders::Column::ApprovalReason.ne(""))
                .filter(sales_orders::Column::ApprovedBy.is_null())
        }
        Some("booked") => {
            query = query.filter(sales_orders::Column::State.is_in(BOOKED.map(OrderState::as_str)))
        }
        Some(state) if OrderState::parse(state).is_some() => {
            query = query.filter(sales_orders::Column::State.eq(state))
        }
        _ => {}
    }
    let midnight = |d: NaiveDate| d.and_time(chrono::NaiveTime::MIN).and_utc();
    if let Some(from) = filter.from {
        query = query.filter(sales_orders::Column::CreatedAt.gte(midnight(from)));
    }
    if let Some(to) = filter.to.and_then(|d| d.succ_opt()) {
        query = query.filter(sales_orders::Column::CreatedAt.lt(midnight(to)));
    }
    if let Some(warehouse) = filter.warehouse_id {
        query = query.filter(sales_orders::Column::WarehouseId.eq(warehouse));
    }
    if let Some(team) = filter.team_id {
        query = query.filter(
            sales_orders::Column::OwnerId.in_subquery(crate::access::teams::members_query(team)),
        );
    }
    if let Some(segment) = filter.segment.as_deref().filter(|s| !s.is_empty()) {
        if segment.chars().count() > 60 {
            return Err(Error::field("segment", crate::messages::MAX_60));
        }
        query = query.filter(
            sales_orders::Column::CustomerId
                .in_subquery(crate::crm::customers::segment_customers(segment)),
        );
    }
    if let Some(customer) = filter.customer_id {
        query = query.filter(sales_orders::Column::CustomerId.eq(customer));
    }
    if let Some(owner) = filter.owner_id {
        query = query.filter(sales_orders::Column::OwnerId.eq(owner));
    }
    if let Some(search) = scope::search_text(filter.search.as_deref())? {
        query = query.filter(scope::prefix(
            sales_orders::Column::Number,
            &search.to_uppercase(),
        ));
    }
    let page = paginate_after(
        db,
        query,
        sales_orders::Column::Id,
        filter.after,
        page,
        per_page,
        200,
    )
    .await?;
    let names = customer_service::names(db, page.items.iter().map(|o| o.customer_id)).await?;
    Ok(page.map(|order| OrderRow {
        customer_name: names.get(&order.customer_id).cloned().unwrap_or_default(),
        order,
    }))
}

/// A customer's order figures for the 360 page.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomerFigures {
    /// Credit exposure, minor units.
    pub exposure_minor: i64,
    /// Σ totals of shipped, invoiced and closed orders, minor units.
    pub revenue_minor: i64,
    /// Orders confirmed and not fully shipped.
    pub open_orders: u64,
}

/// The order figures of a customer in the actor's scope.
pub async fn customer_figures(
    db: &impl ConnectionTrait,
    actor: &Actor,
    customer_id: i64,
) -> Result<CustomerFigures> {
    let scope = scope_of(actor)?;
    let customer = customer_service::get(db, actor, customer_id).await?;
    // Exposure is the customer's, whoever took the orders; the counts and
    // revenue are of the orders the actor may see, as the orders tab lists.
    let exposure = exposure(db, &customer, None).await?;
    let rows: Vec<(String, Option<i64>, i64)> = sales_orders::Entity::find()
        .select_only()
        .column(sales_orders::Column::State)
        .column_as(
            Expr::col(sales_orders::Column::TotalMinor)
                .sum()
                .cast_as(Alias::new("BIGINT")),
            "total",
        )
        .column_as(Expr::col(sales_orders::Column::Id).count(), "n")
        .filter(sales_orders::Column::CustomerId.eq(customer_id))
        .filter(scope::owned(scope, sales_orders::Column::OwnerId))
        .group_by(sales_orders::Column::State)
        .into_tuple()
        .all(db)
        .await?;
    let mut out = CustomerFigures {
        exposure_minor: exposure,
        ..Default::default()
    };
    for (state, total, n) in rows {
        match OrderState::stored(&state)? {
            OrderState::Shipped | OrderState::Invoiced | OrderState::Closed => {
                out.revenue_minor += total.unwrap_or(0);
            }
            OrderState::Confirmed | OrderState::PartiallyShipped => {
                out.open_orders += n as u64;
            }
            _ => {}
        }
    }
    Ok(out)
}
