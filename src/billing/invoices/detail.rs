//! One invoice with what its page shows, and the company details printed on it.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::{
    access::{policy, Actor, Permission},
    entities::{
        credit_notes, customers, invoice_lines, invoices, payments, sales_orders, shipments,
    },
    Error, Result,
    {access::scope::owned, platform::meta},
};

use super::{amounts::owed, balance::credit_balance, scope_of, CANCELLED, COMPANY_KEYS};

/// What the actor may do to one invoice, for the buttons of its page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Abilities {
    /// Record a payment: the invoice is not cancelled, still owes, and the
    /// actor holds `payments.write`.
    pub pay: bool,
    /// Credit or cancel it: the invoice is not cancelled and the actor
    /// holds `invoices.write`.
    pub credit: bool,
}

/// The actor's abilities on `invoice`, from the permissions
/// [`pay`](super::pay) and [`credit`](super::credit) require.
pub fn abilities(actor: &Actor, invoice: &invoices::Model) -> Abilities {
    let open = invoice.state != CANCELLED;
    Abilities {
        pay: open && owed(invoice) > 0 && policy::require(actor, Permission::PaymentsWrite).is_ok(),
        credit: open && policy::require(actor, Permission::InvoicesWrite).is_ok(),
    }
}

/// The company details printed on invoices.
#[derive(Clone, Debug, Default)]
pub struct Company {
    /// Legal name.
    pub name: String,
    /// Postal address.
    pub address: String,
    /// Tax number.
    pub tax_id: String,
    /// Billing e-mail.
    pub email: String,
}

/// Reads the company details.
pub async fn company(db: &impl ConnectionTrait) -> Result<Company> {
    let mut values = Vec::new();
    for key in COMPANY_KEYS {
        values.push(meta::get(db, key).await?.unwrap_or_default());
    }
    let mut values = values.into_iter();
    let mut next = || values.next().unwrap_or_default();
    Ok(Company {
        name: next(),
        address: next(),
        tax_id: next(),
        email: next(),
    })
}

/// An invoice with what its page shows.
#[derive(Clone, Debug)]
pub struct InvoiceDetail {
    /// The invoice.
    pub invoice: invoices::Model,
    /// Its lines.
    pub lines: Vec<invoice_lines::Model>,
    /// Payments against it, oldest first.
    pub payments: Vec<payments::Model>,
    /// Credit notes against it, oldest first.
    pub credit_notes: Vec<credit_notes::Model>,
    /// The customer (name and address for the bill).
    pub customer: customers::Model,
    /// The order's number.
    pub order_number: String,
    /// The shipment's number, when raised per shipment.
    pub shipment_number: Option<String>,
    /// The seller.
    pub company: Company,
    /// The customer's credit balance in the invoice's currency.
    pub credit_balance_minor: i64,
}

async fn find_in_scope(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
) -> Result<invoices::Model> {
    policy::require_any(
        actor,
        &[Permission::InvoicesRead, Permission::InvoicesReadAll],
    )?;
    invoices::Entity::find_by_id(id)
        .filter(owned(scope_of(actor)?, invoices::Column::OwnerId))
        .one(db)
        .await?
        .ok_or(Error::NotFound)
}

/// One invoice (`invoices.read`, own customers' unless `invoices.read_all`).
pub async fn get(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<InvoiceDetail> {
    let invoice = find_in_scope(db, actor, id).await?;
    detail_of(db, invoice).await
}

/// The detail of an invoice the caller already holds: the one [`get`] found
/// in scope, or the one a write ([`raise`](super::raise),
/// [`cancel`](super::cancel)) returned, completed in that write's own
/// transaction. It checks no permission itself: the read's or the write's
/// own check stood for it, so a caller who may write invoices but not read
/// them still gets what it wrote.
pub async fn detail_of(
    db: &impl ConnectionTrait,
    invoice: invoices::Model,
) -> Result<InvoiceDetail> {
    let id = invoice.id;
    let lines = invoice_lines::Entity::find()
        .filter(invoice_lines::Column::InvoiceId.eq(id))
        .order_by_asc(invoice_lines::Column::Id)
        .all(db)
        .await?;
    let payments = payments::Entity::find()
        .filter(payments::Column::InvoiceId.eq(id))
        .order_by_asc(payments::Column::Id)
        .all(db)
        .await?;
    let credit_notes = credit_notes::Entity::find()
        .filter(credit_notes::Column::InvoiceId.eq(id))
        .order_by_asc(credit_notes::Column::Id)
        .all(db)
        .await?;
    let customer = customers::Entity::find_by_id(invoice.customer_id)
        .one(db)
        .await?
        .ok_or(Error::NotFound)?;
    let order_number = sales_orders::Entity::find_by_id(invoice.order_id)
        .one(db)
        .await?
        .map(|o| o.number)
        .unwrap_or_default();
    let shipment_number = match invoice.shipment_id {
        Some(s) => shipments::Entity::find_by_id(s)
            .one(db)
            .await?
            .map(|s| s.number),
        None => None,
    };
    Ok(InvoiceDetail {
        credit_balance_minor: credit_balance(db, invoice.customer_id, &invoice.currency).await?,
        company: company(db).await?,
        lines,
        payments,
        credit_notes,
        customer,
        order_number,
        shipment_number,
        invoice,
    })
}
