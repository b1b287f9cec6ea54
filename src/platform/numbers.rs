//! Readable document numbers (`SO-2026-000123`): one counter per kind and
//! year, incremented inside the caller's transaction, so numbers stay unique
//! under concurrency (the update takes the counter's row lock on PostgreSQL;
//! SQLite has one writer) and a rolled-back document gives its number back.

use sea_orm::{
    sea_query::{Alias, Expr, OnConflict, Query},
    ConnectionTrait, FromQueryResult,
};

use crate::Result;

#[derive(FromQueryResult)]
struct Last {
    last: i64,
}

/// The next number of `kind` (`SO`, `SH`, `TRF`) for `year`: one
/// `UPDATE … RETURNING` once the year's counter exists.
pub async fn next(db: &impl ConnectionTrait, kind: &str, year: i32) -> Result<String> {
    if let Some(n) = bump(db, kind, year).await? {
        return Ok(format(kind, year, n));
    }
    let (c_kind, c_year, c_last) = (Alias::new("kind"), Alias::new("year"), Alias::new("last"));
    let insert = Query::insert()
        .into_table(Alias::new("doc_sequences"))
        .columns([c_kind.clone(), c_year.clone(), c_last])
        .values_panic([kind.into(), year.into(), 0_i64.into()])
        .on_conflict(
            OnConflict::columns([c_kind, c_year])
                .do_nothing()
                .to_owned(),
        )
        .to_owned();
    db.execute(db.get_database_backend().build(&insert)).await?;
    let n = bump(db, kind, year)
        .await?
        .ok_or_else(|| crate::Error::Internal("document counter vanished".into()))?;
    Ok(format(kind, year, n))
}

async fn bump(db: &impl ConnectionTrait, kind: &str, year: i32) -> Result<Option<i64>> {
    let c_last = Alias::new("last");
    let update = Query::update()
        .table(Alias::new("doc_sequences"))
        .value(c_last.clone(), Expr::col(c_last.clone()).add(1))
        .and_where(Expr::col(Alias::new("kind")).eq(kind))
        .and_where(Expr::col(Alias::new("year")).eq(year))
        .returning(Query::returning().column(c_last))
        .to_owned();
    Ok(
        Last::find_by_statement(db.get_database_backend().build(&update))
            .one(db)
            .await?
            .map(|row| row.last),
    )
}

/// `SO-2026-000123`.
pub fn format(kind: &str, year: i32, n: i64) -> String {
    format!("{kind}-{year}-{n:06}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_are_padded_to_six_digits() {
        assert_eq!(super::format("SO", 2026, 123), "SO-2026-000123");
        assert_eq!(super::format("SH", 2027, 1_234_567), "SH-2027-1234567");
    }
}
