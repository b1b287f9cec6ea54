//! Leads, opportunities, the pipeline, activities, campaigns, merge, bulk
//! actions and record scope, on both engines.

use chrono::{Duration, NaiveDate, Utc};
use tandem_domain::{
    access::{builtin::BuiltinRole, Actor},
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

#[tokio::test]
async fn a_qualified_lead_converts_into_customer_contact_and_opportunity_once() -> TestResult {
    let (db, admin) = with_admin().await?;
    let c = crew(&db.conn, admin).await?;
    let campaign = campaigns::create(
        &db.conn,
        Some(&c.manager),
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
        Some(&c.ana),
        &LeadInput {
            campaign_id: Some(campaign.id),
            source: "event".into(),
            ..lead("Pat Lee", "Northwind Traders", "pat@northwind.example")
        },
    )
    .await?;
    // A new lead must be qualified first.
    assert!(matches!(
        leads::convert(&db.conn, Some(&c.ana), created.id, &conversion("Pilot")).await,
        Err(Error::Conflict(_))
    ));
    leads::qualify(&db.conn, Some(&c.ana), created.id).await?;
    let done = leads::convert(&db.conn, Some(&c.ana), created.id, &conversion("Pilot")).await?;
    let customer = customers::get(&db.conn, Some(&c.ana), done.customer_id).await?;
    assert_eq!(customer.name, "Northwind Traders");
    assert_eq!(customer.kind, "company");
    assert_eq!(customer.owner_id, Some(c.ana.user_id));
    let contacts = customers::contacts_of(&db.conn, Some(&c.ana), customer.id).await?;
    assert_eq!(contacts.len(), 1);
    assert_eq!(contacts[0].email.as_deref(), Some("pat@northwind.example"));
    assert_eq!(Some(contacts[0].id), done.contact_id);
    let opportunity = opportunities::get(&db.conn, Some(&c.ana), done.opportunity_id).await?;
    assert_eq!(opportunity.amount_minor, 1_250_000);
    assert_eq!(opportunity.campaign_id, Some(campaign.id));
    assert_eq!(opportunity.customer_id, customer.id);
    let after = leads::get(&db.conn, Some(&c.ana), created.id).await?;
    assert_eq!(after.status, "converted");
    assert_eq!(after.opportunity_id, Some(opportunity.id));
    // Converting again is refused and creates nothing more.
    assert!(matches!(
        leads::convert(&db.conn, Some(&c.ana), created.id, &conversion("Again")).await,
        Err(Error::Conflict(_))
    ));
    let all =
        opportunities::list(&db.conn, Some(&c.manager), &OpportunityFilter::default()).await?;
    assert_eq!(all.total, 1);
    // The campaign counts the lead, the conversion, and (once won) the amount.
    let stats = campaigns::list(&db.conn, Some(&c.ana)).await?;
    assert_eq!(
        (stats[0].leads, stats[0].converted, stats[0].won_minor),
        (1, 1, 0)
    );
    let stages = pipeline::list(&db.conn, Some(&c.ana)).await?;
    let won = stages.iter().find(|s| s.is_won).ok_or("no won stage")?;
    opportunities::move_stage(
        &db.conn,
        Some(&c.ana),
        opportunity.id,
        opportunity.stage_id,
        won.id,
        "",
    )
    .await?;
    let stats = campaigns::list(&db.conn, Some(&c.ana)).await?;
    assert_eq!(stats[0].won_minor, 1_250_000);
    // The customer's timeline tells the story, newest first.
    let feed = timeline::of_customer(&db.conn, Some(&c.ana), customer.id, None, 50).await?;
    let kinds: Vec<&str> = feed.iter().map(|e| e.event.kind.as_str()).collect();
    assert_eq!(kinds.first(), Some(&"opportunity.won"));
    assert!(kinds.contains(&"lead.converted"));
    assert!(kinds.contains(&"opportunity.created"));
    // Someone else cannot see any of it.
    assert!(matches!(
        timeline::of_customer(&db.conn, Some(&c.ben), customer.id, None, 50).await,
        Err(Error::NotFound)
    ));
    Ok(())
}

#[tokio::test]
async fn concurrent_conversions_convert_once() -> TestResult {
    let (db, admin) = with_admin().await?;
    let c = crew(&db.conn, admin).await?;
    let created = leads::create(
        &db.conn,
        Some(&c.ana),
        &lead("Kim Park", "", "kim@example.com"),
    )
    .await?;
    leads::qualify(&db.conn, Some(&c.ana), created.id).await?;
    let runs: Vec<_> = (0..4)
        .map(|n| {
            let conn = db.conn.clone();
            let ana = c.ana.clone();
            tokio::spawn(async move {
                leads::convert(
                    &conn,
                    Some(&ana),
                    created.id,
                    &conversion(&format!("Deal {n}")),
                )
                .await
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
    let page = customers::list(&db.conn, Some(&c.manager), &CustomerFilter::default()).await?;
    assert_eq!(page.total, 1, "one customer, a person named after the lead");
    assert_eq!(page.items[0].kind, "person");
    assert_eq!(
        opportunities::list(&db.conn, Some(&c.manager), &OpportunityFilter::default())
            .await?
            .total,
        1
    );
    Ok(())
}

#[tokio::test]
async fn leads_refuse_bad_input_and_disqualify_needs_a_reason() -> TestResult {
    let (db, admin) = with_admin().await?;
    let c = crew(&db.conn, admin).await?;
    let Err(Error::Validation(fields)) = leads::create(
        &db.conn,
        Some(&c.ana),
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
        Some(&c.ana),
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
    let created = leads::create(&db.conn, Some(&c.ana), &lead("Jo", "", "")).await?;
    assert!(matches!(
        leads::disqualify(&db.conn, Some(&c.ana), created.id, "  ").await,
        Err(Error::Validation(_))
    ));
    leads::disqualify(&db.conn, Some(&c.ana), created.id, "No budget").await?;
    let after = leads::get(&db.conn, Some(&c.ana), created.id).await?;
    assert_eq!(
        (after.status.as_str(), after.disqualify_reason.as_str()),
        ("disqualified", "No budget")
    );
    assert!(matches!(
        leads::qualify(&db.conn, Some(&c.ana), created.id).await,
        Err(Error::Conflict(_))
    ));
    // Nothing was written by the refused attempts.
    assert_eq!(
        leads::list(&db.conn, Some(&c.manager), &LeadFilter::default())
            .await?
            .total,
        1
    );
    Ok(())
}

#[tokio::test]
async fn scope_keeps_each_sales_user_to_their_own_records_in_lists_search_and_detail() -> TestResult
{
    let (db, admin) = with_admin().await?;
    let c = crew(&db.conn, admin).await?;
    let ana_customer = customers::create(&db.conn, Some(&c.ana), &company("Ana Corp")).await?;
    let ben_customer = customers::create(&db.conn, Some(&c.ben), &company("Ben Corp")).await?;
    let ana_lead = leads::create(
        &db.conn,
        Some(&c.ana),
        &lead("Ana Lead", "", "al@example.com"),
    )
    .await?;
    leads::create(
        &db.conn,
        Some(&c.ben),
        &lead("Ben Lead", "", "bl@example.com"),
    )
    .await?;
    let ana_deal = opportunities::create(
        &db.conn,
        Some(&c.ana),
        &deal(ana_customer.id, "Ana deal", 100, day(2027, 1, 1)),
    )
    .await?;
    opportunities::create(
        &db.conn,
        Some(&c.ben),
        &deal(ben_customer.id, "Ben deal", 100, day(2027, 1, 1)),
    )
    .await?;
    let ana_task = activities::create(
        &db.conn,
        Some(&c.ana),
        &ActivityInput {
            kind: "call".into(),
            subject: "Call Ana Corp".into(),
            customer_id: ana_customer.id,
            ..Default::default()
        },
    )
    .await?;
    // Ben cannot attach his records to Ana's customer.
    assert!(matches!(
        opportunities::create(
            &db.conn,
            Some(&c.ben),
            &deal(ana_customer.id, "Sneaky", 1, day(2027, 1, 1))
        )
        .await,
        Err(Error::Validation(_))
    ));
    // Lists.
    let leads_ben = leads::list(&db.conn, Some(&c.ben), &LeadFilter::default()).await?;
    assert_eq!(
        leads_ben
            .items
            .iter()
            .map(|l| l.name.as_str())
            .collect::<Vec<_>>(),
        ["Ben Lead"]
    );
    let deals_ben =
        opportunities::list(&db.conn, Some(&c.ben), &OpportunityFilter::default()).await?;
    assert_eq!(deals_ben.total, 1);
    assert_eq!(deals_ben.items[0].title, "Ben deal");
    assert_eq!(
        activities::list(&db.conn, Some(&c.ben), &ActivityFilter::default())
            .await?
            .total,
        0
    );
    // Search finds nothing of Ana's for Ben.
    let search = |text: &str| CustomerFilter {
        search: Some(text.into()),
        ..Default::default()
    };
    assert_eq!(
        customers::list(&db.conn, Some(&c.ben), &search("ana"))
            .await?
            .total,
        0
    );
    assert_eq!(
        customers::list(&db.conn, Some(&c.ana), &search("ana"))
            .await?
            .total,
        1
    );
    assert_eq!(
        leads::list(
            &db.conn,
            Some(&c.ben),
            &LeadFilter {
                search: Some("ana".into()),
                ..Default::default()
            }
        )
        .await?
        .total,
        0
    );
    // Detail pages say "not found".
    assert!(matches!(
        leads::get(&db.conn, Some(&c.ben), ana_lead.id).await,
        Err(Error::NotFound)
    ));
    assert!(matches!(
        opportunities::get(&db.conn, Some(&c.ben), ana_deal.id).await,
        Err(Error::NotFound)
    ));
    assert!(matches!(
        activities::get(&db.conn, Some(&c.ben), ana_task.id).await,
        Err(Error::NotFound)
    ));
    assert!(matches!(
        customers::overview(&db.conn, Some(&c.ben), ana_customer.id).await,
        Err(Error::NotFound)
    ));
    // The board and counts too.
    let board = opportunities::board(&db.conn, Some(&c.ben), None).await?;
    assert_eq!(board.iter().map(|col| col.total).sum::<u64>(), 1);
    // Managers see everything.
    assert_eq!(
        leads::list(&db.conn, Some(&c.manager), &LeadFilter::default())
            .await?
            .total,
        2
    );
    assert_eq!(
        opportunities::list(&db.conn, Some(&c.manager), &OpportunityFilter::default())
            .await?
            .total,
        2
    );
    assert_eq!(
        activities::list(&db.conn, Some(&c.manager), &ActivityFilter::default())
            .await?
            .total,
        1
    );
    // Sales cannot hand records to others; managers can.
    assert!(matches!(
        leads::reassign(&db.conn, Some(&c.ana), &[ana_lead.id], c.ben.user_id).await,
        Err(Error::Forbidden)
    ));
    leads::reassign(&db.conn, Some(&c.manager), &[ana_lead.id], c.ben.user_id).await?;
    assert_eq!(
        leads::get(&db.conn, Some(&c.ben), ana_lead.id)
            .await?
            .owner_id,
        Some(c.ben.user_id)
    );
    Ok(())
}

#[tokio::test]
async fn moving_cards_closes_deals_and_refuses_stale_or_reasonless_moves() -> TestResult {
    let (db, admin) = with_admin().await?;
    let c = crew(&db.conn, admin).await?;
    let customer = customers::create(&db.conn, Some(&c.ana), &company("Board Co")).await?;
    let stages = pipeline::list(&db.conn, Some(&c.ana)).await?;
    let first = &stages[0];
    let second = &stages[1];
    let lost = stages.iter().find(|s| s.is_lost).ok_or("no lost stage")?;
    let won = stages.iter().find(|s| s.is_won).ok_or("no won stage")?;
    let o = opportunities::create(
        &db.conn,
        Some(&c.ana),
        &deal(customer.id, "Card", 5_000, day(2027, 2, 1)),
    )
    .await?;
    assert_eq!((o.stage_id, o.probability), (first.id, first.probability));
    let moved =
        opportunities::move_stage(&db.conn, Some(&c.ana), o.id, first.id, second.id, "").await?;
    assert_eq!(moved.probability, second.probability);
    // A move based on what the board showed before is refused.
    assert!(matches!(
        opportunities::move_stage(&db.conn, Some(&c.ana), o.id, first.id, lost.id, "late").await,
        Err(Error::Conflict(_))
    ));
    assert!(matches!(
        opportunities::move_stage(&db.conn, Some(&c.ana), o.id, second.id, lost.id, " ").await,
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
                opportunities::move_stage(&conn, Some(&ana), o.id, from, to, "Too expensive").await
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
    let now = opportunities::get(&db.conn, Some(&c.ana), o.id).await?;
    assert!(matches!(
        opportunities::move_stage(&db.conn, Some(&c.ben), o.id, now.stage_id, first.id, "").await,
        Err(Error::NotFound)
    ));
    // Reopening clears the close.
    let reopened =
        opportunities::move_stage(&db.conn, Some(&c.ana), o.id, now.stage_id, first.id, "").await?;
    assert!(reopened.closed_at.is_none());
    assert_eq!(reopened.lost_reason, "");
    Ok(())
}

#[tokio::test]
async fn forecast_weighs_amounts_by_probability_per_month_with_one_rounding() -> TestResult {
    let (db, admin) = with_admin().await?;
    let c = crew(&db.conn, admin).await?;
    let customer = customers::create(&db.conn, Some(&c.manager), &company("Forecast Co")).await?;
    let mine = |title: &str, amount: i64, close: NaiveDate, p: i32, owner: &Actor| {
        let input = OpportunityInput {
            probability: Some(p),
            owner_id: Some(owner.user_id),
            ..deal(customer.id, title, amount, close)
        };
        let conn = db.conn.clone();
        let manager = c.manager.clone();
        async move { opportunities::create(&conn, Some(&manager), &input).await }
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
    let rows = opportunities::forecast(
        &db.conn,
        Some(&c.ana),
        ForecastScope::Mine,
        day(2026, 12, 1),
        3,
    )
    .await?;
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
        opportunities::forecast(
            &db.conn,
            Some(&c.ana),
            ForecastScope::All,
            day(2026, 12, 1),
            3
        )
        .await,
        Err(Error::Forbidden)
    ));
    let all = opportunities::forecast(
        &db.conn,
        Some(&c.manager),
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

#[tokio::test]
async fn merging_relinks_everything_and_audits_what_moved() -> TestResult {
    let (db, admin) = with_admin().await?;
    let c = crew(&db.conn, admin).await?;
    let keep = customers::create(&db.conn, Some(&c.ana), &company("Acme GmbH")).await?;
    let gone = customers::create(
        &db.conn,
        Some(&c.ana),
        &CustomerInput {
            email: "buy@acme.example".into(),
            tags: vec!["export".into()],
            ..company("ACME")
        },
    )
    .await?;
    let contact = customers::add_contact(
        &db.conn,
        Some(&c.ana),
        gone.id,
        &ContactInput {
            name: "Chris".into(),
            ..Default::default()
        },
    )
    .await?;
    let o = opportunities::create(
        &db.conn,
        Some(&c.ana),
        &deal(gone.id, "Dup deal", 10, day(2027, 3, 1)),
    )
    .await?;
    let a = activities::create(
        &db.conn,
        Some(&c.ana),
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
    // Sales may not merge.
    assert!(matches!(
        customers::merge(
            &db.conn,
            Some(&c.ana),
            keep.id,
            gone.id,
            &tandem_domain::sales::stats::OrderSummaries
        )
        .await,
        Err(Error::Forbidden)
    ));
    assert!(matches!(
        customers::merge(
            &db.conn,
            Some(&c.manager),
            keep.id,
            keep.id,
            &tandem_domain::sales::stats::OrderSummaries
        )
        .await,
        Err(Error::Validation(_))
    ));
    let merged = customers::merge(
        &db.conn,
        Some(&c.manager),
        keep.id,
        gone.id,
        &tandem_domain::sales::stats::OrderSummaries,
    )
    .await?;
    let moved: std::collections::HashMap<_, _> = merged.moved.into_iter().collect();
    assert_eq!(moved.get("contacts"), Some(&vec![contact.id]));
    assert_eq!(moved.get("opportunities"), Some(&vec![o.id]));
    assert_eq!(moved.get("activities"), Some(&vec![a.id]));
    assert!(moved.contains_key("timeline_events"));
    for (table, count) in [
        (
            "contacts",
            contact_rows::Entity::find()
                .filter(contact_rows::Column::CustomerId.eq(gone.id))
                .count(&db.conn)
                .await?,
        ),
        (
            "activities",
            activity_rows::Entity::find()
                .filter(activity_rows::Column::CustomerId.eq(gone.id))
                .count(&db.conn)
                .await?,
        ),
        (
            "timeline",
            timeline_events::Entity::find()
                .filter(timeline_events::Column::CustomerId.eq(gone.id))
                .count(&db.conn)
                .await?,
        ),
    ] {
        assert_eq!(count, 0, "{table} still point at the duplicate");
    }
    assert_eq!(
        opportunities::get(&db.conn, Some(&c.ana), o.id)
            .await?
            .customer_id,
        keep.id
    );
    let survivor = customers::get(&db.conn, Some(&c.ana), keep.id).await?;
    assert_eq!(
        survivor.email.as_deref(),
        Some("buy@acme.example"),
        "missing facts come over"
    );
    assert_eq!(survivor.tags, "export");
    let loser = customers::get(&db.conn, Some(&c.ana), gone.id).await?;
    assert!(loser.archived);
    assert_eq!(loser.merged_into_id, Some(keep.id));
    // Merging the merged one again is refused.
    assert!(matches!(
        customers::merge(
            &db.conn,
            Some(&c.manager),
            keep.id,
            gone.id,
            &tandem_domain::sales::stats::OrderSummaries
        )
        .await,
        Err(Error::Conflict(_))
    ));
    let trail = audit::list(
        &db.conn,
        Some(&c.admin),
        &AuditFilter {
            action: Some("customer.merged".into()),
            ..Default::default()
        },
    )
    .await?;
    assert_eq!(trail.total, 1);
    let after = trail.items[0].after_json.clone().unwrap_or_default();
    assert!(
        after.contains(&format!("{}", o.id)),
        "audit lists what moved: {after}"
    );
    Ok(())
}

#[tokio::test]
async fn bulk_actions_are_all_or_nothing_within_scope() -> TestResult {
    let (db, admin) = with_admin().await?;
    let c = crew(&db.conn, admin).await?;
    let a1 = customers::create(&db.conn, Some(&c.ana), &company("One")).await?;
    let a2 = customers::create(&db.conn, Some(&c.ana), &company("Two")).await?;
    let b1 = customers::create(&db.conn, Some(&c.ben), &company("Three")).await?;
    // One row out of Ana's scope spoils the whole batch.
    assert!(matches!(
        customers::bulk(
            &db.conn,
            Some(&c.ana),
            &[a1.id, b1.id],
            &Bulk::AddTag("vip".into())
        )
        .await,
        Err(Error::NotFound)
    ));
    assert_eq!(
        customers::get(&db.conn, Some(&c.ana), a1.id).await?.tags,
        ""
    );
    assert_eq!(
        customers::bulk(
            &db.conn,
            Some(&c.ana),
            &[a1.id, a2.id],
            &Bulk::AddTag("VIP".into())
        )
        .await?,
        2
    );
    assert_eq!(
        customers::bulk(
            &db.conn,
            Some(&c.ana),
            &[a1.id, a2.id],
            &Bulk::AddTag("vip".into())
        )
        .await?,
        0
    );
    let tagged = customers::list(
        &db.conn,
        Some(&c.ana),
        &CustomerFilter {
            tag: Some("vip".into()),
            ..Default::default()
        },
    )
    .await?;
    assert_eq!(tagged.total, 2);
    assert!(matches!(
        customers::bulk(
            &db.conn,
            Some(&c.ana),
            &[a1.id],
            &Bulk::AddTag("a,b".into())
        )
        .await,
        Err(Error::Validation(_))
    ));
    assert!(matches!(
        customers::bulk(&db.conn, Some(&c.ana), &[], &Bulk::Archive).await,
        Err(Error::Validation(_))
    ));
    assert!(matches!(
        customers::bulk(&db.conn, Some(&c.ana), &[a1.id], &Bulk::Archive).await,
        Err(Error::Forbidden)
    ));
    assert!(matches!(
        customers::bulk(
            &db.conn,
            Some(&c.ana),
            &[a1.id],
            &Bulk::Reassign(c.ben.user_id)
        )
        .await,
        Err(Error::Forbidden)
    ));
    assert_eq!(
        customers::bulk(
            &db.conn,
            Some(&c.manager),
            &[a1.id, a2.id],
            &Bulk::Reassign(c.ben.user_id)
        )
        .await?,
        2
    );
    assert_eq!(
        customers::list(&db.conn, Some(&c.ben), &CustomerFilter::default())
            .await?
            .total,
        3
    );
    assert_eq!(
        customers::bulk(&db.conn, Some(&c.manager), &[a1.id, b1.id], &Bulk::Archive).await?,
        2
    );
    assert_eq!(
        customers::list(&db.conn, Some(&c.ben), &CustomerFilter::default())
            .await?
            .total,
        1
    );
    Ok(())
}

#[tokio::test]
async fn my_day_splits_open_activities_around_the_users_today() -> TestResult {
    let (db, admin) = with_admin().await?;
    let c = crew(&db.conn, admin).await?;
    let customer = customers::create(&db.conn, Some(&c.ana), &company("Day Co")).await?;
    let now = Utc::now();
    let task = |subject: &str, due: chrono::DateTime<Utc>| ActivityInput {
        kind: "task".into(),
        subject: subject.into(),
        due_at: Some(due),
        customer_id: customer.id,
        ..Default::default()
    };
    activities::create(
        &db.conn,
        Some(&c.ana),
        &task("late", now - Duration::days(2)),
    )
    .await?;
    let today = activities::create(&db.conn, Some(&c.ana), &task("today", now)).await?;
    activities::create(
        &db.conn,
        Some(&c.ana),
        &task("soon", now + Duration::days(3)),
    )
    .await?;
    activities::create(
        &db.conn,
        Some(&c.ana),
        &task("far", now + Duration::days(30)),
    )
    .await?;
    activities::create(
        &db.conn,
        Some(&c.ana),
        &ActivityInput {
            kind: "note".into(),
            ..task("note", now)
        },
    )
    .await?;
    let day = activities::my_day(&db.conn, Some(&c.ana), now, 0).await?;
    let subjects = |list: &[tandem_domain::entities::activities::Model]| {
        list.iter().map(|a| a.subject.clone()).collect::<Vec<_>>()
    };
    assert_eq!(subjects(&day.overdue), ["late"]);
    assert_eq!(subjects(&day.today), ["today"]);
    assert_eq!(subjects(&day.upcoming), ["soon"]);
    // Completing twice is harmless; done ones leave the day.
    activities::complete(&db.conn, Some(&c.ana), today.id).await?;
    activities::complete(&db.conn, Some(&c.ana), today.id).await?;
    assert!(activities::my_day(&db.conn, Some(&c.ana), now, 0)
        .await?
        .today
        .is_empty());
    // Ben's day is empty and he cannot complete Ana's task.
    let ben_day = activities::my_day(&db.conn, Some(&c.ben), now, 0).await?;
    assert!(ben_day.overdue.is_empty() && ben_day.today.is_empty());
    assert!(matches!(
        activities::complete(&db.conn, Some(&c.ben), today.id).await,
        Err(Error::NotFound)
    ));
    // Bad input.
    let Err(Error::Validation(fields)) = activities::create(
        &db.conn,
        Some(&c.ana),
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

#[tokio::test]
async fn managers_configure_stages_and_sales_cannot() -> TestResult {
    let (db, admin) = with_admin().await?;
    let c = crew(&db.conn, admin).await?;
    let input = StageInput {
        name: "Demo booked".into(),
        probability: 30,
        ..Default::default()
    };
    assert!(matches!(
        pipeline::create(&db.conn, Some(&c.ana), &input).await,
        Err(Error::Forbidden)
    ));
    let created = pipeline::create(&db.conn, Some(&c.manager), &input).await?;
    pipeline::reorder(&db.conn, Some(&c.manager), created.id, true).await?;
    let stages = pipeline::list(&db.conn, Some(&c.ana)).await?;
    let at = stages
        .iter()
        .position(|s| s.id == created.id)
        .ok_or("missing")?;
    assert_eq!(at, stages.len() - 2, "moved one place up");
    assert!(matches!(
        pipeline::create(&db.conn, Some(&c.manager), &StageInput { name: "".into(), probability: 101, is_won: true, is_lost: true }).await,
        Err(Error::Validation(f)) if f.len() == 3
    ));
    let customer = customers::create(&db.conn, Some(&c.ana), &company("Stage Co")).await?;
    opportunities::create(
        &db.conn,
        Some(&c.ana),
        &OpportunityInput {
            stage_id: Some(created.id),
            ..deal(customer.id, "x", 1, day(2027, 1, 1))
        },
    )
    .await?;
    assert!(matches!(
        pipeline::delete(&db.conn, Some(&c.manager), created.id).await,
        Err(Error::Conflict(_))
    ));
    Ok(())
}

#[tokio::test]
async fn teams_decide_the_team_forecast_and_only_user_admins_manage_them() -> TestResult {
    let (db, admin) = with_admin().await?;
    let c = crew(&db.conn, admin).await?;
    use tandem_domain::access::teams;
    assert!(matches!(
        teams::create(&db.conn, Some(&c.manager), "North").await,
        Err(Error::Forbidden)
    ));
    let north = teams::create(&db.conn, Some(&c.admin), "North").await?;
    assert!(matches!(
        teams::create(&db.conn, Some(&c.admin), " north ").await,
        Err(Error::Validation(_))
    ));
    assert!(matches!(
        teams::create(&db.conn, Some(&c.admin), "").await,
        Err(Error::Validation(_))
    ));
    // Concurrent creation of one name: one team.
    let runs: Vec<_> = (0..3)
        .map(|_| {
            let conn = db.conn.clone();
            let admin = c.admin.clone();
            tokio::spawn(async move { teams::create(&conn, Some(&admin), "South").await })
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
    teams::set_team(&db.conn, Some(&c.admin), c.ana.user_id, Some(north)).await?;
    teams::set_team(&db.conn, Some(&c.admin), c.ben.user_id, Some(north)).await?;
    assert!(matches!(
        teams::set_team(&db.conn, Some(&c.admin), c.ben.user_id, Some(999_999)).await,
        Err(Error::Validation(_))
    ));
    let listed = teams::list(&db.conn, Some(&c.admin)).await?;
    assert_eq!(
        listed
            .iter()
            .find(|t| t.id == north)
            .map(|t| t.members.len()),
        Some(2)
    );
    let customer = customers::create(&db.conn, Some(&c.manager), &company("Team Co")).await?;
    for (who, amount) in [(&c.ana, 1_000), (&c.ben, 2_000), (&c.manager, 4_000)] {
        opportunities::create(
            &db.conn,
            Some(&c.manager),
            &OpportunityInput {
                owner_id: Some(who.user_id),
                probability: Some(100),
                ..deal(customer.id, "t", amount, day(2026, 12, 10))
            },
        )
        .await?;
    }
    let sum =
        |rows: Vec<opportunities::ForecastRow>| rows.iter().map(|r| r.weighted_minor).sum::<i64>();
    assert_eq!(
        sum(opportunities::forecast(
            &db.conn,
            Some(&c.ana),
            ForecastScope::Mine,
            day(2026, 12, 1),
            1
        )
        .await?),
        1_000
    );
    // A team's forecast sums only the deals its reader may open: Ana reads
    // only her own, so hers is her share; a manager in the team, who reads
    // every deal, gets every member's.
    assert_eq!(
        sum(opportunities::forecast(
            &db.conn,
            Some(&c.ana),
            ForecastScope::Team,
            day(2026, 12, 1),
            1
        )
        .await?),
        1_000
    );
    teams::set_team(&db.conn, Some(&c.admin), c.manager.user_id, Some(north)).await?;
    assert_eq!(
        sum(opportunities::forecast(
            &db.conn,
            Some(&c.manager),
            ForecastScope::Team,
            day(2026, 12, 1),
            1
        )
        .await?),
        7_000
    );
    // Out of the team, "my team" is just me.
    teams::set_team(&db.conn, Some(&c.admin), c.ana.user_id, None).await?;
    assert_eq!(
        sum(opportunities::forecast(
            &db.conn,
            Some(&c.ana),
            ForecastScope::Team,
            day(2026, 12, 1),
            1
        )
        .await?),
        1_000
    );
    Ok(())
}
