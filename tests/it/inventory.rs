//! Inventory: products, the stock ledger, adjustments and transfers, on
//! both engines.

use tandem_domain::testing::db_test;

use sea_orm::{ConnectionTrait, Statement};
use tandem_domain::{
    Error,
    {
        inventory::products::{self, ProductFilter, ProductInput},
        inventory::stock::{self, AdjustInput, TransferInput},
        sales::orders::{self},
    },
};

use crate::{
    support::with_admin,
    world::{customer, erp, field_of, level, line, product, quote, stocked, Refused},
    TestResult,
};

#[db_test]
async fn cost_prices_are_a_field_permission_enforced_on_the_server() -> TestResult {
    let (db, admin) = with_admin().await?;
    let e = erp(&db.conn, admin).await?;
    let id = stocked(&db.conn, &e, "BOLT-10", 250, 5).await?;
    let seen_by_sales = products::get(&db.conn, &e.ana, id).await?;
    assert_eq!(
        seen_by_sales.cost_price_minor, None,
        "sales never receive the cost"
    );
    assert_eq!(seen_by_sales.list_price_minor, 250);
    let listed = products::list(&db.conn, &e.ana, &ProductFilter::default(), 1, 50).await?;
    assert!(listed
        .items
        .iter()
        .all(|r| r.product.cost_price_minor.is_none()));
    let offered = products::search(&db.conn, &e.ana, "bolt", e.main, 10).await?;
    assert_eq!(offered.len(), 1);
    assert_eq!(offered[0].product.cost_price_minor, None);
    assert_eq!(offered[0].available, 5);
    assert_eq!(
        products::get(&db.conn, &e.keeper, id)
            .await?
            .cost_price_minor,
        Some(125)
    );
    // Nor may sales write products, let alone their cost.
    let denied = products::create(&db.conn, &e.ana, &product("NEW-1", 100, 0)).await;
    assert!(matches!(denied, Err(Error::Forbidden)));
    Ok(())
}

#[db_test]
async fn products_refuse_bad_input_and_duplicate_skus_even_concurrently() -> TestResult {
    let (db, admin) = with_admin().await?;
    let e = erp(&db.conn, admin).await?;
    let bad = ProductInput {
        sku: "has space".into(),
        name: " ".into(),
        unit: String::new(),
        list_price_minor: -1,
        tax_rate_bp: 10_001,
        barcode: "12".into(),
        ..Default::default()
    };
    let err = products::create(&db.conn, &e.keeper, &bad)
        .await
        .refused()?;
    let mut fields = field_of(&err);
    fields.sort();
    assert_eq!(
        fields,
        ["barcode", "list_price", "name", "sku", "tax_rate", "unit"]
    );
    let runs: Vec<_> = (0..6)
        .map(|_| {
            let conn = db.conn.clone();
            let keeper = e.keeper.clone();
            tokio::spawn(async move {
                products::create(&conn, &keeper, &product("dup-1", 100, 0)).await
            })
        })
        .collect();
    let mut created = 0;
    for run in runs {
        match run.await? {
            Ok(p) => {
                assert_eq!(p.sku, "DUP-1", "SKUs are stored upper case");
                created += 1;
            }
            Err(err) => assert_eq!(field_of(&err), ["sku"], "{err:?}"),
        }
    }
    assert_eq!(created, 1);
    Ok(())
}

#[db_test]
async fn adjustments_need_permission_and_a_reason_and_never_go_below_reserved() -> TestResult {
    let (db, admin) = with_admin().await?;
    let e = erp(&db.conn, admin).await?;
    let p = stocked(&db.conn, &e, "NUT-5", 100, 10).await?;
    let input = |quantity: i64, reason: &str| AdjustInput {
        product_id: p,
        warehouse_id: e.main,
        quantity,
        reason: reason.into(),
    };
    assert!(matches!(
        stock::adjust(&db.conn, &e.ana, &input(5, "found")).await,
        Err(Error::Forbidden)
    ));
    let err = stock::adjust(&db.conn, &e.keeper, &input(0, " "))
        .await
        .refused()?;
    let mut fields = field_of(&err);
    fields.sort();
    assert_eq!(fields, ["quantity", "reason"]);
    let c = customer(&db.conn, &e.ana, "Acme", 0).await?;
    let o = orders::create(&db.conn, &e.ana, &quote(c, e.main, vec![line(p, 7)])).await?;
    orders::confirm(&db.conn, &e.ana, o.id).await?;
    assert_eq!(level(&db.conn, p, e.main).await?, (10, 7));
    let err = stock::adjust(&db.conn, &e.keeper, &input(-4, "damaged"))
        .await
        .refused()?;
    assert_eq!(field_of(&err), ["quantity"], "3 are free, 4 cannot go");
    stock::adjust(&db.conn, &e.keeper, &input(-3, "damaged")).await?;
    assert_eq!(level(&db.conn, p, e.main).await?, (7, 7));
    let history = stock::moves(&db.conn, &e.keeper, p, None, None, 1, 50).await?;
    assert_eq!(history.total, 2);
    assert_eq!(history.items[0].entry.quantity, -3);
    assert_eq!(history.items[0].entry.reason, "damaged");
    assert_eq!(history.items[0].entry.kind, "adjustment");
    assert!(stock::check_ledger(&db.conn).await?.is_empty());
    Ok(())
}

#[db_test]
async fn the_database_itself_refuses_negative_or_over_reserved_stock() -> TestResult {
    let (db, admin) = with_admin().await?;
    let e = erp(&db.conn, admin).await?;
    let p = stocked(&db.conn, &e, "CHK-1", 100, 5).await?;
    let backend = db.conn.get_database_backend();
    for sql in [
        format!("UPDATE stock_levels SET reserved = 6 WHERE product_id = {p}"),
        format!("UPDATE stock_levels SET on_hand = -1, reserved = 0 WHERE product_id = {p}"),
        format!("UPDATE stock_levels SET reserved = -1 WHERE product_id = {p}"),
    ] {
        let result = db
            .conn
            .execute(Statement::from_string(backend, sql.clone()))
            .await;
        assert!(result.is_err(), "the CHECK constraint refuses: {sql}");
    }
    assert_eq!(level(&db.conn, p, e.main).await?, (5, 0));
    Ok(())
}

#[db_test]
async fn transfers_move_unreserved_stock_between_warehouses_in_one_step() -> TestResult {
    let (db, admin) = with_admin().await?;
    let e = erp(&db.conn, admin).await?;
    let p = stocked(&db.conn, &e, "PIPE-2", 100, 8).await?;
    let t = |from, to, quantity| TransferInput {
        product_id: p,
        from_warehouse_id: from,
        to_warehouse_id: to,
        quantity,
        reason: "rebalance".into(),
    };
    let number = stock::transfer(&db.conn, &e.keeper, &t(e.main, e.east, 3)).await?;
    assert!(number.starts_with("TRF-"), "{number}");
    assert_eq!(level(&db.conn, p, e.main).await?, (5, 0));
    assert_eq!(level(&db.conn, p, e.east).await?, (3, 0));
    let err = stock::transfer(&db.conn, &e.keeper, &t(e.main, e.east, 6))
        .await
        .refused()?;
    assert_eq!(field_of(&err), ["quantity"]);
    let err = stock::transfer(&db.conn, &e.keeper, &t(e.main, e.main, 1))
        .await
        .refused()?;
    assert_eq!(field_of(&err), ["to_warehouse_id"]);
    assert!(matches!(
        stock::transfer(&db.conn, &e.ana, &t(e.main, e.east, 1)).await,
        Err(Error::Forbidden)
    ));
    let levels = stock::levels(&db.conn, &e.ana, p).await?;
    assert_eq!(
        levels
            .iter()
            .map(|l| (l.warehouse.code.as_str(), l.on_hand))
            .collect::<Vec<_>>(),
        [("EAST", 3), ("MAIN", 5)]
    );
    let moves = stock::moves(&db.conn, &e.keeper, p, None, None, 1, 10).await?;
    let kinds: Vec<&str> = moves.items.iter().map(|m| m.entry.kind.as_str()).collect();
    assert_eq!(kinds, ["transfer_in", "transfer_out", "adjustment"]);
    assert!(moves.items[..2]
        .iter()
        .all(|m| m.entry.doc_number == number));
    assert!(stock::check_ledger(&db.conn).await?.is_empty());
    Ok(())
}
