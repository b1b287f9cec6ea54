//! One text column of many records by id (names, codes, segments) for
//! labelling rows the caller may already see. Read in chunks: a report or
//! an analysis can name a hundred thousand records, more than one
//! statement may bind (SQLite 32,766, PostgreSQL 65,535).

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::Result;

/// Ids bound by one statement.
const PER_QUERY: usize = 10_000;

/// `text` of each of `ids` in the table of `E`, whose key column is `id`.
pub async fn text_by_id<E: EntityTrait>(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
    id: E::Column,
    text: E::Column,
) -> Result<HashMap<i64, String>> {
    let mut ids: Vec<i64> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(PER_QUERY) {
        let rows: Vec<(i64, String)> = E::find()
            .select_only()
            .column(id)
            .column(text)
            .filter(id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        out.extend(rows);
    }
    Ok(out)
}
