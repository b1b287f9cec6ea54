//! Purchasing: suppliers, purchase orders and receipts, reorder rules and
//! suggestions, on both engines.

use sea_orm::EntityTrait;
use tandem_domain::testing::db_test;
use tandem_domain::{
    entities::stock_levels,
    messages, Db, Error,
    {
        access::notifications,
        inventory::stock::{self, AdjustInput},
        platform::outbox,
        purchasing::purchase_orders::{self as purchasing, PoInput, PoLineInput, SupplierInput},
        purchasing::replenishment::{self, Reason},
        sales::orders::{self},
    },
};

use crate::{
    billing::{confirmed, order_state, ship, today},
    support::{with_admin, BoxResult},
    world::{customer, erp, level, lines, quote, stocked, Erp, Refused},
    TestResult,
};

async fn supplier(db: &Db, e: &Erp, name: &str, lead: i32) -> BoxResult<i64> {
    Ok(purchasing::create_supplier(
        db,
        &e.keeper,
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
        &e.keeper,
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
    purchasing::send(db, &e.keeper, po.id).await?;
    Ok(po.id)
}

/// Product PO-1 (10.00, none on hand) and supplier Acme Supply (10 days),
/// which sells it at 7.00 from 10; returns the product and the supplier.
async fn priced_by_acme(db: &Db, e: &Erp) -> BoxResult<(i64, i64)> {
    let p = stocked(db, e, "PO-1", 1_000, 0).await?;
    let s = supplier(db, e, "Acme Supply", 10).await?;
    purchasing::set_price(db, &e.keeper, s, p, 700, 10).await?;
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
        &e.keeper,
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
        &e.keeper,
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
    let mut fields = crate::world::field_of(&bad);
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
    let po = purchasing::create(db, &e.keeper, &twenty(p, s, e.main)).await?;
    assert!(po.number.starts_with("PO-"));
    assert_eq!(
        po.total_minor, 14_000,
        "the supplier's price is the default"
    );
    let early = purchasing::receive(db, &e.keeper, po.id, &[])
        .await
        .refused()?;
    assert_eq!(early, Error::Conflict(messages::PO_NOT_RECEIVABLE.into()));
    purchasing::send(db, &e.keeper, po.id).await?;
    purchasing::send(db, &e.keeper, po.id).await?; // repeated: no change
    assert_eq!(incoming(db, &e, p).await?, Some(20));
    Ok(())
}

#[db_test]
async fn receipts_in_parts_move_stock_and_what_is_incoming_and_block_a_cancel() -> TestResult {
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let e = erp(db, admin).await?;
    let (p, s) = priced_by_acme(db, &e).await?;
    let po = purchasing::create(db, &e.keeper, &twenty(p, s, e.main)).await?;
    purchasing::send(db, &e.keeper, po.id).await?;
    let detail = purchasing::get(db, &e.keeper, po.id).await?;
    let line_id = detail.lines[0].line.id;
    let too_much = purchasing::receive(db, &e.keeper, po.id, &[(line_id, 21)])
        .await
        .refused()?;
    assert_eq!(crate::world::field_of(&too_much), ["lines.0.quantity"]);
    let got = purchasing::receive(db, &e.keeper, po.id, &[(line_id, 8)]).await?;
    assert_eq!(got.order.state, purchasing::PARTIALLY_RECEIVED);
    assert_eq!(level(db, p, e.main).await?, (8, 0));
    assert_eq!(incoming(db, &e, p).await?, Some(12));
    let cancel = purchasing::cancel(db, &e.keeper, po.id).await.refused()?;
    assert_eq!(
        cancel,
        Error::Conflict(messages::PO_TRANSITION_REFUSED.into())
    );
    let rest = purchasing::receive(db, &e.keeper, po.id, &[]).await?;
    assert_eq!(rest.order.state, purchasing::RECEIVED);
    assert_eq!(level(db, p, e.main).await?, (20, 0));
    purchasing::close(db, &e.keeper, po.id).await?;
    assert!(purchasing::incoming(db, Some(&[p])).await?.is_empty());
    // The ledger agrees with the levels.
    assert!(stock::check_ledger(db).await?.is_empty());
    Ok(())
}

/// Takes a purchase order of [`twenty`] through the steps of the two tests
/// above, refused attempts included: received early, sent twice, 21
/// received, 8 received, cancelled, the rest received, closed.
async fn receive_in_two_parts(db: &Db, e: &Erp, po: i64) -> TestResult {
    let keeper = &e.keeper;
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
    let po = purchasing::create(db, &e.keeper, &twenty(p, s, e.main)).await?;
    receive_in_two_parts(db, &e, po.id).await?;
    let denied = purchasing::send(db, &e.ana, po.id).await;
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
            confirmed(db, &e, name, vec![crate::world::line(p, 5)])
                .await?
                .1,
        );
    }
    let s = supplier(db, &e, "Fifo Supply", 7).await?;
    let po = sent_po(db, &e, s, vec![(p, 8)]).await?;
    let got = purchasing::receive(db, &e.keeper, po, &[]).await?;
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
                &e.ana,
                &quote(c, e.main, vec![crate::world::line(p, 5)]),
            )
            .await?
            .id,
        );
    }
    let mut runs = Vec::new();
    for po in pos {
        let (conn, keeper) = (db.clone(), e.keeper.clone());
        runs.push(tokio::spawn(async move {
            purchasing::receive(&conn, &keeper, po, &[])
                .await
                .map(|_| ())
        }));
    }
    for o in drafts.iter().copied() {
        let (conn, ana) = (db.clone(), e.ana.clone());
        runs.push(tokio::spawn(async move {
            orders::confirm(&conn, &ana, o).await.map(|_| ())
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
    purchasing::set_price(db, &e.keeper, a, low, 600, 1).await?;
    purchasing::set_price(db, &e.keeper, b, low, 650, 1).await?;
    purchasing::set_price(db, &e.keeper, b, short, 400, 10).await?;
    replenishment::set_rule(db, &e.keeper, low, e.main, 10, 30).await?;
    replenishment::set_rule(db, &e.keeper, fine, e.main, 10, 30).await?;
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
        stock::adjust(db, &e.keeper, &count).await?;
    }
    Ok(())
}

/// LOW-1 below its point and a backorder of 7 SHORT-1.
async fn low_and_short(db: &Db, e: &Erp, s: &Supply) -> TestResult {
    take_low_below_its_point(db, e, s.low).await?;
    confirmed(db, e, "Waiting Co", vec![crate::world::line(s.short, 7)]).await?;
    Ok(())
}

#[db_test]
async fn reorder_rules_refuse_a_negative_point_and_no_quantity() -> TestResult {
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let e = erp(db, admin).await?;
    let s = supply_with_rules(db, &e).await?;
    let bad = replenishment::set_rule(db, &e.keeper, s.low, e.main, -1, 0)
        .await
        .refused()?;
    let mut fields = crate::world::field_of(&bad);
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
    assert!(replenishment::suggestions(db, &e.keeper, None, today())
        .await?
        .is_empty());
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
    let told: Vec<_> = notifications::mine(db, &e.keeper, 10)
        .await?
        .into_iter()
        .filter(|n| n.kind == notifications::STOCK_LOW)
        .collect();
    assert_eq!(told.len(), 1, "told once while it stays low");
    assert!(told[0].title.starts_with("LOW-1"));
    assert!(
        notifications::mine(db, &e.ana, 10).await?.is_empty(),
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
    let found = replenishment::suggestions(db, &e.keeper, None, today()).await?;
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
        &e.keeper,
        &[(s.low, e.main, None), (s.short, e.main, None)],
        today(),
    )
    .await?;
    assert_eq!(created.len(), 2, "one purchase order per supplier");
    assert!(created.iter().all(|po| po.state == purchasing::DRAFT));
    // Incoming now covers both: no suggestions left.
    assert!(replenishment::suggestions(db, &e.keeper, None, today())
        .await?
        .is_empty());
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
        &e.keeper,
        &[(s.low, e.main, None), (s.short, e.main, None)],
        today(),
    )
    .await?;
    let denied = replenishment::order(db, &e.ana, &[(s.low, e.main, None)], today()).await;
    assert!(matches!(denied, Err(Error::Forbidden)));
    let none = replenishment::order(db, &e.keeper, &[], today())
        .await
        .refused()?;
    assert_eq!(none, Error::field("lines", messages::CHOOSE_SUGGESTIONS));
    Ok(())
}
