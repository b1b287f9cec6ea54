//! Billing: invoices from shipped quantities, payments, credit notes,
//! exposure and aging, on both engines.

use chrono::{Duration, NaiveDate, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use tandem_domain::testing::db_test;
use tandem_domain::{
    entities::{customers as customer_rows, invoices as invoice_rows, sales_orders},
    messages, Db, Error,
    {
        access::notifications,
        billing::invoices::{self, CreditInput, InvoiceFilter, PaymentInput},
        platform::outbox,
        sales::orders::{self, LineInput},
        sales::shipments,
    },
};

use crate::{
    support::{with_admin, BoxResult},
    world::{customer, erp, lines, quote, stocked, Erp, Refused},
    TestResult,
};

pub(crate) fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// A confirmed order of `lines` for a new customer of ana's, fully reserved.
pub(crate) async fn confirmed(
    db: &Db,
    e: &Erp,
    name: &str,
    order_lines: Vec<LineInput>,
) -> BoxResult<(i64, i64)> {
    let c = customer(db, &e.ana, name, 0).await?;
    let o = orders::create(db, &e.ana, &quote(c, e.main, order_lines)).await?;
    orders::confirm(db, &e.ana, o.id).await?;
    Ok((c, o.id))
}

pub(crate) async fn ship(db: &Db, e: &Erp, order: i64, picks: &[(i64, i64)]) -> BoxResult<i64> {
    let s = shipments::create(db, &e.keeper, order, picks).await?;
    shipments::ship(db, &e.keeper, s.id, "DHL", "TRK1").await?;
    Ok(s.id)
}

pub(crate) async fn order_state(db: &Db, id: i64) -> BoxResult<&'static str> {
    Ok(sales_orders::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or("order vanished")?
        .state
        .as_str())
}

async fn invoice(db: &Db, id: i64) -> BoxResult<invoice_rows::Model> {
    Ok(invoice_rows::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or("invoice vanished")?)
}

fn pay(invoice_id: i64, amount_minor: i64) -> PaymentInput {
    PaymentInput {
        invoice_id,
        amount_minor,
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
    let err = invoices::raise(db, &e.manager, order, None, today())
        .await
        .refused()?;
    assert_eq!(err, Error::Conflict(messages::NOTHING_TO_INVOICE.into()));
    let first = ship(db, &e, order, &[(line_id, 1)]).await?;
    let inv1 = invoices::raise(db, &e.manager, order, Some(first), today()).await?;
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
    let again = invoices::raise(db, &e.manager, order, Some(first), today())
        .await
        .refused()?;
    assert_eq!(again, Error::Conflict(messages::SHIPMENT_INVOICED.into()));
    assert_eq!(order_state(db, order).await?, "partially_shipped");
    ship(db, &e, order, &[]).await?;
    assert_eq!(order_state(db, order).await?, "shipped");
    let inv2 = invoices::raise(db, &e.manager, order, None, today()).await?;
    assert_eq!((inv2.subtotal_minor, inv2.tax_minor), (566, 107));
    // The two invoices add up to the order exactly, whatever the rounding.
    assert_eq!(
        inv1.subtotal_minor + inv2.subtotal_minor,
        order_row.subtotal_minor
    );
    assert_eq!(inv1.tax_minor + inv2.tax_minor, order_row.tax_minor);
    assert_eq!(inv1.total_minor + inv2.total_minor, order_row.total_minor);
    assert_eq!(order_state(db, order).await?, "invoiced");
    let none = invoices::raise(db, &e.manager, order, None, today())
        .await
        .refused()?;
    assert_eq!(none, Error::Conflict(messages::NOTHING_TO_INVOICE.into()));
    // Paying both closes the order.
    invoices::pay(db, &e.manager, &pay(inv1.id, inv1.total_minor), today()).await?;
    assert_eq!(order_state(db, order).await?, "invoiced");
    invoices::pay(db, &e.manager, &pay(inv2.id, inv2.total_minor), today()).await?;
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
    let (customer_id, order) =
        confirmed(db, e, "Payer GmbH", vec![crate::world::line(p, 4)]).await?;
    ship(db, e, order, &[]).await?;
    let inv = invoices::raise(db, &e.manager, order, None, today()).await?;
    Ok((customer_id, order, inv))
}

/// Four payments of 100.00 on the 476.00 of [`invoiced_order`]: 76.00 is
/// left, as after the concurrent payments below.
async fn pay_four_hundred(db: &Db, e: &Erp, inv: i64) -> TestResult {
    for _ in 0..4 {
        invoices::pay(db, &e.manager, &pay(inv, 10_000), today()).await?;
    }
    Ok(())
}

/// 100.00 on `inv`, the excess over what is owed kept as credit.
fn keeping_the_excess(inv: i64) -> PaymentInput {
    PaymentInput {
        keep_excess_as_credit: true,
        ..pay(inv, 10_000)
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
        amount_minor: -500,
        method: "barter".into(),
        paid_on: Some(today() + Duration::days(3)),
        ..Default::default()
    };
    let err = invoices::pay(db, &e.manager, &bad, today())
        .await
        .refused()?;
    let mut fields = crate::world::field_of(&err);
    fields.sort();
    assert_eq!(fields, ["amount", "method", "paid_on"]);
    // Sales may not record payments.
    let denied = invoices::pay(db, &e.ana, &pay(inv.id, 1000), today()).await;
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
    invoices::pay(db, &e.manager, &pay(inv.id, 10_000), today()).await?;
    assert_eq!(invoice(db, inv.id).await?.state, invoices::PARTIALLY_PAID);
    // More than owed: refused, unless kept as credit.
    let over = invoices::pay(db, &e.manager, &pay(inv.id, 40_000), today())
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
    invoices::pay(db, &e.manager, &pay(inv.id, 10_000), today()).await?;
    // Concurrent payments of 100.00 each: at most what is owed lands.
    let runs: Vec<_> = (0..5)
        .map(|_| {
            let conn = db.clone();
            let manager = e.manager.clone();
            let input = pay(inv.id, 10_000);
            tokio::spawn(async move { invoices::pay(&conn, &manager, &input, today()).await })
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
    let payment = invoices::pay(db, &e.manager, &kept, today()).await?;
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
    invoices::pay(db, &e.manager, &keeping_the_excess(inv.id), today()).await?;
    let damaged = credit_note(db, inv.id, 1, "Damaged").await?;
    let note = invoices::credit(db, &e.manager, &damaged, today()).await?;
    assert_eq!((note.total_minor, note.applied_minor), (11_900, 0));
    assert_eq!(
        invoices::credit_balance(db, customer_id, "EUR").await?,
        14_300
    );
    let too_much = credit_note(db, inv.id, 4, "x").await?;
    let too_much = invoices::credit(db, &e.manager, &too_much, today())
        .await
        .refused()?;
    assert_eq!(crate::world::field_of(&too_much), ["lines.0.quantity"]);
    Ok(())
}

#[db_test]
async fn a_paid_invoice_takes_no_more_payments_and_cannot_be_cancelled() -> TestResult {
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let e = erp(db, admin).await?;
    let (_, _, inv) = invoiced_order(db, &e).await?;
    pay_four_hundred(db, &e, inv.id).await?;
    invoices::pay(db, &e.manager, &keeping_the_excess(inv.id), today()).await?;
    let damaged = credit_note(db, inv.id, 1, "Damaged").await?;
    invoices::credit(db, &e.manager, &damaged, today()).await?;
    let settled = invoices::pay(db, &e.manager, &pay(inv.id, 100), today())
        .await
        .refused()?;
    assert_eq!(settled, Error::Conflict(messages::INVOICE_SETTLED.into()));
    let cancel = invoices::cancel(db, &e.manager, inv.id, "wrong")
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
    let (customer_id, order) =
        confirmed(db, &e, "Credit AG", vec![crate::world::line(p, 3)]).await?;
    ship(db, &e, order, &[]).await?;
    let inv = invoices::raise(db, &e.manager, order, None, today()).await?;
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
        &e.manager,
        &CreditInput {
            reason: " ".into(),
            ..input(1)
        },
        today(),
    )
    .await
    .refused()?;
    assert_eq!(no_reason, Error::field("reason", messages::REASON_REQUIRED));
    let one = invoices::credit(db, &e.manager, &input(1), today()).await?;
    let two = invoices::credit(db, &e.manager, &input(2), today()).await?;
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
        confirmed(db, &e, "Exposed SA", vec![crate::world::line(p, 2)]).await?;
    let c = customer_rows::Entity::find_by_id(customer_id)
        .one(db)
        .await?
        .ok_or("no customer")?;
    assert_eq!(orders::exposure(db, &c, None).await?, 23_800);
    let line_id = lines(db, order).await?[0].id;
    let s = ship(db, &e, order, &[(line_id, 1)]).await?;
    let inv = invoices::raise(db, &e.manager, order, Some(s), today()).await?;
    assert_eq!(
        orders::exposure(db, &c, None).await?,
        23_800,
        "invoiced part counted once"
    );
    invoices::pay(db, &e.manager, &pay(inv.id, 5000), today()).await?;
    assert_eq!(orders::exposure(db, &c, None).await?, 18_800);
    invoices::pay(db, &e.manager, &pay(inv.id, 6900), today()).await?;
    assert_eq!(
        orders::exposure(db, &c, None).await?,
        11_900,
        "the uninvoiced half remains"
    );
    ship(db, &e, order, &[]).await?;
    let rest = invoices::raise(db, &e.manager, order, None, today()).await?;
    assert_eq!(orders::exposure(db, &c, None).await?, 11_900);
    invoices::pay(db, &e.manager, &pay(rest.id, 11_900), today()).await?;
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
        confirmed(db, &e, "Late Payer", vec![crate::world::line(p, 1)]).await?;
    ship(db, &e, order, &[]).await?;
    // Issued 100 days ago with 30 days' terms: 70 days past due.
    let inv = invoices::raise(db, &e.manager, order, None, today() - Duration::days(100)).await?;
    assert_eq!(invoices::flag_overdue(db, today()).await?, 1);
    assert_eq!(
        invoices::flag_overdue(db, today()).await?,
        0,
        "flagged once"
    );
    assert_eq!(invoice(db, inv.id).await?.state, invoices::OVERDUE);
    let told = notifications::mine(db, &e.ana, 10).await?;
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].kind, notifications::INVOICE_OVERDUE);
    assert!(told[0].title.starts_with(&inv.number));
    assert!(notifications::mine(db, &e.ben, 10).await?.is_empty());
    let aging = invoices::aging(db, &e.ana, Some(customer_id), today()).await?;
    assert_eq!(aging.len(), 1);
    assert_eq!(
        (aging[0].d61_90, aging[0].total, aging[0].overdue_count),
        (11_900, 11_900, 1)
    );
    // Ben (another sales user) sees neither the invoice nor its aging.
    assert!(invoices::aging(db, &e.ben, None, today()).await?.is_empty());
    assert_eq!(
        invoices::get(db, &e.ben, inv.id).await.refused()?,
        Error::NotFound
    );
    let listed = invoices::list(
        db,
        &e.ana,
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
    invoices::pay(db, &e.manager, &pay(inv.id, 1900), today()).await?;
    assert_eq!(invoice(db, inv.id).await?.state, invoices::OVERDUE);
    invoices::pay(db, &e.manager, &pay(inv.id, 10_000), today()).await?;
    assert_eq!(invoice(db, inv.id).await?.state, invoices::PAID);
    assert!(outbox::of(db, "invoice", inv.id)
        .await?
        .iter()
        .any(|e| e.event_type == "invoice.overdue"));
    Ok(())
}
