//! Money and supply: invoices from shipped quantities, payments, credit
//! notes, exposure and aging; purchase orders, receipts that reserve
//! backorders first come first served; replenishment suggestions and
//! low-stock notifications — on both engines.

use chrono::{Duration, NaiveDate, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use tandem_domain::testing::db_test;
use tandem_domain::{
    entities::{customers as customer_rows, invoices as invoice_rows, sales_orders, stock_levels},
    messages, Db, Error,
    {
        access::notifications,
        billing::invoices::{self, CreditInput, InvoiceFilter, PaymentInput},
        inventory::stock::{self, AdjustInput},
        platform::outbox,
        purchasing::purchase_orders::{self as purchasing, PoInput, PoLineInput, SupplierInput},
        purchasing::replenishment::{self, Reason},
        sales::orders::{self, LineInput},
        sales::shipments,
    },
};

use crate::{
    erp::{customer, erp, level, lines, quote, stocked, Erp, Refused},
    support::{with_admin, BoxResult},
    TestResult,
};

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// A confirmed order of `lines` for a new customer of ana's, fully reserved.
async fn confirmed(
    db: &Db,
    e: &Erp,
    name: &str,
    order_lines: Vec<LineInput>,
) -> BoxResult<(i64, i64)> {
    let c = customer(db, &e.ana, name, 0).await?;
    let o = orders::create(db, Some(&e.ana), &quote(c, e.main, order_lines)).await?;
    orders::confirm(db, Some(&e.ana), o.id).await?;
    Ok((c, o.id))
}

async fn ship(db: &Db, e: &Erp, order: i64, picks: &[(i64, i64)]) -> BoxResult<i64> {
    let s = shipments::create(db, Some(&e.keeper), order, picks).await?;
    shipments::ship(db, Some(&e.keeper), s.id, "DHL", "TRK1").await?;
    Ok(s.id)
}

async fn order_state(db: &Db, id: i64) -> BoxResult<String> {
    Ok(sales_orders::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or("order vanished")?
        .state)
}

async fn invoice(db: &Db, id: i64) -> BoxResult<invoice_rows::Model> {
    Ok(invoice_rows::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or("invoice vanished")?)
}

fn pay(invoice_id: i64, amount: &str) -> PaymentInput {
    PaymentInput {
        invoice_id,
        amount: amount.into(),
        method: "bank_transfer".into(),
        ..Default::default()
    }
}

#[db_test]
async fn partial_invoices_add_up_exactly_to_the_order_and_move_it_on() -> TestResult {
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let e = erp(db, admin).await?;
    let p = stocked(db, &e, "ROUND-1", 333, 10).await?;
    // 3 × 3.33 at 15 % off and 19 % tax: amounts that round per line.
    let (_, order) = confirmed(
        db,
        &e,
        "Rounding Ltd",
        vec![LineInput {
            product_id: p,
            quantity: 3,
            discount_bp: 1500,
            ..Default::default()
        }],
    )
    .await?;
    let order_row = sales_orders::Entity::find_by_id(order)
        .one(db)
        .await?
        .ok_or("no order")?;
    let line_id = lines(db, order).await?[0].id;
    // Nothing shipped: nothing to invoice.
    let err = invoices::raise(db, Some(&e.manager), order, None, today())
        .await
        .refused()?;
    assert_eq!(err, Error::Conflict(messages::NOTHING_TO_INVOICE.into()));
    let first = ship(db, &e, order, &[(line_id, 1)]).await?;
    let inv1 = invoices::raise(db, Some(&e.manager), order, Some(first), today()).await?;
    assert!(inv1.number.starts_with("INV-"));
    assert_eq!(
        inv1.due_date,
        today() + Duration::days(30),
        "payment terms of 30 days"
    );
    // 1 × 3.33 × 0.85 = 2.8305 → 2.83; tax 0.5377 → 0.54. The order line
    // is 8.4915 → 8.49 and 1.6131 → 1.61, so the rest bills 5.66 and 1.07
    // (not 2 × 2.83 = 5.66 and 2 × 0.54 = 1.08, which would overbill).
    assert_eq!((inv1.subtotal_minor, inv1.tax_minor), (283, 54));
    let again = invoices::raise(db, Some(&e.manager), order, Some(first), today())
        .await
        .refused()?;
    assert_eq!(again, Error::Conflict(messages::SHIPMENT_INVOICED.into()));
    assert_eq!(order_state(db, order).await?, "partially_shipped");
    ship(db, &e, order, &[]).await?;
    assert_eq!(order_state(db, order).await?, "shipped");
    let inv2 = invoices::raise(db, Some(&e.manager), order, None, today()).await?;
    assert_eq!((inv2.subtotal_minor, inv2.tax_minor), (566, 107));
    // The two invoices add up to the order exactly, whatever the rounding.
    assert_eq!(
        inv1.subtotal_minor + inv2.subtotal_minor,
        order_row.subtotal_minor
    );
    assert_eq!(inv1.tax_minor + inv2.tax_minor, order_row.tax_minor);
    assert_eq!(inv1.total_minor + inv2.total_minor, order_row.total_minor);
    assert_eq!(order_state(db, order).await?, "invoiced");
    let none = invoices::raise(db, Some(&e.manager), order, None, today())
        .await
        .refused()?;
    assert_eq!(none, Error::Conflict(messages::NOTHING_TO_INVOICE.into()));
    // Paying both closes the order.
    invoices::pay(
        db,
        Some(&e.manager),
        &pay(
            inv1.id,
            &tandem_domain::money::format_minor(inv1.total_minor),
        ),
        today(),
    )
    .await?;
    assert_eq!(order_state(db, order).await?, "invoiced");
    invoices::pay(
        db,
        Some(&e.manager),
        &pay(
            inv2.id,
            &tandem_domain::money::format_minor(inv2.total_minor),
        ),
        today(),
    )
    .await?;
    assert_eq!(order_state(db, order).await?, "closed");
    assert_eq!(invoice(db, inv2.id).await?.state, invoices::PAID);
    let events: Vec<String> = outbox::of(db, "invoice", inv2.id)
        .await?
        .into_iter()
        .map(|e| e.event_type)
        .collect();
    assert_eq!(
        events,
        ["invoice.issued", "payment.received", "invoice.paid"]
    );
    Ok(())
}

/// Ana's confirmed order for Payer GmbH of 4 PAY-1 at 100.00, shipped and
/// invoiced; returns the customer, the order and the invoice.
async fn invoiced_order(db: &Db, e: &Erp) -> BoxResult<(i64, i64, invoice_rows::Model)> {
    let p = stocked(db, e, "PAY-1", 10_000, 10).await?;
    let (customer_id, order) = confirmed(db, e, "Payer GmbH", vec![crate::erp::line(p, 4)]).await?;
    ship(db, e, order, &[]).await?;
    let inv = invoices::raise(db, Some(&e.manager), order, None, today()).await?;
    Ok((customer_id, order, inv))
}

/// Four payments of 100.00 on the 476.00 of [`invoiced_order`]: 76.00 is
/// left, as after the concurrent payments below.
async fn pay_four_hundred(db: &Db, e: &Erp, inv: i64) -> TestResult {
    for _ in 0..4 {
        invoices::pay(db, Some(&e.manager), &pay(inv, "100.00"), today()).await?;
    }
    Ok(())
}

/// 100.00 on `inv`, the excess over what is owed kept as credit.
fn keeping_the_excess(inv: i64) -> PaymentInput {
    PaymentInput {
        keep_excess_as_credit: true,
        ..pay(inv, "100.00")
    }
}

/// A credit note for `quantity` of the invoice's only line.
async fn credit_note(db: &Db, inv: i64, quantity: i64, reason: &str) -> BoxResult<CreditInput> {
    let il = tandem_domain::entities::invoice_lines::Entity::find()
        .filter(tandem_domain::entities::invoice_lines::Column::InvoiceId.eq(inv))
        .one(db)
        .await?
        .ok_or("no line")?;
    Ok(CreditInput {
        invoice_id: inv,
        lines: vec![(il.id, quantity)],
        reason: reason.into(),
    })
}

#[db_test]
async fn payments_refuse_bad_input_with_field_messages_and_sales_users() -> TestResult {
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let e = erp(db, admin).await?;
    let (_, _, inv) = invoiced_order(db, &e).await?;
    let bad = PaymentInput {
        invoice_id: inv.id,
        amount: "-5".into(),
        method: "barter".into(),
        paid_on: (today() + Duration::days(3)).to_string(),
        ..Default::default()
    };
    let err = invoices::pay(db, Some(&e.manager), &bad, today())
        .await
        .refused()?;
    let mut fields = crate::erp::field_of(&err);
    fields.sort();
    assert_eq!(fields, ["amount", "method", "paid_on"]);
    // Sales may not record payments.
    let denied = invoices::pay(db, Some(&e.ana), &pay(inv.id, "10"), today()).await;
    assert!(matches!(denied, Err(Error::Forbidden)));
    Ok(())
}

#[db_test]
async fn a_payment_below_the_total_part_pays_and_one_above_what_is_owed_is_refused() -> TestResult {
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let e = erp(db, admin).await?;
    let (_, _, inv) = invoiced_order(db, &e).await?;
    // 4 × 100.00 + 19 % = 476.00.
    assert_eq!(inv.total_minor, 47_600);
    invoices::pay(db, Some(&e.manager), &pay(inv.id, "100.00"), today()).await?;
    assert_eq!(invoice(db, inv.id).await?.state, invoices::PARTIALLY_PAID);
    // More than owed: refused, unless kept as credit.
    let over = invoices::pay(db, Some(&e.manager), &pay(inv.id, "400.00"), today())
        .await
        .refused()?;
    assert_eq!(over, Error::field("amount", messages::OVERPAYMENT));
    Ok(())
}

#[db_test]
async fn concurrent_payments_never_land_more_than_is_owed() -> TestResult {
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let e = erp(db, admin).await?;
    let (_, _, inv) = invoiced_order(db, &e).await?;
    invoices::pay(db, Some(&e.manager), &pay(inv.id, "100.00"), today()).await?;
    // Concurrent payments of 100.00 each: at most what is owed lands.
    let runs: Vec<_> = (0..5)
        .map(|_| {
            let conn = db.clone();
            let manager = e.manager.clone();
            let input = pay(inv.id, "100.00");
            tokio::spawn(async move { invoices::pay(&conn, Some(&manager), &input, today()).await })
        })
        .collect();
    let mut landed = 0;
    for run in runs {
        if run.await?.is_ok() {
            landed += 1;
        }
    }
    assert_eq!(landed, 3, "376.00 owed takes three payments of 100.00");
    let after = invoice(db, inv.id).await?;
    assert_eq!(invoices::owed(&after), 7_600);
    Ok(())
}

#[db_test]
async fn an_excess_kept_as_credit_settles_the_invoice_and_closes_the_order() -> TestResult {
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let e = erp(db, admin).await?;
    let (customer_id, order, inv) = invoiced_order(db, &e).await?;
    pay_four_hundred(db, &e, inv.id).await?;
    let kept = keeping_the_excess(inv.id);
    let payment = invoices::pay(db, Some(&e.manager), &kept, today()).await?;
    assert_eq!(
        (payment.amount_minor, payment.applied_minor),
        (10_000, 7_600)
    );
    let paid = invoice(db, inv.id).await?;
    assert_eq!(
        (invoices::owed(&paid), paid.state.as_str()),
        (0, invoices::PAID)
    );
    assert_eq!(
        invoices::credit_balance(db, customer_id, "EUR").await?,
        2_400
    );
    assert_eq!(order_state(db, order).await?, "closed");
    Ok(())
}

#[db_test]
async fn a_credit_note_on_a_paid_invoice_becomes_customer_credit_up_to_what_was_invoiced(
) -> TestResult {
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let e = erp(db, admin).await?;
    let (customer_id, _, inv) = invoiced_order(db, &e).await?;
    pay_four_hundred(db, &e, inv.id).await?;
    invoices::pay(db, Some(&e.manager), &keeping_the_excess(inv.id), today()).await?;
    let damaged = credit_note(db, inv.id, 1, "Damaged").await?;
    let note = invoices::credit(db, Some(&e.manager), &damaged, today()).await?;
    assert_eq!((note.total_minor, note.applied_minor), (11_900, 0));
    assert_eq!(
        invoices::credit_balance(db, customer_id, "EUR").await?,
        14_300
    );
    let too_much = credit_note(db, inv.id, 4, "x").await?;
    let too_much = invoices::credit(db, Some(&e.manager), &too_much, today())
        .await
        .refused()?;
    assert_eq!(crate::erp::field_of(&too_much), ["lines.0.quantity"]);
    Ok(())
}

#[db_test]
async fn a_paid_invoice_takes_no_more_payments_and_cannot_be_cancelled() -> TestResult {
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let e = erp(db, admin).await?;
    let (_, _, inv) = invoiced_order(db, &e).await?;
    pay_four_hundred(db, &e, inv.id).await?;
    invoices::pay(db, Some(&e.manager), &keeping_the_excess(inv.id), today()).await?;
    let damaged = credit_note(db, inv.id, 1, "Damaged").await?;
    invoices::credit(db, Some(&e.manager), &damaged, today()).await?;
    let settled = invoices::pay(db, Some(&e.manager), &pay(inv.id, "1"), today())
        .await
        .refused()?;
    assert_eq!(settled, Error::Conflict(messages::INVOICE_SETTLED.into()));
    let cancel = invoices::cancel(db, Some(&e.manager), inv.id, "wrong")
        .await
        .refused()?;
    assert_eq!(
        cancel,
        Error::Conflict(messages::INVOICE_HAS_SETTLEMENTS.into())
    );
    Ok(())
}

#[db_test]
async fn credit_notes_reduce_what_is_owed_and_reverse_lines_exactly_in_full() -> TestResult {
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let e = erp(db, admin).await?;
    let p = stocked(db, &e, "CN-1", 333, 10).await?;
    let (customer_id, order) = confirmed(db, &e, "Credit AG", vec![crate::erp::line(p, 3)]).await?;
    ship(db, &e, order, &[]).await?;
    let inv = invoices::raise(db, Some(&e.manager), order, None, today()).await?;
    let il = tandem_domain::entities::invoice_lines::Entity::find()
        .filter(tandem_domain::entities::invoice_lines::Column::InvoiceId.eq(inv.id))
        .one(db)
        .await?
        .ok_or("no line")?;
    let input = |q| CreditInput {
        invoice_id: inv.id,
        lines: vec![(il.id, q)],
        reason: "Return".into(),
    };
    let no_reason = invoices::credit(
        db,
        Some(&e.manager),
        &CreditInput {
            reason: " ".into(),
            ..input(1)
        },
        today(),
    )
    .await
    .refused()?;
    assert_eq!(no_reason, Error::field("reason", messages::REASON_REQUIRED));
    let one = invoices::credit(db, Some(&e.manager), &input(1), today()).await?;
    let two = invoices::credit(db, Some(&e.manager), &input(2), today()).await?;
    assert_eq!(one.subtotal_minor + two.subtotal_minor, il.net_minor);
    assert_eq!(one.tax_minor + two.tax_minor, il.tax_minor);
    let after = invoice(db, inv.id).await?;
    assert_eq!(after.credited_minor, inv.total_minor);
    assert_eq!(invoices::owed(&after), 0);
    assert_eq!(after.state, invoices::PAID);
    assert_eq!(
        invoices::credit_balance(db, customer_id, "EUR").await?,
        0,
        "nothing was paid, so no credit"
    );
    assert_eq!(order_state(db, order).await?, "closed");
    Ok(())
}

#[db_test]
async fn exposure_counts_unpaid_invoices_and_uninvoiced_orders_once() -> TestResult {
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let e = erp(db, admin).await?;
    let p = stocked(db, &e, "EXP-1", 10_000, 10).await?;
    let (customer_id, order) =
        confirmed(db, &e, "Exposed SA", vec![crate::erp::line(p, 2)]).await?;
    let c = customer_rows::Entity::find_by_id(customer_id)
        .one(db)
        .await?
        .ok_or("no customer")?;
    assert_eq!(orders::exposure(db, &c, None).await?, 23_800);
    let line_id = lines(db, order).await?[0].id;
    let s = ship(db, &e, order, &[(line_id, 1)]).await?;
    let inv = invoices::raise(db, Some(&e.manager), order, Some(s), today()).await?;
    assert_eq!(
        orders::exposure(db, &c, None).await?,
        23_800,
        "invoiced part counted once"
    );
    invoices::pay(db, Some(&e.manager), &pay(inv.id, "50.00"), today()).await?;
    assert_eq!(orders::exposure(db, &c, None).await?, 18_800);
    invoices::pay(db, Some(&e.manager), &pay(inv.id, "69.00"), today()).await?;
    assert_eq!(
        orders::exposure(db, &c, None).await?,
        11_900,
        "the uninvoiced half remains"
    );
    ship(db, &e, order, &[]).await?;
    let rest = invoices::raise(db, Some(&e.manager), order, None, today()).await?;
    assert_eq!(orders::exposure(db, &c, None).await?, 11_900);
    invoices::pay(db, Some(&e.manager), &pay(rest.id, "119.00"), today()).await?;
    assert_eq!(orders::exposure(db, &c, None).await?, 0);
    assert_eq!(order_state(db, order).await?, "closed");
    Ok(())
}

#[db_test]
async fn overdue_invoices_are_flagged_once_aged_and_their_owner_told() -> TestResult {
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let e = erp(db, admin).await?;
    let p = stocked(db, &e, "LATE-1", 10_000, 10).await?;
    let (customer_id, order) =
        confirmed(db, &e, "Late Payer", vec![crate::erp::line(p, 1)]).await?;
    ship(db, &e, order, &[]).await?;
    // Issued 100 days ago with 30 days' terms: 70 days past due.
    let inv = invoices::raise(
        db,
        Some(&e.manager),
        order,
        None,
        today() - Duration::days(100),
    )
    .await?;
    assert_eq!(invoices::flag_overdue(db, today()).await?, 1);
    assert_eq!(
        invoices::flag_overdue(db, today()).await?,
        0,
        "flagged once"
    );
    assert_eq!(invoice(db, inv.id).await?.state, invoices::OVERDUE);
    let told = notifications::mine(db, Some(&e.ana), 10).await?;
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].kind, notifications::INVOICE_OVERDUE);
    assert!(told[0].title.starts_with(&inv.number));
    assert!(notifications::mine(db, Some(&e.ben), 10).await?.is_empty());
    let aging = invoices::aging(db, Some(&e.ana), Some(customer_id), today()).await?;
    assert_eq!(aging.len(), 1);
    assert_eq!(
        (aging[0].d61_90, aging[0].total, aging[0].overdue_count),
        (11_900, 11_900, 1)
    );
    // Ben (another sales user) sees neither the invoice nor its aging.
    assert!(invoices::aging(db, Some(&e.ben), None, today())
        .await?
        .is_empty());
    assert_eq!(
        invoices::get(db, Some(&e.ben), inv.id).await.refused()?,
        Error::NotFound
    );
    let listed = invoices::list(
        db,
        Some(&e.ana),
        &InvoiceFilter {
            state: Some("overdue".into()),
            ..Default::default()
        },
        1,
        20,
    )
    .await?;
    assert_eq!(listed.total, 1);
    // Part-paid, it stays overdue; paid in full, it is paid.
    invoices::pay(db, Some(&e.manager), &pay(inv.id, "19.00"), today()).await?;
    assert_eq!(invoice(db, inv.id).await?.state, invoices::OVERDUE);
    invoices::pay(db, Some(&e.manager), &pay(inv.id, "100.00"), today()).await?;
    assert_eq!(invoice(db, inv.id).await?.state, invoices::PAID);
    assert!(outbox::of(db, "invoice", inv.id)
        .await?
        .iter()
        .any(|e| e.event_type == "invoice.overdue"));
    Ok(())
}

async fn supplier(db: &Db, e: &Erp, name: &str, lead: i32) -> BoxResult<i64> {
    Ok(purchasing::create_supplier(
        db,
        Some(&e.keeper),
        &SupplierInput {
            name: name.into(),
            lead_time_days: lead,
            currency: "EUR".into(),
            active: true,
            ..Default::default()
        },
    )
    .await?
    .id)
}

async fn sent_po(db: &Db, e: &Erp, supplier_id: i64, lines: Vec<(i64, i64)>) -> BoxResult<i64> {
    let po = purchasing::create(
        db,
        Some(&e.keeper),
        &PoInput {
            supplier_id,
            warehouse_id: e.main,
            expected_on: None,
            notes: String::new(),
            lines: lines
                .into_iter()
                .map(|(product_id, quantity)| PoLineInput {
                    product_id,
                    quantity,
                    unit_price_minor: None,
                })
                .collect(),
        },
    )
    .await?;
    purchasing::send(db, Some(&e.keeper), po.id).await?;
    Ok(po.id)
}

/// Product PO-1 (10.00, none on hand) and supplier Acme Supply (10 days),
/// which sells it at 7.00 from 10; returns the product and the supplier.
async fn priced_by_acme(db: &Db, e: &Erp) -> BoxResult<(i64, i64)> {
    let p = stocked(db, e, "PO-1", 1_000, 0).await?;
    let s = supplier(db, e, "Acme Supply", 10).await?;
    purchasing::set_price(db, Some(&e.keeper), s, p, 700, 10).await?;
    Ok((p, s))
}

/// A purchase order of 20 `p` from `supplier_id` into `warehouse_id`, at the
/// supplier's price.
fn twenty(p: i64, supplier_id: i64, warehouse_id: i64) -> PoInput {
    PoInput {
        supplier_id,
        warehouse_id,
        expected_on: None,
        notes: String::new(),
        lines: vec![PoLineInput {
            product_id: p,
            quantity: 20,
            unit_price_minor: None,
        }],
    }
}

/// The units of `p` on their way to the main warehouse.
async fn incoming(db: &Db, e: &Erp, p: i64) -> BoxResult<Option<i64>> {
    Ok(purchasing::incoming(db, Some(&[p]))
        .await?
        .get(&(p, e.main))
        .copied())
}

#[db_test]
async fn suppliers_refuse_a_taken_name_and_bad_fields() -> TestResult {
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let e = erp(db, admin).await?;
    priced_by_acme(db, &e).await?;
    let dup = purchasing::create_supplier(
        db,
        Some(&e.keeper),
        &SupplierInput {
            name: "ACME supply".into(),
            currency: "EUR".into(),
            ..Default::default()
        },
    )
    .await
    .refused()?;
    assert_eq!(dup, Error::field("name", messages::SUPPLIER_NAME_TAKEN));
    let bad = purchasing::create_supplier(
        db,
        Some(&e.keeper),
        &SupplierInput {
            name: "".into(),
            email: "nope".into(),
            lead_time_days: 400,
            currency: "euro".into(),
            ..Default::default()
        },
    )
    .await
    .refused()?;
    let mut fields = crate::erp::field_of(&bad);
    fields.sort();
    assert_eq!(fields, ["currency", "email", "lead_time_days", "name"]);
    Ok(())
}

#[db_test]
async fn a_purchase_order_takes_the_suppliers_price_and_is_received_only_once_sent() -> TestResult {
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let e = erp(db, admin).await?;
    let (p, s) = priced_by_acme(db, &e).await?;
    let po = purchasing::create(db, Some(&e.keeper), &twenty(p, s, e.main)).await?;
    assert!(po.number.starts_with("PO-"));
    assert_eq!(
        po.total_minor, 14_000,
        "the supplier's price is the default"
    );
    let early = purchasing::receive(db, Some(&e.keeper), po.id, &[])
        .await
        .refused()?;
    assert_eq!(early, Error::Conflict(messages::PO_NOT_RECEIVABLE.into()));
    purchasing::send(db, Some(&e.keeper), po.id).await?;
    purchasing::send(db, Some(&e.keeper), po.id).await?; // repeated: no change
    assert_eq!(incoming(db, &e, p).await?, Some(20));
    Ok(())
}

#[db_test]
async fn receipts_in_parts_move_stock_and_what_is_incoming_and_block_a_cancel() -> TestResult {
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let e = erp(db, admin).await?;
    let (p, s) = priced_by_acme(db, &e).await?;
    let po = purchasing::create(db, Some(&e.keeper), &twenty(p, s, e.main)).await?;
    purchasing::send(db, Some(&e.keeper), po.id).await?;
    let detail = purchasing::get(db, Some(&e.keeper), po.id).await?;
    let line_id = detail.lines[0].line.id;
    let too_much = purchasing::receive(db, Some(&e.keeper), po.id, &[(line_id, 21)])
        .await
        .refused()?;
    assert_eq!(crate::erp::field_of(&too_much), ["lines.0.quantity"]);
    let got = purchasing::receive(db, Some(&e.keeper), po.id, &[(line_id, 8)]).await?;
    assert_eq!(got.order.state, purchasing::PARTIALLY_RECEIVED);
    assert_eq!(level(db, p, e.main).await?, (8, 0));
    assert_eq!(incoming(db, &e, p).await?, Some(12));
    let cancel = purchasing::cancel(db, Some(&e.keeper), po.id)
        .await
        .refused()?;
    assert_eq!(
        cancel,
        Error::Conflict(messages::PO_TRANSITION_REFUSED.into())
    );
    let rest = purchasing::receive(db, Some(&e.keeper), po.id, &[]).await?;
    assert_eq!(rest.order.state, purchasing::RECEIVED);
    assert_eq!(level(db, p, e.main).await?, (20, 0));
    purchasing::close(db, Some(&e.keeper), po.id).await?;
    assert!(purchasing::incoming(db, Some(&[p])).await?.is_empty());
    // The ledger agrees with the levels.
    assert!(stock::check_ledger(db).await?.is_empty());
    Ok(())
}

/// Takes a purchase order of [`twenty`] through the steps of the two tests
/// above, refused attempts included: received early, sent twice, 21
/// received, 8 received, cancelled, the rest received, closed.
async fn receive_in_two_parts(db: &Db, e: &Erp, po: i64) -> TestResult {
    let keeper = Some(&e.keeper);
    purchasing::receive(db, keeper, po, &[]).await.refused()?;
    purchasing::send(db, keeper, po).await?;
    purchasing::send(db, keeper, po).await?;
    let line_id = purchasing::get(db, keeper, po).await?.lines[0].line.id;
    purchasing::receive(db, keeper, po, &[(line_id, 21)])
        .await
        .refused()?;
    purchasing::receive(db, keeper, po, &[(line_id, 8)]).await?;
    purchasing::cancel(db, keeper, po).await.refused()?;
    purchasing::receive(db, keeper, po, &[]).await?;
    purchasing::close(db, keeper, po).await?;
    Ok(())
}

#[db_test]
async fn sales_cannot_buy_and_each_step_of_a_purchase_order_is_one_event() -> TestResult {
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let e = erp(db, admin).await?;
    let (p, s) = priced_by_acme(db, &e).await?;
    let po = purchasing::create(db, Some(&e.keeper), &twenty(p, s, e.main)).await?;
    receive_in_two_parts(db, &e, po.id).await?;
    let denied = purchasing::send(db, Some(&e.ana), po.id).await;
    assert!(matches!(denied, Err(Error::Forbidden)));
    let events: Vec<String> = outbox::of(db, "purchase_order", po.id)
        .await?
        .into_iter()
        .map(|e| e.event_type)
        .collect();
    assert_eq!(
        events,
        [
            "purchase_order.created",
            "purchase_order.sent",
            "purchase_order.received",
            "purchase_order.received",
            "purchase_order.closed"
        ]
    );
    Ok(())
}

#[db_test]
async fn receipts_reserve_backorders_oldest_order_first() -> TestResult {
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let e = erp(db, admin).await?;
    let p = stocked(db, &e, "FIFO-1", 1_000, 0).await?;
    let mut waiting = Vec::new();
    for name in ["First", "Second", "Third"] {
        waiting.push(
            confirmed(db, &e, name, vec![crate::erp::line(p, 5)])
                .await?
                .1,
        );
    }
    let s = supplier(db, &e, "Fifo Supply", 7).await?;
    let po = sent_po(db, &e, s, vec![(p, 8)]).await?;
    let got = purchasing::receive(db, Some(&e.keeper), po, &[]).await?;
    let reserved: Vec<i64> = {
        let mut r = Vec::new();
        for o in &waiting {
            r.push(lines(db, *o).await?[0].reserved);
        }
        r
    };
    assert_eq!(reserved, [5, 3, 0]);
    assert_eq!(got.reserved.len(), 2);
    assert_eq!(level(db, p, e.main).await?, (8, 8));
    // The first order can now ship in full.
    ship(db, &e, waiting[0], &[]).await?;
    assert_eq!(order_state(db, waiting[0]).await?, "shipped");
    assert!(stock::check_ledger(db).await?.is_empty());
    Ok(())
}

#[db_test]
async fn concurrent_receipts_and_confirmations_never_oversell() -> TestResult {
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let e = erp(db, admin).await?;
    let p = stocked(db, &e, "RACE-1", 1_000, 0).await?;
    let s = supplier(db, &e, "Race Supply", 3).await?;
    let mut pos = Vec::new();
    for _ in 0..4 {
        pos.push(sent_po(db, &e, s, vec![(p, 6)]).await?);
    }
    let mut drafts = Vec::new();
    for i in 0..6 {
        let c = customer(db, &e.ana, &format!("Racer {i}"), 0).await?;
        drafts.push(
            orders::create(
                db,
                Some(&e.ana),
                &quote(c, e.main, vec![crate::erp::line(p, 5)]),
            )
            .await?
            .id,
        );
    }
    let mut runs = Vec::new();
    for po in pos {
        let (conn, keeper) = (db.clone(), e.keeper.clone());
        runs.push(tokio::spawn(async move {
            purchasing::receive(&conn, Some(&keeper), po, &[])
                .await
                .map(|_| ())
        }));
    }
    for o in drafts.iter().copied() {
        let (conn, ana) = (db.clone(), e.ana.clone());
        runs.push(tokio::spawn(async move {
            orders::confirm(&conn, Some(&ana), o).await.map(|_| ())
        }));
    }
    for run in runs {
        run.await??;
    }
    // 24 arrived, 30 wanted: exactly 24 reserved, never more than on hand.
    let (on_hand, reserved) = level(db, p, e.main).await?;
    assert_eq!((on_hand, reserved), (24, 24));
    let mut per_line = 0;
    for o in &drafts {
        per_line += lines(db, *o).await?[0].reserved;
    }
    assert_eq!(
        per_line, 24,
        "the orders hold what the level says is reserved"
    );
    assert!(stock::check_ledger(db).await?.is_empty());
    Ok(())
}

/// What [`supply_with_rules`] made.
struct Supply {
    low: i64,
    short: i64,
    a: i64,
    b: i64,
}

/// LOW-1 (12 on hand) and FINE-1 (100 on hand), both with a reorder point of
/// 10 and a reorder quantity of 30, and SHORT-1 (none on hand, no rule);
/// suppliers Alpha (5 days: LOW-1 at 6.00) and Beta (9 days: LOW-1 at 6.50,
/// SHORT-1 at 4.00 from 10).
async fn supply_with_rules(db: &Db, e: &Erp) -> BoxResult<Supply> {
    let low = stocked(db, e, "LOW-1", 1_000, 12).await?;
    let short = stocked(db, e, "SHORT-1", 1_000, 0).await?;
    let fine = stocked(db, e, "FINE-1", 1_000, 100).await?;
    let a = supplier(db, e, "Alpha", 5).await?;
    let b = supplier(db, e, "Beta", 9).await?;
    purchasing::set_price(db, Some(&e.keeper), a, low, 600, 1).await?;
    purchasing::set_price(db, Some(&e.keeper), b, low, 650, 1).await?;
    purchasing::set_price(db, Some(&e.keeper), b, short, 400, 10).await?;
    replenishment::set_rule(db, Some(&e.keeper), low, e.main, 10, 30).await?;
    replenishment::set_rule(db, Some(&e.keeper), fine, e.main, 10, 30).await?;
    Ok(Supply { low, short, a, b })
}

/// Counts LOW-1 down by 5, then by 1 more, to 6: below its reorder point.
async fn take_low_below_its_point(db: &Db, e: &Erp, low: i64) -> TestResult {
    for quantity in [-5, -1] {
        let count = AdjustInput {
            product_id: low,
            warehouse_id: e.main,
            quantity,
            reason: "count".into(),
        };
        stock::adjust(db, Some(&e.keeper), &count).await?;
    }
    Ok(())
}

/// LOW-1 below its point and a backorder of 7 SHORT-1.
async fn low_and_short(db: &Db, e: &Erp, s: &Supply) -> TestResult {
    take_low_below_its_point(db, e, s.low).await?;
    confirmed(db, e, "Waiting Co", vec![crate::erp::line(s.short, 7)]).await?;
    Ok(())
}

#[db_test]
async fn reorder_rules_refuse_a_negative_point_and_no_quantity() -> TestResult {
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let e = erp(db, admin).await?;
    let s = supply_with_rules(db, &e).await?;
    let bad = replenishment::set_rule(db, Some(&e.keeper), s.low, e.main, -1, 0)
        .await
        .refused()?;
    let mut fields = crate::erp::field_of(&bad);
    fields.sort();
    assert_eq!(fields, ["reorder_point", "reorder_quantity"]);
    Ok(())
}

#[db_test]
async fn nothing_is_suggested_while_stock_is_above_its_reorder_points() -> TestResult {
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let e = erp(db, admin).await?;
    supply_with_rules(db, &e).await?;
    assert!(
        replenishment::suggestions(db, Some(&e.keeper), None, today())
            .await?
            .is_empty()
    );
    Ok(())
}

#[db_test]
async fn crossing_a_reorder_point_tells_warehouse_users_once() -> TestResult {
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let e = erp(db, admin).await?;
    let s = supply_with_rules(db, &e).await?;
    // Taking LOW-1 to 7 crosses its reorder point: warehouse users are told once.
    take_low_below_its_point(db, &e, s.low).await?;
    let told: Vec<_> = notifications::mine(db, Some(&e.keeper), 10)
        .await?
        .into_iter()
        .filter(|n| n.kind == notifications::STOCK_LOW)
        .collect();
    assert_eq!(told.len(), 1, "told once while it stays low");
    assert!(told[0].title.starts_with("LOW-1"));
    assert!(
        notifications::mine(db, Some(&e.ana), 10).await?.is_empty(),
        "sales are not warehouse users"
    );
    let level_row = stock_levels::Entity::find_by_id((s.low, e.main))
        .one(db)
        .await?
        .ok_or("no level")?;
    assert_eq!(level_row.on_hand, 6);
    Ok(())
}

#[db_test]
async fn suggestions_cover_reorder_points_and_backorders_each_with_a_supplier() -> TestResult {
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let e = erp(db, admin).await?;
    let s = supply_with_rules(db, &e).await?;
    low_and_short(db, &e, &s).await?;
    let found = replenishment::suggestions(db, Some(&e.keeper), None, today()).await?;
    let summary: Vec<(String, i64, Vec<Reason>, Option<i64>)> = found
        .iter()
        .map(|s| {
            (
                s.sku.clone(),
                s.quantity,
                s.reasons.clone(),
                s.supplier.as_ref().map(|x| x.0),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "LOW-1".to_string(),
                30,
                vec![Reason::BelowReorderPoint],
                Some(s.a)
            ),
            (
                "SHORT-1".to_string(),
                10,
                vec![Reason::Backorders],
                Some(s.b)
            ),
        ]
    );
    Ok(())
}

#[db_test]
async fn ordering_suggestions_drafts_one_purchase_order_per_supplier_and_covers_them() -> TestResult
{
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let e = erp(db, admin).await?;
    let s = supply_with_rules(db, &e).await?;
    low_and_short(db, &e, &s).await?;
    let created = replenishment::order(
        db,
        Some(&e.keeper),
        &[(s.low, e.main, None), (s.short, e.main, None)],
        today(),
    )
    .await?;
    assert_eq!(created.len(), 2, "one purchase order per supplier");
    assert!(created.iter().all(|po| po.state == purchasing::DRAFT));
    // Incoming now covers both: no suggestions left.
    assert!(
        replenishment::suggestions(db, Some(&e.keeper), None, today())
            .await?
            .is_empty()
    );
    Ok(())
}

#[db_test]
async fn only_warehouse_users_order_suggestions_and_only_chosen_ones() -> TestResult {
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let e = erp(db, admin).await?;
    let s = supply_with_rules(db, &e).await?;
    low_and_short(db, &e, &s).await?;
    replenishment::order(
        db,
        Some(&e.keeper),
        &[(s.low, e.main, None), (s.short, e.main, None)],
        today(),
    )
    .await?;
    let denied = replenishment::order(db, Some(&e.ana), &[(s.low, e.main, None)], today()).await;
    assert!(matches!(denied, Err(Error::Forbidden)));
    let none = replenishment::order(db, Some(&e.keeper), &[], today())
        .await
        .refused()?;
    assert_eq!(none, Error::field("lines", messages::CHOOSE_SUGGESTIONS));
    Ok(())
}
