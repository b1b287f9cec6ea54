use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use tandem_domain::testing::db_test;
use tandem_domain::{
    db::{self, ConnectError, DbOptions},
    testing::TestDb,
};

use crate::TestResult;

#[db_test]
async fn sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout() -> TestResult {
    let db = TestDb::new().await?;
    if db.conn.get_database_backend() != DatabaseBackend::Sqlite {
        return Ok(());
    }
    let pragma = |sql: &str| Statement::from_string(DatabaseBackend::Sqlite, sql.to_owned());
    let journal = db
        .conn
        .query_one(pragma("PRAGMA journal_mode"))
        .await?
        .ok_or("no row")?;
    assert_eq!(journal.try_get_by_index::<String>(0)?, "wal");
    let fks = db
        .conn
        .query_one(pragma("PRAGMA foreign_keys"))
        .await?
        .ok_or("no row")?;
    assert_eq!(fks.try_get_by_index::<i32>(0)?, 1);
    let busy = db
        .conn
        .query_one(pragma("PRAGMA busy_timeout"))
        .await?
        .ok_or("no row")?;
    assert!(busy.try_get_by_index::<i32>(0)? >= 5_000);
    Ok(())
}

#[db_test]
async fn a_fresh_database_answers_ping_and_reports_its_pool() -> TestResult {
    let db = TestDb::new().await?;
    db::ping(&db.conn).await?;
    let stats = db::pool_stats(&db.conn);
    assert!(stats.size >= 1, "a pool that answered has a connection");
    assert!(stats.in_use <= stats.size);
    Ok(())
}

#[db_test]
async fn the_sqlite_directory_is_created_when_missing() -> TestResult {
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("nested/deeper/tandem.db");
    let url = format!("sqlite://{}?mode=rwc", file.display());
    let conn = db::connect(&url, &DbOptions::default()).await?;
    db::ping(&conn).await?;
    assert!(file.exists());
    Ok(())
}

#[db_test]
async fn a_bad_url_is_named_in_one_clear_line() -> TestResult {
    let err = db::connect("mysql://x", &DbOptions::default())
        .await
        .err()
        .ok_or("a MySQL URL must be refused")?;
    assert!(matches!(err, ConnectError::BadUrl { .. }));
    let message = err.to_string();
    assert!(message.contains("DATABASE_URL"), "{message}");
    assert!(!message.contains('\n'), "{message}");
    Ok(())
}

#[db_test]
async fn an_unreachable_server_is_reported_without_its_password() -> TestResult {
    // Nothing listens on port 1; the password must not leak into the message.
    let err = db::connect(
        "postgres://tandem:s3cret@127.0.0.1:1/tandem",
        &DbOptions::default(),
    )
    .await
    .err()
    .ok_or("port 1 must not answer")?;
    assert!(matches!(err, ConnectError::Unreachable { .. }));
    let message = err.to_string();
    assert!(!message.contains("s3cret"), "{message}");
    assert!(message.contains("127.0.0.1:1"), "{message}");
    Ok(())
}

#[db_test]
async fn concurrent_writers_queue_instead_of_failing() -> TestResult {
    let db = TestDb::new().await?;
    let writes = (0..20).map(|i| {
        let conn = db.conn.clone();
        tokio::spawn(async move {
            tandem_domain::platform::meta::set(&conn, &format!("key-{i}"), "v").await
        })
    });
    for write in writes.collect::<Vec<_>>() {
        write.await??;
    }
    for i in 0..20 {
        let value = tandem_domain::platform::meta::get(&db.conn, &format!("key-{i}")).await?;
        assert_eq!(value.as_deref(), Some("v"));
    }
    Ok(())
}

/// Receivables read the unpaid invoices through partial indexes whose
/// condition is the text of `invoices::unpaid_literal`; if the two drift
/// apart, SQLite silently scans every invoice (3 s at a million orders).
#[db_test]
async fn unpaid_invoice_queries_use_the_partial_indexes() -> TestResult {
    use sea_orm::{
        sea_query::Expr, ColumnTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait,
    };
    use tandem_domain::{billing::invoices as invoice_service, entities::invoices};
    let db = TestDb::new().await?;
    if db.conn.get_database_backend() != DatabaseBackend::Sqlite {
        return Ok(());
    }
    for (group, index) in [
        (invoices::Column::CustomerId, "idx_invoices_unpaid_customer"),
        (invoices::Column::DueDate, "idx_invoices_unpaid_due"),
    ] {
        let query = invoices::Entity::find()
            .select_only()
            .column(group)
            .column_as(Expr::col(invoices::Column::TotalMinor).sum(), "owed")
            .filter(invoice_service::unpaid_literal())
            .filter(invoices::Column::Currency.eq("EUR"))
            .group_by(group)
            .build(DatabaseBackend::Sqlite);
        let plan = db
            .conn
            .query_all(Statement::from_string(
                DatabaseBackend::Sqlite,
                format!("EXPLAIN QUERY PLAN {query}"),
            ))
            .await?;
        let steps: Vec<String> = plan
            .iter()
            .map(|r| r.try_get_by_index::<String>(3))
            .collect::<Result<_, _>>()?;
        assert!(
            steps.iter().any(|s| s.contains(index)),
            "{group:?}: {steps:?}"
        );
    }
    Ok(())
}
