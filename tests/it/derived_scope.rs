//! Views derived from many records — a customer's timeline, its page's
//! figures and tabs, forecasts, the sales and support boards,
//! notifications — show each viewer exactly the records that viewer could
//! open: for two salespeople of one team, a support agent and a manager,
//! before and after a customer moves from one salesperson to the other,
//! every item each view shows opens through its own `get`, and every
//! record the viewer could open is shown — on both engines.

use std::collections::{BTreeSet, HashSet};
use tandem_domain::testing::db_test;

use chrono::{Duration, NaiveTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use tandem_domain::{
    access::{builtin::BuiltinRole, Actor, Permission},
    entities::{
        activities as activity_rows, invoices as invoice_rows, opportunities as opportunity_rows,
        sales_orders, tickets as ticket_rows, timeline_events,
    },
    Db, Error,
    {
        access::notifications,
        access::roles as access,
        access::scope::records::{self, Kind, Record},
        access::teams,
        analytics::dashboards::{self, FilterInput, Kind as BoardKind},
        analytics::pivot,
        analytics::report_runs,
        analytics::reports::{self, Cell},
        billing::invoices,
        crm::activities::{self, ActivityFilter, ActivityInput},
        crm::customers::{self, Bulk},
        crm::leads::{self, ConvertInput, LeadInput},
        crm::opportunities::{self, ForecastScope, OpportunityFilter, OpportunityInput},
        crm::pipeline,
        crm::timeline,
        inventory::products,
        sales::orders,
        sales::shipments,
        service::tickets::{self, TicketInput},
    },
};

use crate::{
    support::{actor, role_id, user_with, with_admin, BoxResult},
    world::{customer, erp, line, lines, quote, stocked, Erp},
    TestResult,
};

/// Whether `who` may open `record`, asked of the record's own `get`.
async fn opens(db: &Db, who: &Actor, record: Record) -> BoxResult<bool> {
    let id = record.id;
    let me = who;
    let got: Result<(), Error> = match record.kind {
        Kind::Customer => customers::get(db, me, id).await.map(|_| ()),
        Kind::Lead => leads::get(db, me, id).await.map(|_| ()),
        Kind::Opportunity => opportunities::get(db, me, id).await.map(|_| ()),
        Kind::Activity => activities::get(db, me, id).await.map(|_| ()),
        Kind::Order => orders::get(db, me, id).await.map(|_| ()),
        Kind::Invoice => invoices::get(db, me, id).await.map(|_| ()),
        Kind::Shipment => shipments::get(db, me, id).await.map(|_| ()),
        Kind::Ticket => tickets::get(db, me, id, Utc::now()).await.map(|_| ()),
        Kind::Product => products::get(db, me, id).await.map(|_| ()),
        Kind::ReportRun => report_runs::get(db, me, id).await.map(|_| ()),
    };
    match got {
        Ok(()) => Ok(true),
        Err(Error::NotFound | Error::Forbidden) => Ok(false),
        Err(other) => Err(format!("{record:?}: {other:?}").into()),
    }
}

async fn opens_kind(db: &Db, who: &Actor, kind: Kind, id: i64) -> BoxResult<bool> {
    opens(db, who, Record { kind, id }).await
}

/// The record a stored event is about, checked against its link.
fn record_of(event: &timeline_events::Model) -> BoxResult<Record> {
    let kind = event
        .record_type
        .as_deref()
        .and_then(Kind::parse)
        .ok_or_else(|| format!("event {} names no record", event.id))?;
    let id = event
        .record_id
        .ok_or_else(|| format!("event {} has no record id", event.id))?;
    let record = Record { kind, id };
    assert_eq!(Record::from_link(&event.link), Some(record), "{event:?}");
    Ok(record)
}

/// A customer's timeline for `who` equals the customer's events whose
/// record `who` may open, newest first, and pages of two add up to it.
async fn check_timeline(db: &Db, who: &Actor, customer_id: i64) -> BoxResult<Vec<Record>> {
    let shown = match timeline::of_customer(db, who, customer_id, None, 200).await {
        Err(Error::NotFound) => {
            assert!(!opens_kind(db, who, Kind::Customer, customer_id).await?);
            return Ok(Vec::new());
        }
        other => other?,
    };
    assert!(opens_kind(db, who, Kind::Customer, customer_id).await?);
    let mut expected = Vec::new();
    let mut events = timeline_events::Entity::find()
        .filter(timeline_events::Column::CustomerId.eq(customer_id))
        .all(db)
        .await?;
    events.sort_by(|a, b| b.occurred_at.cmp(&a.occurred_at).then(b.id.cmp(&a.id)));
    for event in &events {
        if opens(db, who, record_of(event)?).await? {
            expected.push(event.id);
        }
    }
    let ids: Vec<i64> = shown.iter().map(|e| e.event.id).collect();
    assert_eq!(ids, expected, "user {} customer {customer_id}", who.email);
    let mut paged = Vec::new();
    let mut before = None;
    loop {
        let page = timeline::of_customer(db, who, customer_id, before, 2).await?;
        let Some(last) = page.last() else { break };
        before = Some(last.event.id);
        paged.extend(page.iter().map(|e| e.event.id));
    }
    assert_eq!(paged, expected, "paged, user {}", who.email);
    shown.iter().map(|e| record_of(&e.event)).collect()
}

/// The customer page's figures and ticket tab against the records `who`
/// may open.
async fn check_customer_page(db: &Db, who: &Actor, customer_id: i64) -> BoxResult<()> {
    let me = who;
    let readable = opens_kind(db, who, Kind::Customer, customer_id).await?;
    let overview = customers::overview(db, me, customer_id).await;
    let figures = orders::customer_figures(db, me, customer_id).await;
    if !readable {
        assert!(matches!(overview, Err(Error::NotFound)), "{overview:?}");
        assert!(matches!(figures, Err(Error::NotFound | Error::Forbidden)));
        return Ok(());
    }
    let overview = overview?;
    let stages = pipeline::all(db).await?;
    let (mut open, mut pipeline_minor, mut won) = (0_u64, 0_i64, 0_i64);
    for o in opportunity_rows::Entity::find()
        .filter(opportunity_rows::Column::CustomerId.eq(customer_id))
        .all(db)
        .await?
    {
        if !opens_kind(db, who, Kind::Opportunity, o.id).await? {
            continue;
        }
        match stages.iter().find(|s| s.id == o.stage_id) {
            Some(s) if s.is_won => won += o.amount_minor,
            Some(s) if s.is_lost => {}
            _ => {
                open += 1;
                pipeline_minor += o.amount_minor;
            }
        }
    }
    assert_eq!(overview.open_opportunities.unwrap_or(0), open);
    assert_eq!(overview.pipeline_minor.unwrap_or(0), pipeline_minor);
    assert_eq!(overview.won_minor.unwrap_or(0), won);
    let mut open_activities = 0;
    for a in activity_rows::Entity::find()
        .filter(activity_rows::Column::CustomerId.eq(customer_id))
        .filter(activity_rows::Column::DoneAt.is_null())
        .all(db)
        .await?
    {
        if opens_kind(db, who, Kind::Activity, a.id).await? {
            open_activities += 1;
        }
    }
    assert_eq!(overview.open_activities.unwrap_or(0), open_activities);
    // Orders: counts and revenue of the orders `who` may open; exposure is
    // the customer's own fact (its credit check), whoever took the orders.
    if let Ok(figures) = figures {
        let (mut open_orders, mut revenue) = (0_u64, 0_i64);
        for o in sales_orders::Entity::find()
            .filter(sales_orders::Column::CustomerId.eq(customer_id))
            .all(db)
            .await?
        {
            if !opens_kind(db, who, Kind::Order, o.id).await? {
                continue;
            }
            match o.state.as_str() {
                "confirmed" | "partially_shipped" => open_orders += 1,
                "shipped" | "invoiced" | "closed" => revenue += o.total_minor,
                _ => {}
            }
        }
        assert_eq!(figures.open_orders, open_orders);
        assert_eq!(figures.revenue_minor, revenue);
        let row = customers::get(db, me, customer_id).await?;
        assert_eq!(
            figures.exposure_minor,
            orders::exposure(db, &row, None).await?
        );
    }
    if let Ok(tab) = tickets::of_customer(db, me, customer_id).await {
        let mut expected = BTreeSet::new();
        for t in ticket_rows::Entity::find()
            .filter(ticket_rows::Column::CustomerId.eq(customer_id))
            .all(db)
            .await?
        {
            if opens_kind(db, who, Kind::Ticket, t.id).await? {
                expected.insert(t.id);
            }
        }
        let shown: BTreeSet<i64> = tab.iter().map(|t| t.id).collect();
        assert_eq!(shown, expected, "tickets tab, user {}", who.email);
    }
    Ok(())
}

/// Σ open amounts of a forecast against the open deals of `owners` that
/// `who` may open (every test deal closes this month).
async fn check_forecast(
    db: &Db,
    who: &Actor,
    whose: ForecastScope,
    owners: Option<&[i64]>,
) -> BoxResult<()> {
    let today = Utc::now().date_naive();
    let rows = match opportunities::forecast(db, who, whose, today, 6).await {
        Err(Error::Forbidden) => {
            let reads_all = who.has(Permission::OpportunitiesReadAll);
            assert!(
                !reads_all
                    && (whose == ForecastScope::All || !who.has(Permission::OpportunitiesRead)),
                "{} {whose:?}",
                who.email
            );
            return Ok(());
        }
        other => other?,
    };
    let mut expected = 0;
    for o in opportunity_rows::Entity::find()
        .filter(opportunity_rows::Column::ClosedAt.is_null())
        .all(db)
        .await?
    {
        let theirs = owners.is_none_or(|set| o.owner_id.is_some_and(|id| set.contains(&id)));
        if theirs && opens_kind(db, who, Kind::Opportunity, o.id).await? {
            expected += o.amount_minor;
        }
    }
    let shown: i64 = rows.iter().map(|r| r.open_minor).sum();
    assert_eq!(shown, expected, "{} {whose:?}", who.email);
    Ok(())
}

/// Every notification either opens or says nothing; returns the blanked ones.
async fn check_notifications(db: &Db, who: &Actor) -> BoxResult<usize> {
    let mut blank = 0;
    for n in notifications::mine(db, who, 200).await? {
        if n.link.is_empty() {
            assert!(n.title.is_empty(), "{n:?}");
            blank += 1;
            continue;
        }
        let record = Record::from_link(&n.link).ok_or("a notification names no record")?;
        assert!(opens(db, who, record).await?, "{} {n:?}", who.email);
    }
    Ok(blank)
}

fn tile(board: &dashboards::Board, key: &str) -> Option<i64> {
    board
        .tiles
        .iter()
        .find(|t| t.key == key)
        .and_then(|t| t.value)
}

/// A salesperson's board against the records they may open (their own;
/// everyone's for a holder of `dashboards.view_all`, within their scope).
async fn check_sales_board(db: &Db, who: &Actor) -> BoxResult<()> {
    let everyone = who.has(Permission::DashboardsViewAll);
    let counted = |owner: Option<i64>| everyone || owner == Some(who.user_id);
    let now = Utc::now();
    let board = dashboards::board(db, who, BoardKind::Sales, &FilterInput::default(), now).await?;
    let (from, to) = (board.filter.from, board.filter.to);
    let mut weighted: i64 = 0;
    for o in opportunity_rows::Entity::find()
        .filter(opportunity_rows::Column::ClosedAt.is_null())
        .all(db)
        .await?
    {
        if counted(o.owner_id)
            && o.currency == "EUR"
            && (from..=to).contains(&o.expected_close)
            && opens_kind(db, who, Kind::Opportunity, o.id).await?
        {
            weighted += o.amount_minor * i64::from(o.probability);
        }
    }
    assert_eq!(
        tile(&board, "forecast"),
        Some((weighted + 50).div_euclid(100))
    );
    let tomorrow = (now.date_naive() + Duration::days(1))
        .and_time(NaiveTime::MIN)
        .and_utc();
    let mut due = 0;
    for a in activity_rows::Entity::find()
        .filter(activity_rows::Column::DoneAt.is_null())
        .all(db)
        .await?
    {
        if counted(a.owner_id)
            && a.due_at.is_some_and(|d| d < tomorrow)
            && opens_kind(db, who, Kind::Activity, a.id).await?
        {
            due += 1;
        }
    }
    assert_eq!(tile(&board, "activities_due"), Some(due));
    let mut open_orders = 0;
    for o in sales_orders::Entity::find().all(db).await? {
        if counted(o.owner_id)
            && o.currency == "EUR"
            && ["confirmed", "partially_shipped"].contains(&o.state.as_str())
            && opens_kind(db, who, Kind::Order, o.id).await?
        {
            open_orders += 1;
        }
    }
    assert_eq!(tile(&board, "open_orders"), Some(open_orders));
    let mut overdue = 0;
    for i in invoice_rows::Entity::find()
        .filter(invoice_rows::Column::State.eq(invoices::OVERDUE))
        .all(db)
        .await?
    {
        if counted(i.owner_id)
            && i.currency == "EUR"
            && opens_kind(db, who, Kind::Invoice, i.id).await?
        {
            overdue += 1;
        }
    }
    assert_eq!(tile(&board, "overdue_count"), Some(overdue));
    Ok(())
}

/// Support's board against the tickets the agent may open.
async fn check_support_board(db: &Db, who: &Actor) -> BoxResult<()> {
    let now = Utc::now();
    let board =
        dashboards::board(db, who, BoardKind::Support, &FilterInput::default(), now).await?;
    let (mut mine, mut opened) = (0, 0);
    for t in ticket_rows::Entity::find().all(db).await? {
        if !opens_kind(db, who, Kind::Ticket, t.id).await? {
            continue;
        }
        if t.assignee_id == Some(who.user_id) && tickets::ACTIVE.contains(&t.status.as_str()) {
            mine += 1;
        }
        let day = t.created_at.date_naive();
        if (board.filter.from..=board.filter.to).contains(&day) {
            opened += 1;
        }
    }
    assert_eq!(tile(&board, "my_queue"), Some(mine));
    assert_eq!(tile(&board, "tickets_opened"), Some(opened));
    Ok(())
}

fn ticket_for(customer_id: i64, subject: &str, assignee: Option<i64>) -> TicketInput {
    TicketInput {
        customer_id: Some(customer_id),
        kind: "question".into(),
        channel: "phone".into(),
        subject: subject.into(),
        description: "Details".into(),
        priority: "normal".into(),
        assignee_id: assignee,
        ..Default::default()
    }
}

fn note(customer_id: i64, subject: &str) -> ActivityInput {
    ActivityInput {
        kind: "call".into(),
        subject: subject.into(),
        body: "Private: their budget is tight.".into(),
        done: true,
        customer_id,
        ..Default::default()
    }
}

fn deal(customer_id: i64, title: &str, amount: i64) -> OpportunityInput {
    OpportunityInput {
        customer_id,
        title: title.into(),
        amount_minor: amount,
        currency: "EUR".into(),
        expected_close: Some(Utc::now().date_naive()),
        ..Default::default()
    }
}

/// One salesperson's book on `customer_id`: a quote, an order shipped and
/// invoiced (`issued` days ago), a deal, a private call note, an overdue
/// task, and two tickets support opened.
async fn book(
    db: &Db,
    e: &Erp,
    sue: &Actor,
    who: &Actor,
    customer_id: i64,
    product: i64,
    issued: i64,
) -> BoxResult<()> {
    let me = who;
    orders::create(db, me, &quote(customer_id, e.main, vec![line(product, 1)])).await?;
    let order = orders::create(db, me, &quote(customer_id, e.main, vec![line(product, 2)])).await?;
    orders::confirm(db, me, order.id).await?;
    let l = lines(db, order.id).await?;
    let s = shipments::create(db, &e.keeper, order.id, &[(l[0].id, 2)]).await?;
    shipments::ship(db, &e.keeper, s.id, "DHL", "JD0001").await?;
    let today = Utc::now().date_naive();
    invoices::raise(
        db,
        &e.manager,
        order.id,
        None,
        today - Duration::days(issued),
    )
    .await?;
    opportunities::create(db, me, &deal(customer_id, "Renewal", 50_000)).await?;
    activities::create(db, me, &note(customer_id, "Budget call")).await?;
    activities::create(
        db,
        me,
        &ActivityInput {
            kind: "task".into(),
            subject: "Send the offer".into(),
            due_at: Some(Utc::now() - Duration::days(1)),
            customer_id,
            ..Default::default()
        },
    )
    .await?;
    for n in 0..2 {
        tickets::create(db, sue, &ticket_for(customer_id, &format!("Q{n}"), None)).await?;
    }
    Ok(())
}

/// Every derived view, for every viewer and every customer.
async fn walk(db: &Db, viewers: &[&Actor], team: &[i64]) -> BoxResult<()> {
    let customers_: Vec<i64> = tandem_domain::entities::customers::Entity::find()
        .all(db)
        .await?
        .iter()
        .map(|c| c.id)
        .collect();
    for &who in viewers {
        for c in &customers_ {
            check_timeline(db, who, *c).await?;
            check_customer_page(db, who, *c).await?;
        }
        check_forecast(db, who, ForecastScope::Mine, Some(&[who.user_id])).await?;
        let in_team = team.contains(&who.user_id);
        let mates: Vec<i64> = if in_team {
            team.to_vec()
        } else {
            vec![who.user_id]
        };
        check_forecast(db, who, ForecastScope::Team, Some(&mates)).await?;
        check_forecast(db, who, ForecastScope::All, None).await?;
        let kinds = dashboards::kinds(who)?;
        if kinds.contains(&BoardKind::Sales) {
            check_sales_board(db, who).await?;
        }
        if kinds.contains(&BoardKind::Support) {
            check_support_board(db, who).await?;
        }
        check_notifications(db, who).await?;
    }
    Ok(())
}

/// Ana and Ben of team North, each with a book on their own customer
/// (Ana's invoice overdue), and Sue of support.
struct Scene {
    e: Erp,
    sue: Actor,
    team: [i64; 2],
    product: i64,
    ana_co: i64,
}

async fn two_books(db: &Db, admin: Actor) -> BoxResult<Scene> {
    let e = erp(db, admin).await?;
    let sue = actor(
        db,
        user_with(db, &e.admin, "sue@example.com", BuiltinRole::Support).await?,
    )
    .await?;
    let north = teams::create(db, &e.admin, "North").await?;
    for who in [&e.ana, &e.ben] {
        teams::set_team(db, &e.admin, who.user_id, Some(north)).await?;
    }
    let team = [e.ana.user_id, e.ben.user_id];
    let product = stocked(db, &e, "DV-1", 1_000, 100).await?;
    let ana_co = customer(db, &e.ana, "Ana Co", 0).await?;
    let ben_co = customer(db, &e.ben, "Ben Co", 0).await?;
    book(db, &e, &sue, &e.ana, ana_co, product, 100).await?;
    book(db, &e, &sue, &e.ben, ben_co, product, 0).await?;
    assert_eq!(
        invoices::flag_overdue(db, Utc::now().date_naive()).await?,
        1
    );
    Ok(Scene {
        e,
        sue,
        team,
        product,
        ana_co,
    })
}

/// Two tickets on Ana Co assigned to Sue: one she opened herself, and one
/// the manager escalated to her; returns the escalated one.
async fn tickets_for_sue(db: &Db, s: &Scene) -> BoxResult<i64> {
    tickets::create(
        db,
        &s.sue,
        &ticket_for(s.ana_co, "Mine", Some(s.sue.user_id)),
    )
    .await?;
    let taken = tickets::create(
        db,
        &s.e.manager,
        &ticket_for(s.ana_co, "Escalated", Some(s.sue.user_id)),
    )
    .await?;
    Ok(taken.id)
}

/// The customer that came from Ana's lead, and her records of it.
struct Moving {
    lead: i64,
    opportunity: i64,
    customer: i64,
    ana_quote: i64,
    ana_note: i64,
}

/// The manager takes the escalated ticket `taken` back from Sue; then a
/// customer comes from Ana's lead, with her quote, her private note and a
/// ticket support opened.
async fn moving_customer(db: &Db, s: &Scene, taken: i64) -> BoxResult<Moving> {
    let e = &s.e;
    tickets::assign(db, &e.manager, taken, None, Some(e.manager.user_id)).await?;
    let lead = leads::create(
        db,
        &e.ana,
        &LeadInput {
            name: "Mo Ving".into(),
            company: "Moving Co".into(),
            email: "mo@moving.example".into(),
            source: "web".into(),
            ..Default::default()
        },
    )
    .await?;
    leads::qualify(db, &e.ana, lead.id).await?;
    let converted = leads::convert(
        db,
        &e.ana,
        lead.id,
        &ConvertInput {
            title: "First order".into(),
            amount_minor: 70_000,
            currency: "EUR".into(),
            expected_close: Some(Utc::now().date_naive()),
            ..Default::default()
        },
    )
    .await?;
    let moving = converted.customer_id;
    let quote_ = quote(moving, e.main, vec![line(s.product, 3)]);
    let ana_quote = orders::create(db, &e.ana, &quote_).await?;
    let ana_note = activities::create(db, &e.ana, &note(moving, "Moving budget")).await?;
    tickets::create(db, &s.sue, &ticket_for(moving, "Where is it?", None)).await?;
    Ok(Moving {
        lead: lead.id,
        opportunity: converted.opportunity_id,
        customer: moving,
        ana_quote: ana_quote.id,
        ana_note: ana_note.id,
    })
}

/// The whole scene before the customer moves.
async fn scene(db: &Db, admin: Actor) -> BoxResult<(Scene, Moving)> {
    let s = two_books(db, admin).await?;
    let taken = tickets_for_sue(db, &s).await?;
    let m = moving_customer(db, &s, taken).await?;
    Ok((s, m))
}

/// The customer moves from Ana to Ben; Ben adds his own quote and call
/// note. Returns (Ben's quote, Ben's note).
async fn moved(db: &Db, s: &Scene, m: &Moving) -> BoxResult<(i64, i64)> {
    let e = &s.e;
    customers::bulk(
        db,
        &e.manager,
        &[m.customer],
        &Bulk::Reassign(e.ben.user_id),
    )
    .await?;
    let quote_ = quote(m.customer, e.main, vec![line(s.product, 1)]);
    let ben_quote = orders::create(db, &e.ben, &quote_).await?;
    let ben_note = activities::create(db, &e.ben, &note(m.customer, "Intro call")).await?;
    Ok((ben_quote.id, ben_note.id))
}

fn record(kind: Kind, id: i64) -> Record {
    Record { kind, id }
}

#[db_test]
async fn every_derived_view_shows_each_viewer_only_what_they_may_open() -> TestResult {
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let (s, m) = scene(db, admin).await?;
    let viewers = [&s.e.ana, &s.e.ben, &s.sue, &s.e.manager];
    walk(db, &viewers, &s.team).await?;
    moved(db, &s, &m).await?;
    walk(db, &viewers, &s.team).await?;
    Ok(())
}

#[db_test]
async fn a_salesperson_sees_her_quotes_but_none_of_supports_tickets_on_her_timelines() -> TestResult
{
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let (s, m) = scene(db, admin).await?;
    let before = check_timeline(db, &s.e.ana, m.customer).await?;
    assert!(before.contains(&record(Kind::Order, m.ana_quote)));
    let ana_sees = check_timeline(db, &s.e.ana, s.ana_co).await?;
    assert!(
        ana_sees.iter().all(|r| r.kind != Kind::Ticket),
        "{ana_sees:?}"
    );
    assert!(ana_sees.iter().any(|r| r.kind == Kind::Order));
    Ok(())
}

#[db_test]
async fn a_ticket_taken_from_an_agent_leaves_her_a_notification_that_says_nothing() -> TestResult {
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let s = two_books(db, admin).await?;
    let taken = tickets_for_sue(db, &s).await?;
    assert_eq!(check_notifications(db, &s.sue).await?, 0);
    assert!(notifications::mine(db, &s.sue, 10)
        .await?
        .iter()
        .any(|n| n.title.contains("Escalated")));
    moving_customer(db, &s, taken).await?;
    assert_eq!(check_notifications(db, &s.sue).await?, 1);
    assert!(!check_timeline(db, &s.sue, s.ana_co)
        .await?
        .contains(&record(Kind::Ticket, taken)));
    Ok(())
}

#[db_test]
async fn a_teams_forecast_counts_only_the_deals_its_reader_may_open() -> TestResult {
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let (s, _) = scene(db, admin).await?;
    let today = Utc::now().date_naive();
    let sum =
        |rows: Vec<opportunities::ForecastRow>| rows.iter().map(|r| r.open_minor).sum::<i64>();
    let ana = &s.e.ana;
    assert_eq!(
        sum(opportunities::forecast(db, ana, ForecastScope::Team, today, 6).await?),
        sum(opportunities::forecast(db, ana, ForecastScope::Mine, today, 6).await?),
    );
    Ok(())
}

#[db_test]
async fn a_moved_customers_new_salesperson_sees_only_his_own_records_of_it() -> TestResult {
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let (s, m) = scene(db, admin).await?;
    let (ben_quote, ben_note) = moved(db, &s, &m).await?;
    let ben_sees = check_timeline(db, &s.e.ben, m.customer).await?;
    for hidden in [
        record(Kind::Order, m.ana_quote),
        record(Kind::Activity, m.ana_note),
        record(Kind::Lead, m.lead),
        record(Kind::Opportunity, m.opportunity),
    ] {
        assert!(!ben_sees.contains(&hidden), "Ben sees {hidden:?}");
    }
    assert!(ben_sees.contains(&record(Kind::Order, ben_quote)));
    assert!(ben_sees.contains(&record(Kind::Activity, ben_note)));
    Ok(())
}

#[db_test]
async fn a_moved_customer_leaves_its_old_salesperson_and_her_deal_stays_hers() -> TestResult {
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let (s, m) = scene(db, admin).await?;
    moved(db, &s, &m).await?;
    assert!(matches!(
        timeline::of_customer(db, &s.e.ana, m.customer, None, 50).await,
        Err(Error::NotFound)
    ));
    let overview = customers::overview(db, &s.e.ben, m.customer).await?;
    assert_eq!(
        overview.open_opportunities,
        Some(0),
        "Ana's deal stays hers"
    );
    assert_eq!(overview.open_activities, Some(0));
    Ok(())
}

/// The customer `who`'s deal `m.opportunity` and note `m.ana_note` name.
async fn named_in_rows(db: &Db, who: &Actor, m: &Moving) -> BoxResult<(String, String)> {
    let all_deals = OpportunityFilter {
        page: 1,
        per_page: 100,
        ..Default::default()
    };
    let deals = opportunities::rows(db, who, &all_deals).await?;
    let deal = deals
        .items
        .into_iter()
        .find(|r| r.opportunity.id == m.opportunity)
        .ok_or("the deal is not in the list")?;
    let all_notes = ActivityFilter {
        page: 1,
        per_page: 100,
        ..Default::default()
    };
    let notes = activities::rows(db, who, &all_notes).await?;
    let note = notes
        .items
        .into_iter()
        .find(|r| r.activity.id == m.ana_note)
        .ok_or("the note is not in the list")?;
    Ok((deal.customer, note.customer))
}

#[db_test]
async fn a_moved_customers_name_is_withheld_from_the_deal_and_note_its_old_salesperson_keeps(
) -> TestResult {
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let (s, m) = scene(db, admin).await?;
    let (deal, note) = named_in_rows(db, &s.e.ana, &m).await?;
    assert_eq!((deal.as_str(), note.as_str()), ("Moving Co", "Moving Co"));
    moved(db, &s, &m).await?;
    // Still hers, but the customer is Ben's now: not named to her.
    let (deal, note) = named_in_rows(db, &s.e.ana, &m).await?;
    assert_eq!(
        (deal.as_str(), note.as_str()),
        (records::WITHHELD, records::WITHHELD)
    );
    // The manager reads every customer and sees it named.
    let (deal, note) = named_in_rows(db, &s.e.manager, &m).await?;
    assert_eq!((deal.as_str(), note.as_str()), ("Moving Co", "Moving Co"));
    Ok(())
}

#[db_test]
async fn the_manager_still_sees_a_moved_customers_whole_story() -> TestResult {
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let (s, m) = scene(db, admin).await?;
    moved(db, &s, &m).await?;
    let all = check_timeline(db, &s.e.manager, m.customer).await?;
    assert!(all.contains(&record(Kind::Activity, m.ana_note)));
    Ok(())
}

#[db_test]
async fn hostile_timeline_requests_reveal_nothing() -> TestResult {
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let e = erp(db, admin).await?;
    let ana_co = customer(db, &e.ana, "Ana Co", 0).await?;
    let ben_co = customer(db, &e.ben, "Ben Co", 0).await?;
    activities::create(db, &e.ben, &note(ben_co, "Ben's secret")).await?;
    activities::create(db, &e.ana, &note(ana_co, "Ana's call")).await?;
    let ben_event = timeline_events::Entity::find()
        .filter(timeline_events::Column::CustomerId.eq(ben_co))
        .one(db)
        .await?
        .ok_or("no event")?;
    for customer_id in [ben_co, 0, -1, i64::MAX, i64::MIN] {
        assert!(matches!(
            timeline::of_customer(db, &e.ana, customer_id, None, 50).await,
            Err(Error::NotFound)
        ));
    }
    // Any cursor and any page size: only Ana's own event, never Ben's.
    for before in [None, Some(ben_event.id), Some(0), Some(-5), Some(i64::MAX)] {
        for limit in [0, 1, 200, u64::MAX] {
            let page = timeline::of_customer(db, &e.ana, ana_co, before, limit).await?;
            assert!(page.len() <= 1);
            assert!(page
                .iter()
                .all(|p| p.event.customer_id == ana_co && !p.event.summary.contains("Ben")));
        }
    }
    Ok(())
}

/// The demo's data, as the issue found it: a salesperson's and a support
/// agent's timelines of the customers they may open name only records
/// they may open.
#[db_test]
async fn demo_timelines_name_only_records_their_viewer_may_open() -> TestResult {
    use tandem_domain::{
        entities::users,
        {access::roles as access, demo},
    };
    let db = tandem_domain::testing::TestDb::with_demo().await?;
    let db_ = &db.conn;
    for role in [BuiltinRole::Sales, BuiltinRole::Support] {
        let (email, _) = demo::demo_user(role);
        let user = users::Entity::find()
            .filter(users::Column::Email.eq(email))
            .one(db_)
            .await?
            .ok_or("no demo user")?;
        let who = access::resolve_actor(db_, user.id, Default::default())
            .await?
            .ok_or("inactive")?;
        let mine = customers::list(
            db_,
            &who,
            &customers::CustomerFilter {
                per_page: 12,
                ..Default::default()
            },
        )
        .await?;
        assert!(!mine.items.is_empty());
        for c in &mine.items {
            check_timeline(db_, &who, c.id).await?;
        }
    }
    Ok(())
}

/// Sells `quantity` of `product` to `customer_id` as `who`: confirmed,
/// shipped and invoiced today. Returns the order and its invoice.
async fn sell(
    db: &Db,
    e: &Erp,
    who: &Actor,
    customer_id: i64,
    product: i64,
    quantity: i64,
) -> BoxResult<(sales_orders::Model, invoice_rows::Model)> {
    let me = who;
    let order = orders::create(
        db,
        me,
        &quote(customer_id, e.main, vec![line(product, quantity)]),
    )
    .await?;
    orders::confirm(db, me, order.id).await?;
    let l = lines(db, order.id).await?;
    let s = shipments::create(db, &e.keeper, order.id, &[(l[0].id, quantity)]).await?;
    shipments::ship(db, &e.keeper, s.id, "DHL", "JD0002").await?;
    let invoice = invoices::raise(db, &e.manager, order.id, None, Utc::now().date_naive()).await?;
    let order = sales_orders::Entity::find_by_id(order.id)
        .one(db)
        .await?
        .ok_or("no order")?;
    Ok((order, invoice))
}

/// Report `kind` over the last 30 days as `who` sees it.
async fn report(
    db: &Db,
    who: &Actor,
    kind: &str,
    limit: Option<usize>,
) -> Result<reports::Report, Error> {
    let input = FilterInput::default();
    reports::run(db, who, kind, &input, None, Utc::now(), limit).await
}

/// Whether any cell of `report` says `name` or any link leads to `customer_id`.
fn report_names(report: &reports::Report, name: &str, customer_id: i64) -> bool {
    let customer = Some(Record {
        kind: Kind::Customer,
        id: customer_id,
    });
    report
        .rows
        .iter()
        .flatten()
        .any(|c| matches!(c, Cell::Text(t) if t.contains(name)))
        || report
            .links
            .iter()
            .flatten()
            .any(|l| Record::from_link(l) == customer)
}

/// The numbers of the one row of `report` whose name is withheld; it has
/// no link.
fn withheld_row(report: &reports::Report) -> BoxResult<Vec<Option<i64>>> {
    let placeholder = Cell::Text(records::WITHHELD.to_owned());
    let mut found = report
        .rows
        .iter()
        .zip(&report.links)
        .filter(|(row, _)| row.first() == Some(&placeholder));
    let (row, link) = found.next().ok_or("no withheld row")?;
    assert!(found.next().is_none(), "{report:?}");
    assert_eq!(*link, None);
    Ok(row
        .iter()
        .skip(1)
        .map(|c| match c {
            Cell::Number(v) => *v,
            Cell::Text(t) => panic!("text {t:?} in a withheld row"),
        })
        .collect())
}

// A salesperson's reports, analyses and board still count the orders and
// invoices she booked for a customer who has since moved to another
// salesperson, but no longer name that customer nor link to it — on the
// screen (with a limit), in the CSV export (without one) and in the
// analysis; a manager who reads every customer still sees its name.

/// Ana, whose sales role here runs reports and the manager's board over
/// her own records, sold 1 to Kept Co and 3 to Moving Secret GmbH, which
/// then moved to Ben.
struct Moved {
    e: Erp,
    ana: Actor,
    kept: i64,
    moving: i64,
    small: sales_orders::Model,
    small_invoice: invoice_rows::Model,
    big: sales_orders::Model,
    big_invoice: invoice_rows::Model,
}

const SECRET: &str = "Moving Secret GmbH";

async fn sold_then_moved(db: &Db, admin: Actor) -> BoxResult<Moved> {
    let e = erp(db, admin).await?;
    let mut granted = BuiltinRole::Sales.permissions();
    granted.extend([Permission::ReportsView, Permission::DashboardsViewAll]);
    let sales = role_id(db, BuiltinRole::Sales).await?;
    access::set_role_permissions(db, &e.admin, sales, &granted).await?;
    let ana = actor(db, e.ana.user_id).await?;
    assert!(ana.has(Permission::ReportsView) && ana.has(Permission::InvoicesRead));
    assert!(!ana.has(Permission::CustomersReadAll));
    let product = stocked(db, &e, "RS-1", 1_000, 100).await?;
    let kept = customer(db, &ana, "Kept Co", 0).await?;
    let moving = customer(db, &ana, SECRET, 0).await?;
    let (small, small_invoice) = sell(db, &e, &ana, kept, product, 1).await?;
    let (big, big_invoice) = sell(db, &e, &ana, moving, product, 3).await?;
    assert!(big.subtotal_minor > small.subtotal_minor);
    customers::bulk(db, &e.manager, &[moving], &Bulk::Reassign(e.ben.user_id)).await?;
    assert_eq!(
        big_invoice.owner_id,
        Some(ana.user_id),
        "the invoice stays Ana's"
    );
    Ok(Moved {
        e,
        ana,
        kept,
        moving,
        small,
        small_invoice,
        big,
        big_invoice,
    })
}

/// On the screen (with a limit) and in the CSV export (without one).
const LIMITS: [Option<usize>; 3] = [Some(reports::SHOWN_ROWS), Some(1), None];

#[db_test]
async fn sales_by_customer_counts_but_does_not_name_a_customer_its_reader_may_not_open(
) -> TestResult {
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let m = sold_then_moved(db, admin).await?;
    let net = m.small.subtotal_minor + m.big.subtotal_minor;
    for limit in LIMITS {
        let by_customer = report(db, &m.ana, "sales_by_customer", limit).await?;
        assert!(
            !report_names(&by_customer, "Moving Secret", m.moving),
            "{by_customer:?}"
        );
        assert_eq!(
            withheld_row(&by_customer)?,
            vec![Some(1), Some(m.big.subtotal_minor), Some(m.big.total_minor)]
        );
        assert_eq!(by_customer.row_count, 2);
        assert_eq!(by_customer.totals[2], Cell::Number(Some(net)));
        if limit != Some(1) {
            assert_eq!(by_customer.rows[1][0], Cell::Text("Kept Co".into()));
            assert_eq!(by_customer.links[1], Some(format!("/customers/{}", m.kept)));
        }
        let csv = String::from_utf8(reports::to_csv(&by_customer, &[], "Total")?)?;
        assert!(!csv.contains("Moving Secret"), "{csv}");
        assert!(csv.contains(records::WITHHELD), "{csv}");
    }
    Ok(())
}

#[db_test]
async fn receivables_aging_counts_but_does_not_name_a_customer_its_reader_may_not_open(
) -> TestResult {
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let m = sold_then_moved(db, admin).await?;
    let owed = m.big_invoice.total_minor;
    for limit in LIMITS {
        let aging = report(db, &m.ana, "receivables_aging", limit).await?;
        assert!(
            !report_names(&aging, "Moving Secret", m.moving),
            "{aging:?}"
        );
        assert_eq!(
            withheld_row(&aging)?,
            vec![Some(owed), Some(0), Some(0), Some(0), Some(0), Some(owed)]
        );
        assert_eq!(
            aging.totals[6],
            Cell::Number(Some(owed + m.small_invoice.total_minor))
        );
    }
    Ok(())
}

#[db_test]
async fn a_manager_who_reads_every_customer_sees_the_moved_one_named_in_the_reports() -> TestResult
{
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let m = sold_then_moved(db, admin).await?;
    for limit in LIMITS {
        for kind in ["sales_by_customer", "receivables_aging"] {
            let named = report(db, &m.e.manager, kind, limit).await?;
            assert!(report_names(&named, "Moving Secret", m.moving), "{named:?}");
            assert!(withheld_row(&named).is_err());
        }
    }
    Ok(())
}

fn pivot_query(source: &str, rows: &str, columns: &str, measure: &str) -> pivot::Query {
    pivot::Query {
        source: source.into(),
        rows: rows.into(),
        columns: columns.into(),
        measure: measure.into(),
        filter: FilterInput::default(),
    }
}

/// Rows or columns by customer keep the figures, not the name.
#[db_test]
async fn an_analysis_counts_but_does_not_name_a_customer_its_reader_may_not_open() -> TestResult {
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let m = sold_then_moved(db, admin).await?;
    let now = Utc::now();
    for q in [
        pivot_query("orders", "customer", "", "revenue"),
        pivot_query("orders", "month", "customer", "revenue"),
        pivot_query("order_lines", "customer", "", "quantity"),
        pivot_query("order_lines", "product", "customer", "revenue"),
    ] {
        let mine = pivot::run(db, &m.ana, &q, now).await?;
        let labels: Vec<&String> = mine.rows.iter().chain(&mine.columns).collect();
        assert!(
            !labels.iter().any(|l| l.contains("Moving Secret")),
            "{q:?} {mine:?}"
        );
        assert_eq!(
            labels.iter().filter(|l| **l == records::WITHHELD).count(),
            1,
            "{q:?} {mine:?}"
        );
        let csv = String::from_utf8(pivot::to_csv(&mine, "Customer", "Total")?)?;
        assert!(!csv.contains("Moving Secret"), "{csv}");
        let all = pivot::run(db, &m.e.manager, &q, now).await?;
        assert!(
            all.rows.iter().chain(&all.columns).any(|l| l == SECRET),
            "{q:?} {all:?}"
        );
        assert!(!all
            .rows
            .iter()
            .chain(&all.columns)
            .any(|l| l == records::WITHHELD));
        // Only Ana sold anything: her figures are everyone's.
        assert_eq!(mine.total, all.total, "{q:?}");
        if q.rows == "customer" {
            let at = mine
                .rows
                .iter()
                .position(|l| l == records::WITHHELD)
                .ok_or("no withheld row")?;
            let theirs = all.rows.iter().position(|l| l == SECRET).ok_or("no row")?;
            assert_eq!(mine.row_totals[at], all.row_totals[theirs]);
        }
    }
    let revenue_by_customer = pivot_query("orders", "customer", "", "revenue");
    let revenue = pivot::run(db, &m.ana, &revenue_by_customer, now).await?;
    assert_eq!(revenue.total, m.small.subtotal_minor + m.big.subtotal_minor);
    Ok(())
}

#[db_test]
async fn the_boards_top_customers_count_but_do_not_name_a_customer_its_reader_may_not_open(
) -> TestResult {
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let m = sold_then_moved(db, admin).await?;
    let input = FilterInput::default();
    let board = dashboards::board(db, &m.ana, BoardKind::Manager, &input, Utc::now()).await?;
    let top = board
        .rankings
        .iter()
        .find(|r| r.key == "top_customers")
        .ok_or("no top customers")?;
    let (row, link) = top
        .rows
        .iter()
        .find(|(r, _)| r.id == m.moving)
        .ok_or("the moved customer's figure is missing")?;
    assert_eq!(
        (row.label.as_str(), link.as_str(), row.net_minor),
        (records::WITHHELD, "", m.big.subtotal_minor)
    );
    let kept_link = format!("/customers/{}", m.kept);
    assert!(top
        .rows
        .iter()
        .any(|(r, l)| r.label == "Kept Co" && *l == kept_link));
    Ok(())
}

/// Asked about more records than one statement names, `openable` reads
/// the scope instead, and answers the same.
#[db_test]
async fn openable_answers_the_same_beyond_one_statements_limit() -> TestResult {
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let m = sold_then_moved(db, admin).await?;
    let customer_ids = |ids: Vec<i64>| {
        ids.into_iter()
            .map(|id| Record {
                kind: Kind::Customer,
                id,
            })
            .collect::<Vec<_>>()
    };
    let (kept, moving) = (m.kept, m.moving);
    let ben_co = customer(db, &m.e.ben, "Ben Co", 0).await?;
    let few = records::openable(db, &m.ana, customer_ids(vec![kept, moving, ben_co])).await?;
    let many: Vec<i64> = (1..=2_500).chain([kept, moving, ben_co]).collect();
    let distinct = many.iter().collect::<HashSet<_>>().len();
    let from_many = records::openable(db, &m.ana, customer_ids(many.clone())).await?;
    assert_eq!(few, from_many);
    assert_eq!(
        from_many,
        customer_ids(vec![kept]).into_iter().collect::<HashSet<_>>()
    );
    let manager_opens = records::openable(db, &m.e.manager, customer_ids(many)).await?;
    assert_eq!(manager_opens.len(), distinct);
    Ok(())
}
