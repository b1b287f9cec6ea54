//! Demo data for a newcomer to look around in. Idempotent: running it again
//! changes nothing. Each area adds its own step here as it lands. Demo
//! seeding sits beside the areas: it uses them, and none of them uses it.

pub mod crm_data;
pub(crate) mod erp_data;
pub(crate) mod money_data;
pub(crate) mod service_data;
pub mod volume;

use std::{
    collections::HashMap,
    sync::{Arc, OnceLock},
};

use sea_orm::{DatabaseConnection, TransactionTrait};

use crate::{
    access::{builtin::BuiltinRole, password},
    Error, Result,
    {
        access::audit::{self, Entry, Who},
        access::roles as access,
        access::users,
        platform::meta,
    },
};

/// The demo users: one per built-in role, `<role>@demo.tandem.test` with
/// password `demo-<role>-pass` (documented in the README).
pub fn demo_user(role: BuiltinRole) -> (String, String) {
    (
        format!("{}@demo.tandem.test", role.key()),
        format!("demo-{}-pass", role.key()),
    )
}

/// More demo sales users (password `demo-sales-pass`), so that record
/// scope and the team forecast have someone to tell apart.
pub const EXTRA_SALES: &[(&str, &str)] = &[
    ("mei@demo.tandem.test", "Mei Chen"),
    ("omar@demo.tandem.test", "Omar Haddad"),
];

/// More demo support agents (password `demo-support-pass`), so that
/// queues have someone to round-robin between.
pub const EXTRA_SUPPORT: &[(&str, &str)] = &[
    ("lin@demo.tandem.test", "Lin Zhao"),
    ("sam@demo.tandem.test", "Sam Porter"),
];

/// The `app_meta` key recording when demo data was first seeded.
pub const SEEDED_AT_KEY: &str = "demo.seeded_at";

/// What a seeding run did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeedReport {
    /// False when the demo data was already there and nothing was written.
    pub created: bool,
    /// When the demo data was first seeded (RFC 3339, UTC).
    pub seeded_at: String,
}

/// Seeds the demo data unless it is already present, in one transaction.
pub async fn seed(db: &DatabaseConnection) -> Result<SeedReport> {
    // One run at a time per database in a process: on SQLite the seeding
    // transaction holds the only pooled connection for seconds, and a
    // second run would time out waiting for it instead of finding the
    // marker. Across processes the marker below decides. Other databases
    // (tests each have their own) seed side by side.
    type Locks = HashMap<String, Arc<tokio::sync::Mutex<()>>>;
    static SEEDING: OnceLock<std::sync::Mutex<Locks>> = OnceLock::new();
    let lock = {
        let mut locks = SEEDING
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        locks.entry(crate::db::identity(db)).or_default().clone()
    };
    let _one_at_a_time = lock.lock().await;
    access::ensure_builtin_roles(db).await?;
    // Hash outside the transaction: it is slow on purpose.
    let mut hashes = Vec::new();
    for role in BuiltinRole::ALL {
        hashes.push((role, password::hash(demo_user(role).1).await?));
    }
    let sales_hash = password::hash(demo_user(BuiltinRole::Sales).1).await?;
    let txn = db.begin().await?;
    let now = chrono::Utc::now().to_rfc3339();
    // Claiming the marker first makes concurrent runs safe: the losers see
    // the winner's marker and write nothing.
    if !meta::insert_if_absent(&txn, SEEDED_AT_KEY, &now).await? {
        let seeded_at = meta::get(&txn, SEEDED_AT_KEY)
            .await?
            .ok_or_else(|| Error::Internal("demo marker vanished".into()))?;
        txn.commit().await?;
        return Ok(SeedReport {
            created: false,
            seeded_at,
        });
    }
    for (role, hash) in hashes.clone() {
        let (email, _) = demo_user(role);
        let Some(role_id) = access::builtin_role_id(&txn, role).await? else {
            continue;
        };
        if users::exists(&txn, &email).await? {
            continue;
        }
        let name = format!("Demo {}", role.name());
        let id = users::insert(&txn, &email, &name, hash, &[role_id]).await?;
        audit::record(
            &txn,
            Who::System,
            Entry::new("user.created", "user", Some(id.to_string()))
                .after(serde_json::json!({ "email": email, "name": name, "roles": [role.name()] })),
        )
        .await?;
    }
    if let Some(sales_role) = access::builtin_role_id(&txn, BuiltinRole::Sales).await? {
        for (email, name) in EXTRA_SALES {
            if users::exists(&txn, email).await? {
                continue;
            }
            let id = users::insert(&txn, email, name, sales_hash.clone(), &[sales_role]).await?;
            audit::record(
                &txn,
                Who::System,
                Entry::new("user.created", "user", Some(id.to_string()))
                    .after(serde_json::json!({ "email": email, "name": name, "roles": ["Sales"] })),
            )
            .await?;
        }
    }
    if let Some(support_role) = access::builtin_role_id(&txn, BuiltinRole::Support).await? {
        let support_hash = hashes
            .iter()
            .find(|(role, _)| *role == BuiltinRole::Support)
            .map(|(_, hash)| hash.clone())
            .unwrap_or_default();
        for (email, name) in EXTRA_SUPPORT {
            if users::exists(&txn, email).await? {
                continue;
            }
            let id =
                users::insert(&txn, email, name, support_hash.clone(), &[support_role]).await?;
            audit::record(
                &txn,
                Who::System,
                Entry::new("user.created", "user", Some(id.to_string())).after(
                    serde_json::json!({ "email": email, "name": name, "roles": ["Support"] }),
                ),
            )
            .await?;
        }
    }
    seed_customers(&txn).await?;
    seed_crm(&txn).await?;
    crate::demo::erp_data::seed(&txn, chrono::Utc::now()).await?;
    crate::demo::money_data::seed(&txn, chrono::Utc::now()).await?;
    crate::demo::service_data::seed(&txn, chrono::Utc::now()).await?;
    // Later areas add their demo records here, inside this transaction.
    txn.commit().await?;
    Ok(SeedReport {
        created: true,
        seeded_at: now,
    })
}

/// Teams and the generated CRM: 196 more customers (200 in all), 150
/// leads, 120 opportunities and activities, over the demo sales users.
async fn seed_crm(txn: &impl sea_orm::ConnectionTrait) -> Result<()> {
    use sea_orm::{ActiveValue::Set, EntityTrait};

    use crate::entities::{team_members, teams};
    let owners = sales_user_ids(txn).await?;
    let now = chrono::Utc::now();
    for (team, members) in [
        ("North", &owners[..owners.len().min(2)]),
        ("South", &owners[owners.len().min(2)..]),
    ] {
        let id = teams::Entity::insert(teams::ActiveModel {
            name: Set(team.into()),
            created_at: Set(now),
            ..Default::default()
        })
        .exec(txn)
        .await?
        .last_insert_id;
        for user in members {
            team_members::Entity::insert(team_members::ActiveModel {
                user_id: Set(*user),
                team_id: Set(id),
            })
            .exec_without_returning(txn)
            .await?;
        }
    }
    crate::demo::crm_data::seed_demo(txn, &owners, 196, now).await
}

/// A few customers for the demo sales user (and one for the manager), with contacts.
async fn seed_customers(txn: &impl sea_orm::ConnectionTrait) -> Result<()> {
    use crate::crm::customers::{insert_demo, ContactInput, CustomerInput};
    let sales = users::id_by_email(txn, &demo_user(BuiltinRole::Sales).0).await?;
    let manager = users::id_by_email(txn, &demo_user(BuiltinRole::Manager).0).await?;
    let (Some(sales), Some(manager)) = (sales, manager) else {
        return Ok(());
    };
    let company = |name: &str, email: &str, phone: &str, segment: &str, limit: i64| CustomerInput {
        kind: "company".into(),
        name: name.into(),
        email: email.into(),
        phone: phone.into(),
        segment: segment.into(),
        credit_limit_minor: limit,
        currency: "EUR".into(),
        payment_terms_days: 30,
        ..Default::default()
    };
    let contact = |name: &str, title: &str, email: &str| ContactInput {
        name: name.into(),
        title: title.into(),
        email: email.into(),
        phone: String::new(),
    };
    let customers: [(i64, CustomerInput, Vec<ContactInput>); 4] = [
        (
            sales,
            CustomerInput {
                address: "Friedrichstr. 10\n10117 Berlin".into(),
                tax_id: "DE123456789".into(),
                tags: vec!["wholesale".into()],
                ..company(
                    "Acme Trading GmbH",
                    "orders@acme.example",
                    "+49 30 1234567",
                    "wholesale",
                    5_000_000,
                )
            },
            vec![
                contact("Chris Buyer", "Purchasing", "chris@acme.example"),
                contact("Dana Books", "Accounts payable", "ap@acme.example"),
            ],
        ),
        (
            sales,
            company(
                "Globex Retail Ltd",
                "hello@globex.example",
                "+44 20 7946 0000",
                "retail",
                1_500_000,
            ),
            vec![contact("Sam Store", "Store manager", "sam@globex.example")],
        ),
        (
            sales,
            CustomerInput {
                kind: "person".into(),
                payment_terms_days: 0,
                ..company(
                    "Lee Wang",
                    "lee.wang@example.com",
                    "+86 10 1234 5678",
                    "consumer",
                    0,
                )
            },
            vec![],
        ),
        (
            manager,
            company(
                "Initech Manufacturing",
                "purchasing@initech.example",
                "+1 512 555 0100",
                "industry",
                10_000_000,
            ),
            vec![contact(
                "Bill Lumbergh",
                "Operations",
                "bill@initech.example",
            )],
        ),
    ];
    for (owner, input, contacts) in customers {
        insert_demo(txn, owner, &input, &contacts).await?;
    }
    Ok(())
}

/// The ids of the demo support agents (the built-in one and [`EXTRA_SUPPORT`]).
pub async fn support_user_ids(db: &impl sea_orm::ConnectionTrait) -> Result<Vec<i64>> {
    let mut agents = Vec::new();
    if let Some(id) = users::id_by_email(db, &demo_user(BuiltinRole::Support).0).await? {
        agents.push(id);
    }
    for (email, _) in EXTRA_SUPPORT {
        if let Some(id) = users::id_by_email(db, email).await? {
            agents.push(id);
        }
    }
    Ok(agents)
}

/// The ids of the demo sales users (the built-in one and [`EXTRA_SALES`]).
pub async fn sales_user_ids(db: &impl sea_orm::ConnectionTrait) -> Result<Vec<i64>> {
    let mut owners = Vec::new();
    if let Some(id) = users::id_by_email(db, &demo_user(BuiltinRole::Sales).0).await? {
        owners.push(id);
    }
    for (email, _) in EXTRA_SALES {
        if let Some(id) = users::id_by_email(db, email).await? {
            owners.push(id);
        }
    }
    Ok(owners)
}
