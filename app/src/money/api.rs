//! Server functions of invoices, payments, credit notes, purchasing,
//! replenishment and notifications. Each parses its form, then calls one
//! domain service, which checks permission and record scope.

use leptos::prelude::*;
use server_fn::codec::Json;

use super::types::*;
use crate::{admin::types::PageView, error::AppError};

#[cfg(feature = "ssr")]
pub(crate) mod convert {
    use tandem_domain::{
        billing::invoices, entities::invoices as rows, money::format_minor, Error, FieldErrors,
    };

    use super::*;

    pub fn invoice_row(i: rows::Model, customer: String) -> InvoiceRow {
        InvoiceRow {
            id: i.id,
            number: i.number.clone(),
            state: i.state.clone(),
            customer_id: i.customer_id,
            customer,
            issue_date: i.issue_date.to_string(),
            due_date: i.due_date.to_string(),
            total: format_minor(i.total_minor),
            owed: format_minor(invoices::owed(&i)),
            currency: i.currency,
        }
    }

    /// Parses (key, quantity text) pairs; blank quantities are skipped.
    pub fn quantities(lines: &[(i64, String)], message: &str) -> Result<Vec<(i64, i64)>, AppError> {
        let mut errors = FieldErrors::new();
        let mut out = Vec::new();
        for (i, (id, text)) in lines.iter().enumerate() {
            let text = text.trim().replace([',', ' '], "");
            if text.is_empty() {
                continue;
            }
            match text.parse::<i64>() {
                Ok(q) => out.push((*id, q)),
                Err(_) => {
                    errors.insert(format!("lines.{i}.quantity"), message.into());
                }
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(Error::Validation(errors).into())
        }
    }
}

#[cfg(feature = "ssr")]
fn actor() -> Option<tandem_domain::access::Actor> {
    crate::ssr::actor()
}

crate::authz!(
    "/api/invoices/list",
    AnyOf(&[InvoicesRead, InvoicesReadAll]),
    JSON,
    r#"{"state_filter":null,"customer":null,"order":null,"page":1}"#,
);
/// Invoices in scope.
#[server(endpoint = "invoices/list", input = Json)]
pub async fn list_invoices(
    state_filter: Option<String>,
    customer: Option<i64>,
    order: Option<i64>,
    page: u64,
) -> Result<PageView<InvoiceRow>, AppError> {
    invoices_page(state_filter, customer, order, page, 50).await
}

/// A page of the list (the list and its export).
#[cfg(feature = "ssr")]
async fn invoices_page(
    state_filter: Option<String>,
    customer: Option<i64>,
    order: Option<i64>,
    page: u64,
    per_page: u64,
) -> Result<PageView<InvoiceRow>, AppError> {
    use tandem_domain::billing::invoices;
    let state = crate::ssr::state()?;
    let found = invoices::list(
        &state.reader,
        actor().as_ref(),
        &invoices::InvoiceFilter {
            state: state_filter,
            customer_id: customer,
            order_id: order,
            after: None,
        },
        page,
        per_page,
    )
    .await?;
    Ok(PageView::from_page(found, |r| {
        convert::invoice_row(r.invoice, r.customer_name)
    }))
}

crate::authz!(
    "/api/invoices/export",
    Export(&[InvoicesRead, InvoicesReadAll]),
    JSON,
    r#"{"state_filter":null,"customer":null,"order":null,"headers":[]}"#,
);
/// The invoice list as CSV.
#[server(endpoint = "invoices/export", input = Json)]
pub async fn export_invoices(
    state_filter: Option<String>,
    customer: Option<i64>,
    order: Option<i64>,
    headers: Vec<String>,
) -> Result<crate::exports::ExportView, AppError> {
    crate::exports::export(headers, |page| {
        invoices_page(
            state_filter.clone(),
            customer,
            order,
            page,
            crate::exports::PAGE,
        )
    })
    .await
}

crate::authz!(
    "/api/invoices/get",
    AnyOf(&[InvoicesRead, InvoicesReadAll]),
    JSON,
    r#"{"id":999999}"#,
);
/// One invoice with payments and credit notes.
#[server(endpoint = "invoices/get", input = Json)]
pub async fn get_invoice(id: i64) -> Result<InvoiceView, AppError> {
    use tandem_domain::{
        access::Permission,
        billing::invoices,
        money::{format_minor, format_rate},
    };
    let state = crate::ssr::state()?;
    let actor = actor();
    let d = invoices::get(&state.db, actor.as_ref(), id).await?;
    let can = |p| actor.as_ref().is_some_and(|a| a.has(p));
    let open = d.invoice.state != invoices::CANCELLED;
    Ok(InvoiceView {
        order_id: d.invoice.order_id,
        order_number: d.order_number,
        shipment_number: d.shipment_number,
        address: d.customer.address.clone(),
        customer_tax_id: d.customer.tax_id.clone().unwrap_or_default(),
        company_name: d.company.name,
        company_address: d.company.address,
        company_tax_id: d.company.tax_id,
        company_email: d.company.email,
        lines: d
            .lines
            .iter()
            .map(|l| InvoiceLineView {
                id: l.id,
                description: l.description.clone(),
                quantity: l.quantity,
                credited: l.credited_quantity,
                unit_price: format_minor(l.unit_price_minor),
                discount: format_rate(l.discount_bp),
                tax_rate: format_rate(l.tax_rate_bp),
                net: format_minor(l.net_minor),
                tax: format_minor(l.tax_minor),
            })
            .collect(),
        subtotal: format_minor(d.invoice.subtotal_minor),
        tax: format_minor(d.invoice.tax_minor),
        paid: format_minor(d.invoice.paid_minor),
        credited: format_minor(d.invoice.credited_minor),
        payments: d
            .payments
            .iter()
            .map(|p| SettlementView {
                number: p.number.clone(),
                date: p.paid_on.to_string(),
                detail: p.method.clone(),
                reference: p.reference.clone(),
                amount: format_minor(p.amount_minor),
                applied: format_minor(p.applied_minor),
            })
            .collect(),
        credit_notes: d
            .credit_notes
            .iter()
            .map(|c| SettlementView {
                number: c.number.clone(),
                date: crate::ssr::local_time(c.created_at),
                detail: c.reason.clone(),
                reference: String::new(),
                amount: format_minor(c.total_minor),
                applied: format_minor(c.applied_minor),
            })
            .collect(),
        credit_balance: format_minor(d.credit_balance_minor),
        cancel_reason: d.invoice.cancel_reason.clone(),
        can_pay: open && invoices::owed(&d.invoice) > 0 && can(Permission::PaymentsWrite),
        can_credit: open && can(Permission::InvoicesWrite),
        row: convert::invoice_row(d.invoice, d.customer.name),
    })
}

crate::authz!(
    "/api/invoices/raise",
    Needs(InvoicesWrite),
    JSON,
    r#"{"order_id":999999,"shipment_id":null}"#,
);
/// Raises an invoice for an order's shipped, uninvoiced quantities (of one shipment when given);
/// returns its key.
#[server(endpoint = "invoices/raise", input = Json)]
pub async fn raise_invoice(order_id: i64, shipment_id: Option<i64>) -> Result<i64, AppError> {
    let state = crate::ssr::state()?;
    let invoice = tandem_domain::billing::invoices::raise(
        &state.db,
        actor().as_ref(),
        order_id,
        shipment_id,
        crate::ssr::local_today(),
    )
    .await?;
    Ok(invoice.id)
}

crate::authz!(
    "/api/invoices/pay",
    Needs(PaymentsWrite),
    JSON,
    r#"{"form":{"invoice_id":999999,"amount":"1","method":"cash","paid_on":"","reference":"","keep_credit":false}}"#,
);
/// Records a payment.
#[server(endpoint = "invoices/pay", input = Json)]
pub async fn record_payment(form: PaymentForm) -> Result<(), AppError> {
    use tandem_domain::billing::invoices;
    let state = crate::ssr::state()?;
    invoices::pay(
        &state.db,
        actor().as_ref(),
        &invoices::PaymentInput {
            invoice_id: form.invoice_id,
            amount: form.amount,
            method: form.method,
            paid_on: form.paid_on,
            reference: form.reference,
            keep_excess_as_credit: form.keep_credit,
        },
        crate::ssr::local_today(),
    )
    .await?;
    Ok(())
}

crate::authz!(
    "/api/invoices/credit",
    Needs(InvoicesWrite),
    JSON,
    r#"{"invoice_id":999999,"lines":[[1,"1"]],"reason":"x"}"#,
);
/// Issues a credit note for the given (invoice line, quantity) pairs.
#[server(endpoint = "invoices/credit", input = Json)]
pub async fn credit_invoice(
    invoice_id: i64,
    lines: Vec<(i64, String)>,
    reason: String,
) -> Result<(), AppError> {
    use tandem_domain::{billing::invoices, messages};
    let state = crate::ssr::state()?;
    // Permission first: nobody learns from validation what they may not do.
    tandem_domain::access::policy::require(
        actor().as_ref(),
        tandem_domain::access::Permission::InvoicesWrite,
    )?;
    let lines = convert::quantities(&lines, messages::CREDIT_TOO_MUCH)?;
    if lines.iter().all(|(_, q)| *q == 0) {
        return Err(tandem_domain::Error::Conflict(messages::NOTHING_TO_CREDIT.into()).into());
    }
    invoices::credit(
        &state.db,
        actor().as_ref(),
        &invoices::CreditInput {
            invoice_id,
            lines,
            reason,
        },
        crate::ssr::local_today(),
    )
    .await?;
    Ok(())
}

crate::authz!(
    "/api/invoices/cancel",
    Needs(InvoicesWrite),
    JSON,
    r#"{"id":999999,"reason":"x"}"#
);
/// Cancels an invoice nothing has settled.
#[server(endpoint = "invoices/cancel", input = Json)]
pub async fn cancel_invoice(id: i64, reason: String) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    tandem_domain::billing::invoices::cancel(&state.db, actor().as_ref(), id, &reason).await?;
    Ok(())
}

crate::authz!(
    "/api/invoices/aging",
    AnyOf(&[InvoicesRead, InvoicesReadAll]),
    JSON,
    r#"{"customer":null}"#,
);
/// Receivables aging (of one customer, or all in scope).
#[server(endpoint = "invoices/aging", input = Json)]
pub async fn aging(customer: Option<i64>) -> Result<Vec<AgingRow>, AppError> {
    use tandem_domain::money::format_minor;
    let state = crate::ssr::state()?;
    let rows = tandem_domain::billing::invoices::aging(
        &state.db,
        actor().as_ref(),
        customer,
        crate::ssr::local_today(),
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|a| AgingRow {
            customer_id: a.customer_id,
            customer: a.customer_name,
            currency: a.currency,
            not_due: format_minor(a.not_due),
            d0_30: format_minor(a.d0_30),
            d31_60: format_minor(a.d31_60),
            d61_90: format_minor(a.d61_90),
            d90_plus: format_minor(a.d90_plus),
            total: format_minor(a.total),
            overdue: a.overdue_count,
        })
        .collect())
}

#[cfg(feature = "ssr")]
fn supplier_form(s: tandem_domain::entities::suppliers::Model) -> SupplierForm {
    SupplierForm {
        id: s.id,
        name: s.name,
        contact_name: s.contact_name,
        email: s.email,
        phone: s.phone,
        lead_time_days: s.lead_time_days.to_string(),
        currency: s.currency,
        notes: s.notes,
        active: s.active,
    }
}

crate::authz!(
    "/api/suppliers/list",
    Needs(PurchasingRead),
    JSON,
    r#"{"q":null,"page":1}"#
);
/// Suppliers, active and inactive.
#[server(endpoint = "suppliers/list", input = Json)]
pub async fn list_suppliers(
    q: Option<String>,
    page: u64,
) -> Result<PageView<SupplierForm>, AppError> {
    let state = crate::ssr::state()?;
    let found = tandem_domain::purchasing::purchase_orders::suppliers(
        &state.db,
        actor().as_ref(),
        q.as_deref(),
        true,
        page,
        50,
    )
    .await?;
    Ok(PageView::from_page(found, supplier_form))
}

crate::authz!(
    "/api/suppliers/get",
    Needs(PurchasingRead),
    JSON,
    r#"{"id":999999}"#
);
/// One supplier with its prices.
#[server(endpoint = "suppliers/get", input = Json)]
pub async fn get_supplier(id: i64) -> Result<SupplierView, AppError> {
    use tandem_domain::{access::Permission, money::format_minor};
    let state = crate::ssr::state()?;
    let actor = actor();
    let d =
        tandem_domain::purchasing::purchase_orders::supplier(&state.db, actor.as_ref(), id).await?;
    Ok(SupplierView {
        supplier: supplier_form(d.supplier),
        prices: d
            .prices
            .into_iter()
            .map(|p| PriceView {
                product_id: p.price.product_id,
                sku: p.sku,
                name: p.name,
                price: format_minor(p.price.price_minor),
                min_quantity: p.price.min_quantity,
            })
            .collect(),
        can_edit: actor
            .as_ref()
            .is_some_and(|a| a.has(Permission::PurchasingWrite)),
    })
}

crate::authz!(
    "/api/suppliers/save",
    Needs(PurchasingWrite),
    JSON,
    r#"{"form":{"id":999999,"name":"X","contact_name":"","email":"","phone":"","lead_time_days":"1","currency":"EUR","notes":"","active":true}}"#,
);
/// Creates (id 0) or changes a supplier; returns its key.
#[server(endpoint = "suppliers/save", input = Json)]
pub async fn save_supplier(form: SupplierForm) -> Result<i64, AppError> {
    use tandem_domain::{messages, purchasing::purchase_orders as purchasing};
    let state = crate::ssr::state()?;
    // Permission first: nobody learns from validation what they may not do.
    tandem_domain::access::policy::require(
        actor().as_ref(),
        tandem_domain::access::Permission::PurchasingWrite,
    )?;
    let mut errors = tandem_domain::FieldErrors::new();
    let lead = crate::erp::api::convert::quantity(
        &form.lead_time_days,
        "lead_time_days",
        messages::LEAD_TIME_RANGE,
        &mut errors,
    );
    if !errors.is_empty() {
        return Err(tandem_domain::Error::Validation(errors).into());
    }
    let input = purchasing::SupplierInput {
        name: form.name,
        contact_name: form.contact_name,
        email: form.email,
        phone: form.phone,
        lead_time_days: i32::try_from(lead).unwrap_or(-1),
        currency: form.currency,
        notes: form.notes,
        active: form.active,
    };
    let saved = if form.id == 0 {
        purchasing::create_supplier(&state.db, actor().as_ref(), &input).await?
    } else {
        purchasing::update_supplier(&state.db, actor().as_ref(), form.id, &input).await?
    };
    Ok(saved.id)
}

crate::authz!(
    "/api/suppliers/price",
    Needs(PurchasingWrite),
    JSON,
    r#"{"supplier_id":999999,"sku":"NOPE","price":"1","min_quantity":"1"}"#,
);
/// Sets a supplier's price for a product given by SKU.
#[server(endpoint = "suppliers/price", input = Json)]
pub async fn set_supplier_price(
    supplier_id: i64,
    sku: String,
    price: String,
    min_quantity: String,
) -> Result<(), AppError> {
    use tandem_domain::{
        messages,
        money::parse_minor,
        {inventory::products, purchasing::purchase_orders as purchasing},
    };
    let state = crate::ssr::state()?;
    // Permission first: nobody learns from validation what they may not do.
    tandem_domain::access::policy::require(
        actor().as_ref(),
        tandem_domain::access::Permission::PurchasingWrite,
    )?;
    let mut errors = tandem_domain::FieldErrors::new();
    let product = products::id_by_sku(&state.db, &sku).await?;
    if product.is_none() {
        errors.insert("sku".into(), messages::PRODUCT_MISSING.into());
    }
    let price = match parse_minor(&price, "price") {
        Ok(p) => p,
        Err(tandem_domain::Error::Validation(e)) => {
            errors.extend(e);
            0
        }
        Err(e) => return Err(e.into()),
    };
    let min = crate::erp::api::convert::quantity(
        &min_quantity,
        "min_quantity",
        messages::QUANTITY_RANGE,
        &mut errors,
    );
    if !errors.is_empty() {
        return Err(tandem_domain::Error::Validation(errors).into());
    }
    purchasing::set_price(
        &state.db,
        actor().as_ref(),
        supplier_id,
        product.unwrap_or_default(),
        price,
        min,
    )
    .await?;
    Ok(())
}

crate::authz!(
    "/api/suppliers/remove_price",
    Needs(PurchasingWrite),
    JSON,
    r#"{"supplier_id":999999,"product_id":999999}"#,
);
/// Removes a supplier price.
#[server(endpoint = "suppliers/remove_price", input = Json)]
pub async fn remove_supplier_price(supplier_id: i64, product_id: i64) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    tandem_domain::purchasing::purchase_orders::remove_price(
        &state.db,
        actor().as_ref(),
        supplier_id,
        product_id,
    )
    .await?;
    Ok(())
}

#[cfg(feature = "ssr")]
fn po_row(
    o: &tandem_domain::entities::purchase_orders::Model,
    supplier: String,
    warehouse: String,
) -> PoRow {
    PoRow {
        id: o.id,
        number: o.number.clone(),
        state: o.state.clone(),
        supplier,
        warehouse,
        expected_on: o.expected_on.map(|d| d.to_string()).unwrap_or_default(),
        total: tandem_domain::money::format_minor(o.total_minor),
        currency: o.currency.clone(),
    }
}

crate::authz!(
    "/api/purchase_orders/list",
    Needs(PurchasingRead),
    JSON,
    r#"{"state_filter":null,"page":1}"#,
);
/// Purchase orders.
#[server(endpoint = "purchase_orders/list", input = Json)]
pub async fn list_purchase_orders(
    state_filter: Option<String>,
    page: u64,
) -> Result<PageView<PoRow>, AppError> {
    purchase_orders_page(state_filter, page, 50).await
}

/// A page of the list (the list and its export).
#[cfg(feature = "ssr")]
async fn purchase_orders_page(
    state_filter: Option<String>,
    page: u64,
    per_page: u64,
) -> Result<PageView<PoRow>, AppError> {
    let state = crate::ssr::state()?;
    let found = tandem_domain::purchasing::purchase_orders::list(
        &state.db,
        actor().as_ref(),
        state_filter.as_deref(),
        None,
        None,
        page,
        per_page,
    )
    .await?;
    Ok(PageView::from_page(found, |r| {
        po_row(&r.order, r.supplier_name, r.warehouse_code)
    }))
}

crate::authz!(
    "/api/purchase_orders/export",
    Export(&[PurchasingRead]),
    JSON,
    r#"{"state_filter":null,"headers":[]}"#,
);
/// The purchase order list as CSV.
#[server(endpoint = "purchase_orders/export", input = Json)]
pub async fn export_purchase_orders(
    state_filter: Option<String>,
    headers: Vec<String>,
) -> Result<crate::exports::ExportView, AppError> {
    crate::exports::export(headers, |page| {
        purchase_orders_page(state_filter.clone(), page, crate::exports::PAGE)
    })
    .await
}

crate::authz!(
    "/api/purchase_orders/get",
    Needs(PurchasingRead),
    JSON,
    r#"{"id":999999}"#
);
/// One purchase order.
#[server(endpoint = "purchase_orders/get", input = Json)]
pub async fn get_purchase_order(id: i64) -> Result<PoView, AppError> {
    use tandem_domain::{access::Permission, money::format_minor};
    let state = crate::ssr::state()?;
    let actor = actor();
    let d = tandem_domain::purchasing::purchase_orders::get(&state.db, actor.as_ref(), id).await?;
    let can = |p| actor.as_ref().is_some_and(|a| a.has(p));
    Ok(PoView {
        row: po_row(&d.order, d.supplier.name.clone(), d.warehouse_code.clone()),
        supplier_id: d.supplier.id,
        notes: d.order.notes.clone(),
        lines: d
            .lines
            .into_iter()
            .map(|l| PoLineView {
                id: l.line.id,
                product_id: l.line.product_id,
                sku: l.sku,
                name: l.name,
                quantity: l.line.quantity,
                received: l.line.received,
                unit_price: format_minor(l.line.unit_price_minor),
                net: format_minor(l.line.net_minor),
            })
            .collect(),
        receipts: d
            .receipts
            .into_iter()
            .map(|r| (r.number, crate::ssr::local_time(r.received_at)))
            .collect(),
        can_write: can(Permission::PurchasingWrite),
        can_receive: can(Permission::PurchasingReceive),
    })
}

crate::authz!(
    "/api/purchase_orders/create",
    Needs(PurchasingWrite),
    JSON,
    r#"{"supplier_id":999999,"warehouse_id":999999,"notes":"","lines":[]}"#,
);
/// Creates a draft purchase order; returns its key.
#[server(endpoint = "purchase_orders/create", input = Json)]
pub async fn create_purchase_order(
    supplier_id: i64,
    warehouse_id: i64,
    notes: String,
    lines: Vec<PoLineForm>,
) -> Result<i64, AppError> {
    use tandem_domain::{
        messages,
        {inventory::products, purchasing::purchase_orders as purchasing},
    };
    let state = crate::ssr::state()?;
    // Permission first: nobody learns from validation what they may not do.
    tandem_domain::access::policy::require(
        actor().as_ref(),
        tandem_domain::access::Permission::PurchasingWrite,
    )?;
    let mut errors = tandem_domain::FieldErrors::new();
    let mut parsed = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if line.sku.trim().is_empty() && line.quantity.trim().is_empty() {
            continue;
        }
        let product = products::id_by_sku(&state.db, &line.sku).await?;
        if product.is_none() {
            errors.insert(
                format!("lines.{i}.product_id"),
                messages::PRODUCT_MISSING.into(),
            );
        }
        let quantity = crate::erp::api::convert::quantity(
            &line.quantity,
            &format!("lines.{i}.quantity"),
            messages::QUANTITY_RANGE,
            &mut errors,
        );
        parsed.push(purchasing::PoLineInput {
            product_id: product.unwrap_or_default(),
            quantity,
            unit_price_minor: None,
        });
    }
    if !errors.is_empty() {
        return Err(tandem_domain::Error::Validation(errors).into());
    }
    let po = purchasing::create(
        &state.db,
        actor().as_ref(),
        &purchasing::PoInput {
            supplier_id,
            warehouse_id,
            expected_on: None,
            notes,
            lines: parsed,
        },
    )
    .await?;
    Ok(po.id)
}

crate::authz!(
    "/api/purchase_orders/step",
    Needs(PurchasingWrite),
    JSON,
    r#"{"id":999999,"step":"send"}"#,
);
/// Sends, closes or cancels a purchase order (`step`).
#[server(endpoint = "purchase_orders/step", input = Json)]
pub async fn step_purchase_order(id: i64, step: String) -> Result<(), AppError> {
    use tandem_domain::purchasing::purchase_orders as purchasing;
    let state = crate::ssr::state()?;
    let actor = actor();
    match step.as_str() {
        "send" => purchasing::send(&state.db, actor.as_ref(), id).await?,
        "close" => purchasing::close(&state.db, actor.as_ref(), id).await?,
        "cancel" => purchasing::cancel(&state.db, actor.as_ref(), id).await?,
        _ => return Err(AppError::NotFound),
    };
    Ok(())
}

crate::authz!(
    "/api/purchase_orders/receive",
    Needs(PurchasingReceive),
    JSON,
    r#"{"id":999999,"lines":[]}"#,
);
/// Receives goods: (line, quantity text); all blank receives everything outstanding. Returns the
/// sales orders it reserved stock for.
#[server(endpoint = "purchase_orders/receive", input = Json)]
pub async fn receive_purchase_order(
    id: i64,
    lines: Vec<(i64, String)>,
) -> Result<Vec<(String, i64)>, AppError> {
    use tandem_domain::{messages, purchasing::purchase_orders as purchasing};
    let state = crate::ssr::state()?;
    // Permission first: nobody learns from validation what they may not do.
    tandem_domain::access::policy::require(
        actor().as_ref(),
        tandem_domain::access::Permission::PurchasingReceive,
    )?;
    let lines = convert::quantities(&lines, messages::RECEIVE_TOO_MUCH)?;
    let got = purchasing::receive(&state.db, actor().as_ref(), id, &lines).await?;
    Ok(got.reserved)
}

crate::authz!(
    "/api/replenishment/list",
    Needs(PurchasingRead),
    JSON,
    r#"{"warehouse":null}"#
);
/// Replenishment suggestions.
#[server(endpoint = "replenishment/list", input = Json)]
pub async fn list_suggestions(warehouse: Option<i64>) -> Result<Vec<SuggestionView>, AppError> {
    let state = crate::ssr::state()?;
    let found = tandem_domain::purchasing::replenishment::suggestions(
        &state.db,
        actor().as_ref(),
        warehouse,
        crate::ssr::local_today(),
    )
    .await?;
    Ok(found
        .into_iter()
        .map(|s| SuggestionView {
            product_id: s.product_id,
            sku: s.sku,
            name: s.name,
            warehouse_id: s.warehouse_id,
            warehouse: s.warehouse_code,
            available: s.available,
            incoming: s.incoming,
            backordered: s.backordered,
            reorder_point: s.reorder_point,
            forecast: s.forecast_demand,
            lead_time_days: s.lead_time_days,
            supplier: s.supplier.map(|(_, n)| n),
            unit_price: tandem_domain::money::format_minor(s.unit_price_minor),
            quantity: s.quantity,
            reasons: s.reasons.iter().map(|r| r.as_str().to_owned()).collect(),
        })
        .collect())
}

crate::authz!(
    "/api/replenishment/order",
    AllOf(&[ReplenishmentManage, PurchasingWrite]),
    JSON,
    r#"{"chosen":[]}"#,
);
/// Turns chosen suggestions ((product, warehouse, quantity text)) into draft purchase orders;
/// returns (key, number) of each.
#[server(endpoint = "replenishment/order", input = Json)]
pub async fn order_suggestions(
    chosen: Vec<(i64, i64, String)>,
) -> Result<Vec<(i64, String)>, AppError> {
    use tandem_domain::messages;
    let state = crate::ssr::state()?;
    // Permission first: nobody learns from validation what they may not do.
    tandem_domain::access::policy::require(
        actor().as_ref(),
        tandem_domain::access::Permission::ReplenishmentManage,
    )?;
    let mut errors = tandem_domain::FieldErrors::new();
    let chosen: Vec<(i64, i64, Option<i64>)> = chosen
        .iter()
        .enumerate()
        .map(|(i, (p, w, q))| {
            let q = if q.trim().is_empty() {
                None
            } else {
                Some(crate::erp::api::convert::quantity(
                    q,
                    &format!("lines.{i}.quantity"),
                    messages::QUANTITY_RANGE,
                    &mut errors,
                ))
            };
            (*p, *w, q)
        })
        .collect();
    if !errors.is_empty() {
        return Err(tandem_domain::Error::Validation(errors).into());
    }
    let created = tandem_domain::purchasing::replenishment::order(
        &state.db,
        actor().as_ref(),
        &chosen,
        crate::ssr::local_today(),
    )
    .await?;
    Ok(created.into_iter().map(|p| (p.id, p.number)).collect())
}

crate::authz!(
    "/api/products/supply",
    Needs(ProductsRead),
    JSON,
    r#"{"id":999999}"#
);
/// A product's demand history, forecast, incoming and reorder rules.
#[server(endpoint = "products/supply", input = Json)]
pub async fn product_supply(id: i64) -> Result<SupplyView, AppError> {
    use tandem_domain::{
        access::Permission,
        {
            inventory::warehouses, purchasing::forecast, purchasing::purchase_orders as purchasing,
            purchasing::replenishment,
        },
    };
    let state = crate::ssr::state()?;
    let actor = actor();
    let f =
        forecast::of_product(&state.db, actor.as_ref(), id, crate::ssr::local_today(), 4).await?;
    let rules = replenishment::rules_of(&state.db, actor.as_ref(), id).await?;
    let incoming = purchasing::incoming(&state.db, Some(&[id])).await?;
    let houses = warehouses::list(&state.db, actor.as_ref()).await?;
    Ok(SupplyView {
        history: f
            .history
            .iter()
            .rev()
            .take(12)
            .rev()
            .map(|(w, q)| (w.to_string(), *q))
            .collect(),
        forecast: f
            .forecast
            .iter()
            .map(|(w, q)| (w.to_string(), format!("{q:.1}")))
            .collect(),
        warehouses: houses
            .into_iter()
            .map(|w| {
                let rule = rules.iter().find(|r| r.warehouse_id == w.id);
                SupplyWarehouse {
                    incoming: incoming.get(&(id, w.id)).copied().unwrap_or(0),
                    point: rule.map(|r| r.reorder_point),
                    quantity: rule.map(|r| r.reorder_quantity),
                    id: w.id,
                    code: w.code,
                }
            })
            .collect(),
        can_manage: actor
            .as_ref()
            .is_some_and(|a| a.has(Permission::ReplenishmentManage)),
    })
}

crate::authz!(
    "/api/products/reorder_rule",
    Needs(ReplenishmentManage),
    JSON,
    r#"{"product_id":999999,"warehouse_id":999999,"point":"1","quantity":"1"}"#,
);
/// Sets a reorder rule.
#[server(endpoint = "products/reorder_rule", input = Json)]
pub async fn set_reorder_rule(
    product_id: i64,
    warehouse_id: i64,
    point: String,
    quantity: String,
) -> Result<(), AppError> {
    use tandem_domain::messages;
    let state = crate::ssr::state()?;
    // Permission first: nobody learns from validation what they may not do.
    tandem_domain::access::policy::require(
        actor().as_ref(),
        tandem_domain::access::Permission::ReplenishmentManage,
    )?;
    let mut errors = tandem_domain::FieldErrors::new();
    let point = crate::erp::api::convert::quantity(
        &point,
        "reorder_point",
        messages::REORDER_POINT_RANGE,
        &mut errors,
    );
    let quantity = crate::erp::api::convert::quantity(
        &quantity,
        "reorder_quantity",
        messages::QUANTITY_RANGE,
        &mut errors,
    );
    if !errors.is_empty() {
        return Err(tandem_domain::Error::Validation(errors).into());
    }
    tandem_domain::purchasing::replenishment::set_rule(
        &state.db,
        actor().as_ref(),
        product_id,
        warehouse_id,
        point,
        quantity,
    )
    .await?;
    Ok(())
}

crate::authz!("/api/notifications/mine", SignedIn, JSON, r#"{}"#);
/// The signed-in user's notifications.
#[server(endpoint = "notifications/mine", input = Json)]
pub async fn my_notifications() -> Result<Vec<NotificationView>, AppError> {
    let state = crate::ssr::state()?;
    let found =
        tandem_domain::access::notifications::mine(&state.db, actor().as_ref(), 100).await?;
    Ok(found
        .into_iter()
        .map(|n| NotificationView {
            id: n.id,
            kind: n.kind,
            title: n.title,
            // The domain blanks the link of a record the reader may not open.
            link: (!n.link.is_empty()).then_some(n.link),
            at: crate::ssr::local_time(n.created_at),
            read: n.read_at.is_some(),
        })
        .collect())
}

crate::authz!("/api/notifications/unread", SignedIn, JSON, r#"{}"#);
/// How many of the signed-in user's notifications are unread.
#[server(endpoint = "notifications/unread", input = Json)]
pub async fn unread_notifications() -> Result<u64, AppError> {
    let state = crate::ssr::state()?;
    Ok(tandem_domain::access::notifications::unread(&state.db, actor().as_ref()).await?)
}

crate::authz!("/api/notifications/read", SignedIn, JSON, r#"{"id":null}"#);
/// Marks one notification (or all) read.
#[server(endpoint = "notifications/read", input = Json)]
pub async fn mark_notifications_read(id: Option<i64>) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    tandem_domain::access::notifications::mark_read(&state.db, actor().as_ref(), id).await?;
    Ok(())
}
