//! The approval rule of quotes (issue 22, item 1), on both engines: a line
//! whose effective discount against its product's list price is above the
//! threshold, or whose tax rate is not its product's, is never confirmed
//! without a recorded approver.

use std::collections::HashMap;
use tandem_domain::testing::db_test;

use sea_orm::EntityTrait;
use tandem_domain::{
    entities::sales_orders,
    messages,
    sales::orders::OrderState,
    Db, Error,
    {
        inventory::products,
        platform::meta,
        sales::orders::{self, LineInput, OrderFilter},
    },
};

use crate::{
    support::{with_admin, BoxResult},
    world::{customer, erp, level, line, lines, product, quote, stocked, Erp, Gen, Refused},
    TestResult,
};

/// The rule restated independently of the domain's arithmetic: the line
/// sells more than `threshold` basis points below list exactly when
/// list × (10 000 − threshold) > price × (10 000 − discount).
fn over_threshold(list: i64, price: i64, discount: i32, threshold: i32) -> bool {
    list > 0
        && i128::from(list) * i128::from(10_000 - threshold)
            > i128::from(price) * i128::from(10_000 - discount)
}

pub(crate) async fn order(db: &Db, id: i64) -> BoxResult<sales_orders::Model> {
    Ok(sales_orders::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or("order")?)
}

fn refusal(discount: bool, tax: bool) -> &'static str {
    match (discount, tax) {
        (true, true) => messages::NEEDS_APPROVAL_SEVERAL,
        (false, true) => messages::NEEDS_APPROVAL_TAX,
        _ => messages::NEEDS_APPROVAL_DISCOUNT,
    }
}

fn reason(discount: bool, tax: bool) -> String {
    [(discount, "discount"), (tax, "tax")]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, r)| *r)
        .collect::<Vec<_>>()
        .join(",")
}

/// SO-2026-000410: a unit price of 0.01 against a list price of 1,000.00
/// with tax 0 was confirmed by a sales user without approval.
#[db_test]
async fn a_price_far_below_list_at_zero_tax_needs_a_recorded_approver() -> TestResult {
    let (db, admin) = with_admin().await?;
    let e = erp(&db.conn, admin).await?;
    let p = stocked(&db.conn, &e, "DRILL-1", 100_000, 50).await?;
    let c = customer(&db.conn, &e.ana, "Bargain Hunters", 0).await?;
    let mut cheap = line(p, 10);
    cheap.unit_price_minor = Some(1);
    cheap.tax_rate_bp = Some(0);
    let o = orders::create(&db.conn, &e.ana, &quote(c, e.main, vec![cheap])).await?;
    // What the order page shows before anyone confirms: the same rule.
    let preview = orders::approval(&db.conn, &e.ana, o.id).await?;
    assert!(preview.over_discount && preview.over_tax, "{preview:?}");
    assert_eq!(preview.reason(), "discount,tax");
    let err = orders::confirm(&db.conn, &e.ana, o.id).await.refused()?;
    assert_eq!(
        err,
        Error::Conflict(messages::NEEDS_APPROVAL_SEVERAL.into())
    );
    let waiting = order(&db.conn, o.id).await?;
    assert_eq!(
        (waiting.state.as_str(), waiting.approved_by),
        ("draft", None)
    );
    assert_eq!(waiting.approval_reason, "discount,tax");
    assert_eq!(
        level(&db.conn, p, e.main).await?,
        (50, 0),
        "nothing reserved"
    );
    // Approvers find it; a sales user cannot approve it themselves.
    let queue = orders::list(
        &db.conn,
        &e.manager,
        &OrderFilter {
            state: Some("approval".into()),
            ..Default::default()
        },
        1,
        50,
    )
    .await?;
    assert!(queue.items.iter().any(|r| r.order.id == o.id));
    assert_eq!(
        orders::approve(&db.conn, &e.ana, o.id).await,
        Err(Error::Forbidden)
    );
    orders::approve(&db.conn, &e.manager, o.id).await?;
    let done = orders::confirm(&db.conn, &e.ana, o.id).await?;
    assert_eq!(done.order.state, OrderState::Confirmed);
    assert_eq!(done.order.approved_by, Some(e.manager.user_id));
    assert_eq!(done.order.approval_reason, "discount,tax");
    Ok(())
}

#[derive(Debug)]
struct Case {
    list: i64,
    price: Option<i64>,
    discount: i32,
    tax: Option<i32>,
    over_discount: bool,
    tax_differs: bool,
}

const fn case(
    list: i64,
    price: Option<i64>,
    discount: i32,
    tax: Option<i32>,
    over_discount: bool,
    tax_differs: bool,
) -> Case {
    Case {
        list,
        price,
        discount,
        tax,
        over_discount,
        tax_differs,
    }
}

/// Products at 19 %, threshold 20 %.
const CASES: &[Case] = &[
    // The line, and the same at the product's tax rate.
    case(100_000, Some(1), 0, Some(0), true, true),
    case(100_000, Some(1), 0, None, true, false),
    case(100_000, Some(0), 0, None, true, false),
    // The discount field alone, at list price: at the threshold is fine.
    case(10_000, None, 2000, None, false, false),
    case(10_000, None, 2001, None, true, false),
    case(10_000, None, 10_000, None, true, false),
    // A price below list counts like a discount, both together too.
    case(10_000, Some(8_000), 0, None, false, false),
    case(10_000, Some(7_999), 0, None, true, false),
    case(10_000, Some(8_000), 1, None, true, false),
    case(10_000, Some(9_000), 1500, None, true, false),
    // Fractions of a basis point are never rounded away.
    case(1_000_001, Some(800_000), 0, None, true, false),
    case(1_000_001, Some(800_001), 0, None, false, false),
    case(3, Some(2), 0, None, true, false),
    // Above list, and a discount that only brings it back to list.
    case(10_000, Some(12_500), 2000, None, false, false),
    case(10_000, Some(20_000), 5000, None, false, false),
    case(10_000, Some(25_000), 0, None, false, false),
    // A product listed at 0 has nothing to discount.
    case(0, Some(500), 0, None, false, false),
    case(0, None, 10_000, None, false, false),
    // Tax: the product's rate (given or not) is fine; any other is not.
    case(10_000, None, 0, Some(1900), false, false),
    case(10_000, None, 0, Some(2500), false, true),
    case(10_000, None, 0, Some(1), false, true),
    case(10_000, Some(1_000), 0, Some(700), true, true),
];

#[db_test]
async fn effective_discounts_and_tax_rates_need_approval_as_the_table_says() -> TestResult {
    let (db, admin) = with_admin().await?;
    let e = erp(&db.conn, admin).await?;
    let c = customer(&db.conn, &e.ana, "Table Co", 0).await?;
    for (i, case) in CASES.iter().enumerate() {
        let p = products::create(
            &db.conn,
            &e.keeper,
            &product(&format!("TBL-{i}"), case.list, 1900),
        )
        .await?
        .id;
        let mut l = line(p, 3);
        l.unit_price_minor = case.price;
        l.discount_bp = case.discount;
        l.tax_rate_bp = case.tax;
        let o = orders::create(&db.conn, &e.ana, &quote(c, e.main, vec![l])).await?;
        let approval = orders::approval(&db.conn, &e.ana, o.id).await?;
        assert_eq!(
            (approval.over_discount, approval.over_tax),
            (case.over_discount, case.tax_differs),
            "case {i}: {case:?}"
        );
        let result = orders::confirm(&db.conn, &e.ana, o.id).await;
        if case.over_discount || case.tax_differs {
            let err = result.refused()?;
            assert_eq!(
                err,
                Error::Conflict(refusal(case.over_discount, case.tax_differs).into()),
                "case {i}"
            );
            let stored = order(&db.conn, o.id).await?;
            assert_eq!((stored.state.as_str(), stored.approved_by), ("draft", None));
        } else {
            let done = result.map_err(|err| format!("case {i}: {case:?}: {err:?}"))?;
            assert_eq!(done.order.state, OrderState::Confirmed, "case {i}");
            assert_eq!(done.order.approved_by, None, "case {i}");
        }
    }
    Ok(())
}

/// The products of the random-lines test: one per list price, taxes in
/// turn; each as (id, list price, tax rate).
async fn random_catalogue(db: &Db, e: &Erp, taxes: &[i32]) -> BoxResult<Vec<(i64, i64, i32)>> {
    let mut catalogue = Vec::new();
    for (n, list) in [0_i64, 1, 3, 99, 10_000, 123_457, 100_000_000]
        .into_iter()
        .enumerate()
    {
        let tax = taxes[n % taxes.len()];
        let p = products::create(db, &e.keeper, &product(&format!("RND-{n}"), list, tax)).await?;
        catalogue.push((p.id, list, tax));
    }
    Ok(catalogue)
}

/// One to three random lines from `catalogue` (prices near the threshold,
/// tiny or huge, discounts at its edges, a tax rate other than the product's
/// or none), and whether they break the discount rule and the tax rule.
fn random_lines(
    gen: &mut Gen,
    catalogue: &[(i64, i64, i32)],
    taxes: &[i32],
    threshold: i32,
) -> (Vec<LineInput>, bool, bool) {
    let (mut discount_rule, mut tax_rule) = (false, false);
    let mut input: Vec<LineInput> = Vec::new();
    for _ in 0..1 + gen.below(3) {
        let (id, list, tax) = catalogue[gen.below(catalogue.len() as u64) as usize];
        let near = list * i64::from(10_000 - threshold) / 10_000;
        let price = match gen.below(6) {
            0 | 1 => None,
            2 => Some(list * gen.below(131) as i64 / 100),
            3 => Some((near + gen.below(3) as i64 - 1).max(0)),
            4 => Some(gen.below(3) as i64),
            _ => Some(gen.below(200_000_000) as i64),
        };
        let discounts = [0, 500, threshold - 1, threshold, threshold + 1, 2500];
        let discount = if gen.below(4) == 0 {
            gen.below(10_001) as i32
        } else {
            discounts[gen.below(discounts.len() as u64) as usize]
        };
        let rate = match gen.below(6) {
            0..=2 => None,
            3 => Some(tax),
            4 => Some(taxes[gen.below(3) as usize]),
            _ => Some(gen.below(10_001) as i32),
        };
        discount_rule |= over_threshold(list, price.unwrap_or(list), discount, threshold);
        tax_rule |= rate.is_some_and(|r| r != tax);
        input.push(LineInput {
            product_id: id,
            quantity: 1 + gen.below(1_000) as i64,
            unit_price_minor: price,
            discount_bp: discount,
            tax_rate_bp: rate,
        });
    }
    (input, discount_rule, tax_rule)
}

/// Ana asks to confirm quote `id`, whose lines break the discount and tax
/// rules as given: it is confirmed exactly when they break none; refused, it
/// stays a draft with the reason and, in every third round, is approved by
/// the manager and then confirmed by Ana. Returns whether it was refused.
async fn confirm_within_the_rules(
    db: &Db,
    e: &Erp,
    id: i64,
    (discount_rule, tax_rule): (bool, bool),
    round: u32,
) -> BoxResult<bool> {
    match orders::confirm(db, &e.ana, id).await {
        Ok(done) => {
            assert!(
                !discount_rule && !tax_rule,
                "round {round}: confirmed past the rules"
            );
            assert_eq!(done.order.state, OrderState::Confirmed);
            Ok(false)
        }
        Err(err) => {
            assert!(
                discount_rule || tax_rule,
                "round {round}: refused within the rules: {err:?}"
            );
            assert_eq!(
                err,
                Error::Conflict(refusal(discount_rule, tax_rule).into())
            );
            let stored = order(db, id).await?;
            assert_eq!((stored.state.as_str(), stored.approved_by), ("draft", None));
            assert_eq!(stored.approval_reason, reason(discount_rule, tax_rule));
            // Some are approved, then confirmed by the sales user.
            if round.is_multiple_of(3) {
                orders::approve(db, &e.manager, id).await?;
                let done = orders::confirm(db, &e.ana, id).await?;
                assert_eq!(done.order.approved_by, Some(e.manager.user_id));
            }
            Ok(true)
        }
    }
}

/// The invariant over everything stored: a confirmed order with a line past
/// the rules of `catalogue` has an approver.
async fn assert_every_confirmation_past_the_rules_has_an_approver(
    db: &Db,
    e: &Erp,
    catalogue: &[(i64, i64, i32)],
    threshold: i32,
) -> TestResult {
    let rule: HashMap<i64, (i64, i32)> = catalogue
        .iter()
        .map(|&(id, list, tax)| (id, (list, tax)))
        .collect();
    let all = orders::list(db, &e.manager, &OrderFilter::default(), 1, 200).await?;
    for row in all
        .items
        .iter()
        .filter(|r| r.order.state == OrderState::Confirmed)
    {
        let past = lines(db, row.order.id).await?.iter().any(|l| {
            let (list, tax) = rule[&l.product_id];
            over_threshold(list, l.unit_price_minor, l.discount_bp, threshold)
                || l.tax_rate_bp != tax
        });
        assert!(
            !past || row.order.approved_by.is_some(),
            "{} confirmed past the rules without an approver",
            row.order.number
        );
    }
    Ok(())
}

/// Random lines (price, discount, tax, quantity) quoted by a sales user
/// without `orders.approve`: every confirmation that goes through has no
/// line past the rules, or a recorded approver; every refused quote is
/// refused for exactly the rules it breaks, and lines within them confirm.
#[db_test]
async fn random_lines_never_confirm_past_the_rules_without_a_recorded_approver() -> TestResult {
    let (db, admin) = with_admin().await?;
    let e = erp(&db.conn, admin).await?;
    // A threshold other than the default: the setting is what counts.
    let threshold: i32 = 1750;
    meta::set(
        &db.conn,
        orders::DISCOUNT_THRESHOLD_KEY,
        &threshold.to_string(),
    )
    .await?;
    let taxes = [0, 700, 1900];
    let catalogue = random_catalogue(&db.conn, &e, &taxes).await?;
    let c = customer(&db.conn, &e.ana, "Random Lines", 0).await?;
    let mut gen = Gen(0xA11CE);
    let rounds = if tandem_domain::testing::engine_name() == "postgres" {
        60
    } else {
        100
    };
    let (mut refused, mut clean) = (0, 0);
    for round in 0..rounds {
        let (input, discount_rule, tax_rule) =
            random_lines(&mut gen, &catalogue, &taxes, threshold);
        let o = orders::create(&db.conn, &e.ana, &quote(c, e.main, input)).await?;
        let shown = orders::approval(&db.conn, &e.ana, o.id).await?;
        assert_eq!(
            (shown.over_discount, shown.over_tax),
            (discount_rule, tax_rule),
            "round {round}"
        );
        let rules = (discount_rule, tax_rule);
        if confirm_within_the_rules(&db.conn, &e, o.id, rules, round).await? {
            refused += 1;
        } else {
            clean += 1;
        }
    }
    assert!(
        refused >= 5 && clean >= 5,
        "refused {refused}, clean {clean}"
    );
    assert_every_confirmation_past_the_rules_has_an_approver(&db.conn, &e, &catalogue, threshold)
        .await
}

/// An edit racing a confirmation: the edit clears the approval, so either
/// the approved lines are confirmed (and the edit refused) or the edited
/// quote waits for a new approval; never the edited lines under the old
/// approval.
#[db_test]
async fn an_edit_racing_a_confirmation_never_rides_on_the_old_approval() -> TestResult {
    let (db, admin) = with_admin().await?;
    let e = erp(&db.conn, admin).await?;
    let p = stocked(&db.conn, &e, "RACE-1", 10_000, 1_000).await?;
    let c = customer(&db.conn, &e.ana, "Race Co", 0).await?;
    let deep = |discount: i32| {
        let mut l = line(p, 1);
        l.discount_bp = discount;
        l
    };
    for _ in 0..8 {
        let id = orders::create(&db.conn, &e.ana, &quote(c, e.main, vec![deep(2500)]))
            .await?
            .id;
        orders::approve(&db.conn, &e.manager, id).await?;
        let edit = {
            let (conn, ana) = (db.conn.clone(), e.ana.clone());
            let input = quote(c, e.main, vec![deep(9000)]);
            tokio::spawn(async move { orders::update(&conn, &ana, id, &input).await })
        };
        let confirm = {
            let (conn, ana) = (db.conn.clone(), e.ana.clone());
            tokio::spawn(async move { orders::confirm(&conn, &ana, id).await })
        };
        let (edited, confirmed) = (edit.await?, confirm.await?);
        let stored = order(&db.conn, id).await?;
        let discounts: Vec<i32> = lines(&db.conn, id)
            .await?
            .iter()
            .map(|l| l.discount_bp)
            .collect();
        if stored.state == OrderState::Confirmed {
            assert_eq!(discounts, [2500], "only the approved lines are confirmed");
            assert!(confirmed.is_ok() && edited.is_err());
        } else {
            assert_eq!(stored.state, OrderState::Draft);
            assert_eq!(discounts, [9000]);
            assert_eq!(stored.approved_by, None, "the edit cleared the approval");
            assert!(edited.is_ok() && confirmed.is_err());
        }
    }
    Ok(())
}
