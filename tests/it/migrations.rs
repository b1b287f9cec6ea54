use migration::{Migrator, MigratorTrait};
use tandem_domain::testing::db_test;
use tandem_domain::testing::TestDb;

use crate::TestResult;

#[db_test]
async fn migrations_go_up_down_and_up_again() -> TestResult {
    let db = TestDb::empty().await?;
    Migrator::up(&db.conn, None).await?;
    assert!(Migrator::get_pending_migrations(&db.conn).await?.is_empty());

    Migrator::down(&db.conn, None).await?;
    let total = Migrator::migrations().len();
    assert_eq!(
        Migrator::get_pending_migrations(&db.conn).await?.len(),
        total
    );

    Migrator::up(&db.conn, None).await?;
    assert!(Migrator::get_pending_migrations(&db.conn).await?.is_empty());
    // The schema works after the round trip.
    tandem_domain::platform::meta::set(&db.conn, "k", "v").await?;
    Ok(())
}

#[db_test]
async fn pending_migrations_are_listed_until_applied() -> TestResult {
    let db = TestDb::empty().await?;
    let pending = tandem_domain::db::pending_migrations(&db.conn).await?;
    assert_eq!(pending.len(), Migrator::migrations().len());
    tandem_domain::db::migrate(&db.conn).await?;
    assert!(tandem_domain::db::pending_migrations(&db.conn)
        .await?
        .is_empty());
    Ok(())
}
