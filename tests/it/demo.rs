use tandem_domain::testing::db_test;
use tandem_domain::{
    sales::orders::OrderState,
    testing::TestDb,
    {demo, platform::meta},
};

use crate::TestResult;

#[db_test]
async fn seeding_twice_changes_nothing_the_second_time() -> TestResult {
    let db = TestDb::new().await?;
    let first = demo::seed(&db.conn).await?;
    assert!(first.created);
    let second = demo::seed(&db.conn).await?;
    assert!(!second.created);
    assert_eq!(first.seeded_at, second.seeded_at);
    Ok(())
}

#[db_test]
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

#[db_test]
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

#[db_test]
async fn demo_data_gives_each_role_a_user_and_sales_some_customers() -> TestResult {
    use tandem_domain::{
        access::builtin::BuiltinRole,
        {access::roles as access, access::sign_in as auth, crm::customers},
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
        &sales,
        &customers::CustomerFilter {
            search: Some("acme".into()),
            ..filter.clone()
        },
    )
    .await?;
    let all_mine = customers::list(&db.conn, &sales, &filter).await?;
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
        customers::list(&db.conn, &manager, &filter).await?.total,
        200
    );
    let acme = mine
        .items
        .iter()
        .find(|c| c.name == "Acme Trading GmbH")
        .ok_or("no Acme")?;
    assert_eq!(
        customers::contacts_of(&db.conn, &sales, acme.id)
            .await?
            .len(),
        2
    );
    // Seeding again adds nothing.
    demo::seed(&db.conn).await?;
    assert_eq!(
        customers::list(&db.conn, &manager, &filter).await?.total,
        200
    );
    Ok(())
}

#[db_test]
async fn demo_erp_has_products_stock_and_a_year_of_orders_in_every_state() -> TestResult {
    use std::collections::BTreeMap;

    use sea_orm::{EntityTrait, PaginatorTrait};
    use tandem_domain::{
        entities::{products, sales_order_lines, sales_orders, warehouses},
        inventory::stock,
    };
    let db = TestDb::new().await?;
    let started = std::time::Instant::now();
    demo::seed(&db.conn).await?;
    eprintln!("demo seed took {:?}", started.elapsed());
    assert_eq!(products::Entity::find().count(&db.conn).await?, 60);
    assert_eq!(warehouses::Entity::find().count(&db.conn).await?, 2);
    let orders = sales_orders::Entity::find().all(&db.conn).await?;
    assert!((380..=400).contains(&orders.len()), "{}", orders.len());
    let mut states = BTreeMap::new();
    for o in &orders {
        *states.entry(o.state.as_str()).or_insert(0) += 1;
    }
    for state in [
        "draft",
        "confirmed",
        "partially_shipped",
        "shipped",
        "invoiced",
        "closed",
        "cancelled",
    ] {
        assert!(
            states.get(state).copied().unwrap_or(0) >= 5,
            "{state}: {states:?}"
        );
    }
    let oldest = orders.iter().map(|o| o.created_at).min().ok_or("orders")?;
    assert!(
        chrono::Utc::now() - oldest > chrono::Duration::days(300),
        "a year of orders"
    );
    let lines = sales_order_lines::Entity::find().all(&db.conn).await?;
    let open: std::collections::HashSet<i64> = orders
        .iter()
        .filter(|o| o.state == OrderState::Confirmed || o.state == OrderState::PartiallyShipped)
        .map(|o| o.id)
        .collect();
    assert!(
        lines
            .iter()
            .any(|l| open.contains(&l.order_id) && l.reserved + l.shipped < l.quantity),
        "some open orders wait for stock"
    );
    assert!(stock::check_ledger(&db.conn).await?.is_empty());
    // The order summary the dashboards read equals a recount of the demo's orders.
    let differences = tandem_domain::analytics::summaries::check(&db.conn).await?;
    assert!(differences.is_empty(), "{differences:?}");
    // Money and supply: suppliers, purchase orders in every state, invoices
    // paid, part paid and overdue.
    use tandem_domain::entities::{invoices, purchase_orders, suppliers};
    assert!(suppliers::Entity::find().count(&db.conn).await? >= 4);
    let pos = purchase_orders::Entity::find().all(&db.conn).await?;
    for state in [
        "draft",
        "sent",
        "partially_received",
        "received",
        "closed",
        "cancelled",
    ] {
        assert!(
            pos.iter().any(|p| p.state == state),
            "purchase order {state}"
        );
    }
    let bills = invoices::Entity::find().all(&db.conn).await?;
    for state in ["open", "partially_paid", "paid", "overdue"] {
        let n = bills.iter().filter(|i| i.state == state).count();
        assert!(n >= 1, "invoice {state}: {n} of {}", bills.len());
    }
    Ok(())
}
