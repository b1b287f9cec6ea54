//! Customer service: tickets and their SLA clocks, round-robin
//! assignment, returns that restock and credit exactly (also under
//! concurrent approvals), complaint credits, the public support form's
//! matching, validation and rate limit, the knowledge base, satisfaction
//! links and SLA alerts — on both engines.

use std::time::Duration as StdDuration;
use tandem_domain::testing::db_test;

use chrono::{Duration, NaiveDate, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use tandem_domain::{
    access::{builtin::BuiltinRole, Actor, Permission},
    entities::{
        credit_notes, customers as customer_rows, invoices as invoice_rows, notifications as notes,
        ticket_status_changes, tickets as ticket_rows,
    },
    messages, Db, Error,
    {
        access::rate_limit::{Limiter, Public, PublicLimits},
        access::users,
        analytics::dashboards,
        billing::invoices::{self, CreditInput},
        crm::customers::{self, CustomerInput},
        crm::timeline,
        platform::outbox,
        sales::orders,
        sales::shipments,
        service::knowledge::{self, ArticleInput},
        service::returns::{self, ReturnInput},
        service::service_desk::{self, PolicyInput, QueueInput},
        service::support_form::{self, PublicRequest},
        service::tickets::{self, TicketFilter, TicketInput},
    },
};

use crate::{
    support::{actor, user_with, BoxResult},
    world::{erp, level, line, lines, quote, stocked, Erp, Refused},
    TestResult,
};

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

struct Desk {
    e: Erp,
    agent: Actor,
    second: Actor,
    queue: i64,
}

async fn desk(db: &Db, admin: Actor) -> BoxResult<Desk> {
    let e = erp(db, admin).await?;
    let agent = actor(
        db,
        user_with(db, &e.admin, "agent@example.com", BuiltinRole::Support).await?,
    )
    .await?;
    let second = actor(
        db,
        user_with(db, &e.admin, "second@example.com", BuiltinRole::Support).await?,
    )
    .await?;
    for (priority, response, resolution) in [("normal", 60, 480), ("urgent", 30, 120)] {
        service_desk::save_policy(
            db,
            &e.manager,
            &PolicyInput {
                name: priority.into(),
                priority: priority.into(),
                segment: String::new(),
                first_response_minutes: response,
                resolution_minutes: resolution,
            },
        )
        .await?;
    }
    let queue = service_desk::save_queue(
        db,
        &e.manager,
        None,
        &QueueInput {
            name: "Front line".into(),
            manager_id: Some(e.manager.user_id),
            auto_assign: true,
            member_ids: vec![agent.user_id, second.user_id],
        },
    )
    .await?;
    Ok(Desk {
        e,
        agent,
        second,
        queue,
    })
}

fn ticket(customer: i64, kind: &str, order: Option<i64>) -> TicketInput {
    TicketInput {
        customer_id: Some(customer),
        kind: kind.into(),
        channel: "phone".into(),
        subject: format!("A {kind}"),
        description: "Details".into(),
        priority: "normal".into(),
        order_id: order,
        ..Default::default()
    }
}

/// A customer with an order of `quantity` × 10.00 (19 % tax), shipped and
/// invoiced in full; returns (customer, order, invoice, product).
async fn billed(db: &Db, d: &Desk, name: &str, quantity: i64) -> BoxResult<(i64, i64, i64, i64)> {
    let e = &d.e;
    let product = stocked(
        db,
        e,
        &format!("SKU-{}", name.len() * 7 + quantity as usize),
        1_000,
        10,
    )
    .await?;
    let customer = crate::world::customer(db, &e.ana, name, 0).await?;
    let order = orders::create(
        db,
        &e.ana,
        &quote(customer, e.main, vec![line(product, quantity)]),
    )
    .await?;
    orders::confirm(db, &e.ana, order.id).await?;
    let l = lines(db, order.id).await?;
    let s = shipments::create(db, &e.keeper, order.id, &[(l[0].id, quantity)]).await?;
    shipments::ship(db, &e.keeper, s.id, "DHL", "JD0001").await?;
    let inv = invoices::raise(db, &e.manager, order.id, None, today()).await?;
    Ok((customer, order.id, inv.id, product))
}

#[db_test]
async fn a_ticket_lives_through_replies_pauses_resolution_and_rating() -> TestResult {
    let (db, admin) = crate::support::with_admin().await?;
    let db = &db.conn;
    let d = desk(db, admin).await?;
    // The second agent is away: round-robin gives both tickets to the first.
    service_desk::set_away(db, &d.second, true).await?;
    let customer = crate::world::customer(db, &d.e.ana, "Service Ltd", 0).await?;
    let mut input = ticket(customer, "question", None);
    input.queue_id = Some(d.queue);
    let t1 = tickets::create(db, &d.agent, &input).await?;
    let t2 = tickets::create(db, &d.agent, &input).await?;
    assert_eq!(
        (t1.assignee_id, t2.assignee_id),
        (Some(d.agent.user_id), Some(d.agent.user_id))
    );
    service_desk::set_away(db, &d.second, false).await?;
    let t3 = tickets::create(db, &d.agent, &input).await?;
    let t4 = tickets::create(db, &d.agent, &input).await?;
    let mut got = vec![t3.assignee_id, t4.assignee_id];
    got.sort();
    let mut want = vec![Some(d.agent.user_id), Some(d.second.user_id)];
    want.sort();
    assert_eq!(got, want, "round-robin alternates between present agents");
    assert!(t1.number.starts_with("TCK-"));
    assert!(t1.resolution_due.is_some() && t1.first_response_due.is_some());

    // A public reply answers and opens it; the response clock is met.
    tickets::comment(db, &d.agent, t1.id, "We are on it.", true).await?;
    tickets::comment(db, &d.agent, t1.id, "Internal: check stock", false).await?;
    let now = Utc::now();
    let detail = tickets::get(db, &d.agent, t1.id, now).await?;
    assert_eq!(detail.ticket.status, "open");
    assert!(matches!(
        detail.sla.response,
        Some(tandem_domain::service::sla::Clock::Met { in_time: true, .. })
    ));
    assert_eq!(detail.comments.len(), 2);
    assert!(detail.ticket.first_response_due.is_none());

    // Waiting on the customer pauses the resolution clock.
    let waiting = tickets::set_status(db, &d.agent, t1.id, "waiting").await?;
    assert!(
        waiting.resolution_due.is_none(),
        "paused clocks have no deadline"
    );
    // Illegal steps are refused.
    let resolved = tickets::set_status(db, &d.agent, t1.id, "resolved").await?;
    let err = tickets::set_status(db, &d.agent, t1.id, "waiting")
        .await
        .refused()?;
    assert_eq!(
        err,
        Error::Conflict(messages::TICKET_TRANSITION_REFUSED.into())
    );
    let token = resolved.rating_token.clone().ok_or("no rating link")?;
    assert!(outbox::of(db, "ticket", t1.id)
        .await?
        .iter()
        .any(|e| e.event_type == "ticket.resolved"));

    // The requester rates once; the link then is spent.
    assert_eq!(tickets::rating_form(db, &token).await?.0, t1.number);
    let bad = tickets::rate(db, &token, 6, "").await.refused()?;
    assert_eq!(bad, Error::field("score", messages::RATING_RANGE));
    tickets::rate(db, &token, 4, "Quick help").await?;
    let again = tickets::rate(db, &token, 5, "").await.refused()?;
    assert_eq!(again, Error::Conflict(messages::RATING_LINK_USED.into()));
    let (n, avg) =
        tickets::satisfaction(db, &d.agent, today(), today() + Duration::days(1)).await?;
    assert_eq!((n, avg), (1, 400));

    // Reopening resumes the clock and gives a deadline again.
    let reopened = tickets::set_status(db, &d.agent, t1.id, "open").await?;
    assert!(reopened.resolution_due.is_some());
    assert!(reopened.rating_token.is_none());

    // The customer's timeline tells the story.
    let kinds: Vec<String> = timeline::of_customer(db, &d.e.manager, customer, None, 100)
        .await?
        .into_iter()
        .map(|e| e.event.kind)
        .collect();
    for kind in [
        "ticket.created",
        "ticket.replied",
        "ticket.noted",
        "ticket.status",
        "ticket.rated",
    ] {
        assert!(
            kinds.iter().any(|k| k == kind),
            "{kind} missing from {kinds:?}"
        );
    }
    Ok(())
}

#[db_test]
async fn bad_ticket_input_is_refused_field_by_field() -> TestResult {
    let (db, admin) = crate::support::with_admin().await?;
    let db = &db.conn;
    let d = desk(db, admin).await?;
    let mine = crate::world::customer(db, &d.e.ana, "Mine Ltd", 0).await?;
    let (_, other_order, _, _) = billed(db, &d, "Other Ltd", 1).await?;
    let err = tickets::create(
        db,
        &d.agent,
        &TicketInput {
            customer_id: Some(mine),
            order_id: Some(other_order),
            kind: "gripe".into(),
            channel: "fax".into(),
            subject: " ".into(),
            priority: "asap".into(),
            requester_email: "not-an-email".into(),
            description: "x".repeat(10_001),
            ..Default::default()
        },
    )
    .await
    .refused()?;
    let mut fields = crate::world::field_of(&err);
    fields.sort();
    assert_eq!(
        fields,
        [
            "channel",
            "description",
            "kind",
            "order_id",
            "priority",
            "requester_email",
            "subject"
        ]
    );
    // Sales may read tickets but not write them.
    let denied = tickets::create(db, &d.e.ana, &ticket(mine, "question", None))
        .await
        .refused()?;
    assert_eq!(denied, Error::Forbidden);
    let empty = tickets::comment(db, &d.agent, 1, "  ", true)
        .await
        .refused()?;
    assert_eq!(empty, Error::field("body", messages::COMMENT_REQUIRED));
    Ok(())
}

/// A return ticket on an order of 4 × 10.00 (19 % tax) shipped and
/// invoiced in full.
struct ReturnCase {
    d: Desk,
    customer: i64,
    order: i64,
    invoice: i64,
    product: i64,
    ticket: i64,
    order_line: i64,
}

async fn return_case(db: &Db, admin: Actor) -> BoxResult<ReturnCase> {
    let d = desk(db, admin).await?;
    let (customer, order, invoice, product) = billed(db, &d, "Return Co", 4).await?;
    let t = tickets::create(db, &d.agent, &ticket(customer, "return", Some(order))).await?;
    let order_line = lines(db, order).await?[0].id;
    Ok(ReturnCase {
        d,
        customer,
        order,
        invoice,
        product,
        ticket: t.id,
        order_line,
    })
}

/// Asks on `ticket` for `quantity` of the order's line back; returns the
/// request.
async fn ask_back(
    db: &Db,
    r: &ReturnCase,
    ticket: i64,
    quantity: i64,
    reason: &str,
) -> Result<i64, Error> {
    let input = ReturnInput {
        order_id: r.order,
        lines: vec![(r.order_line, quantity)],
        reason: reason.into(),
        ..Default::default()
    };
    Ok(returns::request(db, &r.d.agent, ticket, &input).await?.id)
}

/// The return case with 3 of the 4 asked back and approved; returns the
/// approved request.
async fn three_returned(db: &Db, r: &ReturnCase) -> BoxResult<i64> {
    let ret = ask_back(db, r, r.ticket, 3, "Unused").await?;
    returns::approve(db, &r.d.agent, ret, today()).await?;
    Ok(ret)
}

#[db_test]
async fn a_return_tickets_panel_shows_what_shipped_with_its_tracking_and_invoice() -> TestResult {
    let (db, admin) = crate::support::with_admin().await?;
    let db = &db.conn;
    let r = return_case(db, admin).await?;
    let panel = tickets::panel(db, &r.d.agent, r.ticket).await?;
    assert_eq!(panel.orders[0].lines[0].shipped, 4);
    assert_eq!(panel.shipments[0].0.tracking, "JD0001");
    assert_eq!(panel.invoices[0].0.id, r.invoice);
    Ok(())
}

#[db_test]
async fn a_return_never_asks_for_more_than_shipped_counting_pending_requests() -> TestResult {
    let (db, admin) = crate::support::with_admin().await?;
    let db = &db.conn;
    let r = return_case(db, admin).await?;
    let too_much = ask_back(db, &r, r.ticket, 5, "").await.refused()?;
    assert_eq!(crate::world::field_of(&too_much), ["lines.0.quantity"]);
    ask_back(db, &r, r.ticket, 3, "Unused").await?;
    // Pending requests count: only 1 more may be asked for.
    let pending = ask_back(db, &r, r.ticket, 2, "").await.refused()?;
    assert_eq!(crate::world::field_of(&pending), ["lines.0.quantity"]);
    Ok(())
}

#[db_test]
async fn the_warehouse_may_not_approve_returns() -> TestResult {
    let (db, admin) = crate::support::with_admin().await?;
    let db = &db.conn;
    let r = return_case(db, admin).await?;
    let ret = ask_back(db, &r, r.ticket, 3, "Unused").await?;
    let denied = returns::approve(db, &r.d.e.keeper, ret, today())
        .await
        .refused()?;
    assert_eq!(denied, Error::Forbidden);
    Ok(())
}

#[db_test]
async fn an_approved_return_restocks_exactly_and_credits_what_came_back() -> TestResult {
    let (db, admin) = crate::support::with_admin().await?;
    let db = &db.conn;
    let r = return_case(db, admin).await?;
    assert_eq!(level(db, r.product, r.d.e.main).await?, (6, 0));
    let ret = ask_back(db, &r, r.ticket, 3, "Unused").await?;
    let approved = returns::approve(db, &r.d.agent, ret, today()).await?;
    assert_eq!(approved.ret.state, "approved");
    assert_eq!(
        level(db, r.product, r.d.e.main).await?,
        (9, 0),
        "three back on the shelf"
    );
    assert_eq!(lines(db, r.order).await?[0].returned, 3);
    // 3 × 10.00 + 19 % = 35.70, linked to the ticket, reducing what is owed.
    assert_eq!(approved.credit_notes.len(), 1);
    let note = &approved.credit_notes[0];
    assert_eq!(note.total_minor, 3_570);
    let linked = credit_notes::Entity::find_by_id(note.id)
        .one(db)
        .await?
        .ok_or("note")?;
    assert_eq!(linked.ticket_id, Some(r.ticket));
    let invoice = invoice_rows::Entity::find_by_id(r.invoice)
        .one(db)
        .await?
        .ok_or("invoice")?;
    assert_eq!(invoices::owed(&invoice), 4_760 - 3_570);
    Ok(())
}

#[db_test]
async fn a_decided_return_is_not_approved_again() -> TestResult {
    let (db, admin) = crate::support::with_admin().await?;
    let db = &db.conn;
    let r = return_case(db, admin).await?;
    let ret = three_returned(db, &r).await?;
    let twice = returns::approve(db, &r.d.agent, ret, today())
        .await
        .refused()?;
    assert_eq!(twice, Error::Conflict(messages::RETURN_DECIDED.into()));
    Ok(())
}

#[db_test]
async fn an_approved_return_shows_on_the_ticket_and_the_customers_timeline() -> TestResult {
    let (db, admin) = crate::support::with_admin().await?;
    let db = &db.conn;
    let r = return_case(db, admin).await?;
    three_returned(db, &r).await?;
    let detail = tickets::get(db, &r.d.agent, r.ticket, Utc::now()).await?;
    assert_eq!(detail.credit_notes.len(), 1);
    let kinds: Vec<String> = timeline::of_customer(db, &r.d.e.manager, r.customer, None, 100)
        .await?
        .into_iter()
        .map(|e| e.event.kind)
        .collect();
    assert!(kinds.contains(&"return.approved".to_owned()), "{kinds:?}");
    assert!(
        kinds.contains(&"credit_note.issued".to_owned()),
        "{kinds:?}"
    );
    Ok(())
}

#[db_test]
async fn a_question_ticket_takes_no_returns() -> TestResult {
    let (db, admin) = crate::support::with_admin().await?;
    let db = &db.conn;
    let r = return_case(db, admin).await?;
    three_returned(db, &r).await?;
    let q = tickets::create(db, &r.d.agent, &ticket(r.customer, "question", None)).await?;
    let wrong = ask_back(db, &r, q.id, 1, "").await.refused()?;
    assert_eq!(
        wrong,
        Error::Conflict(messages::RETURN_NEEDS_RETURN_TICKET.into())
    );
    Ok(())
}

#[db_test]
async fn concurrent_approvals_never_return_more_than_shipped() -> TestResult {
    let (db, admin) = crate::support::with_admin().await?;
    let db = &db.conn;
    let d = desk(db, admin).await?;
    let (customer, order, _, product) = billed(db, &d, "Race Co", 4).await?;
    let order_line = lines(db, order).await?[0].id;
    let t = tickets::create(db, &d.agent, &ticket(customer, "return", Some(order))).await?;
    let a = returns::request(
        db,
        &d.agent,
        t.id,
        &ReturnInput {
            order_id: order,
            lines: vec![(order_line, 3)],
            ..Default::default()
        },
    )
    .await?;
    let b = returns::request(
        db,
        &d.agent,
        t.id,
        &ReturnInput {
            order_id: order,
            lines: vec![(order_line, 1)],
            ..Default::default()
        },
    )
    .await?;
    // Each return approved by two agents at once: each lands exactly once.
    let mut runs = Vec::new();
    for id in [a.id, b.id, a.id, b.id] {
        let conn = db.clone();
        let who = d.agent.clone();
        runs.push(tokio::spawn(async move {
            returns::approve(&conn, &who, id, Utc::now().date_naive()).await
        }));
    }
    let mut landed = 0;
    for run in runs {
        match run.await? {
            Ok(_) => landed += 1,
            Err(Error::Conflict(m)) => assert_eq!(m, messages::RETURN_DECIDED),
            Err(other) => return Err(format!("unexpected {other:?}").into()),
        }
    }
    assert_eq!(landed, 2);
    assert_eq!(lines(db, order).await?[0].returned, 4);
    assert_eq!(level(db, product, d.e.main).await?, (10, 0));
    let notes = credit_notes::Entity::find()
        .filter(credit_notes::Column::TicketId.eq(t.id))
        .all(db)
        .await?;
    assert_eq!(notes.iter().map(|n| n.total_minor).sum::<i64>(), 4_760);
    // Nothing is left to return.
    let none = returns::request(
        db,
        &d.agent,
        t.id,
        &ReturnInput {
            order_id: order,
            lines: vec![(order_line, 1)],
            ..Default::default()
        },
    )
    .await
    .refused()?;
    assert_eq!(crate::world::field_of(&none), ["lines.0.quantity"]);
    Ok(())
}

#[db_test]
async fn a_complaint_is_settled_with_a_credit_note_alone() -> TestResult {
    let (db, admin) = crate::support::with_admin().await?;
    let db = &db.conn;
    let d = desk(db, admin).await?;
    let (customer, order, inv, product) = billed(db, &d, "Complain Co", 2).await?;
    let t = tickets::create(db, &d.agent, &ticket(customer, "complaint", Some(order))).await?;
    let invoice_line = tandem_domain::entities::invoice_lines::Entity::find()
        .filter(tandem_domain::entities::invoice_lines::Column::InvoiceId.eq(inv))
        .one(db)
        .await?
        .ok_or("line")?;
    let note = returns::credit_complaint(
        db,
        &d.agent,
        t.id,
        &CreditInput {
            invoice_id: inv,
            lines: vec![(invoice_line.id, 1)],
            reason: "Late delivery".into(),
        },
        today(),
    )
    .await?;
    assert_eq!(note.total_minor, 1_190);
    assert_eq!(note.ticket_id, None, "the returned row predates the link");
    let linked = credit_notes::Entity::find_by_id(note.id)
        .one(db)
        .await?
        .ok_or("note")?;
    assert_eq!(linked.ticket_id, Some(t.id));
    assert_eq!(
        level(db, product, d.e.main).await?,
        (8, 0),
        "no goods moved"
    );
    let q = tickets::create(db, &d.agent, &ticket(customer, "question", None)).await?;
    let refused = returns::credit_complaint(
        db,
        &d.agent,
        q.id,
        &CreditInput {
            invoice_id: inv,
            lines: vec![],
            reason: "x".into(),
        },
        today(),
    )
    .await
    .refused()?;
    assert_eq!(
        refused,
        Error::Conflict(messages::CREDIT_NEEDS_COMPLAINT.into())
    );
    Ok(())
}

#[db_test]
async fn the_public_form_matches_validates_and_limits() -> TestResult {
    let (db, admin) = crate::support::with_admin().await?;
    let db = &db.conn;
    let d = desk(db, admin).await?;
    let known = customers::create(
        db,
        &d.e.ana,
        &CustomerInput {
            kind: "company".into(),
            name: "Known GmbH".into(),
            email: "buyer@known.example".into(),
            currency: "EUR".into(),
            payment_terms_days: 30,
            ..Default::default()
        },
    )
    .await?;
    let (_, foreign_order, _, _) = billed(db, &d, "Foreign Co", 1).await?;
    let foreign_number = tandem_domain::entities::sales_orders::Entity::find_by_id(foreign_order)
        .one(db)
        .await?
        .ok_or("order")?
        .number;
    let request = |email: &str| PublicRequest {
        name: "Pat Buyer".into(),
        email: email.into(),
        subject: "Where is my parcel?".into(),
        description: "It has not arrived.".into(),
        ..Default::default()
    };
    // A known email lands on its customer, in the first queue.
    let number = support_form::submit(db, &request("Buyer@Known.example")).await?;
    let t = ticket_rows::Entity::find()
        .filter(ticket_rows::Column::Number.eq(number.clone()))
        .one(db)
        .await?
        .ok_or("ticket")?;
    assert_eq!(
        (t.customer_id, t.channel.as_str(), t.queue_id, t.created_by),
        (known.id, "web", Some(d.queue), None)
    );
    // Someone else's order number is not found (and reveals nothing).
    let foreign = PublicRequest {
        order_number: foreign_number,
        ..request("buyer@known.example")
    };
    let err = support_form::submit(db, &foreign).await.refused()?;
    assert_eq!(
        err,
        Error::field("order_number", messages::ORDER_NUMBER_UNKNOWN)
    );
    // An unknown email becomes a customer to review.
    support_form::submit(db, &request("new@person.example")).await?;
    let created = customer_rows::Entity::find()
        .filter(customer_rows::Column::EmailKey.eq("new@person.example"))
        .one(db)
        .await?
        .ok_or("customer")?;
    assert!(created.tags.contains("to-review"));
    assert_eq!(created.owner_id, None);
    // Bad input: every field says what is wrong; nothing is created.
    let before = ticket_rows::Entity::find().all(db).await?.len();
    let bad = PublicRequest {
        name: " ".into(),
        email: "nope".into(),
        subject: "s".repeat(201),
        description: String::new(),
        ..Default::default()
    };
    let err = support_form::submit(db, &bad).await.refused()?;
    assert_eq!(
        crate::world::field_of(&err),
        ["description", "email", "name", "subject"]
    );
    let bot = PublicRequest {
        website: "http://spam.example".into(),
        ..request("bot@spam.example")
    };
    let err = support_form::submit(db, &bot).await.refused()?;
    assert_eq!(err, Error::field("website", messages::HONEYPOT));
    assert_eq!(ticket_rows::Entity::find().all(db).await?.len(), before);
    // The rate limit (counted by the server function before it calls
    // `submit`): three per address, then refused; other addresses go on.
    let tight = PublicLimits::new(
        Limiter::off(),
        Limiter::off(),
        Limiter::new(3, StdDuration::from_secs(3600)),
    );
    for _ in 0..3 {
        tight.check(Public::Submit, None, &crate::support::meta("10.9.9.9"))?;
        support_form::submit(db, &request("buyer@known.example")).await?;
    }
    let limited = tight
        .check(Public::Submit, None, &crate::support::meta("10.9.9.9"))
        .refused()?;
    assert!(matches!(limited, Error::RateLimited { retry_after_secs } if retry_after_secs > 0));
    tight.check(Public::Submit, None, &crate::support::meta("10.9.9.10"))?;
    Ok(())
}

#[db_test]
async fn lists_follow_scope_views_and_filters() -> TestResult {
    let (db, admin) = crate::support::with_admin().await?;
    let db = &db.conn;
    let d = desk(db, admin).await?;
    let customer = crate::world::customer(db, &d.e.ana, "List Co", 0).await?;
    let mut queued = ticket(customer, "complaint", None);
    queued.queue_id = Some(d.queue);
    tickets::create(db, &d.agent, &queued).await?;
    let mut loose = ticket(customer, "question", None);
    loose.priority = "urgent".into();
    let unassigned = tickets::create(db, &d.e.manager, &loose).await?;
    let now = Utc::now();
    let all = |view: &str| TicketFilter {
        view: view.into(),
        page: 1,
        per_page: 50,
        ..Default::default()
    };
    // The agent sees their queue's ticket, not the manager's unqueued one.
    let seen = tickets::list(db, &d.agent, &all("all"), now).await?;
    assert_eq!(seen.total, 1);
    let everything = tickets::list(db, &d.e.manager, &all("all"), now).await?;
    assert_eq!(everything.total, 2);
    let un = tickets::list(db, &d.e.manager, &all("unassigned"), now).await?;
    assert_eq!(
        un.items.iter().map(|r| r.ticket.id).collect::<Vec<_>>(),
        [unassigned.id]
    );
    let kind = TicketFilter {
        kind: "complaint".into(),
        ..all("all")
    };
    assert_eq!(tickets::list(db, &d.e.manager, &kind, now).await?.total, 1);
    // A month later everything open is breaching.
    let later = now + Duration::days(30);
    assert_eq!(
        tickets::list(db, &d.e.manager, &all("breaching"), later)
            .await?
            .total,
        2
    );
    let hidden = tickets::get(db, &d.agent, unassigned.id, now)
        .await
        .refused()?;
    assert_eq!(hidden, Error::NotFound);
    Ok(())
}

#[db_test]
async fn sla_alerts_reach_the_assignee_and_manager_once() -> TestResult {
    let (db, admin) = crate::support::with_admin().await?;
    let db = &db.conn;
    let d = desk(db, admin).await?;
    let customer = crate::world::customer(db, &d.e.ana, "Alert Co", 0).await?;
    let mut input = ticket(customer, "request", None);
    input.queue_id = Some(d.queue);
    input.assignee_id = Some(d.agent.user_id);
    let t = tickets::create(db, &d.agent, &input).await?;
    let later = Utc::now() + Duration::days(30);
    assert_eq!(tickets::sla_alerts(db, later).await?, 1);
    assert_eq!(tickets::sla_alerts(db, later).await?, 0, "once per stage");
    for user in [d.agent.user_id, d.e.manager.user_id] {
        let got = notes::Entity::find()
            .filter(notes::Column::UserId.eq(user))
            .filter(notes::Column::Kind.eq(tickets::BREACHED))
            .all(db)
            .await?;
        assert_eq!(got.len(), 1, "user {user}");
        assert_eq!(got[0].link, tickets::link(t.id));
    }
    Ok(())
}

/// Created `hours` ago: the ticket's clock moved back as if it had been
/// opened then (its status history and SLA due date with it).
async fn opened_hours_ago(db: &Db, id: i64, hours: i64) -> BoxResult<()> {
    let t = ticket_rows::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or("no ticket")?;
    let back = Duration::hours(hours);
    ticket_rows::Entity::update_many()
        .col_expr(
            ticket_rows::Column::CreatedAt,
            sea_orm::sea_query::Expr::value(t.created_at - back),
        )
        .col_expr(
            ticket_rows::Column::ResolutionDue,
            sea_orm::sea_query::Expr::value(t.resolution_due.map(|d| d - back)),
        )
        .filter(ticket_rows::Column::Id.eq(id))
        .exec(db)
        .await?;
    // The SLA clocks run on the status history, which starts at opening.
    for change in ticket_status_changes::Entity::find()
        .filter(ticket_status_changes::Column::TicketId.eq(id))
        .all(db)
        .await?
    {
        ticket_status_changes::Entity::update_many()
            .col_expr(
                ticket_status_changes::Column::ChangedAt,
                sea_orm::sea_query::Expr::value(change.changed_at - back),
            )
            .filter(ticket_status_changes::Column::Id.eq(change.id))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Fourteen tickets of one customer, every third urgent, opened from a
/// few minutes to 40 days ago: some before the board's 30 days, some past
/// their resolution target. Returns their ids.
async fn aged_tickets(db: &Db, d: &Desk) -> BoxResult<Vec<i64>> {
    let customer = crate::world::customer(db, &d.e.ana, "Counted Co", 0).await?;
    let mut ids = Vec::new();
    for n in 0..14_i64 {
        let mut input = ticket(customer, "request", None);
        input.priority = if n % 3 == 0 { "urgent" } else { "normal" }.into();
        let t = tickets::create(db, &d.agent, &input).await?;
        opened_hours_ago(db, t.id, [0, 1, 5, 30, 200, 960][n as usize % 6]).await?;
        ids.push(t.id);
    }
    Ok(ids)
}

/// Two agents resolving and closing the same ticket at once.
async fn resolved_and_closed_at_once(db: &Db, d: &Desk, raced: i64) -> TestResult {
    tickets::set_status(db, &d.agent, raced, "open").await?;
    let mut tasks = Vec::new();
    for (who, to) in [
        (d.agent.clone(), "resolved"),
        (d.e.manager.clone(), "closed"),
    ] {
        let conn = db.clone();
        tasks.push(tokio::spawn(async move {
            tickets::set_status(&conn, &who, raced, to).await
        }));
    }
    for t in tasks {
        match t.await? {
            Ok(_) | Err(Error::Conflict(_)) => {}
            Err(other) => return Err(format!("race: {other:?}").into()),
        }
    }
    Ok(())
}

/// The tickets of a board's period recounted from the rows.
struct TicketCount {
    /// All tickets, whenever opened.
    rows: i64,
    opened: i64,
    resolved: i64,
    /// Resolved ones with a resolution target, and those that met it.
    with_target: i64,
    met: i64,
    /// Minutes from opening to resolution, summed over the resolved.
    minutes: i64,
}

async fn recount_tickets(db: &Db, board: &dashboards::Board) -> BoxResult<TicketCount> {
    let start = board
        .filter
        .from
        .and_hms_opt(0, 0, 0)
        .ok_or("a time")?
        .and_utc();
    let end = (board.filter.to + Duration::days(1))
        .and_hms_opt(0, 0, 0)
        .ok_or("a time")?
        .and_utc();
    let rows = ticket_rows::Entity::find().all(db).await?;
    let resolved: Vec<&ticket_rows::Model> = rows
        .iter()
        .filter(|t| t.resolved_at.is_some_and(|r| r >= start && r < end))
        .collect();
    Ok(TicketCount {
        rows: rows.len() as i64,
        opened: rows
            .iter()
            .filter(|t| t.created_at >= start && t.created_at < end)
            .count() as i64,
        resolved: resolved.len() as i64,
        with_target: resolved
            .iter()
            .filter(|t| t.resolution_met.is_some())
            .count() as i64,
        met: resolved
            .iter()
            .filter(|t| t.resolution_met == Some(true))
            .count() as i64,
        minutes: resolved
            .iter()
            .filter_map(|t| Some((t.resolved_at? - t.created_at).num_minutes().max(0)))
            .sum(),
    })
}

#[db_test]
async fn the_boards_ticket_tiles_equal_a_recount_after_random_status_changes() -> TestResult {
    use tandem_domain::analytics::reports::{self, Cell};
    let (db, admin) = crate::support::with_admin().await?;
    let db = &db.conn;
    let d = desk(db, admin).await?;
    let mut g = crate::analytics::Gen(0x71C);
    let ids = aged_tickets(db, &d).await?;
    let moves = ["open", "waiting", "resolved", "closed", "open", "resolved"];
    for _ in 0..60 {
        let id = ids[g.below(ids.len() as u64) as usize];
        let to = moves[g.below(moves.len() as u64) as usize];
        match tickets::set_status(db, &d.agent, id, to).await {
            Ok(_) | Err(Error::Conflict(_)) => {}
            Err(other) => return Err(format!("{id} → {to}: {other:?}").into()),
        }
    }
    // Whichever of the two wins, its resolution time is written once and right.
    resolved_and_closed_at_once(db, &d, ids[0]).await?;
    let differences = tandem_domain::analytics::summaries::check(db).await?;
    assert!(differences.is_empty(), "{differences:?}");

    let input = dashboards::FilterInput::default();
    let (manager, now) = (&d.e.manager, Utc::now());
    let board = dashboards::board(db, manager, dashboards::Kind::Manager, &input, now).await?;
    let c = recount_tickets(db, &board).await?;
    assert!(c.opened < c.rows, "some were opened before the period");
    assert!(c.resolved >= 3 && c.minutes > 0, "{} resolved", c.resolved);
    assert!(c.met < c.with_target, "some missed their target");
    let tile = |key: &str| {
        board
            .tiles
            .iter()
            .find(|t| t.key == key)
            .and_then(|t| t.value)
    };
    assert_eq!(tile("tickets_opened"), Some(c.opened));
    assert_eq!(tile("tickets_resolved"), Some(c.resolved));
    assert_eq!(tile("sla_compliance"), Some(c.met * 10_000 / c.with_target));
    assert_eq!(tile("mean_resolution"), Some(c.minutes / c.resolved));
    // The ticket report's totals read the same stored minutes.
    let report = reports::run(db, manager, "tickets_by_queue", &input, None, now, None).await?;
    let column = |key: &str| report.columns.iter().position(|col| col.key == key);
    let total = |key: &str| column(key).map(|i| report.totals[i].clone());
    assert_eq!(total("resolved"), Some(Cell::Number(Some(c.resolved))));
    assert_eq!(
        total("mean_resolution"),
        Some(Cell::Number(Some(c.minutes / c.resolved)))
    );
    Ok(())
}

#[db_test]
async fn the_knowledge_base_renders_safely_and_hides_drafts() -> TestResult {
    let (db, admin) = crate::support::with_admin().await?;
    let db = &db.conn;
    let d = desk(db, admin).await?;
    let article = |title: &str, published: bool| ArticleInput {
        title: title.into(),
        body: "To **return** goods, ask for an RMA.\n\n<script>alert(1)</script>".into(),
        category: "Returns".into(),
        tags: vec!["returns, rma".into()],
        language: "en".into(),
        published,
    };
    let public = knowledge::save(db, &d.agent, None, &article("Returning goods", true)).await?;
    let draft =
        knowledge::save(db, &d.agent, None, &article("Draft returns policy", false)).await?;
    let view = knowledge::get(db, None, public.id).await?;
    assert!(view.html.contains("<strong>return</strong>"));
    assert!(!view.html.contains("<script"));
    assert_eq!(
        knowledge::get(db, None, draft.id).await.refused()?,
        Error::NotFound
    );
    assert!(knowledge::get(db, Some(&d.agent), draft.id).await.is_ok());
    let found = knowledge::search(db, None, "return", "", "", false).await?;
    assert_eq!(found.iter().map(|a| a.id).collect::<Vec<_>>(), [public.id]);
    let related =
        knowledge::related(db, "I want to return my goods, how does the RMA work?", 5).await?;
    assert_eq!(related.first().map(|a| a.id), Some(public.id));
    let err = knowledge::save(db, &d.e.ana, None, &article("x", true))
        .await
        .refused()?;
    assert_eq!(err, Error::Forbidden);
    let err = knowledge::save(
        db,
        &d.agent,
        None,
        &ArticleInput {
            language: "fr".into(),
            ..article(" ", true)
        },
    )
    .await
    .refused()?;
    assert_eq!(crate::world::field_of(&err), ["language", "title"]);
    Ok(())
}

#[db_test]
async fn support_cannot_see_cost_prices_or_administer() -> TestResult {
    let (db, admin) = crate::support::with_admin().await?;
    let db = &db.conn;
    let d = desk(db, admin).await?;
    assert!(!d.agent.has(Permission::ProductsReadCost));
    assert_eq!(
        users::list(db, &d.agent, &Default::default())
            .await
            .refused()?,
        Error::Forbidden
    );
    // Configuring the desk is for managers.
    let err = service_desk::save_queue(
        db,
        &d.agent,
        None,
        &QueueInput {
            name: "Mine".into(),
            ..Default::default()
        },
    )
    .await
    .refused()?;
    assert_eq!(err, Error::Forbidden);
    Ok(())
}

#[db_test]
async fn nobody_joins_a_queue_to_see_its_tickets_without_reading_all_tickets() -> TestResult {
    let (db, admin) = crate::support::with_admin().await?;
    let db = &db.conn;
    let d = desk(db, admin).await?;
    // A custom role that configures the desk but may not read every ticket.
    let mut lead = d.agent.clone();
    lead.permissions.insert(Permission::TicketsConfigure);
    lead.permissions.remove(&Permission::TicketsReadAll);
    let join = |id: Option<i64>, members: Vec<i64>| QueueInput {
        name: format!("Escalations {}", id.unwrap_or(0)),
        member_ids: members,
        ..Default::default()
    };
    let others = service_desk::save_queue(
        db,
        &d.e.admin,
        None,
        &join(Some(-1), vec![d.second.user_id]),
    )
    .await?;
    for (id, members) in [
        (None, vec![lead.user_id]),
        (Some(others), vec![lead.user_id, d.second.user_id]),
    ] {
        let err = service_desk::save_queue(db, &lead, id, &join(id, members))
            .await
            .refused()?;
        assert_eq!(
            err,
            Error::field("member_ids", messages::QUEUE_SELF),
            "{id:?}"
        );
    }
    // Adding others is configuring the desk; so is staying where one is.
    let queue =
        service_desk::save_queue(db, &lead, None, &join(None, vec![d.second.user_id])).await?;
    service_desk::save_queue(
        db,
        &d.e.admin,
        Some(queue),
        &join(Some(queue), vec![lead.user_id]),
    )
    .await?;
    service_desk::save_queue(
        db,
        &lead,
        Some(queue),
        &join(Some(queue), vec![lead.user_id, d.second.user_id]),
    )
    .await?;
    Ok(())
}

/// A request's origin as the server saw it.
fn from(addr: &str) -> tandem_domain::access::RequestMeta {
    crate::support::meta(addr)
}

#[db_test]
async fn anonymous_requests_are_limited_per_address_and_bucket() -> TestResult {
    let (_db, signed_in) = crate::support::with_admin().await?;
    let limits = PublicLimits::new(
        Limiter::new(2, StdDuration::from_secs(3600)),
        Limiter::new(3, StdDuration::from_secs(3600)),
        Limiter::new(1, StdDuration::from_secs(3600)),
    );
    // Reads: three per address, then 429 with a wait.
    for _ in 0..3 {
        limits.check(Public::Read, None, &from("192.0.2.1"))?;
    }
    let err = limits
        .check(Public::Read, None, &from("192.0.2.1"))
        .refused()?;
    assert!(matches!(err, Error::RateLimited { retry_after_secs } if retry_after_secs >= 1));
    // Another address, the other buckets, and a signed-in reader go on.
    limits.check(Public::Read, None, &from("192.0.2.2"))?;
    limits.check(Public::Read, Some(&signed_in), &from("192.0.2.1"))?;
    limits.check(Public::SignIn, None, &from("192.0.2.1"))?;
    limits.check(Public::Submit, None, &from("192.0.2.1"))?;
    // Sign-in and submissions are counted whoever asks.
    limits.check(Public::SignIn, Some(&signed_in), &from("192.0.2.1"))?;
    let err = limits
        .check(Public::SignIn, Some(&signed_in), &from("192.0.2.1"))
        .refused()?;
    assert!(matches!(err, Error::RateLimited { .. }));
    let err = limits
        .check(Public::Submit, None, &from("192.0.2.1"))
        .refused()?;
    assert!(matches!(err, Error::RateLimited { .. }));
    // An address the server did not see is one key, not a free pass.
    let unseen = tandem_domain::access::RequestMeta::default();
    limits.check(Public::Submit, None, &unseen)?;
    let err = limits.check(Public::Submit, None, &unseen).refused()?;
    assert!(matches!(err, Error::RateLimited { .. }));
    // Limits off (tests and tools) never refuse.
    let off = PublicLimits::off();
    for _ in 0..1000 {
        off.check(Public::SignIn, None, &from("192.0.2.1"))?;
    }
    Ok(())
}

#[db_test]
async fn help_search_refuses_hostile_queries_and_still_finds() -> TestResult {
    let (db, admin) = crate::support::with_admin().await?;
    let db = &db.conn;
    let article = |title: &str, language: &str| ArticleInput {
        title: title.into(),
        body: "To return goods, ask for an RMA. 退货请先申请退货授权。".into(),
        category: "Returns".into(),
        tags: vec!["returns".into()],
        language: language.into(),
        published: true,
    };
    let english = knowledge::save(db, &admin, None, &article("Returning goods", "en")).await?;
    let chinese = knowledge::save(db, &admin, None, &article("退货流程", "zh")).await?;
    let thousand_terms = (0..1000)
        .map(|i| format!("t{i}"))
        .collect::<Vec<_>>()
        .join(" ");
    let hostile: Vec<(String, &str)> = vec![
        // The report's request: 2 MiB of words.
        ("return ".repeat(2 * 1024 * 1024 / 7), messages::MAX_200),
        (thousand_terms, messages::MAX_200),
        (
            (0..1000).map(|i| format!("{i},")).collect(),
            messages::MAX_200,
        ),
        ("r".repeat(201), messages::MAX_200),
        ("退".repeat(201), messages::MAX_200),
        ("ab ".repeat(11), messages::SEARCH_TOO_MANY_WORDS),
        (
            "a,b,c,d,e,f,g,h,i,j,k".into(),
            messages::SEARCH_TOO_MANY_WORDS,
        ),
        ("x".repeat(51), messages::SEARCH_WORD_TOO_LONG),
        (
            format!("return {}", "货".repeat(51)),
            messages::SEARCH_WORD_TOO_LONG,
        ),
    ];
    for (q, message) in &hostile {
        let err = knowledge::search(db, None, q, "", "", false)
            .await
            .refused()?;
        let start: String = q.chars().take(30).collect();
        assert_eq!(err, Error::field("q", *message), "query {start}…");
        // The same rule, without the database.
        assert!(knowledge::check_query(q).is_err(), "query {start}…");
    }
    let err = knowledge::search(db, None, "return", &"c".repeat(101), "", false)
        .await
        .refused()?;
    assert_eq!(err, Error::field("category", messages::MAX_100));
    // Ordinary searches, up to the limits, still work.
    let ids = |rows: Vec<knowledge::ArticleRow>| rows.into_iter().map(|a| a.id).collect::<Vec<_>>();
    assert_eq!(
        ids(knowledge::search(db, None, "return", "", "en", false).await?),
        [english.id]
    );
    assert_eq!(
        ids(knowledge::search(db, None, "退货", "", "zh", false).await?),
        [chinese.id]
    );
    let at_limits = [
        String::new(),
        "  how do I return goods?  ".into(),
        "ab ".repeat(10),
        "x".repeat(50),
        format!("return {}", "y ".repeat(9)).trim().to_owned(),
        "货".repeat(50),
    ];
    for q in &at_limits {
        knowledge::search(db, None, q, "Returns", "", false).await?;
    }
    // The suggestions read only the start of a text, however long it is.
    let long = format!("return goods with an RMA {}", "filler ".repeat(300_000));
    let related = knowledge::related(db, &long, 5).await?;
    assert!(related.iter().any(|a| a.id == english.id));
    Ok(())
}

/// Every list's search box, at `text`.
async fn every_search(
    db: &Db,
    actor: &Actor,
    text: &str,
) -> Vec<(&'static str, tandem_domain::Result<()>)> {
    use tandem_domain::{
        access::users::UserFilter,
        crm::activities::{self, ActivityFilter},
        crm::customers::CustomerFilter,
        crm::leads::{self, LeadFilter},
        crm::opportunities::{self, OpportunityFilter},
        inventory::products::{self, ProductFilter},
        purchasing::purchase_orders as purchasing,
        sales::orders::OrderFilter,
    };
    let a = actor;
    let search = Some(text.to_owned());
    vec![
        (
            "customers",
            customers::list(
                db,
                a,
                &CustomerFilter {
                    search: search.clone(),
                    ..Default::default()
                },
            )
            .await
            .map(drop),
        ),
        (
            "products",
            products::list(
                db,
                a,
                &ProductFilter {
                    search: search.clone(),
                    ..Default::default()
                },
                1,
                20,
            )
            .await
            .map(drop),
        ),
        (
            "products picker",
            products::search(db, a, text, 0, 10).await.map(drop),
        ),
        (
            "orders",
            orders::list(
                db,
                a,
                &OrderFilter {
                    search: search.clone(),
                    ..Default::default()
                },
                1,
                20,
            )
            .await
            .map(drop),
        ),
        (
            "leads",
            leads::list(
                db,
                a,
                &LeadFilter {
                    search: search.clone(),
                    ..Default::default()
                },
            )
            .await
            .map(drop),
        ),
        (
            "opportunities",
            opportunities::list(
                db,
                a,
                &OpportunityFilter {
                    search: search.clone(),
                    ..Default::default()
                },
            )
            .await
            .map(drop),
        ),
        (
            "activities",
            activities::list(
                db,
                a,
                &ActivityFilter {
                    search: search.clone(),
                    ..Default::default()
                },
            )
            .await
            .map(drop),
        ),
        (
            "tickets",
            tickets::list(
                db,
                a,
                &TicketFilter {
                    q: search.clone(),
                    ..Default::default()
                },
                Utc::now(),
            )
            .await
            .map(drop),
        ),
        (
            "users",
            users::list(
                db,
                a,
                &UserFilter {
                    search: search.clone(),
                    ..Default::default()
                },
            )
            .await
            .map(drop),
        ),
        (
            "suppliers",
            purchasing::suppliers(db, a, Some(text), true, 1, 20)
                .await
                .map(drop),
        ),
    ]
}

#[db_test]
async fn every_list_search_is_capped_in_one_place() -> TestResult {
    use tandem_domain::access::scope::MAX_SEARCH;
    let (db, admin) = crate::support::with_admin().await?;
    let db = &db.conn;
    let hostile = [
        "s".repeat(MAX_SEARCH + 1),
        "%".repeat(2 * 1024 * 1024),
        "検".repeat(MAX_SEARCH + 1),
        format!("{}{}", " ".repeat(10), "a".repeat(MAX_SEARCH + 1)),
    ];
    for text in &hostile {
        for (list, result) in every_search(db, &admin, text).await {
            assert_eq!(
                result,
                Err(Error::field("search", messages::MAX_200)),
                "{list}"
            );
        }
    }
    // At the limit (and with surrounding spaces) every list answers.
    let fine = [
        "s".repeat(MAX_SEARCH),
        format!("  {}  ", "検".repeat(MAX_SEARCH)),
        "%_\\".into(),
        "acme".into(),
    ];
    for text in &fine {
        for (list, result) in every_search(db, &admin, text).await {
            assert_eq!(result, Ok(()), "{list}");
        }
    }
    Ok(())
}

#[db_test]
async fn the_audit_filters_have_maximum_lengths() -> TestResult {
    use tandem_domain::access::audit::{self, AuditFilter};
    let (db, admin) = crate::support::with_admin().await?;
    let db = &db.conn;
    let a = &admin;
    for (field, filter) in [
        (
            "actor",
            AuditFilter {
                actor: Some("a".repeat(201)),
                ..Default::default()
            },
        ),
        (
            "entity",
            AuditFilter {
                entity: Some("e".repeat(201)),
                ..Default::default()
            },
        ),
        (
            "action",
            AuditFilter {
                action: Some("x".repeat(201)),
                ..Default::default()
            },
        ),
    ] {
        let err = audit::list(db, a, &filter).await.refused()?;
        assert_eq!(crate::world::field_of(&err), [field]);
    }
    audit::list(
        db,
        a,
        &AuditFilter {
            actor: Some("a".repeat(200)),
            ..Default::default()
        },
    )
    .await?;
    Ok(())
}

#[db_test]
async fn list_and_board_filters_have_maximum_lengths() -> TestResult {
    use tandem_domain::{
        crm::customers::CustomerFilter,
        inventory::products::{self, ProductFilter},
        sales::orders::OrderFilter,
    };
    let (db, admin) = crate::support::with_admin().await?;
    let db = &db.conn;
    let a = &admin;
    let tag = CustomerFilter {
        tag: Some("t".repeat(41)),
        ..Default::default()
    };
    let err = customers::list(db, a, &tag).await.refused()?;
    assert_eq!(err, Error::field("tag", messages::TAG_INVALID));
    let segment = CustomerFilter {
        segment: Some("s".repeat(61)),
        ..Default::default()
    };
    let err = customers::list(db, a, &segment).await.refused()?;
    assert_eq!(err, Error::field("segment", messages::MAX_60));
    let segment = OrderFilter {
        segment: Some("s".repeat(61)),
        ..Default::default()
    };
    let err = orders::list(db, a, &segment, 1, 20).await.refused()?;
    assert_eq!(err, Error::field("segment", messages::MAX_60));
    let category = ProductFilter {
        category: Some("c".repeat(101)),
        ..Default::default()
    };
    let err = products::list(db, a, &category, 1, 20).await.refused()?;
    assert_eq!(err, Error::field("category", messages::MAX_100));
    let segment = dashboards::FilterInput {
        segment: Some("s".repeat(61)),
        ..Default::default()
    };
    let err = dashboards::resolve(&segment, today()).refused()?;
    assert_eq!(err, Error::field("segment", messages::MAX_60));
    Ok(())
}

/// A company customer with only what a new one needs.
fn capped_customer() -> CustomerInput {
    CustomerInput {
        kind: "company".into(),
        name: "Caps GmbH".into(),
        currency: "EUR".into(),
        payment_terms_days: 30,
        ..Default::default()
    }
}

/// The capped customer with its address and notes at their limits.
fn customer_at_limits() -> CustomerInput {
    CustomerInput {
        address: "a".repeat(1000),
        notes: "n".repeat(10_000),
        ..capped_customer()
    }
}

#[db_test]
async fn every_customer_text_field_has_a_maximum_length() -> TestResult {
    let (db, admin) = crate::support::with_admin().await?;
    let db = &db.conn;
    let base = capped_customer();
    let over = [
        (
            "name",
            CustomerInput {
                name: "n".repeat(201),
                ..base.clone()
            },
        ),
        (
            "email",
            CustomerInput {
                email: format!("{}@example.com", "e".repeat(250)),
                ..base.clone()
            },
        ),
        (
            "address",
            CustomerInput {
                address: "a".repeat(1001),
                ..base.clone()
            },
        ),
        (
            "tax_id",
            CustomerInput {
                tax_id: "t".repeat(61),
                ..base.clone()
            },
        ),
        (
            "segment",
            CustomerInput {
                segment: "s".repeat(61),
                ..base.clone()
            },
        ),
        (
            "tags",
            CustomerInput {
                tags: vec!["t".repeat(41)],
                ..base.clone()
            },
        ),
        (
            "notes",
            CustomerInput {
                notes: "n".repeat(10_001),
                ..base.clone()
            },
        ),
    ];
    for (field, input) in &over {
        let err = customers::create(db, &admin, input).await.refused()?;
        assert_eq!(crate::world::field_of(&err), [*field]);
    }
    customers::create(db, &admin, &customer_at_limits()).await?;
    Ok(())
}

#[db_test]
async fn a_contacts_name_and_title_have_maximum_lengths() -> TestResult {
    use tandem_domain::crm::customers::ContactInput;
    let (db, admin) = crate::support::with_admin().await?;
    let db = &db.conn;
    let a = &admin;
    let at_limits = customers::create(db, a, &customer_at_limits()).await?;
    for (field, input) in [
        (
            "name",
            ContactInput {
                name: "n".repeat(201),
                ..Default::default()
            },
        ),
        (
            "title",
            ContactInput {
                name: "Pat".into(),
                title: "t".repeat(101),
                ..Default::default()
            },
        ),
    ] {
        let err = customers::add_contact(db, a, at_limits.id, &input)
            .await
            .refused()?;
        assert_eq!(crate::world::field_of(&err), [field]);
    }
    customers::add_contact(
        db,
        a,
        at_limits.id,
        &ContactInput {
            name: "n".repeat(200),
            title: "t".repeat(100),
            ..Default::default()
        },
    )
    .await?;
    Ok(())
}

#[db_test]
async fn every_knowledge_article_text_field_has_a_maximum_length() -> TestResult {
    let (db, admin) = crate::support::with_admin().await?;
    let db = &db.conn;
    let article = ArticleInput {
        title: "Caps".into(),
        body: "Body".into(),
        language: "en".into(),
        ..Default::default()
    };
    for (field, input) in [
        (
            "title",
            ArticleInput {
                title: "t".repeat(201),
                ..article.clone()
            },
        ),
        (
            "body",
            ArticleInput {
                body: "b".repeat(knowledge::MAX_BODY + 1),
                ..article.clone()
            },
        ),
        (
            "category",
            ArticleInput {
                category: "c".repeat(knowledge::MAX_CATEGORY + 1),
                ..article.clone()
            },
        ),
        (
            "tags",
            ArticleInput {
                tags: vec!["t".repeat(41)],
                ..article.clone()
            },
        ),
    ] {
        let err = knowledge::save(db, &admin, None, &input).await.refused()?;
        assert_eq!(crate::world::field_of(&err), [field]);
    }
    Ok(())
}

#[db_test]
async fn sign_in_refuses_oversized_credentials_before_checking_them() -> TestResult {
    use tandem_domain::{access::sign_in as auth, entities::users as user_rows};
    let (db, admin) = crate::support::with_admin().await?;
    let db = &db.conn;
    let policy = Default::default();
    let failures = || async {
        Ok::<_, tandem_domain::Error>(
            user_rows::Entity::find()
                .filter(user_rows::Column::EmailKey.eq("root@example.com"))
                .one(db)
                .await?
                .map(|u| u.failed_logins),
        )
    };
    assert_eq!(failures().await?, Some(0));
    let long_email = format!("{}@example.com", "a".repeat(300));
    let err = auth::login(
        db,
        &long_email,
        "whatever-12345",
        &from("198.51.100.7"),
        &policy,
    )
    .await
    .refused()?;
    assert_eq!(err, Error::field("email", messages::EMAIL_INVALID));
    for password in ["p".repeat(1025), "p".repeat(2 * 1024 * 1024)] {
        let err = auth::login(
            db,
            "root@example.com",
            &password,
            &from("198.51.100.7"),
            &policy,
        )
        .await
        .refused()?;
        assert_eq!(err, Error::field("password", messages::MAX_1024));
    }
    // Refused before the password was verified: no failure counted.
    assert_eq!(failures().await?, Some(0));
    // At the limit the password is checked as always (and the failure counted).
    let err = auth::login(
        db,
        "root@example.com",
        &"p".repeat(1024),
        &from("198.51.100.7"),
        &policy,
    )
    .await
    .refused()?;
    assert_eq!(err, Error::field("form", messages::LOGIN_FAILED));
    assert_eq!(failures().await?, Some(1));
    // Changing one's password: an oversized current one is not verified either.
    let err = auth::change_password(db, &admin, &"p".repeat(1025), "new-password-123", None)
        .await
        .refused()?;
    assert_eq!(err, Error::field("current_password", messages::MAX_1024));
    Ok(())
}
