//! The sales orders a receipt may serve: those waiting, backordered, for its
//! products in its warehouse.

use std::collections::BTreeSet;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::{
    entities::{sales_order_lines, sales_orders},
    sales::orders::{self, OrderState},
    Result,
};

/// Confirmed or partly shipped sales orders in a warehouse with a line of
/// one of `products` still backordered, by id.
pub(super) async fn waiting_orders(
    db: &impl ConnectionTrait,
    warehouse_id: i64,
    products: &BTreeSet<i64>,
) -> Result<Vec<i64>> {
    let backordered = sales_order_lines::Entity::find()
        .select_only()
        .column(sales_order_lines::Column::OrderId)
        .filter(sales_order_lines::Column::ProductId.is_in(products.iter().copied()))
        .filter(orders::backordered());
    Ok(sales_orders::Entity::find()
        .select_only()
        .column(sales_orders::Column::Id)
        .filter(sales_orders::Column::WarehouseId.eq(warehouse_id))
        .filter(sales_orders::Column::State.is_in([
            OrderState::Confirmed.as_str(),
            OrderState::PartiallyShipped.as_str(),
        ]))
        .filter(sales_orders::Column::Id.in_subquery(sea_orm::QueryTrait::into_query(backordered)))
        .order_by_asc(sales_orders::Column::Id)
        .into_tuple()
        .all(db)
        .await?)
}
