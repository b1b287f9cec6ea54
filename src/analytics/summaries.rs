//! Every summary kept beside the records it sums, checked and rebuilt
//! together: the sales summaries (`crate::sales::stats`) and the tickets'
//! resolution minutes (`crate::service::tickets::check_minutes`). The
//! `tandem stats` command and the volume loader use these.

use crate::{db::Tx, sales::stats, service::tickets, Result};

/// One summary value that differs from a recount.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Difference {
    /// A row of the sales summaries.
    Sales(stats::Difference),
    /// A ticket's `resolution_minutes`: (ticket, stored, recomputed from
    /// its times).
    TicketMinutes(i64, Option<i64>, Option<i64>),
}

/// Compares every maintained summary with a recount.
pub async fn check(db: &impl sea_orm::ConnectionTrait) -> Result<Vec<Difference>> {
    let mut all: Vec<Difference> = stats::check(db)
        .await?
        .into_iter()
        .map(Difference::Sales)
        .collect();
    all.extend(
        tickets::check_minutes(db, false)
            .await?
            .into_iter()
            .map(|(id, kept, fresh)| Difference::TicketMinutes(id, kept, fresh)),
    );
    Ok(all)
}

/// Recounts every summary in one transaction: the sales summaries (see
/// [`stats::rebuild`]) and the tickets' resolution minutes, so a failure
/// leaves all of them as they were. Returns the number of `order_stats`
/// rows.
pub async fn rebuild(db: &impl Tx, progress: impl FnMut(u64)) -> Result<u64> {
    let txn = db.begin().await?;
    let rows = stats::rebuild(&txn, progress).await?;
    tickets::check_minutes(&txn, true).await?;
    txn.commit().await?;
    Ok(rows)
}
