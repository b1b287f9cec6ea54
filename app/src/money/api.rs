//! Server functions of invoices, payments, credit notes, purchasing,
//! replenishment and notifications. Each takes the actor and calls one
//! domain service, which checks permission and record scope; the mapping
//! to wire types and the parsing of form text live in `convert`.
//!
//! A function that parses form text asks the service's own permission
//! first, so validation (or a SKU lookup) never tells a caller what they
//! may not do.

use leptos::prelude::*;
use server_fn::codec::Json;

use super::types::*;
use crate::{admin::types::PageView, error::AppError};

#[cfg(feature = "ssr")]
use tandem_domain::{
    access::notifications,
    billing::invoices,
    purchasing::{purchase_orders as purchasing, replenishment, supply},
};

#[cfg(feature = "ssr")]
use crate::{exports, ssr::local_today};

#[cfg(feature = "ssr")]
pub(crate) mod convert {
    use tandem_domain::{
        access::Actor,
        entities::{
            credit_notes, invoice_lines, invoices as rows, notifications, payments, suppliers,
        },
        messages,
        money::{format_minor, format_rate, parse_minor},
        parse::Form,
        Db, Error, FieldErrors,
    };

    use super::*;
    use crate::erp::api::convert::{finish, quantity};
    use crate::ssr::local_time;

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

    /// An invoice's page, with what the actor may do to it.
    pub fn invoice_view(d: invoices::InvoiceDetail, actor: &Actor) -> InvoiceView {
        let can = invoices::abilities(actor, &d.invoice);
        InvoiceView {
            order_id: d.invoice.order_id,
            order_number: d.order_number,
            shipment_number: d.shipment_number,
            address: d.customer.address.clone(),
            customer_tax_id: d.customer.tax_id.clone().unwrap_or_default(),
            company_name: d.company.name,
            company_address: d.company.address,
            company_tax_id: d.company.tax_id,
            company_email: d.company.email,
            lines: d.lines.iter().map(invoice_line).collect(),
            subtotal: format_minor(d.invoice.subtotal_minor),
            tax: format_minor(d.invoice.tax_minor),
            paid: format_minor(d.invoice.paid_minor),
            credited: format_minor(d.invoice.credited_minor),
            payments: d.payments.iter().map(payment).collect(),
            credit_notes: d.credit_notes.iter().map(credit_note).collect(),
            credit_balance: format_minor(d.credit_balance_minor),
            cancel_reason: d.invoice.cancel_reason.clone(),
            can_pay: can.pay,
            can_credit: can.credit,
            row: invoice_row(d.invoice, d.customer.name),
        }
    }

    fn invoice_line(l: &invoice_lines::Model) -> InvoiceLineView {
        InvoiceLineView {
            id: l.id,
            description: l.description.clone(),
            quantity: l.quantity,
            credited: l.credited_quantity,
            unit_price: format_minor(l.unit_price_minor),
            discount: format_rate(l.discount_bp),
            tax_rate: format_rate(l.tax_rate_bp),
            net: format_minor(l.net_minor),
            tax: format_minor(l.tax_minor),
        }
    }

    fn payment(p: &payments::Model) -> SettlementView {
        SettlementView {
            number: p.number.clone(),
            date: p.paid_on.to_string(),
            detail: p.method.clone(),
            reference: p.reference.clone(),
            amount: format_minor(p.amount_minor),
            applied: format_minor(p.applied_minor),
        }
    }

    fn credit_note(c: &credit_notes::Model) -> SettlementView {
        SettlementView {
            number: c.number.clone(),
            date: local_time(c.created_at),
            detail: c.reason.clone(),
            reference: String::new(),
            amount: format_minor(c.total_minor),
            applied: format_minor(c.applied_minor),
        }
    }

    /// The payment form, typed: the amount in minor units, the date (blank
    /// for today).
    pub fn payment_input(form: PaymentForm) -> Result<invoices::PaymentInput, AppError> {
        let mut read = Form::new();
        let amount_minor = read.minor("amount", &form.amount);
        let paid_on = read.date("paid_on", &form.paid_on);
        Ok(read.finish(invoices::PaymentInput {
            invoice_id: form.invoice_id,
            amount_minor,
            method: form.method,
            paid_on,
            reference: form.reference,
            keep_excess_as_credit: form.keep_credit,
        })?)
    }

    /// A credit note's lines; all blank credits nothing (to the service, no
    /// lines would mean every line).
    pub fn credit_input(
        invoice_id: i64,
        lines: &[(i64, String)],
        reason: String,
    ) -> Result<invoices::CreditInput, AppError> {
        let lines = quantities(lines, messages::CREDIT_TOO_MUCH)?;
        if lines.iter().all(|(_, q)| *q == 0) {
            return Err(Error::Conflict(messages::NOTHING_TO_CREDIT.into()).into());
        }
        Ok(invoices::CreditInput {
            invoice_id,
            lines,
            reason,
        })
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
        finish(errors, out)
    }

    pub fn aging_row(a: invoices::Aging) -> AgingRow {
        AgingRow {
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
        }
    }

    pub fn supplier_form(s: suppliers::Model) -> SupplierForm {
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

    /// A supplier's page, with whether the actor may edit it.
    pub fn supplier_view(d: purchasing::SupplierDetail, actor: &Actor) -> SupplierView {
        SupplierView {
            supplier: supplier_form(d.supplier),
            prices: d.prices.into_iter().map(price_view).collect(),
            can_edit: purchasing::abilities(actor).write,
        }
    }

    fn price_view(p: purchasing::PriceRow) -> PriceView {
        PriceView {
            product_id: p.price.product_id,
            sku: p.sku,
            name: p.name,
            price: format_minor(p.price.price_minor),
            min_quantity: p.price.min_quantity,
        }
    }

    /// The supplier form: its key (`None` when new) and what to save.
    pub fn supplier_input(
        form: SupplierForm,
    ) -> Result<(Option<i64>, purchasing::SupplierInput), AppError> {
        let mut errors = FieldErrors::new();
        let lead = quantity(
            &form.lead_time_days,
            "lead_time_days",
            messages::LEAD_TIME_RANGE,
            &mut errors,
        );
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
        finish(errors, ((form.id != 0).then_some(form.id), input))
    }

    /// A supplier price form: (product of the SKU, price, minimum quantity).
    pub async fn price(
        db: &Db,
        sku: &str,
        price: &str,
        min_quantity: &str,
    ) -> Result<(i64, i64, i64), AppError> {
        let mut errors = FieldErrors::new();
        let product = tandem_domain::inventory::products::id_by_sku(db, sku).await?;
        if product.is_none() {
            errors.insert("sku".into(), messages::PRODUCT_MISSING.into());
        }
        let price = match parse_minor(price, "price") {
            Ok(p) => p,
            Err(Error::Validation(e)) => {
                errors.extend(e);
                0
            }
            Err(e) => return Err(e.into()),
        };
        let min = quantity(
            min_quantity,
            "min_quantity",
            messages::QUANTITY_RANGE,
            &mut errors,
        );
        finish(errors, (product.unwrap_or_default(), price, min))
    }

    pub fn po_row(r: purchasing::PoRow) -> PoRow {
        PoRow {
            id: r.order.id,
            number: r.order.number,
            state: r.order.state,
            supplier: r.supplier_name,
            warehouse: r.warehouse_code,
            expected_on: r
                .order
                .expected_on
                .map(|d| d.to_string())
                .unwrap_or_default(),
            total: format_minor(r.order.total_minor),
            currency: r.order.currency,
        }
    }

    /// A purchase order's page, with what the actor may do to it.
    pub fn po_view(d: purchasing::PoDetail, actor: &Actor) -> PoView {
        let can = purchasing::abilities(actor);
        PoView {
            supplier_id: d.supplier.id,
            notes: d.order.notes.clone(),
            lines: d.lines.into_iter().map(po_line).collect(),
            receipts: d
                .receipts
                .into_iter()
                .map(|r| (r.number, local_time(r.received_at)))
                .collect(),
            can_write: can.write,
            can_receive: can.receive,
            row: po_row(purchasing::PoRow {
                order: d.order,
                supplier_name: d.supplier.name,
                warehouse_code: d.warehouse_code,
            }),
        }
    }

    fn po_line(l: purchasing::PoLineView) -> PoLineView {
        PoLineView {
            id: l.line.id,
            product_id: l.line.product_id,
            sku: l.sku,
            name: l.name,
            quantity: l.line.quantity,
            received: l.line.received,
            unit_price: format_minor(l.line.unit_price_minor),
            net: format_minor(l.line.net_minor),
        }
    }

    /// The new purchase order form; lines with neither SKU nor quantity are
    /// skipped.
    pub async fn po_input(
        db: &Db,
        supplier_id: i64,
        warehouse_id: i64,
        notes: String,
        lines: &[PoLineForm],
    ) -> Result<purchasing::PoInput, AppError> {
        let mut errors = FieldErrors::new();
        let mut parsed = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            if line.sku.trim().is_empty() && line.quantity.trim().is_empty() {
                continue;
            }
            let product = tandem_domain::inventory::products::id_by_sku(db, &line.sku).await?;
            if product.is_none() {
                errors.insert(
                    format!("lines.{i}.product_id"),
                    messages::PRODUCT_MISSING.into(),
                );
            }
            let units = quantity(
                &line.quantity,
                &format!("lines.{i}.quantity"),
                messages::QUANTITY_RANGE,
                &mut errors,
            );
            parsed.push(purchasing::PoLineInput {
                product_id: product.unwrap_or_default(),
                quantity: units,
                unit_price_minor: None,
            });
        }
        let input = purchasing::PoInput {
            supplier_id,
            warehouse_id,
            expected_on: None,
            notes,
            lines: parsed,
        };
        finish(errors, input)
    }

    pub fn suggestion(s: replenishment::Suggestion) -> SuggestionView {
        SuggestionView {
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
            unit_price: format_minor(s.unit_price_minor),
            quantity: s.quantity,
            reasons: s.reasons.iter().map(|r| r.as_str().to_owned()).collect(),
        }
    }

    /// Chosen suggestions: (product, warehouse, quantity text); a blank
    /// quantity keeps the suggested one.
    pub fn chosen(chosen: &[(i64, i64, String)]) -> Result<Vec<(i64, i64, Option<i64>)>, AppError> {
        let mut errors = FieldErrors::new();
        let chosen: Vec<(i64, i64, Option<i64>)> = chosen
            .iter()
            .enumerate()
            .map(|(i, (p, w, q))| {
                let q = if q.trim().is_empty() {
                    None
                } else {
                    Some(quantity(
                        q,
                        &format!("lines.{i}.quantity"),
                        messages::QUANTITY_RANGE,
                        &mut errors,
                    ))
                };
                (*p, *w, q)
            })
            .collect();
        finish(errors, chosen)
    }

    /// A reorder rule form: (reorder point, reorder quantity).
    pub fn reorder_rule(point: &str, quantity_text: &str) -> Result<(i64, i64), AppError> {
        let mut errors = FieldErrors::new();
        let point = quantity(
            point,
            "reorder_point",
            messages::REORDER_POINT_RANGE,
            &mut errors,
        );
        let amount = quantity(
            quantity_text,
            "reorder_quantity",
            messages::QUANTITY_RANGE,
            &mut errors,
        );
        finish(errors, (point, amount))
    }

    pub fn supply_view(s: supply::Supply) -> SupplyView {
        SupplyView {
            history: s.history.iter().map(|(w, q)| (w.to_string(), *q)).collect(),
            forecast: s
                .forecast
                .iter()
                .map(|(w, q)| (w.to_string(), format!("{q:.1}")))
                .collect(),
            warehouses: s
                .warehouses
                .into_iter()
                .map(|w| SupplyWarehouse {
                    id: w.warehouse_id,
                    code: w.code,
                    incoming: w.incoming,
                    point: w.reorder_point,
                    quantity: w.reorder_quantity,
                })
                .collect(),
            can_manage: s.can_manage,
        }
    }

    pub fn notification(n: notifications::Model) -> NotificationView {
        NotificationView {
            id: n.id,
            kind: n.kind,
            title: n.title,
            // The domain blanks the link of a record the reader may not open.
            link: (!n.link.is_empty()).then_some(n.link),
            at: local_time(n.created_at),
            read: n.read_at.is_some(),
        }
    }
}

#[cfg(feature = "ssr")]
use crate::ssr::signed_in;

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
    let state = crate::ssr::state()?;
    let filter = invoices::InvoiceFilter {
        state: state_filter,
        customer_id: customer,
        order_id: order,
        after: None,
    };
    let found = invoices::list(&state.reader, &signed_in()?, &filter, page, per_page).await?;
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
    let page = |n| invoices_page(state_filter.clone(), customer, order, n, exports::PAGE);
    exports::export(headers, page).await
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
    let state = crate::ssr::state()?;
    let actor = signed_in()?;
    let detail = invoices::get(&state.db, &actor, id).await?;
    Ok(convert::invoice_view(detail, &actor))
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
    let today = local_today();
    let invoice = invoices::raise(&state.db, &signed_in()?, order_id, shipment_id, today).await?;
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
    let state = crate::ssr::state()?;
    let input = convert::payment_input(form)?;
    invoices::pay(&state.db, &signed_in()?, &input, local_today()).await?;
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
    let state = crate::ssr::state()?;
    let actor = crate::authz::require("/api/invoices/credit")?;
    let input = convert::credit_input(invoice_id, &lines, reason)?;
    invoices::credit(&state.db, &actor, &input, local_today()).await?;
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
    invoices::cancel(&state.db, &signed_in()?, id, &reason).await?;
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
    let state = crate::ssr::state()?;
    let rows = invoices::aging(&state.db, &signed_in()?, customer, local_today()).await?;
    Ok(rows.into_iter().map(convert::aging_row).collect())
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
    let found =
        purchasing::suppliers(&state.db, &signed_in()?, q.as_deref(), true, page, 50).await?;
    Ok(PageView::from_page(found, convert::supplier_form))
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
    let state = crate::ssr::state()?;
    let actor = signed_in()?;
    let detail = purchasing::supplier(&state.db, &actor, id).await?;
    Ok(convert::supplier_view(detail, &actor))
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
    let state = crate::ssr::state()?;
    let actor = crate::authz::require("/api/suppliers/save")?;
    let (id, input) = convert::supplier_input(form)?;
    let saved = purchasing::save_supplier(&state.db, &actor, id, &input).await?;
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
    let state = crate::ssr::state()?;
    let actor = crate::authz::require("/api/suppliers/price")?;
    let (product, price, min) = convert::price(&state.db, &sku, &price, &min_quantity).await?;
    purchasing::set_price(&state.db, &actor, supplier_id, product, price, min).await?;
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
    purchasing::remove_price(&state.db, &signed_in()?, supplier_id, product_id).await?;
    Ok(())
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
    let found = purchasing::list(
        &state.db,
        &signed_in()?,
        state_filter.as_deref(),
        None,
        None,
        page,
        per_page,
    )
    .await?;
    Ok(PageView::from_page(found, convert::po_row))
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
    let page = |n| purchase_orders_page(state_filter.clone(), n, exports::PAGE);
    exports::export(headers, page).await
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
    let state = crate::ssr::state()?;
    let actor = signed_in()?;
    let detail = purchasing::get(&state.db, &actor, id).await?;
    Ok(convert::po_view(detail, &actor))
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
    let state = crate::ssr::state()?;
    let actor = crate::authz::require("/api/purchase_orders/create")?;
    let input = convert::po_input(&state.db, supplier_id, warehouse_id, notes, &lines).await?;
    let po = purchasing::create(&state.db, &actor, &input).await?;
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
    let state = crate::ssr::state()?;
    purchasing::step(&state.db, &signed_in()?, id, &step).await?;
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
    let state = crate::ssr::state()?;
    let actor = crate::authz::require("/api/purchase_orders/receive")?;
    let lines = convert::quantities(&lines, tandem_domain::messages::RECEIVE_TOO_MUCH)?;
    let received = purchasing::receive(&state.db, &actor, id, &lines).await?;
    Ok(received.reserved)
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
    let found =
        replenishment::suggestions(&state.db, &signed_in()?, warehouse, local_today()).await?;
    Ok(found.into_iter().map(convert::suggestion).collect())
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
    let state = crate::ssr::state()?;
    let actor = crate::authz::require("/api/replenishment/order")?;
    let chosen = convert::chosen(&chosen)?;
    let created = replenishment::order(&state.db, &actor, &chosen, local_today()).await?;
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
    let state = crate::ssr::state()?;
    let found = supply::supply(&state.db, &signed_in()?, id, local_today()).await?;
    Ok(convert::supply_view(found))
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
    let state = crate::ssr::state()?;
    let actor = crate::authz::require("/api/products/reorder_rule")?;
    let (point, qty) = convert::reorder_rule(&point, &quantity)?;
    replenishment::set_rule(&state.db, &actor, product_id, warehouse_id, point, qty).await?;
    Ok(())
}

crate::authz!("/api/notifications/mine", SignedIn, JSON, r#"{}"#);
/// The signed-in user's notifications.
#[server(endpoint = "notifications/mine", input = Json)]
pub async fn my_notifications() -> Result<Vec<NotificationView>, AppError> {
    let state = crate::ssr::state()?;
    let found = notifications::mine(&state.db, &signed_in()?, 100).await?;
    Ok(found.into_iter().map(convert::notification).collect())
}

crate::authz!("/api/notifications/unread", SignedIn, JSON, r#"{}"#);
/// How many of the signed-in user's notifications are unread.
#[server(endpoint = "notifications/unread", input = Json)]
pub async fn unread_notifications() -> Result<u64, AppError> {
    let state = crate::ssr::state()?;
    Ok(notifications::unread(&state.db, &signed_in()?).await?)
}

crate::authz!("/api/notifications/read", SignedIn, JSON, r#"{"id":null}"#);
/// Marks one notification (or all) read.
#[server(endpoint = "notifications/read", input = Json)]
pub async fn mark_notifications_read(id: Option<i64>) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    notifications::mark_read(&state.db, &signed_in()?, id).await?;
    Ok(())
}
