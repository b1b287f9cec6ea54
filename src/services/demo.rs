//! Demo data for a newcomer to look around in. Idempotent: running it again
//! changes nothing. Each area adds its own step here as it lands.

use sea_orm::{DatabaseConnection, TransactionTrait};

use crate::{services::meta, Error, Result};

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
    // Later areas add their demo records here, inside this transaction.
    txn.commit().await?;
    Ok(SeedReport {
        created: true,
        seeded_at: now,
    })
}
