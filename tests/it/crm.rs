//! Leads, opportunities, the pipeline, activities, campaigns, merge, bulk
//! actions and record scope, on both engines.

use chrono::{Duration, NaiveDate, Utc};
use tandem_domain::testing::db_test;
use tandem_domain::{
    access::{builtin::BuiltinRole, teams, Actor},
    entities::{activities as activity_rows, contacts as contact_rows, timeline_events},
    Db, Error,
    {
        access::audit::{self, AuditFilter},
        crm::activities::{self, ActivityFilter, ActivityInput},
        crm::campaigns::{self, CampaignInput},
        crm::customers::{self, Bulk, ContactInput, CustomerFilter, CustomerInput},
        crm::leads::{self, ConvertInput, LeadFilter, LeadInput},
        crm::opportunities::{self, ForecastScope, OpportunityFilter, OpportunityInput},
        crm::pipeline::{self, StageInput},
        crm::timeline,
        sales::stats::OrderSummaries,
    },
};

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::{
    support::{actor, user_with, with_admin, BoxResult},
    TestResult,
};

struct Crew {
    admin: Actor,
    manager: Actor,
    ana: Actor,
    ben: Actor,
}

async fn crew(db: &Db, admin: Actor) -> BoxResult<Crew> {
    let manager = user_with(db, &admin, "manager@example.com", BuiltinRole::Manager).await?;
    let ana = user_with(db, &admin, "ana@example.com", BuiltinRole::Sales).await?;
    let ben = user_with(db, &admin, "ben@example.com", BuiltinRole::Sales).await?;
    Ok(Crew {
        manager: actor(db, manager).await?,
        ana: actor(db, ana).await?,
        ben: actor(db, ben).await?,
        admin,
    })
}

fn company(name: &str) -> CustomerInput {
    CustomerInput {
        kind: "company".into(),
        name: name.into(),
        currency: "EUR".into(),
        payment_terms_days: 30,
        ..Default::default()
    }
}

fn lead(name: &str, company: &str, email: &str) -> LeadInput {
    LeadInput {
        name: name.into(),
        company: company.into(),
        email: email.into(),
        source: "web".into(),
        ..Default::default()
    }
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn deal(customer_id: i64, title: &str, amount: i64, close: NaiveDate) -> OpportunityInput {
    OpportunityInput {
        customer_id,
        title: title.into(),
        amount_minor: amount,
        currency: "EUR".into(),
        expected_close: Some(close),
        ..Default::default()
    }
}

fn conversion(title: &str) -> ConvertInput {
    ConvertInput {
        title: title.into(),
        amount_minor: 1_250_000,
        currency: "EUR".into(),
        expected_close: Some(day(2027, 1, 15)),
        ..Default::default()
    }
}

#[db_test]
async fn a_qualified_lead_converts_into_customer_contact_and_opportunity_once() -> TestResult {
    let (db, admin) = with_admin().await?;
    let c = crew(&db.conn, admin).await?;
    let campaign = campaigns::create(
        &db.conn,
        &c.manager,
        &CampaignInput {
            name: "Fair".into(),
            channel: "event".into(),
            budget_minor: 100_000,
            currency: "EUR".into(),
            starts_on: Some(day(2026, 10, 1)),
            ends_on: Some(day(2026, 10, 3)),
        },
    )
    .await?;
    let created = leads::create(
        &db.conn,
        &c.ana,
        &LeadInput {
            campaign_id: Some(campaign.id),
            source: "event".into(),
            ..lead("Pat Lee", "Northwind Traders", "pat@northwind.example")
        },
    )
    .await?;
    // A new lead must be qualified first.
    assert!(matches!(
        leads::convert(&db.conn, &c.ana, created.id, &conversion("Pilot")).await,
        Err(Error::Conflict(_))
    ));
    leads::qualify(&db.conn, &c.ana, created.id).await?;
    let done = leads::convert(&db.conn, &c.ana, created.id, &conversion("Pilot")).await?;
    let customer = customers::get(&db.conn, &c.ana, done.customer_id).await?;
    assert_eq!(customer.name, "Northwind Traders");
    assert_eq!(customer.kind, "company");
    assert_eq!(customer.owner_id, Some(c.ana.user_id));
    let contacts = customers::contacts_of(&db.conn, &c.ana, customer.id).await?;
    assert_eq!(contacts.len(), 1);
    assert_eq!(contacts[0].email.as_deref(), Some("pat@northwind.example"));
    assert_eq!(Some(contacts[0].id), done.contact_id);
    let opportunity = opportunities::get(&db.conn, &c.ana, done.opportunity_id).await?;
    assert_eq!(opportunity.amount_minor, 1_250_000);
    assert_eq!(opportunity.campaign_id, Some(campaign.id));
    assert_eq!(opportunity.customer_id, customer.id);
    let after = leads::get(&db.conn, &c.ana, created.id).await?;
    assert_eq!(after.status, "converted");
    assert_eq!(after.opportunity_id, Some(opportunity.id));
    // Converting again is refused and creates nothing more.
    assert!(matches!(
        leads::convert(&db.conn, &c.ana, created.id, &conversion("Again")).await,
        Err(Error::Conflict(_))
    ));
    let all = opportunities::list(&db.conn, &c.manager, &OpportunityFilter::default()).await?;
    assert_eq!(all.total, 1);
    // The campaign counts the lead, the conversion, and (once won) the amount.
    let stats = campaigns::list(&db.conn, &c.ana).await?;
    assert_eq!(
        (stats[0].leads, stats[0].converted, stats[0].won_minor),
        (1, 1, 0)
    );
    let stages = pipeline::list(&db.conn, &c.ana).await?;
    let won = stages.iter().find(|s| s.is_won).ok_or("no won stage")?;
    opportunities::move_stage(
        &db.conn,
        &c.ana,
        opportunity.id,
        opportunity.stage_id,
        won.id,
        "",
    )
    .await?;
    let stats = campaigns::list(&db.conn, &c.ana).await?;
    assert_eq!(stats[0].won_minor, 1_250_000);
    // The customer's timeline tells the story, newest first.
    let feed = timeline::of_customer(&db.conn, &c.ana, customer.id, None, 50).await?;
    let kinds: Vec<&str> = feed.iter().map(|e| e.event.kind.as_str()).collect();
    assert_eq!(kinds.first(), Some(&"opportunity.won"));
    assert!(kinds.contains(&"lead.converted"));
    assert!(kinds.contains(&"opportunity.created"));
    // Someone else cannot see any of it.
    assert!(matches!(
        timeline::of_customer(&db.conn, &c.ben, customer.id, None, 50).await,
        Err(Error::NotFound)
    ));
    Ok(())
}

#[db_test]
async fn concurrent_conversions_convert_once() -> TestResult {
    let (db, admin) = with_admin().await?;
    let c = crew(&db.conn, admin).await?;
    let created = leads::create(&db.conn, &c.ana, &lead("Kim Park", "", "kim@example.com")).await?;
    leads::qualify(&db.conn, &c.ana, created.id).await?;
    let runs: Vec<_> = (0..4)
        .map(|n| {
            let conn = db.conn.clone();
            let ana = c.ana.clone();
            tokio::spawn(async move {
                leads::convert(&conn, &ana, created.id, &conversion(&format!("Deal {n}"))).await
            })
        })
        .collect();
    let mut ok = 0;
    for run in runs {
        match run.await? {
            Ok(_) => ok += 1,
            Err(Error::Conflict(_)) => {}
            Err(other) => return Err(format!("unexpected {other:?}").into()),
        }
    }
    assert_eq!(ok, 1, "exactly one conversion wins");
    let page = customers::list(&db.conn, &c.manager, &CustomerFilter::default()).await?;
    assert_eq!(page.total, 1, "one customer, a person named after the lead");
    assert_eq!(page.items[0].kind, "person");
    assert_eq!(
        opportunities::list(&db.conn, &c.manager, &OpportunityFilter::default())
            .await?
            .total,
        1
    );
    Ok(())
}

#[db_test]
async fn leads_refuse_bad_input_and_disqualify_needs_a_reason() -> TestResult {
    let (db, admin) = with_admin().await?;
    let c = crew(&db.conn, admin).await?;
    let Err(Error::Validation(fields)) = leads::create(
        &db.conn,
        &c.ana,
        &LeadInput {
            name: "".into(),
            email: "nope".into(),
            phone: "1".into(),
            source: "radio".into(),
            campaign_id: None,
            ..Default::default()
        },
    )
    .await
    else {
        return Err("bad lead accepted".into());
    };
    for field in ["name", "email", "phone", "source"] {
        assert!(fields.contains_key(field), "{field} missing");
    }
    let Err(Error::Validation(fields)) = leads::create(
        &db.conn,
        &c.ana,
        &LeadInput {
            campaign_id: Some(999),
            ..lead("A", "", "")
        },
    )
    .await
    else {
        return Err("missing campaign accepted".into());
    };
    assert!(fields.contains_key("campaign_id"));
    let created = leads::create(&db.conn, &c.ana, &lead("Jo", "", "")).await?;
    assert!(matches!(
        leads::disqualify(&db.conn, &c.ana, created.id, "  ").await,
        Err(Error::Validation(_))
    ));
    leads::disqualify(&db.conn, &c.ana, created.id, "No budget").await?;
    let after = leads::get(&db.conn, &c.ana, created.id).await?;
    assert_eq!(
        (after.status.as_str(), after.disqualify_reason.as_str()),
        ("disqualified", "No budget")
    );
    assert!(matches!(
        leads::qualify(&db.conn, &c.ana, created.id).await,
        Err(Error::Conflict(_))
    ));
    // Nothing was written by the refused attempts.
    assert_eq!(
        leads::list(&db.conn, &c.manager, &LeadFilter::default())
            .await?
            .total,
        1
    );
    Ok(())
}

/// The ids of Ana's records in [`two_sellers`].
struct AnaRecords {
    customer: i64,
    lead: i64,
    deal: i64,
    task: i64,
}

/// Ana and Ben each own a customer, a lead and a deal; Ana also has a task
/// on her customer. Returns the crew and the ids of Ana's records.
async fn two_sellers(db: &Db, admin: Actor) -> BoxResult<(Crew, AnaRecords)> {
    let c = crew(db, admin).await?;
    let ana_customer = customers::create(db, &c.ana, &company("Ana Corp")).await?;
    let ben_customer = customers::create(db, &c.ben, &company("Ben Corp")).await?;
    let ana_lead = leads::create(db, &c.ana, &lead("Ana Lead", "", "al@example.com")).await?;
    leads::create(db, &c.ben, &lead("Ben Lead", "", "bl@example.com")).await?;
    let ana_deal = opportunities::create(
        db,
        &c.ana,
        &deal(ana_customer.id, "Ana deal", 100, day(2027, 1, 1)),
    )
    .await?;
    opportunities::create(
        db,
        &c.ben,
        &deal(ben_customer.id, "Ben deal", 100, day(2027, 1, 1)),
    )
    .await?;
    let ana_task = activities::create(
        db,
        &c.ana,
        &ActivityInput {
            kind: "call".into(),
            subject: "Call Ana Corp".into(),
            customer_id: ana_customer.id,
            ..Default::default()
        },
    )
    .await?;
    let ana = AnaRecords {
        customer: ana_customer.id,
        lead: ana_lead.id,
        deal: ana_deal.id,
        task: ana_task.id,
    };
    Ok((c, ana))
}

#[db_test]
async fn a_sales_user_cannot_attach_a_deal_to_another_users_customer() -> TestResult {
    let (db, admin) = with_admin().await?;
    let (c, ana) = two_sellers(&db.conn, admin).await?;
    assert!(matches!(
        opportunities::create(
            &db.conn,
            &c.ben,
            &deal(ana.customer, "Sneaky", 1, day(2027, 1, 1))
        )
        .await,
        Err(Error::Validation(_))
    ));
    // The refused deal was not written.
    assert_eq!(
        opportunities::list(&db.conn, &c.manager, &OpportunityFilter::default())
            .await?
            .total,
        2
    );
    Ok(())
}

#[db_test]
async fn a_sales_user_lists_and_counts_only_their_own_leads_deals_and_activities() -> TestResult {
    let (db, admin) = with_admin().await?;
    let (c, _) = two_sellers(&db.conn, admin).await?;
    let leads_ben = leads::list(&db.conn, &c.ben, &LeadFilter::default()).await?;
    assert_eq!(
        leads_ben
            .items
            .iter()
            .map(|l| l.name.as_str())
            .collect::<Vec<_>>(),
        ["Ben Lead"]
    );
    let deals_ben = opportunities::list(&db.conn, &c.ben, &OpportunityFilter::default()).await?;
    assert_eq!(deals_ben.total, 1);
    assert_eq!(deals_ben.items[0].title, "Ben deal");
    assert_eq!(
        activities::list(&db.conn, &c.ben, &ActivityFilter::default())
            .await?
            .total,
        0
    );
    // The board and counts too.
    let board = opportunities::board(&db.conn, &c.ben, None).await?;
    assert_eq!(board.iter().map(|col| col.total).sum::<u64>(), 1);
    Ok(())
}

#[db_test]
async fn search_finds_nothing_of_another_sales_users_customers_or_leads() -> TestResult {
    let (db, admin) = with_admin().await?;
    let (c, _) = two_sellers(&db.conn, admin).await?;
    let search = |text: &str| CustomerFilter {
        search: Some(text.into()),
        ..Default::default()
    };
    assert_eq!(
        customers::list(&db.conn, &c.ben, &search("ana"))
            .await?
            .total,
        0
    );
    assert_eq!(
        customers::list(&db.conn, &c.ana, &search("ana"))
            .await?
            .total,
        1
    );
    assert_eq!(
        leads::list(
            &db.conn,
            &c.ben,
            &LeadFilter {
                search: Some("ana".into()),
                ..Default::default()
            }
        )
        .await?
        .total,
        0
    );
    Ok(())
}

#[db_test]
async fn another_sales_users_records_are_not_found_on_their_detail_pages() -> TestResult {
    let (db, admin) = with_admin().await?;
    let (c, ana) = two_sellers(&db.conn, admin).await?;
    assert!(matches!(
        leads::get(&db.conn, &c.ben, ana.lead).await,
        Err(Error::NotFound)
    ));
    assert!(matches!(
        opportunities::get(&db.conn, &c.ben, ana.deal).await,
        Err(Error::NotFound)
    ));
    assert!(matches!(
        activities::get(&db.conn, &c.ben, ana.task).await,
        Err(Error::NotFound)
    ));
    assert!(matches!(
        customers::overview(&db.conn, &c.ben, ana.customer).await,
        Err(Error::NotFound)
    ));
    Ok(())
}

#[db_test]
async fn managers_see_every_sales_users_leads_deals_and_activities() -> TestResult {
    let (db, admin) = with_admin().await?;
    let (c, _) = two_sellers(&db.conn, admin).await?;
    assert_eq!(
        leads::list(&db.conn, &c.manager, &LeadFilter::default())
            .await?
            .total,
        2
    );
    assert_eq!(
        opportunities::list(&db.conn, &c.manager, &OpportunityFilter::default())
            .await?
            .total,
        2
    );
    assert_eq!(
        activities::list(&db.conn, &c.manager, &ActivityFilter::default())
            .await?
            .total,
        1
    );
    Ok(())
}

#[db_test]
async fn only_managers_hand_a_sales_users_lead_to_another() -> TestResult {
    let (db, admin) = with_admin().await?;
    let (c, ana) = two_sellers(&db.conn, admin).await?;
    assert!(matches!(
        leads::reassign(&db.conn, &c.ana, &[ana.lead], c.ben.user_id).await,
        Err(Error::Forbidden)
    ));
    leads::reassign(&db.conn, &c.manager, &[ana.lead], c.ben.user_id).await?;
    assert_eq!(
        leads::get(&db.conn, &c.ben, ana.lead).await?.owner_id,
        Some(c.ben.user_id)
    );
    Ok(())
}

#[db_test]
async fn moving_cards_closes_deals_and_refuses_stale_or_reasonless_moves() -> TestResult {
    let (db, admin) = with_admin().await?;
    let c = crew(&db.conn, admin).await?;
    let customer = customers::create(&db.conn, &c.ana, &company("Board Co")).await?;
    let stages = pipeline::list(&db.conn, &c.ana).await?;
    let first = &stages[0];
    let second = &stages[1];
    let lost = stages.iter().find(|s| s.is_lost).ok_or("no lost stage")?;
    let won = stages.iter().find(|s| s.is_won).ok_or("no won stage")?;
    let o = opportunities::create(
        &db.conn,
        &c.ana,
        &deal(customer.id, "Card", 5_000, day(2027, 2, 1)),
    )
    .await?;
    assert_eq!((o.stage_id, o.probability), (first.id, first.probability));
    let moved = opportunities::move_stage(&db.conn, &c.ana, o.id, first.id, second.id, "").await?;
    assert_eq!(moved.probability, second.probability);
    // A move based on what the board showed before is refused.
    assert!(matches!(
        opportunities::move_stage(&db.conn, &c.ana, o.id, first.id, lost.id, "late").await,
        Err(Error::Conflict(_))
    ));
    assert!(matches!(
        opportunities::move_stage(&db.conn, &c.ana, o.id, second.id, lost.id, " ").await,
        Err(Error::Validation(_))
    ));
    // Two people moving the same card at once: one wins.
    let runs: Vec<_> = [won.id, lost.id]
        .into_iter()
        .map(|to| {
            let conn = db.conn.clone();
            let ana = c.ana.clone();
            let from = second.id;
            tokio::spawn(async move {
                opportunities::move_stage(&conn, &ana, o.id, from, to, "Too expensive").await
            })
        })
        .collect();
    let mut ok = 0;
    for run in runs {
        match run.await? {
            Ok(after) => {
                ok += 1;
                assert!(after.closed_at.is_some());
            }
            Err(Error::Conflict(_)) => {}
            Err(other) => return Err(format!("unexpected {other:?}").into()),
        }
    }
    assert_eq!(ok, 1);
    // Ben cannot move Ana's card.
    let now = opportunities::get(&db.conn, &c.ana, o.id).await?;
    assert!(matches!(
        opportunities::move_stage(&db.conn, &c.ben, o.id, now.stage_id, first.id, "").await,
        Err(Error::NotFound)
    ));
    // Reopening clears the close.
    let reopened =
        opportunities::move_stage(&db.conn, &c.ana, o.id, now.stage_id, first.id, "").await?;
    assert!(reopened.closed_at.is_none());
    assert_eq!(reopened.lost_reason, "");
    Ok(())
}

#[db_test]
async fn forecast_weighs_amounts_by_probability_per_month_with_one_rounding() -> TestResult {
    let (db, admin) = with_admin().await?;
    let c = crew(&db.conn, admin).await?;
    let customer = customers::create(&db.conn, &c.manager, &company("Forecast Co")).await?;
    let mine = |title: &str, amount: i64, close: NaiveDate, p: i32, owner: &Actor| {
        let input = OpportunityInput {
            probability: Some(p),
            owner_id: Some(owner.user_id),
            ..deal(customer.id, title, amount, close)
        };
        let conn = db.conn.clone();
        let manager = c.manager.clone();
        async move { opportunities::create(&conn, &manager, &input).await }
    };
    // December: 1001 × 25% + 333 × 10% = 250.25 + 33.3 = 283.55 → 284 (once, not 250 + 33).
    mine("a", 1001, day(2026, 12, 5), 25, &c.ana).await?;
    mine("b", 333, day(2026, 12, 20), 10, &c.ana).await?;
    // January: 10000 × 50% = 5000.
    mine("c", 10_000, day(2027, 1, 10), 50, &c.ana).await?;
    // Overdue (November) counts in the first month.
    mine("d", 200, day(2026, 11, 1), 50, &c.ana).await?;
    // Ben's deal only in "all".
    mine("e", 7_000, day(2026, 12, 1), 100, &c.ben).await?;
    let rows =
        opportunities::forecast(&db.conn, &c.ana, ForecastScope::Mine, day(2026, 12, 1), 3).await?;
    let dec = rows
        .iter()
        .find(|r| r.month == "2026-12")
        .ok_or("no December")?;
    assert_eq!(
        (dec.open_count, dec.open_minor, dec.weighted_minor),
        (3, 1534, 384)
    );
    let jan = rows
        .iter()
        .find(|r| r.month == "2027-01")
        .ok_or("no January")?;
    assert_eq!(jan.weighted_minor, 5000);
    assert_eq!(opportunities::weighted([(1001, 25), (333, 10)]), 284);
    // Ana may not ask for everyone's; the manager may.
    assert!(matches!(
        opportunities::forecast(&db.conn, &c.ana, ForecastScope::All, day(2026, 12, 1), 3).await,
        Err(Error::Forbidden)
    ));
    let all = opportunities::forecast(
        &db.conn,
        &c.manager,
        ForecastScope::All,
        day(2026, 12, 1),
        3,
    )
    .await?;
    let dec = all
        .iter()
        .find(|r| r.month == "2026-12")
        .ok_or("no December")?;
    assert_eq!(dec.weighted_minor, 384 + 7_000);
    Ok(())
}

/// The ids in [`duplicate_customers`].
struct DuplicatePair {
    keep: i64,
    gone: i64,
    contact: i64,
    deal: i64,
    activity: i64,
}

/// Ana's "Acme GmbH" and its duplicate "ACME", which has an email, a tag, a
/// contact, a deal and a meeting about both. Returns the crew and the ids.
async fn duplicate_customers(db: &Db, admin: Actor) -> BoxResult<(Crew, DuplicatePair)> {
    let c = crew(db, admin).await?;
    let keep = customers::create(db, &c.ana, &company("Acme GmbH")).await?;
    let gone = customers::create(
        db,
        &c.ana,
        &CustomerInput {
            email: "buy@acme.example".into(),
            tags: vec!["export".into()],
            ..company("ACME")
        },
    )
    .await?;
    let contact = ContactInput {
        name: "Chris".into(),
        ..Default::default()
    };
    let contact = customers::add_contact(db, &c.ana, gone.id, &contact).await?;
    let o = deal(gone.id, "Dup deal", 10, day(2027, 3, 1));
    let o = opportunities::create(db, &c.ana, &o).await?;
    let a = activities::create(
        db,
        &c.ana,
        &ActivityInput {
            kind: "meeting".into(),
            subject: "Kick-off".into(),
            customer_id: gone.id,
            opportunity_id: Some(o.id),
            contact_id: Some(contact.id),
            ..Default::default()
        },
    )
    .await?;
    let ids = DuplicatePair {
        keep: keep.id,
        gone: gone.id,
        contact: contact.id,
        deal: o.id,
        activity: a.id,
    };
    Ok((c, ids))
}

/// `by` merges `gone` into `keep`.
async fn merge(
    db: &Db,
    by: &Actor,
    keep: i64,
    gone: i64,
) -> tandem_domain::Result<customers::Merged> {
    customers::merge(db, by, keep, gone, &OrderSummaries).await
}

#[db_test]
async fn only_managers_merge_and_never_a_customer_into_itself() -> TestResult {
    let (db, admin) = with_admin().await?;
    let (c, d) = duplicate_customers(&db.conn, admin).await?;
    assert!(matches!(
        merge(&db.conn, &c.ana, d.keep, d.gone).await,
        Err(Error::Forbidden)
    ));
    assert!(matches!(
        merge(&db.conn, &c.manager, d.keep, d.keep).await,
        Err(Error::Validation(_))
    ));
    Ok(())
}

#[db_test]
async fn merging_relinks_contacts_deals_activities_and_timeline_to_the_survivor() -> TestResult {
    let (db, admin) = with_admin().await?;
    let (c, d) = duplicate_customers(&db.conn, admin).await?;
    let merged = merge(&db.conn, &c.manager, d.keep, d.gone).await?;
    let moved: std::collections::HashMap<_, _> = merged.moved.into_iter().collect();
    assert_eq!(moved.get("contacts"), Some(&vec![d.contact]));
    assert_eq!(moved.get("opportunities"), Some(&vec![d.deal]));
    assert_eq!(moved.get("activities"), Some(&vec![d.activity]));
    assert!(moved.contains_key("timeline_events"));
    for (table, count) in [
        (
            "contacts",
            contact_rows::Entity::find()
                .filter(contact_rows::Column::CustomerId.eq(d.gone))
                .count(&db.conn)
                .await?,
        ),
        (
            "activities",
            activity_rows::Entity::find()
                .filter(activity_rows::Column::CustomerId.eq(d.gone))
                .count(&db.conn)
                .await?,
        ),
        (
            "timeline",
            timeline_events::Entity::find()
                .filter(timeline_events::Column::CustomerId.eq(d.gone))
                .count(&db.conn)
                .await?,
        ),
    ] {
        assert_eq!(count, 0, "{table} still point at the duplicate");
    }
    assert_eq!(
        opportunities::get(&db.conn, &c.ana, d.deal)
            .await?
            .customer_id,
        d.keep
    );
    Ok(())
}

#[db_test]
async fn merging_brings_missing_facts_over_and_archives_the_duplicate() -> TestResult {
    let (db, admin) = with_admin().await?;
    let (c, d) = duplicate_customers(&db.conn, admin).await?;
    merge(&db.conn, &c.manager, d.keep, d.gone).await?;
    let survivor = customers::get(&db.conn, &c.ana, d.keep).await?;
    assert_eq!(
        survivor.email.as_deref(),
        Some("buy@acme.example"),
        "missing facts come over"
    );
    assert_eq!(survivor.tags, "export");
    let loser = customers::get(&db.conn, &c.ana, d.gone).await?;
    assert!(loser.archived);
    assert_eq!(loser.merged_into_id, Some(d.keep));
    Ok(())
}

#[db_test]
async fn a_merged_customer_cannot_be_merged_again() -> TestResult {
    let (db, admin) = with_admin().await?;
    let (c, d) = duplicate_customers(&db.conn, admin).await?;
    merge(&db.conn, &c.manager, d.keep, d.gone).await?;
    assert!(matches!(
        merge(&db.conn, &c.manager, d.keep, d.gone).await,
        Err(Error::Conflict(_))
    ));
    Ok(())
}

#[db_test]
async fn merging_audits_what_moved_once() -> TestResult {
    let (db, admin) = with_admin().await?;
    let (c, d) = duplicate_customers(&db.conn, admin).await?;
    // Refused merges leave no trail.
    assert!(merge(&db.conn, &c.ana, d.keep, d.gone).await.is_err());
    assert!(merge(&db.conn, &c.manager, d.keep, d.keep).await.is_err());
    merge(&db.conn, &c.manager, d.keep, d.gone).await?;
    assert!(merge(&db.conn, &c.manager, d.keep, d.gone).await.is_err());
    let trail = audit::list(
        &db.conn,
        &c.admin,
        &AuditFilter {
            action: Some("customer.merged".into()),
            ..Default::default()
        },
    )
    .await?;
    assert_eq!(trail.total, 1);
    let after = trail.items[0].after_json.clone().unwrap_or_default();
    assert!(
        after.contains(&format!("{}", d.deal)),
        "audit lists what moved: {after}"
    );
    Ok(())
}

/// Ana's customers "One" and "Two" and Ben's "Three"; returns the crew and
/// their ids in that order.
async fn three_customers(db: &Db, admin: Actor) -> BoxResult<(Crew, [i64; 3])> {
    let c = crew(db, admin).await?;
    let a1 = customers::create(db, &c.ana, &company("One")).await?;
    let a2 = customers::create(db, &c.ana, &company("Two")).await?;
    let b1 = customers::create(db, &c.ben, &company("Three")).await?;
    Ok((c, [a1.id, a2.id, b1.id]))
}

#[db_test]
async fn one_row_out_of_scope_spoils_a_whole_bulk_action() -> TestResult {
    let (db, admin) = with_admin().await?;
    let (c, [a1, _, b1]) = three_customers(&db.conn, admin).await?;
    assert!(matches!(
        customers::bulk(&db.conn, &c.ana, &[a1, b1], &Bulk::AddTag("vip".into())).await,
        Err(Error::NotFound)
    ));
    assert_eq!(customers::get(&db.conn, &c.ana, a1).await?.tags, "");
    Ok(())
}

#[db_test]
async fn bulk_tagging_counts_the_rows_it_changed_and_refuses_a_bad_tag() -> TestResult {
    let (db, admin) = with_admin().await?;
    let (c, [a1, a2, _]) = three_customers(&db.conn, admin).await?;
    assert_eq!(
        customers::bulk(&db.conn, &c.ana, &[a1, a2], &Bulk::AddTag("VIP".into())).await?,
        2
    );
    assert_eq!(
        customers::bulk(&db.conn, &c.ana, &[a1, a2], &Bulk::AddTag("vip".into())).await?,
        0
    );
    let tagged = customers::list(
        &db.conn,
        &c.ana,
        &CustomerFilter {
            tag: Some("vip".into()),
            ..Default::default()
        },
    )
    .await?;
    assert_eq!(tagged.total, 2);
    assert!(matches!(
        customers::bulk(&db.conn, &c.ana, &[a1], &Bulk::AddTag("a,b".into())).await,
        Err(Error::Validation(_))
    ));
    Ok(())
}

#[db_test]
async fn bulk_actions_refuse_an_empty_selection_and_sales_may_not_archive_or_reassign() -> TestResult
{
    let (db, admin) = with_admin().await?;
    let (c, [a1, _, _]) = three_customers(&db.conn, admin).await?;
    assert!(matches!(
        customers::bulk(&db.conn, &c.ana, &[], &Bulk::Archive).await,
        Err(Error::Validation(_))
    ));
    assert!(matches!(
        customers::bulk(&db.conn, &c.ana, &[a1], &Bulk::Archive).await,
        Err(Error::Forbidden)
    ));
    assert!(matches!(
        customers::bulk(&db.conn, &c.ana, &[a1], &Bulk::Reassign(c.ben.user_id)).await,
        Err(Error::Forbidden)
    ));
    Ok(())
}

#[db_test]
async fn managers_reassign_and_archive_in_bulk() -> TestResult {
    let (db, admin) = with_admin().await?;
    let (c, [a1, a2, b1]) = three_customers(&db.conn, admin).await?;
    assert_eq!(
        customers::bulk(
            &db.conn,
            &c.manager,
            &[a1, a2],
            &Bulk::Reassign(c.ben.user_id)
        )
        .await?,
        2
    );
    assert_eq!(
        customers::list(&db.conn, &c.ben, &CustomerFilter::default())
            .await?
            .total,
        3
    );
    assert_eq!(
        customers::bulk(&db.conn, &c.manager, &[a1, b1], &Bulk::Archive).await?,
        2
    );
    assert_eq!(
        customers::list(&db.conn, &c.ben, &CustomerFilter::default())
            .await?
            .total,
        1
    );
    Ok(())
}

#[db_test]
async fn my_day_splits_open_activities_around_the_users_today() -> TestResult {
    let (db, admin) = with_admin().await?;
    let c = crew(&db.conn, admin).await?;
    let customer = customers::create(&db.conn, &c.ana, &company("Day Co")).await?;
    let now = Utc::now();
    let task = |subject: &str, due: chrono::DateTime<Utc>| ActivityInput {
        kind: "task".into(),
        subject: subject.into(),
        due_at: Some(due),
        customer_id: customer.id,
        ..Default::default()
    };
    activities::create(&db.conn, &c.ana, &task("late", now - Duration::days(2))).await?;
    let today = activities::create(&db.conn, &c.ana, &task("today", now)).await?;
    activities::create(&db.conn, &c.ana, &task("soon", now + Duration::days(3))).await?;
    activities::create(&db.conn, &c.ana, &task("far", now + Duration::days(30))).await?;
    activities::create(
        &db.conn,
        &c.ana,
        &ActivityInput {
            kind: "note".into(),
            ..task("note", now)
        },
    )
    .await?;
    let day = activities::my_day(&db.conn, &c.ana, now, 0).await?;
    let subjects = |list: &[tandem_domain::entities::activities::Model]| {
        list.iter().map(|a| a.subject.clone()).collect::<Vec<_>>()
    };
    assert_eq!(subjects(&day.overdue), ["late"]);
    assert_eq!(subjects(&day.today), ["today"]);
    assert_eq!(subjects(&day.upcoming), ["soon"]);
    // Completing twice is harmless; done ones leave the day.
    activities::complete(&db.conn, &c.ana, today.id).await?;
    activities::complete(&db.conn, &c.ana, today.id).await?;
    assert!(activities::my_day(&db.conn, &c.ana, now, 0)
        .await?
        .today
        .is_empty());
    // Ben's day is empty and he cannot complete Ana's task.
    let ben_day = activities::my_day(&db.conn, &c.ben, now, 0).await?;
    assert!(ben_day.overdue.is_empty() && ben_day.today.is_empty());
    assert!(matches!(
        activities::complete(&db.conn, &c.ben, today.id).await,
        Err(Error::NotFound)
    ));
    // Bad input.
    let Err(Error::Validation(fields)) = activities::create(
        &db.conn,
        &c.ana,
        &ActivityInput {
            kind: "fax".into(),
            subject: " ".into(),
            customer_id: customer.id,
            ..Default::default()
        },
    )
    .await
    else {
        return Err("bad activity accepted".into());
    };
    assert!(fields.contains_key("kind") && fields.contains_key("subject"));
    Ok(())
}

#[db_test]
async fn managers_configure_stages_and_sales_cannot() -> TestResult {
    let (db, admin) = with_admin().await?;
    let c = crew(&db.conn, admin).await?;
    let input = StageInput {
        name: "Demo booked".into(),
        probability: 30,
        ..Default::default()
    };
    assert!(matches!(
        pipeline::create(&db.conn, &c.ana, &input).await,
        Err(Error::Forbidden)
    ));
    let created = pipeline::create(&db.conn, &c.manager, &input).await?;
    pipeline::reorder(&db.conn, &c.manager, created.id, true).await?;
    let stages = pipeline::list(&db.conn, &c.ana).await?;
    let at = stages
        .iter()
        .position(|s| s.id == created.id)
        .ok_or("missing")?;
    assert_eq!(at, stages.len() - 2, "moved one place up");
    assert!(matches!(
        pipeline::create(&db.conn, &c.manager, &StageInput { name: "".into(), probability: 101, is_won: true, is_lost: true }).await,
        Err(Error::Validation(f)) if f.len() == 3
    ));
    let customer = customers::create(&db.conn, &c.ana, &company("Stage Co")).await?;
    opportunities::create(
        &db.conn,
        &c.ana,
        &OpportunityInput {
            stage_id: Some(created.id),
            ..deal(customer.id, "x", 1, day(2027, 1, 1))
        },
    )
    .await?;
    assert!(matches!(
        pipeline::delete(&db.conn, &c.manager, created.id).await,
        Err(Error::Conflict(_))
    ));
    Ok(())
}

#[db_test]
async fn only_user_admins_create_teams_and_names_are_unique_and_not_blank() -> TestResult {
    let (db, admin) = with_admin().await?;
    let c = crew(&db.conn, admin).await?;
    assert!(matches!(
        teams::create(&db.conn, &c.manager, "North").await,
        Err(Error::Forbidden)
    ));
    teams::create(&db.conn, &c.admin, "North").await?;
    assert!(matches!(
        teams::create(&db.conn, &c.admin, " north ").await,
        Err(Error::Validation(_))
    ));
    assert!(matches!(
        teams::create(&db.conn, &c.admin, "").await,
        Err(Error::Validation(_))
    ));
    Ok(())
}

#[db_test]
async fn concurrent_creation_of_one_team_name_makes_one_team() -> TestResult {
    let (db, admin) = with_admin().await?;
    let c = crew(&db.conn, admin).await?;
    teams::create(&db.conn, &c.admin, "North").await?;
    let runs: Vec<_> = (0..3)
        .map(|_| {
            let conn = db.conn.clone();
            let admin = c.admin.clone();
            tokio::spawn(async move { teams::create(&conn, &admin, "South").await })
        })
        .collect();
    let mut made = 0;
    for run in runs {
        match run.await? {
            Ok(_) => made += 1,
            Err(Error::Validation(_)) => {}
            Err(other) => return Err(format!("unexpected {other:?}").into()),
        }
    }
    assert_eq!(made, 1);
    Ok(())
}

/// Team "North" with Ana and Ben, and December 2026 deals at 100 % for Ana
/// (1,000), Ben (2,000) and the manager (4,000). Returns the crew and the
/// team's id.
async fn north_with_deals(db: &Db, admin: Actor) -> BoxResult<(Crew, i64)> {
    let c = crew(db, admin).await?;
    let north = teams::create(db, &c.admin, "North").await?;
    teams::set_team(db, &c.admin, c.ana.user_id, Some(north)).await?;
    teams::set_team(db, &c.admin, c.ben.user_id, Some(north)).await?;
    let customer = customers::create(db, &c.manager, &company("Team Co")).await?;
    for (who, amount) in [(&c.ana, 1_000), (&c.ben, 2_000), (&c.manager, 4_000)] {
        opportunities::create(
            db,
            &c.manager,
            &OpportunityInput {
                owner_id: Some(who.user_id),
                probability: Some(100),
                ..deal(customer.id, "t", amount, day(2026, 12, 10))
            },
        )
        .await?;
    }
    Ok((c, north))
}

/// The weighted total of `who`'s forecast for December 2026 in `scope`.
async fn december(db: &Db, who: &Actor, scope: ForecastScope) -> BoxResult<i64> {
    let rows = opportunities::forecast(db, who, scope, day(2026, 12, 1), 1).await?;
    Ok(rows.iter().map(|r| r.weighted_minor).sum())
}

#[db_test]
async fn user_admins_put_users_in_existing_teams() -> TestResult {
    let (db, admin) = with_admin().await?;
    let (c, north) = north_with_deals(&db.conn, admin).await?;
    assert!(matches!(
        teams::set_team(&db.conn, &c.admin, c.ben.user_id, Some(999_999)).await,
        Err(Error::Validation(_))
    ));
    let listed = teams::list(&db.conn, &c.admin).await?;
    assert_eq!(
        listed
            .iter()
            .find(|t| t.id == north)
            .map(|t| t.members.len()),
        Some(2)
    );
    Ok(())
}

#[db_test]
async fn a_team_forecast_sums_only_the_deals_its_reader_may_open() -> TestResult {
    let (db, admin) = with_admin().await?;
    let (c, north) = north_with_deals(&db.conn, admin).await?;
    assert_eq!(
        december(&db.conn, &c.ana, ForecastScope::Mine).await?,
        1_000
    );
    // Ana reads only her own deals, so her team's forecast is her share; a
    // manager in the team, who reads every deal, gets every member's.
    assert_eq!(
        december(&db.conn, &c.ana, ForecastScope::Team).await?,
        1_000
    );
    teams::set_team(&db.conn, &c.admin, c.manager.user_id, Some(north)).await?;
    assert_eq!(
        december(&db.conn, &c.manager, ForecastScope::Team).await?,
        7_000
    );
    // Out of the team, "my team" is just me.
    teams::set_team(&db.conn, &c.admin, c.ana.user_id, None).await?;
    assert_eq!(
        december(&db.conn, &c.ana, ForecastScope::Team).await?,
        1_000
    );
    Ok(())
}
