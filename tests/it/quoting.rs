//! The quote builder's surroundings: quotes only in the list prices'
//! currency (issue 22, item 18) and the default warehouse with the hint of
//! where else the stock is (item 15), on both engines.

use tandem_domain::{
    access::Actor,
    messages, Db, Error,
    {
        analytics::dashboards,
        crm::customers::{self, CustomerInput},
        inventory::sourcing,
        inventory::stock::{self, AdjustInput},
        inventory::warehouses::{self, WarehouseInput},
        platform::meta,
        sales::orders::{self, OrderFilter},
    },
};

use crate::{
    approval::order,
    erp::{customer, erp, field_of, level, line, quote, stocked, Refused},
    support::with_admin,
    TestResult,
};

#[tokio::test]
async fn quotes_in_another_currency_than_the_list_prices_are_refused() -> TestResult {
    let (db, admin) = with_admin().await?;
    let e = erp(&db.conn, admin).await?;
    let p = stocked(&db.conn, &e, "CUR-1", 2_500, 10).await?;
    let eur = customer(&db.conn, &e.ana, "Euro GmbH", 0).await?;
    let in_currency = |name: &str, currency: &str| CustomerInput {
        kind: "company".into(),
        name: name.into(),
        currency: currency.into(),
        payment_terms_days: 30,
        ..Default::default()
    };
    let usd = customers::create(&db.conn, Some(&e.ana), &in_currency("Dollar Inc", "usd"))
        .await?
        .id;
    let cny = customers::create(&db.conn, Some(&e.ana), &in_currency("Yuan Ltd", "CNY"))
        .await?
        .id;
    // List prices are in the company currency, EUR unless set.
    for other in [usd, cny] {
        let err = orders::create(
            &db.conn,
            Some(&e.ana),
            &quote(other, e.main, vec![line(p, 1)]),
        )
        .await
        .refused()?;
        assert_eq!(field_of(&err), ["customer_id"]);
        assert_eq!(
            err,
            Error::field("customer_id", messages::QUOTE_CURRENCY_MISMATCH)
        );
    }
    let listed = orders::list(&db.conn, Some(&e.manager), &OrderFilter::default(), 1, 50).await?;
    assert_eq!(listed.total, 0, "nothing was saved");
    let draft = orders::create(
        &db.conn,
        Some(&e.ana),
        &quote(eur, e.main, vec![line(p, 2)]),
    )
    .await?;
    assert_eq!(draft.currency, "EUR");

    // The company now prices in USD: the EUR quote can be neither edited
    // nor confirmed, and a USD customer can be quoted.
    meta::set(&db.conn, dashboards::CURRENCY_KEY, "USD").await?;
    let err = orders::update(
        &db.conn,
        Some(&e.ana),
        draft.id,
        &quote(eur, e.main, vec![line(p, 1)]),
    )
    .await
    .refused()?;
    assert_eq!(field_of(&err), ["customer_id"]);
    let err = orders::confirm(&db.conn, Some(&e.manager), draft.id)
        .await
        .refused()?;
    assert_eq!(
        err,
        Error::Conflict(messages::QUOTE_CURRENCY_MISMATCH.into())
    );
    let stored = order(&db.conn, draft.id).await?;
    assert_eq!(stored.state, "draft");
    assert_eq!(
        level(&db.conn, p, e.main).await?,
        (10, 0),
        "nothing reserved"
    );
    let dollars = orders::create(
        &db.conn,
        Some(&e.ana),
        &quote(usd, e.main, vec![line(p, 1)]),
    )
    .await?;
    assert_eq!(dollars.currency, "USD");
    orders::confirm(&db.conn, Some(&e.ana), dollars.id).await?;
    Ok(())
}

#[tokio::test]
async fn new_quotes_ship_from_the_default_warehouse_and_hint_where_stock_is() -> TestResult {
    let (db, admin) = with_admin().await?;
    let e = erp(&db.conn, admin).await?;
    // MAIN was created first; EAST sorts first by code, which was the bug.
    let default = |db: Db, actor: Actor| async move {
        sourcing::default_warehouse(&db, Some(&actor))
            .await
            .map(|w| w.map(|w| w.id))
    };
    assert_eq!(default(db.conn.clone(), e.ana.clone()).await?, Some(e.main));
    for (setting, expected) in [
        ("EAST", e.east),
        ("  east ", e.east),
        ("MAIN", e.main),
        ("NOWHERE", e.main),
        ("", e.main),
        ("'; DROP TABLE warehouses; --", e.main),
    ] {
        meta::set(&db.conn, sourcing::DEFAULT_WAREHOUSE_KEY, setting).await?;
        assert_eq!(
            default(db.conn.clone(), e.ana.clone()).await?,
            Some(expected),
            "setting {setting:?}"
        );
    }
    // An archived default falls back to the first active warehouse.
    meta::set(&db.conn, sourcing::DEFAULT_WAREHOUSE_KEY, "MAIN").await?;
    let archive = WarehouseInput {
        code: "MAIN".into(),
        name: "Main warehouse".into(),
        address: String::new(),
        active: false,
    };
    warehouses::update(&db.conn, Some(&e.keeper), e.main, &archive).await?;
    assert_eq!(default(db.conn.clone(), e.ana.clone()).await?, Some(e.east));
    warehouses::update(
        &db.conn,
        Some(&e.keeper),
        e.main,
        &WarehouseInput {
            active: true,
            ..archive
        },
    )
    .await?;
    assert_eq!(
        sourcing::default_warehouse(&db.conn, None).await,
        Err(Error::Unauthenticated)
    );
    assert_eq!(
        sourcing::default_warehouse(&db.conn, Some(&e.keeper)).await,
        Err(Error::Forbidden),
        "the quote builder's, for who writes quotes"
    );

    // 10 in MAIN, 3 in EAST.
    let p = stocked(&db.conn, &e, "HINT-1", 1_000, 10).await?;
    stock::adjust(
        &db.conn,
        Some(&e.keeper),
        &AdjustInput {
            product_id: p,
            warehouse_id: e.east,
            quantity: 3,
            reason: "opening stock".into(),
        },
    )
    .await?;
    let hint = |warehouse: i64, quantity: i64| {
        let (conn, ana) = (db.conn.clone(), e.ana.clone());
        async move {
            let preview =
                orders::preview(&conn, Some(&ana), warehouse, &[line(p, quantity)]).await?;
            let first = preview.lines.first().ok_or("line")?;
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>((
                first.available,
                first
                    .elsewhere
                    .as_ref()
                    .map(|w| (w.code.clone(), w.available)),
            ))
        }
    };
    // Short in EAST, and MAIN has more: say so.
    assert_eq!(hint(e.east, 5).await?, (3, Some(("MAIN".into(), 10))));
    assert_eq!(hint(e.east, 50).await?, (3, Some(("MAIN".into(), 10))));
    // Enough where it ships from, or nobody has more: nothing to say.
    assert_eq!(hint(e.east, 3).await?, (3, None));
    assert_eq!(hint(e.main, 4).await?, (10, None));
    assert_eq!(hint(e.main, 40).await?, (10, None));
    // Reserved stock is not available elsewhere either.
    let c = customer(&db.conn, &e.ana, "Hint Co", 0).await?;
    let o = orders::create(&db.conn, Some(&e.ana), &quote(c, e.main, vec![line(p, 9)])).await?;
    orders::confirm(&db.conn, Some(&e.ana), o.id).await?;
    assert_eq!(hint(e.east, 5).await?, (3, None), "MAIN has 1 left");
    // An archived warehouse is never suggested.
    let p2 = stocked(&db.conn, &e, "HINT-2", 1_000, 10).await?;
    warehouses::update(
        &db.conn,
        Some(&e.keeper),
        e.main,
        &WarehouseInput {
            code: "MAIN".into(),
            name: "Main warehouse".into(),
            address: String::new(),
            active: false,
        },
    )
    .await?;
    let preview = orders::preview(&db.conn, Some(&e.ana), e.east, &[line(p2, 1)]).await?;
    assert_eq!(preview.lines[0].elsewhere, None);
    Ok(())
}
