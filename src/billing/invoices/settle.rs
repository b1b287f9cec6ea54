//! Telling sales what an order's invoices say, so it can move the order on
//! (invoiced, closed). Billing knows what is owed; sales owns the order.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::{entities::invoices, sales::orders, Result};

use super::UNPAID;

/// Settles the order `order_id` after a change to its invoices: whether
/// anything is still owed decides whether sales may close it.
pub(super) async fn settle_order(db: &impl ConnectionTrait, order_id: i64) -> Result<()> {
    let unpaid = invoices::Entity::find()
        .filter(invoices::Column::OrderId.eq(order_id))
        .filter(invoices::Column::State.is_in(UNPAID))
        .count(db)
        .await?;
    orders::settle(db, order_id, unpaid == 0).await
}
