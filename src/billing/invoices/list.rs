//! The invoice list: invoices in scope, filtered, newest first.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::{
    access::Actor,
    entities::invoices,
    Result,
    {
        access::scope::owned,
        crm::customers as customer_service,
        platform::page::{paginate_after, Page},
    },
};

use super::{scope_of, STATES, UNPAID};

/// Filters of the invoice list.
#[derive(Clone, Debug, Default)]
pub struct InvoiceFilter {
    /// One state, or `unpaid` for open, partly paid and overdue.
    pub state: Option<String>,
    /// One customer's.
    pub customer_id: Option<i64>,
    /// One order's.
    pub order_id: Option<i64>,
    /// API cursor: only rows with an id above this, in id order (see `page::paginate_after`).
    pub after: Option<i64>,
}

/// An invoice in a list.
#[derive(Clone, Debug)]
pub struct InvoiceRow {
    /// The invoice.
    pub invoice: invoices::Model,
    /// The customer's name.
    pub customer_name: String,
}

/// Invoices in scope, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &InvoiceFilter,
    page: u64,
    per_page: u64,
) -> Result<Page<InvoiceRow>> {
    let mut query = invoices::Entity::find()
        .filter(owned(scope_of(actor)?, invoices::Column::OwnerId))
        .order_by_desc(invoices::Column::Id);
    match filter.state.as_deref() {
        Some("unpaid") => query = query.filter(invoices::Column::State.is_in(UNPAID)),
        Some(s) if STATES.contains(&s) => query = query.filter(invoices::Column::State.eq(s)),
        _ => {}
    }
    if let Some(c) = filter.customer_id {
        query = query.filter(invoices::Column::CustomerId.eq(c));
    }
    if let Some(o) = filter.order_id {
        query = query.filter(invoices::Column::OrderId.eq(o));
    }
    let page = paginate_after(
        db,
        query,
        invoices::Column::Id,
        filter.after,
        page,
        per_page,
        200,
    )
    .await?;
    let names = customer_service::names(db, page.items.iter().map(|i| i.customer_id)).await?;
    Ok(page.map(|invoice| InvoiceRow {
        customer_name: names.get(&invoice.customer_id).cloned().unwrap_or_default(),
        invoice,
    }))
}
