//! The ERP panel inside a ticket: the customer's orders, shipments,
//! invoices and other tickets, each as far as the reader may see them.

use std::collections::BTreeMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::{
    access::{scope, Actor, Permission},
    billing::invoices as invoice_service,
    entities::{invoices, sales_order_lines, sales_orders, shipments, tickets},
    sales::orders,
    Result,
};

use super::{in_scope, reader, scope_condition};

/// An order line as the ERP panel shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PanelLine {
    /// Order line.
    pub line_id: i64,
    /// Product id.
    pub product_id: i64,
    /// Description.
    pub description: String,
    /// Ordered.
    pub quantity: i64,
    /// Shipped.
    pub shipped: i64,
    /// Invoiced.
    pub invoiced: i64,
    /// Returned.
    pub returned: i64,
}

/// An order in the ERP panel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PanelOrder {
    /// The order.
    pub order: sales_orders::Model,
    /// Its lines.
    pub lines: Vec<PanelLine>,
}

/// What the ERP knows about a ticket's customer: recent orders with their
/// lines, shipments with carrier and tracking, invoices with what they
/// owe, previous tickets. Each part shows only if the reader may see that
/// area (support may, by default).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Panel {
    /// Recent orders, newest first.
    pub orders: Vec<PanelOrder>,
    /// Shipments of those orders, newest first.
    pub shipments: Vec<(shipments::Model, String)>,
    /// Recent invoices, newest first, with what they owe.
    pub invoices: Vec<(invoices::Model, i64)>,
    /// Other tickets of the customer, newest first.
    pub tickets: Vec<tickets::Model>,
}

/// How many of each the panel lists.
const PANEL_ROWS: u64 = 10;

/// The ERP panel of a ticket.
pub async fn panel(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<Panel> {
    let actor = reader(actor)?;
    let ticket = in_scope(db, actor, id, false).await?;
    let customer_id = ticket.customer_id;
    let mut panel = Panel::default();
    if let Ok(scope) = orders::scope_of(actor) {
        let found = sales_orders::Entity::find()
            .filter(sales_orders::Column::CustomerId.eq(customer_id))
            .filter(scope::owned(scope, sales_orders::Column::OwnerId))
            .filter(sales_orders::Column::State.ne("draft"))
            .order_by_desc(sales_orders::Column::Id)
            .limit(PANEL_ROWS)
            .all(db)
            .await?;
        let ids: Vec<i64> = found.iter().map(|o| o.id).collect();
        let lines = sales_order_lines::Entity::find()
            .filter(sales_order_lines::Column::OrderId.is_in(ids.clone()))
            .order_by_asc(sales_order_lines::Column::LineNo)
            .all(db)
            .await?;
        if actor.has(Permission::ShipmentsRead) {
            let numbers: BTreeMap<i64, String> =
                found.iter().map(|o| (o.id, o.number.clone())).collect();
            panel.shipments = shipments::Entity::find()
                .filter(shipments::Column::OrderId.is_in(ids))
                .order_by_desc(shipments::Column::Id)
                .limit(PANEL_ROWS)
                .all(db)
                .await?
                .into_iter()
                .map(|s| {
                    let number = numbers.get(&s.order_id).cloned().unwrap_or_default();
                    (s, number)
                })
                .collect();
        }
        panel.orders = found
            .into_iter()
            .map(|order| PanelOrder {
                lines: lines
                    .iter()
                    .filter(|l| l.order_id == order.id)
                    .map(|l| PanelLine {
                        line_id: l.id,
                        product_id: l.product_id,
                        description: l.description.clone(),
                        quantity: l.quantity,
                        shipped: l.shipped,
                        invoiced: l.invoiced,
                        returned: l.returned,
                    })
                    .collect(),
                order,
            })
            .collect();
    }
    if let Ok(scope) = invoice_service::scope_of(actor) {
        panel.invoices = invoices::Entity::find()
            .filter(invoices::Column::CustomerId.eq(customer_id))
            .filter(scope::owned(scope, invoices::Column::OwnerId))
            .order_by_desc(invoices::Column::Id)
            .limit(PANEL_ROWS)
            .all(db)
            .await?
            .into_iter()
            .map(|i| {
                let owed = invoice_service::owed(&i);
                (i, owed)
            })
            .collect();
    }
    panel.tickets = tickets::Entity::find()
        .filter(tickets::Column::CustomerId.eq(customer_id))
        .filter(tickets::Column::Id.ne(id))
        .filter(scope_condition(db, actor).await?)
        .order_by_desc(tickets::Column::Id)
        .limit(PANEL_ROWS)
        .all(db)
        .await?;
    Ok(panel)
}
