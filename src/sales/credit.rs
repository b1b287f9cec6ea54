//! A customer's credit exposure: what unpaid invoices still owe plus the
//! not yet invoiced part of confirmed orders. Sales owns the rule (it
//! decides whether a confirmation needs an approval); it reads billing's
//! invoices through their table and the states kept with it
//! (`entities::invoices`), never through billing.

use sea_orm::{
    sea_query::{Alias, Expr},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
};

use crate::{
    entities::{customers, invoices, sales_orders},
    sales::orders::OrderState,
    Result,
};

/// States whose orders count towards a customer's credit exposure:
/// confirmed and not yet invoiced.
const EXPOSURE_STATES: [OrderState; 3] = [
    OrderState::Confirmed,
    OrderState::PartiallyShipped,
    OrderState::Shipped,
];

/// A customer's credit exposure in its currency, minor units: what unpaid
/// invoices still owe plus the not yet invoiced part of confirmed orders,
/// leaving out the order `except`.
pub async fn exposure(
    db: &impl ConnectionTrait,
    customer: &customers::Model,
    except: Option<i64>,
) -> Result<i64> {
    let mut open_orders = sales_orders::Entity::find()
        .filter(sales_orders::Column::CustomerId.eq(customer.id))
        .filter(sales_orders::Column::Currency.eq(customer.currency.clone()))
        .filter(sales_orders::Column::State.is_in(EXPOSURE_STATES.iter().map(|s| s.as_str())));
    if let Some(id) = except {
        open_orders = open_orders.filter(sales_orders::Column::Id.ne(id));
    }
    let total: Option<Option<i64>> = open_orders
        .clone()
        .select_only()
        .column_as(
            Expr::col(sales_orders::Column::TotalMinor)
                .sum()
                .cast_as(Alias::new("BIGINT")),
            "total",
        )
        .into_tuple()
        .one(db)
        .await?;
    let ordered = total.flatten().unwrap_or(0);
    let invoiced = invoiced_of_orders(db, open_orders).await?;
    let unpaid = unpaid_total(db, customer.id, &customer.currency).await?;
    Ok(ordered - invoiced + unpaid)
}

/// What a customer owes on unpaid invoices in `currency`.
pub async fn unpaid_total(
    db: &impl ConnectionTrait,
    customer_id: i64,
    currency: &str,
) -> Result<i64> {
    let total: Option<Option<i64>> = invoices::Entity::find()
        .select_only()
        .column_as(invoices::owed_sum(), "owed")
        .filter(invoices::Column::CustomerId.eq(customer_id))
        .filter(invoices::Column::Currency.eq(currency))
        .filter(invoices::Column::State.is_in(invoices::UNPAID))
        .into_tuple()
        .one(db)
        .await?;
    Ok(total.flatten().unwrap_or(0))
}

/// Sum of the uncancelled invoices raised for orders matched by `orders`.
async fn invoiced_of_orders(
    db: &impl ConnectionTrait,
    orders: sea_orm::Select<sales_orders::Entity>,
) -> Result<i64> {
    let ids = orders.select_only().column(sales_orders::Column::Id);
    let total: Option<Option<i64>> = invoices::Entity::find()
        .select_only()
        .column_as(
            Expr::col(invoices::Column::TotalMinor)
                .sum()
                .cast_as(Alias::new("BIGINT")),
            "total",
        )
        .filter(invoices::Column::OrderId.in_subquery(sea_orm::QueryTrait::into_query(ids)))
        .filter(invoices::Column::State.ne(invoices::CANCELLED))
        .into_tuple()
        .one(db)
        .await?;
    Ok(total.flatten().unwrap_or(0))
}
