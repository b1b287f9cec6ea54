//! Money and supply: invoices from shipped quantities, payments, credit
//! notes, exposure and aging; purchase orders, receipts that reserve
//! backorders first come first served; replenishment suggestions and
//! low-stock notifications — on both engines.

use chrono::{Duration, NaiveDate, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use tandem_domain::{
    access::Actor,
    entities::{customers as customer_rows, invoices as invoice_rows, sales_orders, stock_levels},
    messages, Db, Error,
    {
        access::notifications,
        billing::invoices::{self, CreditInput, InvoiceFilter, PaymentInput},
        inventory::stock::{self, AdjustInput},
        platform::outbox,
        purchasing::purchase_orders::{self as purchasing, PoInput, PoLineInput, SupplierInput},
        purchasing::replenishment::{self, Reason},
        sales::orders::{self, LineInput, OrderState},
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

#[tokio::test]
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

#[tokio::test]
async fn payments_and_credit_notes_never_make_the_amount_owed_wrong() -> TestResult {
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let e = erp(db, admin).await?;
    let p = stocked(db, &e, "PAY-1", 10_000, 10).await?;
    let (customer_id, order) =
        confirmed(db, &e, "Payer GmbH", vec![crate::erp::line(p, 4)]).await?;
    ship(db, &e, order, &[]).await?;
    let inv = invoices::raise(db, Some(&e.manager), order, None, today()).await?;
    // 4 × 100.00 + 19 % = 476.00.
    assert_eq!(inv.total_minor, 47_600);
    // Bad input gets field messages.
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
    invoices::pay(db, Some(&e.manager), &pay(inv.id, "100.00"), today()).await?;
    assert_eq!(invoice(db, inv.id).await?.state, invoices::PARTIALLY_PAID);
    // More than owed: refused, unless kept as credit.
    let over = invoices::pay(db, Some(&e.manager), &pay(inv.id, "400.00"), today())
        .await
        .refused()?;
    assert_eq!(over, Error::field("amount", messages::OVERPAYMENT));
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
    let kept = PaymentInput {
        keep_excess_as_credit: true,
        ..pay(inv.id, "100.00")
    };
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
    // A credit note on a paid invoice becomes customer credit.
    let il = tandem_domain::entities::invoice_lines::Entity::find()
        .filter(tandem_domain::entities::invoice_lines::Column::InvoiceId.eq(inv.id))
        .one(db)
        .await?
        .ok_or("no line")?;
    let note = invoices::credit(
        db,
        Some(&e.manager),
        &CreditInput {
            invoice_id: inv.id,
            lines: vec![(il.id, 1)],
            reason: "Damaged".into(),
        },
        today(),
    )
    .await?;
    assert_eq!((note.total_minor, note.applied_minor), (11_900, 0));
    assert_eq!(
        invoices::credit_balance(db, customer_id, "EUR").await?,
        14_300
    );
    let too_much = invoices::credit(
        db,
        Some(&e.manager),
        &CreditInput {
            invoice_id: inv.id,
            lines: vec![(il.id, 4)],
            reason: "x".into(),
        },
        today(),
    )
    .await
    .refused()?;
    assert_eq!(crate::erp::field_of(&too_much), ["lines.0.quantity"]);
    // A paid invoice takes no more payments; cancelling it is refused.
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

#[tokio::test]
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

#[tokio::test]
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

#[tokio::test]
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

#[tokio::test]
async fn purchase_orders_follow_their_states_and_refuse_bad_input() -> TestResult {
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let e = erp(db, admin).await?;
    let p = stocked(db, &e, "PO-1", 1_000, 0).await?;
    let s = supplier(db, &e, "Acme Supply", 10).await?;
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
    purchasing::set_price(db, Some(&e.keeper), s, p, 700, 10).await?;
    let po = purchasing::create(
        db,
        Some(&e.keeper),
        &PoInput {
            supplier_id: s,
            warehouse_id: e.main,
            expected_on: None,
            notes: String::new(),
            lines: vec![PoLineInput {
                product_id: p,
                quantity: 20,
                unit_price_minor: None,
            }],
        },
    )
    .await?;
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
    assert_eq!(
        purchasing::incoming(db, Some(&[p]))
            .await?
            .get(&(p, e.main)),
        Some(&20)
    );
    let detail = purchasing::get(db, Some(&e.keeper), po.id).await?;
    let line_id = detail.lines[0].line.id;
    let too_much = purchasing::receive(db, Some(&e.keeper), po.id, &[(line_id, 21)])
        .await
        .refused()?;
    assert_eq!(crate::erp::field_of(&too_much), ["lines.0.quantity"]);
    let got = purchasing::receive(db, Some(&e.keeper), po.id, &[(line_id, 8)]).await?;
    assert_eq!(got.order.state, purchasing::PARTIALLY_RECEIVED);
    assert_eq!(level(db, p, e.main).await?, (8, 0));
    assert_eq!(
        purchasing::incoming(db, Some(&[p]))
            .await?
            .get(&(p, e.main)),
        Some(&12)
    );
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
    // The ledger agrees with the levels; sales cannot buy.
    assert!(stock::check_ledger(db).await?.is_empty());
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

#[tokio::test]
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

#[tokio::test]
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

#[tokio::test]
async fn suggestions_cover_reorder_points_and_backorders_and_become_purchase_orders() -> TestResult
{
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let e = erp(db, admin).await?;
    let low = stocked(db, &e, "LOW-1", 1_000, 12).await?;
    let short = stocked(db, &e, "SHORT-1", 1_000, 0).await?;
    let fine = stocked(db, &e, "FINE-1", 1_000, 100).await?;
    let a = supplier(db, &e, "Alpha", 5).await?;
    let b = supplier(db, &e, "Beta", 9).await?;
    purchasing::set_price(db, Some(&e.keeper), a, low, 600, 1).await?;
    purchasing::set_price(db, Some(&e.keeper), b, low, 650, 1).await?;
    purchasing::set_price(db, Some(&e.keeper), b, short, 400, 10).await?;
    replenishment::set_rule(db, Some(&e.keeper), low, e.main, 10, 30).await?;
    replenishment::set_rule(db, Some(&e.keeper), fine, e.main, 10, 30).await?;
    let bad = replenishment::set_rule(db, Some(&e.keeper), low, e.main, -1, 0)
        .await
        .refused()?;
    let mut fields = crate::erp::field_of(&bad);
    fields.sort();
    assert_eq!(fields, ["reorder_point", "reorder_quantity"]);
    assert!(
        replenishment::suggestions(db, Some(&e.keeper), None, today())
            .await?
            .is_empty()
    );
    // Taking LOW-1 to 7 crosses its reorder point: warehouse users are told once.
    stock::adjust(
        db,
        Some(&e.keeper),
        &AdjustInput {
            product_id: low,
            warehouse_id: e.main,
            quantity: -5,
            reason: "count".into(),
        },
    )
    .await?;
    stock::adjust(
        db,
        Some(&e.keeper),
        &AdjustInput {
            product_id: low,
            warehouse_id: e.main,
            quantity: -1,
            reason: "count".into(),
        },
    )
    .await?;
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
    // A backorder of 7 for SHORT-1.
    confirmed(db, &e, "Waiting Co", vec![crate::erp::line(short, 7)]).await?;
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
                Some(a)
            ),
            ("SHORT-1".to_string(), 10, vec![Reason::Backorders], Some(b)),
        ]
    );
    let created = replenishment::order(
        db,
        Some(&e.keeper),
        &[(low, e.main, None), (short, e.main, None)],
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
    let denied = replenishment::order(db, Some(&e.ana), &[(low, e.main, None)], today()).await;
    assert!(matches!(denied, Err(Error::Forbidden)));
    let none = replenishment::order(db, Some(&e.keeper), &[], today())
        .await
        .refused()?;
    assert_eq!(none, Error::field("lines", messages::CHOOSE_SUGGESTIONS));
    let level_row = stock_levels::Entity::find_by_id((low, e.main))
        .one(db)
        .await?
        .ok_or("no level")?;
    assert_eq!(level_row.on_hand, 6);
    let _ = OrderState::Invoiced;
    let _: Option<&Actor> = None;
    Ok(())
}
