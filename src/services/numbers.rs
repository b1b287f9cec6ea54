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

/// The next number of `kind` (`SO`, `SH`, `TRF`) for `year`.
pub async fn next(db: &impl ConnectionTrait, kind: &str, year: i32) -> Result<String> {
    let table = Alias::new("doc_sequences");
    let (c_kind, c_year, c_last) = (Alias::new("kind"), Alias::new("year"), Alias::new("last"));
    let backend = db.get_database_backend();
    let insert = Query::insert()
        .into_table(table.clone())
        .columns([c_kind.clone(), c_year.clone(), c_last.clone()])
        .values_panic([kind.into(), year.into(), 0_i64.into()])
        .on_conflict(
            OnConflict::columns([c_kind.clone(), c_year.clone()])
                .do_nothing()
                .to_owned(),
        )
        .to_owned();
    db.execute(backend.build(&insert)).await?;
    let bump = Query::update()
        .table(table.clone())
        .value(c_last.clone(), Expr::col(c_last.clone()).add(1))
        .and_where(Expr::col(c_kind.clone()).eq(kind))
        .and_where(Expr::col(c_year.clone()).eq(year))
        .to_owned();
    db.execute(backend.build(&bump)).await?;
    let read = Query::select()
        .column(c_last)
        .from(table)
        .and_where(Expr::col(c_kind).eq(kind))
        .and_where(Expr::col(c_year).eq(year))
        .to_owned();
    let last = Last::find_by_statement(backend.build(&read))
        .one(db)
        .await?
        .map(|row| row.last)
        .unwrap_or_default();
    Ok(format(kind, year, last))
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
