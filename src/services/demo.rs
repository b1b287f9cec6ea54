//! Demo data for a newcomer to look around in. Idempotent: running it again
//! changes nothing. Each area adds its own step here as it lands.

use sea_orm::{DatabaseConnection, TransactionTrait};

use crate::{
    auth::{builtin::BuiltinRole, password},
    services::{
        access,
        audit::{self, Entry, Who},
        meta, users,
    },
    Error, Result,
};

/// The demo users: one per built-in role, `<role>@demo.tandem.test` with
/// password `demo-<role>-pass` (documented in the README).
pub fn demo_user(role: BuiltinRole) -> (String, String) {
    (
        format!("{}@demo.tandem.test", role.key()),
        format!("demo-{}-pass", role.key()),
    )
}

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
    access::ensure_builtin_roles(db).await?;
    // Hash outside the transaction: it is slow on purpose.
    let mut hashes = Vec::new();
    for role in BuiltinRole::ALL {
        hashes.push((role, password::hash(demo_user(role).1).await?));
    }
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
    for (role, hash) in hashes {
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
    // Later areas add their demo records here, inside this transaction.
    txn.commit().await?;
    Ok(SeedReport {
        created: true,
        seeded_at: now,
    })
}
