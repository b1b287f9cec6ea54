//! Generated CRM data: the demo's customers, contacts, leads,
//! opportunities and activities spread over the last twelve months and the
//! demo sales users, and the large volumes the benchmarks load. Rows are
//! inserted in batches with explicit keys (sequences are moved past them on
//! PostgreSQL), deterministically from a seed.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbBackend, EntityTrait, QuerySelect, Statement};

use crate::{
    entities::{
        activities, campaigns, contacts, customers, leads, opportunities, pipeline_stages,
        timeline_events,
    },
    Result,
    {
        access::scope::records::Record,
        crm::activities::link as activity_link,
        platform::normalize::{name_key, phone_key},
    },
};

/// A small deterministic generator (splitmix64).
pub struct Gen(u64);

impl Gen {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next number.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const FIRST: &[&str] = &[
    "Anna", "Ben", "Chen", "Dana", "Elif", "Felix", "Grace", "Hiro", "Ines", "Jonas", "Kai",
    "Lena", "Mateo", "Nora", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tara", "Uma", "Victor",
    "Wei", "Xenia", "Yusuf", "Zoe", "Li", "Ming", "Fang", "Jun",
];
const LAST: &[&str] = &[
    "Schmidt", "Garcia", "Wang", "Müller", "Rossi", "Dubois", "Kowalski", "Novak", "Jensen",
    "Silva", "Tanaka", "Kim", "Nguyen", "Okafor", "Haddad", "Larsen", "Zhang", "Liu", "Petrov",
    "Costa", "Meyer", "Fischer", "Brown", "Smith", "Lopez",
];
const WORD_A: &[&str] = &[
    "Nordic",
    "Blue",
    "Pacific",
    "Golden",
    "Alpine",
    "Urban",
    "Summit",
    "Bright",
    "Delta",
    "Pioneer",
    "Atlas",
    "Harbor",
    "Cedar",
    "Crystal",
    "Orion",
    "Sunrise",
    "Metro",
    "Prime",
    "Silver",
    "Vertex",
    "Lotus",
    "Jade",
    "Evergreen",
    "Falcon",
    "Granite",
];
const WORD_B: &[&str] = &[
    "Foods",
    "Logistics",
    "Retail",
    "Systems",
    "Textiles",
    "Machines",
    "Pharma",
    "Media",
    "Tools",
    "Energy",
    "Garden",
    "Optics",
    "Furniture",
    "Electronics",
    "Motors",
    "Labs",
    "Supplies",
    "Trading",
    "Builders",
    "Packaging",
];
const FORMS: &[&str] = &["GmbH", "Ltd", "Inc", "AG", "SA", "BV", "LLC", "Co."];
const SEGMENTS: &[&str] = &["wholesale", "retail", "industry", "public", "consumer"];
const TAGS: &[&str] = &["key-account", "export", "new", "partner", "priority", ""];
const CITIES: &[&str] = &[
    "Berlin",
    "Munich",
    "Hamburg",
    "Vienna",
    "Zurich",
    "Paris",
    "Lyon",
    "Milan",
    "Madrid",
    "London",
    "Shanghai",
    "Shenzhen",
    "Singapore",
    "Austin",
    "Toronto",
];

/// A customer row with key `id`, owned by `owner`, created at `at`.
pub fn customer(gen: &mut Gen, id: i64, owner: i64, at: DateTime<Utc>) -> customers::ActiveModel {
    let company = gen.below(5) != 0;
    let name = if company {
        format!(
            "{} {} {}",
            gen.pick(WORD_A),
            gen.pick(WORD_B),
            gen.pick(FORMS)
        )
    } else {
        format!("{} {}", gen.pick(FIRST), gen.pick(LAST))
    };
    let slug: String = name_key(&name).replace(' ', "-");
    let email = format!("{slug}.{id}@example.com");
    let phone = format!("+49 30 {:07}", 1_000_000 + id);
    let city = gen.pick(CITIES);
    let tag = *gen.pick(TAGS);
    customers::ActiveModel {
        id: Set(id),
        code: Set(format!("CUS-{id:06}")),
        kind: Set(if company { "company" } else { "person" }.into()),
        name_key: Set(name_key(&name)),
        name: Set(name),
        email_key: Set(Some(email.clone())),
        email: Set(Some(email)),
        phone_key: Set(Some(phone_key(&phone))),
        phone: Set(Some(phone)),
        address: Set(format!(
            "{} Street {}\n{city}",
            gen.pick(WORD_A),
            1 + gen.below(200)
        )),
        tax_id: Set(company.then(|| format!("DE{:09}", id))),
        tax_key: Set(company.then(|| format!("DE{:09}", id))),
        segment: Set(gen.pick(SEGMENTS).to_string()),
        tags: Set(tag.to_owned()),
        owner_id: Set(Some(owner)),
        credit_limit_minor: Set(if company {
            100_000 * (1 + gen.below(100) as i64)
        } else {
            0
        }),
        currency: Set("EUR".into()),
        payment_terms_days: Set(if company { 30 } else { 0 }),
        notes: Set(String::new()),
        archived: Set(false),
        created_at: Set(at),
        updated_at: Set(at),
        merged_into_id: Set(None),
    }
}

const SUBJECTS: &[&str] = &[
    "Intro call",
    "Send price list",
    "Quarterly review",
    "Follow up on proposal",
    "Product demo",
    "Contract questions",
    "Visit at their site",
    "Check delivery dates",
    "Renewal discussion",
    "Thank-you note",
];

/// An activity row on `customer` by `owner`, created at `at`; past ones are
/// done, future ones open.
pub fn activity(
    gen: &mut Gen,
    id: i64,
    customer: i64,
    owner: i64,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> activities::ActiveModel {
    let kind = *gen.pick(&["call", "email", "meeting", "task", "note"]);
    let due = at + Duration::days(gen.below(10) as i64);
    let done = kind == "note" || due < now - Duration::days(2) || gen.below(4) == 0 && due < now;
    activities::ActiveModel {
        id: Set(id),
        kind: Set(kind.into()),
        subject: Set(gen.pick(SUBJECTS).to_string()),
        body: Set(String::new()),
        due_at: Set((kind != "note").then_some(due)),
        done_at: Set(done.then_some(due.min(now))),
        owner_id: Set(Some(owner)),
        customer_id: Set(customer),
        contact_id: Set(None),
        opportunity_id: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
    }
}

fn event(
    customer: i64,
    at: DateTime<Utc>,
    kind: &str,
    summary: String,
    link: String,
    actor: Option<i64>,
) -> timeline_events::ActiveModel {
    // The record the event is about, read from its link as `timeline::append` does.
    let record = Record::from_link(&link);
    timeline_events::ActiveModel {
        customer_id: Set(customer),
        occurred_at: Set(at),
        kind: Set(kind.into()),
        summary: Set(summary),
        link: Set(link),
        actor_id: Set(actor),
        record_type: Set(record.map(|r| r.kind.as_str().to_owned())),
        record_id: Set(record.map(|r| r.id)),
        ..Default::default()
    }
}

/// Inserts rows in batches of `batch`.
pub(crate) async fn insert_all<A>(
    db: &impl ConnectionTrait,
    rows: Vec<A>,
    batch: usize,
) -> Result<()>
where
    A: sea_orm::ActiveModelTrait + Send,
    <A::Entity as EntityTrait>::Model: sea_orm::IntoActiveModel<A>,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(batch).collect();
        <A::Entity as EntityTrait>::insert_many(chunk)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// The next free key of a table.
pub(crate) async fn next_id(db: &impl ConnectionTrait, table: &str) -> Result<i64> {
    let backend = db.get_database_backend();
    let row = db
        .query_one(Statement::from_string(
            backend,
            format!("SELECT COALESCE(MAX(id), 0) + 1 AS next FROM {table}"),
        ))
        .await?;
    Ok(row
        .map(|r| r.try_get::<i64>("", "next"))
        .transpose()?
        .unwrap_or(1))
}

/// Moves PostgreSQL's sequences past keys inserted explicitly (SQLite's
/// AUTOINCREMENT follows on its own).
pub(crate) async fn fix_sequences(db: &impl ConnectionTrait, tables: &[&str]) -> Result<()> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    for table in tables {
        db.execute(Statement::from_string(
            DbBackend::Postgres,
            format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"
            ),
        ))
        .await?;
    }
    Ok(())
}

pub(crate) fn when(gen: &mut Gen, now: DateTime<Utc>, days: u64) -> DateTime<Utc> {
    now - Duration::minutes(gen.below(days * 24 * 60) as i64)
}

/// The demo's CRM: campaigns, `customers` customers with contacts, leads,
/// opportunities across stages and activities, owned by `owners` (cycled),
/// spread over the last twelve months.
pub async fn seed_demo(
    db: &impl ConnectionTrait,
    owners: &[i64],
    customers_wanted: usize,
    now: DateTime<Utc>,
) -> Result<()> {
    if owners.is_empty() {
        return Ok(());
    }
    let mut gen = Gen::new(20_261_129);
    let today = now.date_naive();
    // Campaigns.
    let campaign_defs: [(&str, &str, i64, i64); 6] = [
        ("Spring trade fair", "event", 1_500_000, -300),
        ("Newsletter: new catalogue", "email", 200_000, -240),
        ("Partner referral programme", "other", 500_000, -200),
        ("Summer web promotion", "web", 800_000, -150),
        ("LinkedIn B2B ads", "social", 1_200_000, -90),
        ("Year-end offers", "email", 300_000, -30),
    ];
    let mut campaign_ids = Vec::new();
    for (name, channel, budget, start) in campaign_defs {
        let starts = today + Duration::days(start);
        let model = campaigns::ActiveModel {
            name: Set(name.into()),
            channel: Set(channel.into()),
            budget_minor: Set(budget),
            currency: Set("EUR".into()),
            starts_on: Set(starts),
            ends_on: Set(starts + Duration::days(45)),
            created_at: Set(now - Duration::days(-start + 10)),
            updated_at: Set(now - Duration::days(-start + 10)),
            ..Default::default()
        };
        let id = campaigns::Entity::insert(model)
            .exec(db)
            .await?
            .last_insert_id;
        campaign_ids.push(id);
    }
    // Customers and contacts.
    let first_customer = next_id(db, "customers").await?;
    let mut customer_rows = Vec::new();
    let mut customer_owner = Vec::new();
    for n in 0..customers_wanted {
        let id = first_customer + n as i64;
        let owner = owners[n % owners.len()];
        let at = when(&mut gen, now, 365);
        let row = customer(&mut gen, id, owner, at);
        let company = row.kind.as_ref() == "company";
        customer_owner.push((id, owner, at, company, row.name.as_ref().clone()));
        customer_rows.push(row);
    }
    insert_all(db, customer_rows, 200).await?;
    let mut contact_rows = Vec::new();
    let mut events = Vec::new();
    let mut contact_of = std::collections::HashMap::new();
    let mut next_contact = next_id(db, "contacts").await?;
    for (id, owner, at, company, name) in &customer_owner {
        events.push(event(
            *id,
            *at,
            "customer.created",
            name.clone(),
            format!("/customers/{id}"),
            Some(*owner),
        ));
        if !company {
            continue;
        }
        for _ in 0..(1 + gen.below(3)) {
            let first = gen.pick(FIRST);
            let last = gen.pick(LAST);
            contact_rows.push(contacts::ActiveModel {
                id: Set(next_contact),
                customer_id: Set(*id),
                name: Set(format!("{first} {last}")),
                title: Set(gen
                    .pick(&["Purchasing", "CEO", "Operations", "Finance", "IT"])
                    .to_string()),
                email: Set(Some(format!(
                    "{}.{}.{next_contact}@example.com",
                    first.to_lowercase(),
                    name_key(last)
                ))),
                phone: Set(None),
                created_at: Set(*at),
                updated_at: Set(*at),
            });
            contact_of.entry(*id).or_insert(next_contact);
            next_contact += 1;
        }
    }
    insert_all(db, contact_rows, 300).await?;
    // Opportunities across every stage.
    let stages = pipeline_stages::Entity::find().all(db).await?;
    let open: Vec<&pipeline_stages::Model> =
        stages.iter().filter(|s| !s.is_won && !s.is_lost).collect();
    let won = stages.iter().find(|s| s.is_won);
    let lost = stages.iter().find(|s| s.is_lost);
    let first_opportunity = next_id(db, "opportunities").await?;
    let mut opportunity_rows = Vec::new();
    let titles = [
        "Annual supply contract",
        "Pilot order",
        "Spare parts framework",
        "Store fit-out",
        "Fleet renewal",
        "Packaging upgrade",
        "Service agreement",
        "Expansion order",
    ];
    let wanted = customers_wanted.min(120);
    let step = (customer_owner.len() / wanted.max(1)).max(1);
    for n in 0..wanted {
        let (customer_id, owner, created, _, _) = customer_owner[(n * step) % customer_owner.len()];
        let id = first_opportunity + n as i64;
        let roll = gen.below(10);
        let stage = match roll {
            0..=1 => won.unwrap_or(open[0]),
            2 => lost.unwrap_or(open[0]),
            _ => open[gen.below(open.len() as u64) as usize],
        };
        let closed = stage.is_won || stage.is_lost;
        let close: NaiveDate = if closed {
            (created + Duration::days(20 + gen.below(60) as i64))
                .min(now)
                .date_naive()
        } else {
            today + Duration::days(gen.below(180) as i64 - 20)
        };
        let amount = 100_000 * (10 + gen.below(790) as i64);
        let title = format!("{} {}", gen.pick(&titles), 2026);
        opportunity_rows.push(opportunities::ActiveModel {
            id: Set(id),
            customer_id: Set(customer_id),
            contact_id: Set(contact_of.get(&customer_id).copied()),
            campaign_id: Set(None),
            title: Set(title.clone()),
            amount_minor: Set(amount),
            currency: Set("EUR".into()),
            expected_close: Set(close),
            stage_id: Set(stage.id),
            probability: Set(stage.probability),
            owner_id: Set(Some(owner)),
            lost_reason: Set(if stage.is_lost {
                "Price too high".into()
            } else {
                String::new()
            }),
            closed_at: Set(
                closed.then(|| close.and_hms_opt(12, 0, 0).unwrap_or_default().and_utc())
            ),
            created_at: Set(created),
            updated_at: Set(created),
        });
        events.push(event(
            customer_id,
            created,
            "opportunity.created",
            title.clone(),
            format!("/opportunities/{id}"),
            Some(owner),
        ));
        if closed {
            let at = close.and_hms_opt(12, 0, 0).unwrap_or_default().and_utc();
            let (kind, summary) = if stage.is_won {
                (
                    "opportunity.won",
                    format!("{title} · {}", crate::money::format_minor(amount)),
                )
            } else {
                ("opportunity.lost", format!("{title} · Price too high"))
            };
            events.push(event(
                customer_id,
                at,
                kind,
                summary,
                format!("/opportunities/{id}"),
                Some(owner),
            ));
        }
    }
    // Leads: some converted into the first opportunities, attributed to campaigns.
    let first_lead = next_id(db, "leads").await?;
    let sources = ["web", "referral", "campaign", "event", "other"];
    let mut lead_rows = Vec::new();
    for n in 0..150usize {
        let id = first_lead + n as i64;
        let owner = owners[n % owners.len()];
        let at = when(&mut gen, now, 365);
        let first = gen.pick(FIRST);
        let last = gen.pick(LAST);
        let name = format!("{first} {last}");
        let source = *gen.pick(&sources);
        let campaign = (source == "campaign" || source == "event" || gen.below(3) == 0)
            .then(|| *gen.pick(&campaign_ids));
        let converted = n < 40 && n < opportunity_rows.len();
        let status = if converted {
            "converted"
        } else {
            *gen.pick(&["new", "new", "qualified", "disqualified"])
        };
        let (customer_id, opportunity_id) = if converted {
            let o = &mut opportunity_rows[n];
            o.campaign_id = Set(campaign);
            (Some(*o.customer_id.as_ref()), Some(*o.id.as_ref()))
        } else {
            (None, None)
        };
        let email = format!(
            "{}.{}.{id}@lead.example",
            first.to_lowercase(),
            name_key(last)
        );
        lead_rows.push(leads::ActiveModel {
            id: Set(id),
            name_key: Set(name_key(&name)),
            name: Set(name),
            company: Set(if gen.below(3) == 0 {
                String::new()
            } else {
                format!("{} {}", gen.pick(WORD_A), gen.pick(WORD_B))
            }),
            email_key: Set(Some(email.clone())),
            email: Set(Some(email)),
            phone: Set(None),
            phone_key: Set(None),
            source: Set(source.into()),
            campaign_id: Set(campaign),
            status: Set(status.into()),
            disqualify_reason: Set(if status == "disqualified" {
                "No budget this year".into()
            } else {
                String::new()
            }),
            owner_id: Set(Some(owner)),
            customer_id: Set(customer_id),
            opportunity_id: Set(opportunity_id),
            created_at: Set(at),
            updated_at: Set(at),
        });
    }
    insert_all(db, opportunity_rows, 200).await?;
    insert_all(db, lead_rows, 200).await?;
    // Activities: four per customer on average, past ones done; and a few
    // due around today for each owner's "my day".
    let first_activity = next_id(db, "activities").await?;
    let mut activity_rows = Vec::new();
    let mut id = first_activity;
    for (customer_id, owner, created, _, _) in &customer_owner {
        let span = (now - *created).num_minutes().max(1) as u64;
        for _ in 0..(1 + gen.below(7)) {
            let at = *created + Duration::minutes(gen.below(span) as i64);
            let row = activity(&mut gen, id, *customer_id, *owner, at, now);
            events.push(event(
                *customer_id,
                at,
                if row.done_at.as_ref().is_some() {
                    "activity.logged"
                } else {
                    "activity.planned"
                },
                format!("{}: {}", row.kind.as_ref(), row.subject.as_ref()),
                activity_link(*customer_id, id),
                Some(*owner),
            ));
            activity_rows.push(row);
            id += 1;
        }
    }
    for (n, (customer_id, owner, _, _, _)) in
        customer_owner.iter().take(owners.len() * 4).enumerate()
    {
        let due = now + Duration::hours(n as i64 % 4 * 24 - 24) + Duration::hours(2);
        let mut row = activity(
            &mut gen,
            id,
            *customer_id,
            *owner,
            now - Duration::days(3),
            now,
        );
        row.kind = Set("task".into());
        row.due_at = Set(Some(due));
        row.done_at = Set(None);
        activity_rows.push(row);
        id += 1;
    }
    insert_all(db, activity_rows, 300).await?;
    insert_all(db, events, 300).await?;
    fix_sequences(
        db,
        &[
            "customers",
            "contacts",
            "opportunities",
            "leads",
            "activities",
        ],
    )
    .await?;
    Ok(())
}

/// Loads `customers` more customers and `activities` activities (with their
/// timeline events) for benchmarks, owned by `owners` in turn, in
/// transactions of a few thousand rows; `progress(done, total)` is called
/// after each.
pub async fn seed_volume(
    db: &sea_orm::DatabaseConnection,
    owners: &[i64],
    customers_wanted: u64,
    activities_wanted: u64,
    mut progress: impl FnMut(u64, u64),
) -> Result<()> {
    use sea_orm::TransactionTrait;
    if owners.is_empty() {
        return Ok(());
    }
    let now = Utc::now();
    let mut gen = Gen::new(now.timestamp() as u64);
    let total = customers_wanted + activities_wanted;
    let mut done = 0;
    let first = next_id(db, "customers").await?;
    const CHUNK: u64 = 5_000;
    let mut n = 0;
    while n < customers_wanted {
        let txn = db.begin().await?;
        let upto = (n + CHUNK).min(customers_wanted);
        let rows: Vec<_> = (n..upto)
            .map(|k| {
                let at = when(&mut gen, now, 365);
                customer(
                    &mut gen,
                    first + k as i64,
                    owners[k as usize % owners.len()],
                    at,
                )
            })
            .collect();
        insert_all(&txn, rows, 500).await?;
        txn.commit().await?;
        done += upto - n;
        n = upto;
        progress(done, total);
    }
    let last = next_id(db, "customers").await? - 1;
    let firsts: Vec<(i64, Option<i64>)> = customers::Entity::find()
        .select_only()
        .column(customers::Column::Id)
        .column(customers::Column::OwnerId)
        .into_tuple()
        .all(db)
        .await?;
    let mut next = next_id(db, "activities").await?;
    let mut n = 0;
    while n < activities_wanted {
        let txn = db.begin().await?;
        let upto = (n + CHUNK).min(activities_wanted);
        let mut rows = Vec::new();
        let mut events = Vec::new();
        for _ in n..upto {
            let (customer_id, owner) = firsts[gen.below(firsts.len() as u64) as usize];
            let owner = owner.unwrap_or(owners[0]);
            let at = when(&mut gen, now, 365);
            let row = activity(&mut gen, next, customer_id, owner, at, now);
            events.push(event(
                customer_id,
                at,
                "activity.logged",
                format!("{}: {}", row.kind.as_ref(), row.subject.as_ref()),
                activity_link(customer_id, next),
                Some(owner),
            ));
            rows.push(row);
            next += 1;
        }
        insert_all(&txn, rows, 500).await?;
        insert_all(&txn, events, 500).await?;
        txn.commit().await?;
        done += upto - n;
        n = upto;
        progress(done, total);
    }
    let _ = last;
    fix_sequences(db, &["customers", "activities", "timeline_events"]).await?;
    settle(db).await
}

/// After a bulk load: fresh planner statistics; on PostgreSQL also a
/// vacuum, which marks the new pages all-visible so index-only scans (the
/// summaries', the order period's) need not visit the table until
/// autovacuum comes round (the manager's board at a million orders: 271 ms
/// p50 before, 188 ms after); on SQLite the write-ahead log folded into the
/// database so readers do not wade through it.
pub(crate) async fn settle(db: &impl ConnectionTrait) -> Result<()> {
    let backend = db.get_database_backend();
    // Unprepared (the simple protocol): VACUUM runs in no transaction.
    db.execute_unprepared(match backend {
        DbBackend::Postgres => "VACUUM (ANALYZE)",
        _ => "ANALYZE",
    })
    .await?;
    if backend == DbBackend::Sqlite {
        db.execute(Statement::from_string(
            backend,
            "PRAGMA wal_checkpoint(TRUNCATE)".to_owned(),
        ))
        .await?;
    }
    Ok(())
}
