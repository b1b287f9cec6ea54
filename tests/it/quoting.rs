//! The quote builder's surroundings: quotes only in the list prices'
//! currency (issue 22, item 18) and the default warehouse with the hint of
//! where else the stock is (item 15), on both engines.

use tandem_domain::testing::db_test;
use tandem_domain::{
    access::Actor,
    messages,
    sales::orders::OrderState,
    Db, Error,
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
    support::{with_admin, BoxResult},
    world::{customer, erp, field_of, level, line, quote, stocked, Erp, Refused},
    TestResult,
};

#[db_test]
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
    let usd = customers::create(&db.conn, &e.ana, &in_currency("Dollar Inc", "usd"))
        .await?
        .id;
    let cny = customers::create(&db.conn, &e.ana, &in_currency("Yuan Ltd", "CNY"))
        .await?
        .id;
    // List prices are in the company currency, EUR unless set.
    for other in [usd, cny] {
        let err = orders::create(&db.conn, &e.ana, &quote(other, e.main, vec![line(p, 1)]))
            .await
            .refused()?;
        assert_eq!(field_of(&err), ["customer_id"]);
        assert_eq!(
            err,
            Error::field("customer_id", messages::QUOTE_CURRENCY_MISMATCH)
        );
    }
    let listed = orders::list(&db.conn, &e.manager, &OrderFilter::default(), 1, 50).await?;
    assert_eq!(listed.total, 0, "nothing was saved");
    let draft = orders::create(&db.conn, &e.ana, &quote(eur, e.main, vec![line(p, 2)])).await?;
    assert_eq!(draft.currency, "EUR");

    // The company now prices in USD: the EUR quote can be neither edited
    // nor confirmed, and a USD customer can be quoted.
    meta::set(&db.conn, dashboards::CURRENCY_KEY, "USD").await?;
    let err = orders::update(
        &db.conn,
        &e.ana,
        draft.id,
        &quote(eur, e.main, vec![line(p, 1)]),
    )
    .await
    .refused()?;
    assert_eq!(field_of(&err), ["customer_id"]);
    let err = orders::confirm(&db.conn, &e.manager, draft.id)
        .await
        .refused()?;
    assert_eq!(
        err,
        Error::Conflict(messages::QUOTE_CURRENCY_MISMATCH.into())
    );
    let stored = order(&db.conn, draft.id).await?;
    assert_eq!(stored.state, OrderState::Draft);
    assert_eq!(
        level(&db.conn, p, e.main).await?,
        (10, 0),
        "nothing reserved"
    );
    let dollars = orders::create(&db.conn, &e.ana, &quote(usd, e.main, vec![line(p, 1)])).await?;
    assert_eq!(dollars.currency, "USD");
    orders::confirm(&db.conn, &e.ana, dollars.id).await?;
    Ok(())
}

/// The warehouse a new quote of `actor`'s ships from.
async fn default_of(db: &Db, actor: &Actor) -> BoxResult<Option<i64>> {
    Ok(sourcing::default_warehouse(db, actor).await?.map(|w| w.id))
}

/// MAIN as [`erp`] creates it, active or archived.
fn main_house(active: bool) -> WarehouseInput {
    WarehouseInput {
        code: "MAIN".into(),
        name: "Main warehouse".into(),
        address: String::new(),
        active,
    }
}

#[db_test]
async fn the_default_warehouse_is_the_setting_or_else_the_first_created() -> TestResult {
    let (db, admin) = with_admin().await?;
    let e = erp(&db.conn, admin).await?;
    // MAIN was created first; EAST sorts first by code, which was the bug.
    assert_eq!(default_of(&db.conn, &e.ana).await?, Some(e.main));
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
            default_of(&db.conn, &e.ana).await?,
            Some(expected),
            "setting {setting:?}"
        );
    }
    Ok(())
}

#[db_test]
async fn an_archived_default_warehouse_falls_back_to_the_first_active_one() -> TestResult {
    let (db, admin) = with_admin().await?;
    let e = erp(&db.conn, admin).await?;
    meta::set(&db.conn, sourcing::DEFAULT_WAREHOUSE_KEY, "MAIN").await?;
    warehouses::update(&db.conn, &e.keeper, e.main, &main_house(false)).await?;
    assert_eq!(default_of(&db.conn, &e.ana).await?, Some(e.east));
    Ok(())
}

#[db_test]
async fn only_who_writes_quotes_asks_for_the_default_warehouse() -> TestResult {
    let (db, admin) = with_admin().await?;
    let e = erp(&db.conn, admin).await?;
    assert_eq!(
        sourcing::default_warehouse(&db.conn, &e.keeper).await,
        Err(Error::Forbidden),
        "the quote builder's, for who writes quotes"
    );
    Ok(())
}

/// HINT-1 with 10 in MAIN and 3 in EAST.
async fn ten_main_three_east(db: &Db, e: &Erp) -> BoxResult<i64> {
    let p = stocked(db, e, "HINT-1", 1_000, 10).await?;
    let east = AdjustInput {
        product_id: p,
        warehouse_id: e.east,
        quantity: 3,
        reason: "opening stock".into(),
    };
    stock::adjust(db, &e.keeper, &east).await?;
    Ok(p)
}

/// What the quote builder shows Ana for `quantity` of `p` from `warehouse`:
/// what is available there, and where else more is.
async fn hint(
    db: &Db,
    e: &Erp,
    p: i64,
    warehouse: i64,
    quantity: i64,
) -> BoxResult<(i64, Option<(String, i64)>)> {
    let preview = orders::preview(db, &e.ana, warehouse, &[line(p, quantity)]).await?;
    let first = preview.lines.first().ok_or("line")?;
    Ok((
        first.available,
        first
            .elsewhere
            .as_ref()
            .map(|w| (w.code.clone(), w.available)),
    ))
}

#[db_test]
async fn the_quote_builder_hints_where_more_stock_is_only_when_short() -> TestResult {
    let (db, admin) = with_admin().await?;
    let e = erp(&db.conn, admin).await?;
    let p = ten_main_three_east(&db.conn, &e).await?;
    let shown = |warehouse, quantity| hint(&db.conn, &e, p, warehouse, quantity);
    // Short in EAST, and MAIN has more: say so.
    assert_eq!(shown(e.east, 5).await?, (3, Some(("MAIN".into(), 10))));
    assert_eq!(shown(e.east, 50).await?, (3, Some(("MAIN".into(), 10))));
    // Enough where it ships from, or nobody has more: nothing to say.
    assert_eq!(shown(e.east, 3).await?, (3, None));
    assert_eq!(shown(e.main, 4).await?, (10, None));
    assert_eq!(shown(e.main, 40).await?, (10, None));
    Ok(())
}

#[db_test]
async fn reserved_stock_and_archived_warehouses_are_never_hinted() -> TestResult {
    let (db, admin) = with_admin().await?;
    let e = erp(&db.conn, admin).await?;
    let p = ten_main_three_east(&db.conn, &e).await?;
    // Reserved stock is not available elsewhere either.
    let c = customer(&db.conn, &e.ana, "Hint Co", 0).await?;
    let o = orders::create(&db.conn, &e.ana, &quote(c, e.main, vec![line(p, 9)])).await?;
    orders::confirm(&db.conn, &e.ana, o.id).await?;
    assert_eq!(
        hint(&db.conn, &e, p, e.east, 5).await?,
        (3, None),
        "MAIN has 1 left"
    );
    // An archived warehouse is never suggested.
    let p2 = stocked(&db.conn, &e, "HINT-2", 1_000, 10).await?;
    warehouses::update(&db.conn, &e.keeper, e.main, &main_house(false)).await?;
    let preview = orders::preview(&db.conn, &e.ana, e.east, &[line(p2, 1)]).await?;
    assert_eq!(preview.lines[0].elsewhere, None);
    Ok(())
}
