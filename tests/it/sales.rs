//! Sales: orders from quote to shipment, approvals, numbering and
//! race-free reservation, on both engines.

use std::collections::HashSet;
use tandem_domain::testing::db_test;

use sea_orm::{ConnectionTrait, EntityTrait};
use tandem_domain::{
    entities::{sales_order_lines, sales_orders, stock_levels, timeline_events},
    Db, Error,
    {
        access::audit::{self, AuditFilter},
        crm::customers::{self},
        crm::timeline,
        inventory::stock::{self, AdjustInput, TransferInput},
        platform::outbox,
        sales::orders::{self, LineInput, OrderFilter, OrderState},
        sales::shipments,
    },
};

use crate::{
    support::{with_admin, BoxResult},
    world::{customer, erp, field_of, level, line, lines, quote, stocked, Erp, Gen, Refused},
    TestResult,
};

#[db_test]
async fn quotes_price_lines_with_one_rounding_rule_and_confirm_reserves_with_backorders(
) -> TestResult {
    let (db, admin) = with_admin().await?;
    let e = erp(&db.conn, admin).await?;
    let scarce = stocked(&db.conn, &e, "SCARCE", 1999, 4).await?;
    let plenty = stocked(&db.conn, &e, "PLENTY", 35, 100).await?;
    let c = customer(&db.conn, &e.ana, "Globex", 0).await?;
    let mut cheap = line(plenty, 3);
    cheap.discount_bp = 1000;
    cheap.tax_rate_bp = Some(1300);
    let o = orders::create(
        &db.conn,
        &e.ana,
        &quote(c, e.main, vec![line(scarce, 7), cheap]),
    )
    .await?;
    assert!(o.number.starts_with("SO-"), "{}", o.number);
    assert_eq!(o.state, OrderState::Draft);
    // 7 × 19.99 = 139.93 at 19 % = 26.5867 → 26.59; 3 × 0.35 − 10 % = 0.945 → 0.95 at 13 % → 0.12
    assert_eq!(o.subtotal_minor, 13_993 + 95);
    assert_eq!(o.tax_minor, 2_659 + 12);
    assert_eq!(o.total_minor, o.subtotal_minor + o.tax_minor);
    // The 13 % line differs from its product's 19 %: an approver accepts it.
    orders::approve(&db.conn, &e.manager, o.id).await?;
    let confirmed = orders::confirm(&db.conn, &e.ana, o.id).await?;
    assert!(confirmed.changed);
    assert_eq!(confirmed.order.state, OrderState::Confirmed);
    let got = lines(&db.conn, o.id).await?;
    assert_eq!(
        (got[0].reserved, got[0].quantity),
        (4, 7),
        "short: 4 reserved, 3 backordered"
    );
    assert_eq!(got[1].reserved, 3);
    assert_eq!(level(&db.conn, scarce, e.main).await?, (4, 4));
    let detail = orders::get(&db.conn, &e.ana, o.id).await?;
    assert_eq!(detail.lines[0].backordered(), 3);
    assert_eq!(detail.lines[0].available, 0);
    // Stock arrives; the backorder is reserved on request.
    stock::adjust(
        &db.conn,
        &e.keeper,
        &AdjustInput {
            product_id: scarce,
            warehouse_id: e.main,
            quantity: 10,
            reason: "found in aisle 3".into(),
        },
    )
    .await?;
    assert_eq!(orders::reserve_backorders(&db.conn, &e.ana, o.id).await?, 3);
    assert_eq!(level(&db.conn, scarce, e.main).await?, (14, 7));
    // A confirmed order is no longer editable.
    let err = orders::update(
        &db.conn,
        &e.ana,
        o.id,
        &quote(c, e.main, vec![line(plenty, 1)]),
    )
    .await
    .refused()?;
    assert!(matches!(err, Error::Conflict(_)), "{err:?}");
    let events = outbox::of(&db.conn, "order", o.id).await?;
    assert_eq!(
        events
            .iter()
            .map(|e| e.event_type.as_str())
            .collect::<Vec<_>>(),
        ["order.confirmed"]
    );
    assert!(stock::check_ledger(&db.conn).await?.is_empty());
    Ok(())
}

#[db_test]
async fn quotes_refuse_bad_lines_with_field_messages() -> TestResult {
    let (db, admin) = with_admin().await?;
    let e = erp(&db.conn, admin).await?;
    let p = stocked(&db.conn, &e, "OK-1", 100, 0).await?;
    let c = customer(&db.conn, &e.ana, "Initech", 0).await?;
    let err = orders::create(&db.conn, &e.ana, &quote(c, e.main, vec![]))
        .await
        .refused()?;
    assert_eq!(field_of(&err), ["lines"]);
    let mut bad = line(p, 0);
    bad.discount_bp = 12_000;
    let err = orders::create(
        &db.conn,
        &e.ana,
        &quote(c, e.main, vec![bad, line(999_999, 1)]),
    )
    .await
    .refused()?;
    let mut fields = field_of(&err);
    fields.sort();
    assert_eq!(fields, ["lines.0.discount", "lines.0.quantity"]);
    let err = orders::create(&db.conn, &e.ana, &quote(c, e.main, vec![line(999_999, 1)]))
        .await
        .refused()?;
    assert_eq!(field_of(&err), ["lines.0.product_id"]);
    let err = orders::create(&db.conn, &e.ana, &quote(c, 999_999, vec![line(p, 1)]))
        .await
        .refused()?;
    assert_eq!(field_of(&err), ["warehouse_id"]);
    // Ben cannot quote for Ana's customer: it is not in his scope.
    let err = orders::create(&db.conn, &e.ben, &quote(c, e.main, vec![line(p, 1)]))
        .await
        .refused()?;
    assert_eq!(field_of(&err), ["customer_id"]);
    let mut huge = line(p, 1_000_000);
    huge.unit_price_minor = Some(i64::MAX / 2);
    let err = orders::create(&db.conn, &e.ana, &quote(c, e.main, vec![huge]))
        .await
        .refused()?;
    assert_eq!(
        field_of(&err),
        ["lines.0.unit_price"],
        "overflow is a clear error, not a 500"
    );
    Ok(())
}

/// Product BIG-1 (100.00, 100 on hand) and Ana's customer Umbrella with a
/// limit of 500.00, whose confirmed first order of 3 (+19 % tax = 357.00)
/// fits. Returns the product and Ana's second quote, of 2, which takes the
/// exposure to 595.00 > 500.00.
async fn past_the_credit_limit(db: &Db, e: &Erp) -> BoxResult<(i64, i64)> {
    let p = stocked(db, e, "BIG-1", 10_000, 100).await?;
    let c = customer(db, &e.ana, "Umbrella", 50_000).await?;
    let first = orders::create(db, &e.ana, &quote(c, e.main, vec![line(p, 3)])).await?;
    orders::confirm(db, &e.ana, first.id).await?;
    let second = orders::create(db, &e.ana, &quote(c, e.main, vec![line(p, 2)])).await?;
    Ok((p, second.id))
}

/// One `p` at 25 % off, above the default threshold of 20 %.
fn deep_discount(p: i64) -> LineInput {
    LineInput {
        discount_bp: 2500,
        ..line(p, 1)
    }
}

#[db_test]
async fn a_confirmation_past_the_credit_limit_waits_for_approval_and_reserves_nothing() -> TestResult
{
    let (db, admin) = with_admin().await?;
    let e = erp(&db.conn, admin).await?;
    let (p, second) = past_the_credit_limit(&db.conn, &e).await?;
    let err = orders::confirm(&db.conn, &e.ana, second).await.refused()?;
    assert_eq!(
        err,
        Error::Conflict(tandem_domain::messages::NEEDS_APPROVAL_CREDIT.into())
    );
    let waiting = orders::list(
        &db.conn,
        &e.manager,
        &OrderFilter {
            state: Some("approval".into()),
            ..Default::default()
        },
        1,
        50,
    )
    .await?;
    assert_eq!(
        waiting.items.iter().map(|r| r.order.id).collect::<Vec<_>>(),
        [second]
    );
    assert_eq!(
        level(&db.conn, p, e.main).await?,
        (100, 3),
        "nothing reserved while refused"
    );
    Ok(())
}

#[db_test]
async fn only_a_manager_approves_and_the_confirmed_order_records_the_approver() -> TestResult {
    let (db, admin) = with_admin().await?;
    let e = erp(&db.conn, admin).await?;
    let (_, second) = past_the_credit_limit(&db.conn, &e).await?;
    orders::confirm(&db.conn, &e.ana, second).await.refused()?;
    assert!(matches!(
        orders::approve(&db.conn, &e.ana, second).await,
        Err(Error::Forbidden)
    ));
    let approved = orders::approve(&db.conn, &e.manager, second).await?;
    assert_eq!(approved.approved_by, Some(e.manager.user_id));
    let done = orders::confirm(&db.conn, &e.ana, second).await?;
    assert_eq!(done.order.state, OrderState::Confirmed);
    assert_eq!(done.order.approved_by, Some(e.manager.user_id));
    Ok(())
}

/// A discount above the threshold needs an approval too; editing an approved
/// quote clears the approval; a manager confirming records themselves as the
/// approver.
#[db_test]
async fn a_deep_discount_needs_an_approval_an_edit_clears_and_a_confirming_manager_gives(
) -> TestResult {
    let (db, admin) = with_admin().await?;
    let e = erp(&db.conn, admin).await?;
    let p = stocked(&db.conn, &e, "BIG-1", 10_000, 100).await?;
    let c2 = customer(&db.conn, &e.ana, "Hooli", 0).await?;
    let deep = quote(c2, e.main, vec![deep_discount(p)]);
    let third = orders::create(&db.conn, &e.ana, &deep).await?;
    let err = orders::confirm(&db.conn, &e.ana, third.id)
        .await
        .refused()?;
    assert_eq!(
        err,
        Error::Conflict(tandem_domain::messages::NEEDS_APPROVAL_DISCOUNT.into())
    );
    orders::approve(&db.conn, &e.manager, third.id).await?;
    let edited = orders::update(&db.conn, &e.ana, third.id, &deep).await?;
    assert_eq!(edited.approved_by, None);
    assert!(orders::confirm(&db.conn, &e.ana, third.id).await.is_err());
    let by_manager = orders::confirm(&db.conn, &e.manager, third.id).await?;
    assert_eq!(by_manager.order.approved_by, Some(e.manager.user_id));
    Ok(())
}

#[db_test]
async fn an_order_within_the_limits_has_nothing_to_approve() -> TestResult {
    let (db, admin) = with_admin().await?;
    let e = erp(&db.conn, admin).await?;
    let p = stocked(&db.conn, &e, "BIG-1", 10_000, 100).await?;
    let c2 = customer(&db.conn, &e.ana, "Hooli", 0).await?;
    let fine = orders::create(&db.conn, &e.ana, &quote(c2, e.main, vec![line(p, 1)])).await?;
    assert!(matches!(
        orders::approve(&db.conn, &e.manager, fine.id).await,
        Err(Error::Conflict(_))
    ));
    Ok(())
}

/// The credit and discount approvals of the tests above, in one database:
/// the audit holds exactly the two approvals, both the manager's.
#[db_test]
async fn approvals_are_audited_as_the_manager_who_gave_them() -> TestResult {
    let (db, admin) = with_admin().await?;
    let e = erp(&db.conn, admin).await?;
    let (p, second) = past_the_credit_limit(&db.conn, &e).await?;
    let (ana, manager) = (&e.ana, &e.manager);
    orders::confirm(&db.conn, ana, second).await.refused()?;
    orders::approve(&db.conn, ana, second).await.refused()?;
    orders::approve(&db.conn, manager, second).await?;
    orders::confirm(&db.conn, ana, second).await?;
    let c2 = customer(&db.conn, &e.ana, "Hooli", 0).await?;
    let deep = quote(c2, e.main, vec![deep_discount(p)]);
    let third = orders::create(&db.conn, ana, &deep).await?;
    orders::confirm(&db.conn, ana, third.id).await.refused()?;
    orders::approve(&db.conn, manager, third.id).await?;
    orders::update(&db.conn, ana, third.id, &deep).await?;
    orders::confirm(&db.conn, ana, third.id).await.refused()?;
    orders::confirm(&db.conn, manager, third.id).await?;
    let fine = orders::create(&db.conn, ana, &quote(c2, e.main, vec![line(p, 1)])).await?;
    orders::approve(&db.conn, manager, fine.id)
        .await
        .refused()?;
    let log = audit::list(
        &db.conn,
        &e.admin,
        &AuditFilter {
            action: Some("order.approved".into()),
            page: 1,
            per_page: 50,
            ..Default::default()
        },
    )
    .await?;
    assert_eq!(log.total, 2);
    assert!(log
        .items
        .iter()
        .all(|a| a.actor_user_id == Some(e.manager.user_id)));
    Ok(())
}

#[db_test]
async fn cancel_releases_reservations_and_illegal_steps_are_refused() -> TestResult {
    let (db, admin) = with_admin().await?;
    let e = erp(&db.conn, admin).await?;
    let p = stocked(&db.conn, &e, "CAN-1", 100, 10).await?;
    let c = customer(&db.conn, &e.ana, "Stark", 0).await?;
    let o = orders::create(&db.conn, &e.ana, &quote(c, e.main, vec![line(p, 6)])).await?;
    orders::confirm(&db.conn, &e.ana, o.id).await?;
    assert_eq!(level(&db.conn, p, e.main).await?, (10, 6));
    // Sales may cancel quotes but not confirmed orders (a manager's call).
    assert!(matches!(
        orders::cancel(&db.conn, &e.ana, o.id, "changed mind").await,
        Err(Error::Forbidden)
    ));
    let cancelled = orders::cancel(&db.conn, &e.manager, o.id, "changed mind").await?;
    assert_eq!(cancelled.state, OrderState::Cancelled);
    assert_eq!(level(&db.conn, p, e.main).await?, (10, 0));
    assert!(lines(&db.conn, o.id).await?.iter().all(|l| l.reserved == 0));
    assert_eq!(
        orders::confirm(&db.conn, &e.ana, o.id).await.refused()?,
        Error::Conflict(tandem_domain::messages::ORDER_CANCELLED.into())
    );
    // Once something shipped, cancel is refused.
    let o2 = orders::create(&db.conn, &e.ana, &quote(c, e.main, vec![line(p, 4)])).await?;
    orders::confirm(&db.conn, &e.ana, o2.id).await?;
    let s = shipments::create(&db.conn, &e.keeper, o2.id, &[]).await?;
    let ls = lines(&db.conn, o2.id).await?;
    shipments::cancel(&db.conn, &e.keeper, s.id).await?;
    let s = shipments::create(&db.conn, &e.keeper, o2.id, &[(ls[0].id, 1)]).await?;
    shipments::ship(&db.conn, &e.keeper, s.id, "DHL", "JD0001").await?;
    assert_eq!(
        orders::cancel(&db.conn, &e.manager, o2.id, "")
            .await
            .refused()?,
        Error::Conflict(tandem_domain::messages::ORDER_CANNOT_CANCEL.into())
    );
    assert!(!OrderState::Draft.allows(OrderState::Shipped));
    assert!(!OrderState::Shipped.allows(OrderState::Cancelled));
    assert!(OrderState::Confirmed.allows(OrderState::PartiallyShipped));
    assert!(stock::check_ledger(&db.conn).await?.is_empty());
    Ok(())
}

/// What [`wayne_order`] made.
struct TwoLineOrder {
    a: i64,
    b: i64,
    customer: i64,
    order: i64,
    lines: Vec<sales_order_lines::Model>,
}

/// Products SHIP-A (10 on hand) and SHIP-B (10 on hand), and Ana's confirmed
/// order for Wayne of 4 A and 2 B.
async fn wayne_order(db: &Db, e: &Erp) -> BoxResult<TwoLineOrder> {
    let a = stocked(db, e, "SHIP-A", 500, 10).await?;
    let b = stocked(db, e, "SHIP-B", 700, 10).await?;
    let c = customer(db, &e.ana, "Wayne", 0).await?;
    let o = quote(c, e.main, vec![line(a, 4), line(b, 2)]);
    let o = orders::create(db, &e.ana, &o).await?;
    orders::confirm(db, &e.ana, o.id).await?;
    Ok(TwoLineOrder {
        a,
        b,
        customer: c,
        order: o.id,
        lines: lines(db, o.id).await?,
    })
}

/// The order's stored state.
async fn stored_order(db: &Db, id: i64) -> BoxResult<sales_orders::Model> {
    Ok(sales_orders::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or("order")?)
}

#[db_test]
async fn only_the_warehouse_ships_and_never_more_than_is_reserved_and_not_picked() -> TestResult {
    let (db, admin) = with_admin().await?;
    let e = erp(&db.conn, admin).await?;
    let w = wayne_order(&db.conn, &e).await?;
    let (o, ls) = (w.order, &w.lines);
    assert!(matches!(
        shipments::create(&db.conn, &e.ana, o, &[]).await,
        Err(Error::Forbidden)
    ));
    let err = shipments::create(&db.conn, &e.keeper, o, &[(ls[0].id, 5)])
        .await
        .refused()?;
    assert_eq!(field_of(&err), ["lines.0.quantity"]);
    let first = shipments::create(&db.conn, &e.keeper, o, &[(ls[0].id, 3)]).await?;
    // What is being picked cannot go into a second shipment.
    let err = shipments::create(&db.conn, &e.keeper, o, &[(ls[0].id, 2)])
        .await
        .refused()?;
    assert_eq!(field_of(&err), ["lines.0.quantity"]);
    let err = shipments::ship(&db.conn, &e.keeper, first.id, " ", "")
        .await
        .refused()?;
    assert_eq!(field_of(&err), ["carrier"]);
    Ok(())
}

#[db_test]
async fn shipments_ship_in_parts_and_move_the_stock_and_the_order_on() -> TestResult {
    let (db, admin) = with_admin().await?;
    let e = erp(&db.conn, admin).await?;
    let w = wayne_order(&db.conn, &e).await?;
    let (o, ls) = (w.order, &w.lines);
    let first = shipments::create(&db.conn, &e.keeper, o, &[(ls[0].id, 3)]).await?;
    attempt_refused_shipments(&db.conn, &e, &w, first.id).await?;
    let shipped = shipments::ship(&db.conn, &e.keeper, first.id, "DHL", "JD014600003").await?;
    assert_eq!(shipped.state, "shipped");
    // Repeating the click changes nothing.
    shipments::ship(&db.conn, &e.keeper, first.id, "DHL", "JD014600003").await?;
    assert_eq!(level(&db.conn, w.a, e.main).await?, (7, 1));
    assert_eq!(
        stored_order(&db.conn, o).await?.state,
        OrderState::PartiallyShipped
    );
    let rest = shipments::create(&db.conn, &e.keeper, o, &[]).await?;
    let picking = shipments::get(&db.conn, &e.keeper, rest.id).await?;
    assert_eq!(
        picking
            .lines
            .iter()
            .map(|l| (l.sku.as_str(), l.line.quantity))
            .collect::<Vec<_>>(),
        [("SHIP-A", 1), ("SHIP-B", 2)]
    );
    shipments::ship(&db.conn, &e.keeper, rest.id, "UPS", "1Z999").await?;
    assert_eq!(stored_order(&db.conn, o).await?.state, OrderState::Shipped);
    assert_eq!(level(&db.conn, w.a, e.main).await?, (6, 0));
    assert_eq!(level(&db.conn, w.b, e.main).await?, (8, 0));
    assert!(matches!(
        shipments::create(&db.conn, &e.keeper, o, &[]).await,
        Err(Error::Conflict(_))
    ));
    assert!(stock::check_ledger(&db.conn).await?.is_empty());
    Ok(())
}

/// The refused attempts of
/// [`only_the_warehouse_ships_and_never_more_than_is_reserved_and_not_picked`]
/// on [`wayne_order`] with shipment `first` picking 3 A, so that the tests
/// after it show the refusals leave nothing behind.
async fn attempt_refused_shipments(db: &Db, e: &Erp, w: &TwoLineOrder, first: i64) -> TestResult {
    let (keeper, line) = (&e.keeper, w.lines[0].id);
    shipments::create(db, &e.ana, w.order, &[])
        .await
        .refused()?;
    shipments::create(db, keeper, w.order, &[(line, 5)])
        .await
        .refused()?;
    shipments::create(db, keeper, w.order, &[(line, 2)])
        .await
        .refused()?;
    shipments::ship(db, keeper, first, " ", "")
        .await
        .refused()?;
    Ok(())
}

/// Ships [`wayne_order`] as the test above does: 3 A by DHL (clicked
/// twice) after the refused attempts, then the rest by UPS.
async fn ship_in_two_parts(db: &Db, e: &Erp, w: &TwoLineOrder) -> TestResult {
    let keeper = &e.keeper;
    let first = shipments::create(db, keeper, w.order, &[(w.lines[0].id, 3)]).await?;
    attempt_refused_shipments(db, e, w, first.id).await?;
    shipments::ship(db, keeper, first.id, "DHL", "JD014600003").await?;
    shipments::ship(db, keeper, first.id, "DHL", "JD014600003").await?;
    let rest = shipments::create(db, keeper, w.order, &[]).await?;
    shipments::ship(db, keeper, rest.id, "UPS", "1Z999").await?;
    Ok(())
}

#[db_test]
async fn a_shipped_order_shows_on_the_timeline_the_figures_and_the_outbox() -> TestResult {
    let (db, admin) = with_admin().await?;
    let e = erp(&db.conn, admin).await?;
    let w = wayne_order(&db.conn, &e).await?;
    ship_in_two_parts(&db.conn, &e, &w).await?;
    let (c, order) = (w.customer, stored_order(&db.conn, w.order).await?);
    let feed = timeline::of_customer(&db.conn, &e.ana, c, None, 50).await?;
    let kinds: Vec<&str> = feed.iter().map(|t| t.event.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "shipment.shipped",
            "shipment.shipped",
            "order.confirmed",
            "order.created"
        ]
    );
    assert!(
        feed[1].event.summary.contains("JD014600003"),
        "{}",
        feed[1].event.summary
    );
    let figures = orders::customer_figures(&db.conn, &e.ana, c).await?;
    assert_eq!(figures.open_orders, 0);
    assert_eq!(figures.revenue_minor, order.total_minor);
    assert_eq!(
        figures.exposure_minor, order.total_minor,
        "shipped, not yet invoiced"
    );
    let events: Vec<String> = outbox::of(&db.conn, "order", w.order)
        .await?
        .into_iter()
        .map(|e| e.event_type)
        .collect();
    assert_eq!(
        events,
        ["order.confirmed", "order.shipped", "order.shipped"]
    );
    let _ = timeline_events::Entity::find().all(&db.conn).await?;
    Ok(())
}

#[db_test]
async fn order_numbers_stay_unique_under_concurrency() -> TestResult {
    let (db, admin) = with_admin().await?;
    let e = erp(&db.conn, admin).await?;
    let p = stocked(&db.conn, &e, "NUM-1", 100, 0).await?;
    let c = customer(&db.conn, &e.ana, "Numbers Inc", 0).await?;
    let runs: Vec<_> = (0..24)
        .map(|_| {
            let conn = db.conn.clone();
            let ana = e.ana.clone();
            let input = quote(c, e.main, vec![line(p, 1)]);
            tokio::spawn(async move { orders::create(&conn, &ana, &input).await })
        })
        .collect();
    let mut numbers = HashSet::new();
    for run in runs {
        numbers.insert(run.await??.number);
    }
    assert_eq!(numbers.len(), 24);
    let year = chrono::Datelike::year(&chrono::Utc::now());
    for n in 1..=24 {
        assert!(
            numbers.contains(&format!("SO-{year}-{n:06}")),
            "gapless from 1"
        );
    }
    Ok(())
}

#[db_test]
async fn a_double_submitted_confirm_confirms_once() -> TestResult {
    let (db, admin) = with_admin().await?;
    let e = erp(&db.conn, admin).await?;
    let p = stocked(&db.conn, &e, "TWICE", 100, 5).await?;
    let c = customer(&db.conn, &e.ana, "Twice Ltd", 0).await?;
    let o = orders::create(&db.conn, &e.ana, &quote(c, e.main, vec![line(p, 2)])).await?;
    let runs: Vec<_> = (0..8)
        .map(|_| {
            let conn = db.conn.clone();
            let ana = e.ana.clone();
            tokio::spawn(async move { orders::confirm(&conn, &ana, o.id).await })
        })
        .collect();
    let mut changed = 0;
    for run in runs {
        let done = run.await??;
        assert_eq!(done.order.state, OrderState::Confirmed);
        changed += usize::from(done.changed);
    }
    assert_eq!(changed, 1);
    assert_eq!(level(&db.conn, p, e.main).await?, (5, 2), "reserved once");
    assert_eq!(outbox::of(&db.conn, "order", o.id).await?.len(), 1);
    Ok(())
}

/// Odoo #32857: "20 concurrent process can reserve … even if you only have
/// 10 in stock". 32 tasks confirm orders competing for 10 units.
#[db_test]
async fn concurrent_confirmations_never_oversell_scarce_stock() -> TestResult {
    let (db, admin) = with_admin().await?;
    let e = erp(&db.conn, admin).await?;
    let scarce = stocked(&db.conn, &e, "SCARCE-32", 100, 10).await?;
    let other = stocked(&db.conn, &e, "OTHER-32", 100, 40).await?;
    let c = customer(&db.conn, &e.ana, "Crowd", 0).await?;
    let mut ids = Vec::new();
    for n in 0..32 {
        let lines = vec![line(scarce, 1 + n % 3), line(other, 1)];
        ids.push(
            orders::create(&db.conn, &e.ana, &quote(c, e.main, lines))
                .await?
                .id,
        );
    }
    let runs: Vec<_> = ids
        .iter()
        .map(|&id| {
            let conn = db.conn.clone();
            let ana = e.ana.clone();
            tokio::spawn(async move { orders::confirm(&conn, &ana, id).await })
        })
        .collect();
    let mut reported = 0;
    for run in runs {
        let done = run.await??;
        assert!(done.changed);
        let mine = done
            .lines
            .iter()
            .find(|l| l.product_id == scarce)
            .ok_or("line")?;
        assert!(mine.reserved <= mine.quantity);
        // What the confirmation reports is what is stored.
        let stored = sales_order_lines::Entity::find_by_id(mine.id)
            .one(&db.conn)
            .await?
            .ok_or("line")?;
        assert_eq!(stored.reserved, mine.reserved);
        reported += mine.reserved;
    }
    let (on_hand, reserved) = level(&db.conn, scarce, e.main).await?;
    assert_eq!(on_hand, 10);
    assert_eq!(reserved, 10, "all 10 reserved, never more");
    assert_eq!(reported, 10);
    assert_eq!(level(&db.conn, other, e.main).await?, (40, 32));
    assert!(stock::check_ledger(&db.conn).await?.is_empty());
    Ok(())
}

#[db_test]
async fn record_scope_keeps_orders_to_their_owner_and_merge_moves_them() -> TestResult {
    let (db, admin) = with_admin().await?;
    let e = erp(&db.conn, admin).await?;
    let p = stocked(&db.conn, &e, "SCOPE-1", 100, 10).await?;
    let c = customer(&db.conn, &e.ana, "Ana's", 0).await?;
    let dup = customer(&db.conn, &e.ana, "Ana's duplicate", 0).await?;
    let o = orders::create(&db.conn, &e.ana, &quote(dup, e.main, vec![line(p, 1)])).await?;
    assert!(matches!(
        orders::get(&db.conn, &e.ben, o.id).await,
        Err(Error::NotFound)
    ));
    assert!(matches!(
        orders::confirm(&db.conn, &e.ben, o.id).await,
        Err(Error::NotFound)
    ));
    assert_eq!(
        orders::list(&db.conn, &e.ben, &OrderFilter::default(), 1, 50)
            .await?
            .total,
        0
    );
    assert_eq!(
        orders::list(&db.conn, &e.keeper, &OrderFilter::default(), 1, 50)
            .await?
            .total,
        1
    );
    customers::merge(
        &db.conn,
        &e.manager,
        c,
        dup,
        &tandem_domain::sales::stats::OrderSummaries,
    )
    .await?;
    let moved = sales_orders::Entity::find_by_id(o.id)
        .one(&db.conn)
        .await?
        .ok_or("order")?;
    assert_eq!(moved.customer_id, c);
    Ok(())
}

/// One random step of the ledger property test on `products` in both
/// warehouses: a receipt, a count, a transfer, a confirmed quote for
/// `customer_id`, a partial shipment or backorder reservation of an order in
/// `open`, or a cancellation. The outer error fails the test; the inner one
/// is the step's own answer.
async fn random_ledger_step(
    db: &Db,
    e: &Erp,
    customer_id: i64,
    products: &[i64],
    gen: &mut Gen,
    open: &mut Vec<i64>,
) -> BoxResult<Result<(), Error>> {
    let p = products[gen.below(3) as usize];
    let w = [e.main, e.east][gen.below(2) as usize];
    let manager = &e.manager;
    let adjust = |quantity: i64, reason: &str| AdjustInput {
        product_id: p,
        warehouse_id: w,
        quantity,
        reason: reason.into(),
    };
    Ok(match gen.below(7) {
        0 => {
            let input = adjust(1 + gen.below(6) as i64, "receipt");
            stock::adjust(db, manager, &input).await.map(|_| ())
        }
        1 => {
            let input = adjust(-(1 + gen.below(4) as i64), "count");
            stock::adjust(db, manager, &input).await.map(|_| ())
        }
        2 => {
            let input = TransferInput {
                product_id: p,
                from_warehouse_id: w,
                to_warehouse_id: if w == e.main { e.east } else { e.main },
                quantity: 1 + gen.below(4) as i64,
                reason: String::new(),
            };
            stock::transfer(db, manager, &input).await.map(|_| ())
        }
        3 | 4 => {
            let q = quote(
                customer_id,
                w,
                vec![
                    line(p, 1 + gen.below(5) as i64),
                    line(products[gen.below(3) as usize], 1 + gen.below(3) as i64),
                ],
            );
            match orders::create(db, manager, &q).await {
                Ok(o) => orders::confirm(db, manager, o.id)
                    .await
                    .map(|_| open.push(o.id)),
                Err(err) => Err(err),
            }
        }
        5 if !open.is_empty() => {
            let o = open[gen.below(open.len() as u64) as usize];
            ship_some(db, e, o, gen).await?
        }
        6 if !open.is_empty() => {
            let o = open.swap_remove(gen.below(open.len() as u64) as usize);
            orders::cancel(db, manager, o, "property").await.map(|_| ())
        }
        _ => Ok(()),
    })
}

/// Ships a random part of what order `o` has reserved, or, with nothing
/// reserved, reserves its backorders.
async fn ship_some(db: &Db, e: &Erp, o: i64, gen: &mut Gen) -> BoxResult<Result<(), Error>> {
    let ls = lines(db, o).await?;
    let picked: Vec<(i64, i64)> = ls
        .iter()
        .filter(|l| l.reserved > 0)
        .map(|l| (l.id, 1 + gen.below(l.reserved as u64) as i64))
        .collect();
    if picked.is_empty() {
        return Ok(orders::reserve_backorders(db, &e.manager, o)
            .await
            .map(|_| ()));
    }
    Ok(match shipments::create(db, &e.keeper, o, &picked).await {
        Ok(s) => shipments::ship(db, &e.keeper, s.id, "Post", "")
            .await
            .map(|_| ()),
        Err(err) => Err(err),
    })
}

/// The ledger recomputes to what is stored, and no level is negative or
/// reserves more than it has on hand.
async fn assert_ledger_holds(db: &Db, step: u32) -> TestResult {
    let differences = stock::check_ledger(db).await?;
    assert!(differences.is_empty(), "step {step}: {differences:?}");
    for l in stock_levels::Entity::find().all(db).await? {
        assert!(
            l.on_hand >= 0 && l.reserved >= 0 && l.reserved <= l.on_hand,
            "step {step}: {l:?}"
        );
    }
    Ok(())
}

/// Random sequences of receipts, confirms, cancels, partial shipments,
/// adjustments and transfers; after every step the ledger recomputes to
/// what is stored and no level is negative or over-reserved.
#[db_test]
async fn random_sequences_keep_the_ledger_invariants() -> TestResult {
    let (db, admin) = with_admin().await?;
    let e = erp(&db.conn, admin).await?;
    let mut products = Vec::new();
    for n in 0..3 {
        products.push(stocked(&db.conn, &e, &format!("PROP-{n}"), 100 + n, 5).await?);
    }
    let c = customer(&db.conn, &e.manager, "Property Co", 0).await?;
    let mut gen = Gen(0x5EED);
    let mut open: Vec<i64> = Vec::new();
    let steps = if tandem_domain::testing::engine_name() == "postgres" {
        120
    } else {
        200
    };
    for step in 0..steps {
        let result = random_ledger_step(&db.conn, &e, c, &products, &mut gen, &mut open).await?;
        match result {
            Ok(()) | Err(Error::Validation(_)) | Err(Error::Conflict(_)) => {}
            Err(other) => return Err(format!("step {step}: unexpected {other:?}").into()),
        }
        assert_ledger_holds(&db.conn, step).await?;
    }
    Ok(())
}

#[db_test]
async fn concurrent_shipping_ships_once_and_never_more_than_reserved() -> TestResult {
    let (db, admin) = with_admin().await?;
    let e = erp(&db.conn, admin).await?;
    let p = stocked(&db.conn, &e, "RACE-S", 100, 10).await?;
    let c = customer(&db.conn, &e.ana, "Race Ltd", 0).await?;
    let o = orders::create(&db.conn, &e.ana, &quote(c, e.main, vec![line(p, 6)])).await?;
    orders::confirm(&db.conn, &e.ana, o.id).await?;
    let line_id = lines(&db.conn, o.id).await?[0].id;
    // Eight pickers each try to put 4 of the 6 reserved into a shipment.
    let runs: Vec<_> = (0..8)
        .map(|_| {
            let conn = db.conn.clone();
            let keeper = e.keeper.clone();
            tokio::spawn(
                async move { shipments::create(&conn, &keeper, o.id, &[(line_id, 4)]).await },
            )
        })
        .collect();
    let mut created = Vec::new();
    for run in runs {
        match run.await? {
            Ok(s) => created.push(s.id),
            Err(Error::Validation(_)) => {}
            Err(other) => return Err(format!("unexpected {other:?}").into()),
        }
    }
    assert_eq!(created.len(), 1, "6 reserved hold one shipment of 4");
    // Eight clicks on "mark shipped" ship it once.
    let runs: Vec<_> = (0..8)
        .map(|_| {
            let conn = db.conn.clone();
            let keeper = e.keeper.clone();
            let id = created[0];
            tokio::spawn(async move { shipments::ship(&conn, &keeper, id, "DHL", "X1").await })
        })
        .collect();
    for run in runs {
        assert_eq!(run.await??.state, "shipped");
    }
    assert_eq!(level(&db.conn, p, e.main).await?, (6, 2));
    assert_eq!(lines(&db.conn, o.id).await?[0].shipped, 4);
    assert!(stock::check_ledger(&db.conn).await?.is_empty());
    Ok(())
}

#[db_test]
async fn cancelling_while_the_warehouse_ships_leaves_one_consistent_outcome() -> TestResult {
    let (db, admin) = with_admin().await?;
    let e = erp(&db.conn, admin).await?;
    let p = stocked(&db.conn, &e, "RACE-C", 100, 50).await?;
    let c = customer(&db.conn, &e.ana, "Either Or", 0).await?;
    for _ in 0..6 {
        let o = orders::create(&db.conn, &e.ana, &quote(c, e.main, vec![line(p, 3)])).await?;
        orders::confirm(&db.conn, &e.ana, o.id).await?;
        let s = shipments::create(&db.conn, &e.keeper, o.id, &[]).await?;
        let (conn_a, conn_b) = (db.conn.clone(), db.conn.clone());
        let (keeper, manager) = (e.keeper.clone(), e.manager.clone());
        let ship =
            tokio::spawn(async move { shipments::ship(&conn_a, &keeper, s.id, "UPS", "").await });
        let cancel =
            tokio::spawn(async move { orders::cancel(&conn_b, &manager, o.id, "race").await });
        let (shipped, cancelled) = (ship.await?, cancel.await?);
        match (&shipped, &cancelled) {
            (Ok(_), Err(Error::Conflict(_))) | (Err(Error::Conflict(_)), Ok(_)) => {}
            other => return Err(format!("both or neither won: {other:?}").into()),
        }
        assert!(stock::check_ledger(&db.conn).await?.is_empty());
    }
    Ok(())
}

/// Found by the benchmark on PostgreSQL: a confirmation holding the
/// customer's row while a shipment of the same customer appends to its
/// timeline must not deadlock.
#[db_test]
async fn confirming_and_shipping_for_one_customer_at_once_never_deadlocks() -> TestResult {
    let (db, admin) = with_admin().await?;
    let e = erp(&db.conn, admin).await?;
    let a = stocked(&db.conn, &e, "DL-A", 100, 500).await?;
    let b = stocked(&db.conn, &e, "DL-B", 100, 500).await?;
    let c = customer(&db.conn, &e.ana, "Busy Buyer", 0).await?;
    let mut open = Vec::new();
    let mut drafts = Vec::new();
    for _ in 0..8 {
        let o = orders::create(
            &db.conn,
            &e.ana,
            &quote(c, e.main, vec![line(a, 2), line(b, 2)]),
        )
        .await?;
        orders::confirm(&db.conn, &e.ana, o.id).await?;
        open.push(shipments::create(&db.conn, &e.keeper, o.id, &[]).await?.id);
        drafts.push(
            orders::create(
                &db.conn,
                &e.ana,
                &quote(c, e.main, vec![line(b, 1), line(a, 1)]),
            )
            .await?
            .id,
        );
    }
    let mut runs = Vec::new();
    for (s, o) in open.into_iter().zip(drafts) {
        let (conn, keeper) = (db.conn.clone(), e.keeper.clone());
        runs.push(tokio::spawn(async move {
            shipments::ship(&conn, &keeper, s, "DHL", "")
                .await
                .map(|_| ())
        }));
        let (conn, ana) = (db.conn.clone(), e.ana.clone());
        runs.push(tokio::spawn(async move {
            orders::confirm(&conn, &ana, o).await.map(|_| ())
        }));
    }
    for run in runs {
        run.await??;
    }
    assert_eq!(level(&db.conn, a, e.main).await?, (484, 8));
    assert!(stock::check_ledger(&db.conn).await?.is_empty());
    Ok(())
}

#[db_test]
async fn shipments_and_to_ship_keep_to_the_order_scope() -> TestResult {
    let (db, admin) = with_admin().await?;
    let e = erp(&db.conn, admin).await?;
    let p = stocked(&db.conn, &e, "SCOPE-S", 100, 10).await?;
    let c = customer(&db.conn, &e.ana, "Ana's buyer", 0).await?;
    let o = orders::create(&db.conn, &e.ana, &quote(c, e.main, vec![line(p, 2)])).await?;
    orders::confirm(&db.conn, &e.ana, o.id).await?;
    let s = shipments::create(&db.conn, &e.keeper, o.id, &[]).await?;
    let today = chrono::Utc::now().date_naive() + chrono::Duration::days(1);
    assert_eq!(
        shipments::list(&db.conn, &e.ben, None, None, None, 1, 50)
            .await?
            .total,
        0
    );
    assert!(matches!(
        shipments::get(&db.conn, &e.ben, s.id).await,
        Err(Error::NotFound)
    ));
    assert!(shipments::to_ship(&db.conn, &e.ben, today, None, 50)
        .await?
        .is_empty());
    assert_eq!(
        shipments::list(&db.conn, &e.ana, None, None, None, 1, 50)
            .await?
            .total,
        1
    );
    assert_eq!(
        shipments::list(&db.conn, &e.keeper, None, Some(c), None, 1, 50)
            .await?
            .total,
        1
    );
    assert_eq!(
        shipments::to_ship(&db.conn, &e.keeper, today, None, 50)
            .await?
            .len(),
        1
    );
    shipments::get(&db.conn, &e.ana, s.id).await?;
    Ok(())
}

#[db_test]
async fn an_order_stored_in_an_unknown_state_is_an_error_not_read_as_another_state() -> TestResult {
    let (db, admin) = with_admin().await?;
    let e = erp(&db.conn, admin).await?;
    let p = stocked(&db.conn, &e, "ODD-1", 100, 10).await?;
    let c = customer(&db.conn, &e.ana, "Initech", 0).await?;
    let o = orders::create(&db.conn, &e.ana, &quote(c, e.main, vec![line(p, 1)])).await?;
    db.conn
        .execute_unprepared(&format!(
            "UPDATE sales_orders SET state = 'lost' WHERE id = {}",
            o.id
        ))
        .await?;
    // Neither read as a draft (it could be edited) nor as confirmed (it
    // could be shipped): every reader refuses it alike.
    let read = orders::get(&db.conn, &e.ana, o.id).await;
    assert!(matches!(read, Err(Error::Internal(_))), "{read:?}");
    let cancelled = orders::cancel(&db.conn, &e.ana, o.id, "mistake").await;
    assert!(
        matches!(cancelled, Err(Error::Internal(_))),
        "{cancelled:?}"
    );
    let figures = orders::customer_figures(&db.conn, &e.ana, c).await;
    assert!(matches!(figures, Err(Error::Internal(_))), "{figures:?}");
    Ok(())
}
