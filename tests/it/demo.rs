use tandem_domain::{
    services::{demo, meta},
    testing::TestDb,
};

use crate::TestResult;

#[tokio::test]
async fn seeding_twice_changes_nothing_the_second_time() -> TestResult {
    let db = TestDb::new().await?;
    let first = demo::seed(&db.conn).await?;
    assert!(first.created);
    let second = demo::seed(&db.conn).await?;
    assert!(!second.created);
    assert_eq!(first.seeded_at, second.seeded_at);
    Ok(())
}

#[tokio::test]
async fn concurrent_seeding_seeds_once() -> TestResult {
    let db = TestDb::new().await?;
    let runs: Vec<_> = (0..4)
        .map(|_| {
            let conn = db.conn.clone();
            tokio::spawn(async move { demo::seed(&conn).await })
        })
        .collect();
    let mut created = 0;
    let mut stamps = Vec::new();
    for run in runs {
        let report = run.await??;
        created += usize::from(report.created);
        stamps.push(report.seeded_at);
    }
    assert_eq!(created, 1, "exactly one run seeds");
    let stored = meta::get(&db.conn, demo::SEEDED_AT_KEY)
        .await?
        .ok_or("not seeded")?;
    assert!(stamps.iter().all(|s| *s == stored));
    Ok(())
}

#[tokio::test]
async fn meta_values_are_replaced_not_duplicated() -> TestResult {
    let db = TestDb::new().await?;
    meta::set(&db.conn, "setting", "one").await?;
    meta::set(&db.conn, "setting", "two").await?;
    assert_eq!(
        meta::get(&db.conn, "setting").await?.as_deref(),
        Some("two")
    );
    assert_eq!(meta::get(&db.conn, "missing").await?, None);
    Ok(())
}

#[tokio::test]
async fn demo_data_gives_each_role_a_user_and_sales_some_customers() -> TestResult {
    use tandem_domain::{
        auth::builtin::BuiltinRole,
        services::{access, auth, customers},
    };
    let db = TestDb::new().await?;
    demo::seed(&db.conn).await?;
    let (email, password) = demo::demo_user(BuiltinRole::Sales);
    let id = auth::login(
        &db.conn,
        &email,
        &password,
        &Default::default(),
        &Default::default(),
    )
    .await?;
    let sales = access::resolve_actor(&db.conn, id, Default::default())
        .await?
        .ok_or("inactive")?;
    let filter = customers::CustomerFilter {
        per_page: 50,
        ..Default::default()
    };
    let mine = customers::list(
        &db.conn,
        Some(&sales),
        &customers::CustomerFilter {
            search: Some("acme".into()),
            ..filter.clone()
        },
    )
    .await?;
    let all_mine = customers::list(&db.conn, Some(&sales), &filter).await?;
    assert!(
        all_mine.total > 50 && all_mine.total < 200,
        "the sales user owns a share of the demo customers, not all: {}",
        all_mine.total
    );
    assert!(all_mine.items.iter().all(|c| c.owner_id == Some(id)));
    let (email, password) = demo::demo_user(BuiltinRole::Manager);
    let id = auth::login(
        &db.conn,
        &email,
        &password,
        &Default::default(),
        &Default::default(),
    )
    .await?;
    let manager = access::resolve_actor(&db.conn, id, Default::default())
        .await?
        .ok_or("inactive")?;
    assert_eq!(
        customers::list(&db.conn, Some(&manager), &filter)
            .await?
            .total,
        200
    );
    let acme = mine
        .items
        .iter()
        .find(|c| c.name == "Acme Trading GmbH")
        .ok_or("no Acme")?;
    assert_eq!(
        customers::contacts_of(&db.conn, Some(&sales), acme.id)
            .await?
            .len(),
        2
    );
    // Seeding again adds nothing.
    demo::seed(&db.conn).await?;
    assert_eq!(
        customers::list(&db.conn, Some(&manager), &filter)
            .await?
            .total,
        200
    );
    Ok(())
}
