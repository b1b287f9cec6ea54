//! Dashboards and the order summary: after a random mix of orders,
//! edits, confirms, cancels, shipments, invoices, payments, credit notes,
//! segment changes and merges, every summary row and every dashboard
//! figure equals a recount over the raw rows; concurrent writers keep it
//! exact; boards respect who may see what — on both engines.

use std::collections::BTreeMap;
use tandem_domain::testing::db_test;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use tandem_domain::{
    access::Actor,
    entities::{
        customers as customer_rows, invoices as invoice_rows, sales_order_lines, sales_orders,
    },
    Db, Error,
    {
        analytics::dashboards::{self, FilterInput, Kind, Unit},
        analytics::reports,
        billing::invoices::{self, CreditInput, PaymentInput},
        crm::customers::{self, CustomerInput},
        sales::orders::{self, OrderFilter},
        sales::shipments,
        sales::stats,
    },
};

use crate::{
    support::{with_admin, BoxResult},
    world::{customer, erp, line, quote, stocked, Erp},
    TestResult,
};

/// A small deterministic generator (no dependency, same run every time).
pub(crate) struct Gen(pub u64);

impl Gen {
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n.max(1)
    }
}

async fn set_segment(db: &Db, actor: &Actor, id: i64, segment: &str) -> Result<(), Error> {
    let c = customer_rows::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(Error::NotFound)?;
    let input = CustomerInput {
        kind: c.kind,
        name: c.name,
        email: c.email.unwrap_or_default(),
        phone: c.phone.unwrap_or_default(),
        address: c.address,
        tax_id: c.tax_id.unwrap_or_default(),
        segment: segment.into(),
        tags: vec![],
        owner_id: c.owner_id,
        credit_limit_minor: c.credit_limit_minor,
        currency: c.currency,
        payment_terms_days: c.payment_terms_days,
        notes: c.notes,
    };
    customers::update(
        db,
        actor,
        id,
        &input,
        &tandem_domain::sales::stats::OrderSummaries,
    )
    .await
    .map(|_| ())
}

/// One random step; refusals (validation, conflict) are part of the mix.
async fn step(
    db: &Db,
    e: &Erp,
    g: &mut Gen,
    customers_: &mut Vec<i64>,
    products: &[i64],
) -> Result<(), Error> {
    let all: Vec<sales_orders::Model> = sales_orders::Entity::find().all(db).await?;
    let pick = |g: &mut Gen, states: &[&str]| {
        let some: Vec<&sales_orders::Model> = all
            .iter()
            .filter(|o| states.contains(&o.state.as_str()))
            .collect();
        (!some.is_empty()).then(|| some[g.below(some.len() as u64) as usize].clone())
    };
    match g.below(11) {
        0..=2 => {
            let c = customers_[g.below(customers_.len() as u64) as usize];
            let w = if g.below(3) == 0 { e.east } else { e.main };
            let q = quote(
                c,
                w,
                vec![line(products[g.below(3) as usize], 1 + g.below(4) as i64)],
            );
            orders::create(db, &e.manager, &q).await.map(|_| ())
        }
        3 => match pick(g, &["draft"]) {
            Some(o) => {
                let q = quote(
                    o.customer_id,
                    o.warehouse_id,
                    vec![line(products[g.below(3) as usize], 1 + g.below(5) as i64)],
                );
                orders::update(db, &e.manager, o.id, &q).await.map(|_| ())
            }
            None => Ok(()),
        },
        4 | 5 => match pick(g, &["draft"]) {
            Some(o) => orders::confirm(db, &e.manager, o.id).await.map(|_| ()),
            None => Ok(()),
        },
        6 => match pick(g, &["draft", "confirmed"]) {
            Some(o) => orders::cancel(db, &e.manager, o.id, "changed mind")
                .await
                .map(|_| ()),
            None => Ok(()),
        },
        7 => match pick(g, &["confirmed", "partially_shipped"]) {
            Some(o) => {
                let lines = sales_order_lines::Entity::find()
                    .filter(sales_order_lines::Column::OrderId.eq(o.id))
                    .all(db)
                    .await?;
                let picks: Vec<(i64, i64)> = lines
                    .iter()
                    .filter(|l| l.reserved > 0)
                    .map(|l| (l.id, l.reserved))
                    .collect();
                if picks.is_empty() {
                    return Ok(());
                }
                let s = shipments::create(db, &e.keeper, o.id, &picks).await?;
                shipments::ship(db, &e.keeper, s.id, "Post", "")
                    .await
                    .map(|_| ())
            }
            None => Ok(()),
        },
        8 => match pick(g, &["partially_shipped", "shipped"]) {
            Some(o) => invoices::raise(db, &e.manager, o.id, None, Utc::now().date_naive())
                .await
                .map(|_| ()),
            None => Ok(()),
        },
        9 => {
            let open = invoice_rows::Entity::find()
                .filter(invoice_rows::Column::State.is_in(invoices::UNPAID))
                .all(db)
                .await?;
            if open.is_empty() {
                return Ok(());
            }
            let inv = &open[g.below(open.len() as u64) as usize];
            if g.below(2) == 0 {
                let owed = inv.total_minor - inv.paid_minor - inv.credited_minor;
                let pay = PaymentInput {
                    invoice_id: inv.id,
                    amount_minor: owed,
                    method: "bank_transfer".into(),
                    ..Default::default()
                };
                invoices::pay(db, &e.manager, &pay, Utc::now().date_naive())
                    .await
                    .map(|_| ())
            } else {
                let credit = CreditInput {
                    invoice_id: inv.id,
                    lines: vec![],
                    reason: "damaged".into(),
                };
                invoices::credit(db, &e.manager, &credit, Utc::now().date_naive())
                    .await
                    .map(|_| ())
            }
        }
        _ => {
            let c = customers_[g.below(customers_.len() as u64) as usize];
            if g.below(4) == 0 && customers_.len() > 3 {
                let other = customers_[g.below(customers_.len() as u64) as usize];
                if other == c {
                    return Ok(());
                }
                customers::merge(
                    db,
                    &e.manager,
                    c,
                    other,
                    &tandem_domain::sales::stats::OrderSummaries,
                )
                .await?;
                customers_.retain(|x| *x != other);
                Ok(())
            } else {
                let segments = ["retail", "wholesale", "public"];
                set_segment(db, &e.manager, c, segments[g.below(3) as usize]).await
            }
        }
    }
}

/// Booked net revenue and orders per state recounted from the orders.
async fn recount(
    db: &Db,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> BoxResult<(i64, BTreeMap<String, i64>, Vec<(i64, i64)>)> {
    let booked = [
        "confirmed",
        "partially_shipped",
        "shipped",
        "invoiced",
        "closed",
    ];
    let mut revenue = 0;
    let mut states = BTreeMap::new();
    let mut per_customer: BTreeMap<i64, i64> = BTreeMap::new();
    for o in sales_orders::Entity::find().all(db).await? {
        let day = o.created_at.date_naive();
        if day < from || day > to || o.currency != "EUR" {
            continue;
        }
        *states.entry(o.state.as_str().to_owned()).or_insert(0) += 1;
        if booked.contains(&o.state.as_str()) {
            revenue += o.subtotal_minor;
            *per_customer.entry(o.customer_id).or_insert(0) += o.subtotal_minor;
        }
    }
    let mut top: Vec<(i64, i64)> = per_customer.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    top.truncate(5);
    Ok((revenue, states, top))
}

/// The five products with the most booked net revenue (EUR) of orders
/// created `from ..= to`, from the order lines: (product, net, quantity).
async fn recount_products(
    db: &Db,
    from: NaiveDate,
    to: NaiveDate,
) -> BoxResult<Vec<(i64, i64, i64)>> {
    let booked_in_period: BTreeMap<i64, ()> = sales_orders::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .filter(|o| {
            let day = o.created_at.date_naive();
            day >= from && day <= to && o.currency == "EUR" && dashboards::BOOKED.contains(&o.state)
        })
        .map(|o| (o.id, ()))
        .collect();
    let mut per_product: BTreeMap<i64, (i64, i64)> = BTreeMap::new();
    for l in sales_order_lines::Entity::find().all(db).await? {
        if booked_in_period.contains_key(&l.order_id) {
            let slot = per_product.entry(l.product_id).or_default();
            slot.0 += l.net_minor;
            slot.1 += l.quantity;
        }
    }
    let mut top: Vec<(i64, i64, i64)> = per_product
        .into_iter()
        .map(|(p, (n, q))| (p, n, q))
        .collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    top.truncate(5);
    Ok(top)
}

/// Three products and six customers, Ana's and Ben's in turn: what the
/// random operations work on. Returns (products, customers).
async fn analytic_book(db: &Db, e: &Erp) -> BoxResult<(Vec<i64>, Vec<i64>)> {
    let mut products = Vec::new();
    for n in 0..3 {
        products.push(stocked(db, e, &format!("AN-{n}"), 1_000 + 250 * n, 40).await?);
    }
    let mut customers_ = Vec::new();
    for n in 0..6 {
        let owner = if n % 2 == 0 { &e.ana } else { &e.ben };
        customers_.push(customer(db, owner, &format!("Analytic {n}"), 0).await?);
    }
    Ok((products, customers_))
}

#[db_test]
async fn summary_and_dashboard_figures_equal_a_recount_after_random_operations() -> TestResult {
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let e = erp(db, admin).await?;
    let (products, mut customers_) = analytic_book(db, &e).await?;
    let mut g = Gen(0xDA5B);
    let steps = if tandem_domain::testing::engine_name() == "postgres" {
        90
    } else {
        150
    };
    for n in 0..steps {
        match step(db, &e, &mut g, &mut customers_, &products).await {
            Ok(()) | Err(Error::Validation(_)) | Err(Error::Conflict(_)) => {}
            Err(other) => return Err(format!("step {n}: unexpected {other:?}").into()),
        }
        if n % 30 == 29 {
            let differences = tandem_domain::analytics::summaries::check(db).await?;
            assert!(differences.is_empty(), "step {n}: {differences:?}");
        }
    }
    assert!(tandem_domain::analytics::summaries::check(db)
        .await?
        .is_empty());
    rebuilds_equal_the_maintained_summaries(db).await?;
    let now = Utc::now();
    let counted = manager_board_equals_a_recount(db, &e, now).await?;
    year_rankings_and_sales_report_equal_a_recount(db, &e, now, &counted.board).await?;
    let by_customer = sales_reports_total_the_orders(db, &e, now, &counted).await?;
    let aging = aging_totals_the_unpaid_invoices(db, &e, now).await?;
    cut_reports_keep_the_whole_reports_totals(db, &e, now, [&by_customer, &aging]).await?;
    inventory_valuation_totals_the_stock_on_hand(db, &e, now).await?;
    csv_exports_have_a_header_and_a_total_row(&by_customer)?;
    sales_may_not_run_reports(db, &e, now).await;
    segment_and_owner_board_equals_a_recount(db, &e, now).await
}

/// Each summary's rebuild equals the values kept up to date by the writes.
async fn rebuilds_equal_the_maintained_summaries(db: &Db) -> TestResult {
    let kept = stats::maintained(db).await?;
    let kept_products = stats::maintained_products(db).await?;
    let kept_customers = stats::maintained_customers(db).await?;
    let kept_years = stats::maintained_product_years(db).await?;
    assert!(!kept.is_empty());
    assert!(!kept_years.is_empty());
    assert!(!kept_products.is_empty());
    assert!(!kept_customers.is_empty());
    let rows = stats::rebuild(db, |_| ()).await?;
    assert_eq!(rows, kept.len() as u64);
    assert_eq!(
        stats::maintained(db).await?,
        kept,
        "rebuild equals the maintained values"
    );
    assert_eq!(
        stats::maintained_products(db).await?,
        kept_products,
        "the product summary's rebuild equals the maintained values"
    );
    assert_eq!(
        stats::maintained_customers(db).await?,
        kept_customers,
        "the customer summary's rebuild equals the maintained values"
    );
    assert_eq!(
        stats::maintained_product_years(db).await?,
        kept_years,
        "the products' year summary's rebuild equals the maintained values"
    );
    Ok(())
}

/// The manager's board over the default period and what a recount of the
/// raw rows says of that period.
struct Counted {
    board: dashboards::Board,
    revenue: i64,
    states: BTreeMap<String, i64>,
}

fn tile_of(board: &dashboards::Board, key: &str) -> Option<i64> {
    board
        .tiles
        .iter()
        .find(|t| t.key == key)
        .and_then(|t| t.value)
}

/// The manager's board against the raw rows: revenue tile and chart,
/// orders by state, top customers and the overdue amount.
async fn manager_board_equals_a_recount(
    db: &Db,
    e: &Erp,
    now: DateTime<Utc>,
) -> BoxResult<Counted> {
    let input = FilterInput::default();
    let board = dashboards::board(db, &e.manager, Kind::Manager, &input, now).await?;
    let (revenue, states, top) = recount(db, board.filter.from, board.filter.to).await?;
    assert!(revenue > 0);
    assert!(states.len() >= 5, "the mix reached most states: {states:?}");
    assert_eq!(tile_of(&board, "revenue"), Some(revenue));
    let chart = board
        .charts
        .iter()
        .find(|c| c.key == "revenue")
        .ok_or("no revenue chart")?;
    assert_eq!(chart.points.iter().map(|p| p.value).sum::<i64>(), revenue);
    let by_state = board
        .charts
        .iter()
        .find(|c| c.key == "orders_by_state")
        .ok_or("no state chart")?;
    for p in &by_state.points {
        assert_eq!(
            p.value,
            states.get(&p.label).copied().unwrap_or(0),
            "{}",
            p.label
        );
    }
    let ranked: Vec<(i64, i64)> = board.rankings[0]
        .rows
        .iter()
        .map(|(r, _)| (r.id, r.net_minor))
        .collect();
    assert_eq!(ranked, top);
    let owed: i64 = invoice_rows::Entity::find()
        .filter(invoice_rows::Column::State.eq("overdue"))
        .all(db)
        .await?
        .iter()
        .map(|i| i.total_minor - i.paid_minor - i.credited_minor)
        .sum();
    assert_eq!(tile_of(&board, "overdue_amount"), Some(owed));
    Ok(Counted {
        board,
        revenue,
        states,
    })
}

/// This year's top customers come from the customer summary, and so does
/// the year's sales by customer report, whole and cut to a screen's first
/// rows (the totals stay those of every customer); top products from both
/// boards against the order lines.
async fn year_rankings_and_sales_report_equal_a_recount(
    db: &Db,
    e: &Erp,
    now: DateTime<Utc>,
    board: &dashboards::Board,
) -> TestResult {
    let year_input = FilterInput {
        period: "year".into(),
        ..FilterInput::default()
    };
    let year = dashboards::board(db, &e.manager, Kind::Manager, &year_input, now).await?;
    let (revenue_of_year, _, top_of_year) = recount(db, year.filter.from, year.filter.to).await?;
    let ranked: Vec<(i64, i64)> = year.rankings[0]
        .rows
        .iter()
        .map(|(r, _)| (r.id, r.net_minor))
        .collect();
    assert_eq!(ranked, top_of_year);
    for limit in [None, Some(2)] {
        let report = reports::run(
            db,
            &e.manager,
            "sales_by_customer",
            &year_input,
            None,
            now,
            limit,
        )
        .await?;
        let net = report
            .columns
            .iter()
            .position(|c| c.key == "net")
            .ok_or("no net column")?;
        assert_eq!(
            report.totals[net],
            reports::Cell::Number(Some(revenue_of_year))
        );
        let rows: Vec<(i64, i64)> = report
            .rows
            .iter()
            .zip(&report.links)
            .map(|(row, link)| {
                let id = link
                    .as_deref()
                    .and_then(|l| l.strip_prefix("/customers/"))
                    .and_then(|l| l.parse().ok())
                    .unwrap_or_default();
                (id, number(&row[net]))
            })
            .collect();
        let shown = top_of_year.len().min(limit.unwrap_or(usize::MAX));
        assert_eq!(rows[..shown], top_of_year[..shown], "{limit:?}");
    }
    top_products_equal_the_order_lines(db, [board, &year]).await
}

/// A number cell's value, 0 for an empty or text cell.
fn number(cell: &reports::Cell) -> i64 {
    match cell {
        reports::Cell::Number(v) => v.unwrap_or(0),
        reports::Cell::Text(_) => 0,
    }
}

/// Top products against the order lines: over 30 days from the product
/// summary by day, over this year from the products' year summary.
async fn top_products_equal_the_order_lines(
    db: &Db,
    boards: [&dashboards::Board; 2],
) -> TestResult {
    for b in boards {
        let products_top = recount_products(db, b.filter.from, b.filter.to).await?;
        let products_ranking = b
            .rankings
            .iter()
            .find(|r| r.key == "top_products")
            .ok_or("no product ranking")?;
        let ranked_products: Vec<(i64, i64, i64)> = products_ranking
            .rows
            .iter()
            .map(|(r, _)| (r.id, r.net_minor, r.quantity))
            .collect();
        assert!(!ranked_products.is_empty());
        assert_eq!(ranked_products, products_top, "from {}", b.filter.from);
    }
    Ok(())
}

/// Report `kind` over the default period as the manager runs it.
async fn manager_report(
    db: &Db,
    e: &Erp,
    kind: &str,
    now: DateTime<Utc>,
) -> Result<reports::Report, Error> {
    let input = FilterInput::default();
    reports::run(db, &e.manager, kind, &input, None, now, None).await
}

/// The total of column `key`, when it is a number.
fn report_total(r: &reports::Report, key: &str) -> Option<i64> {
    let i = r.columns.iter().position(|c| c.key == key)?;
    match r.totals.get(i)? {
        reports::Cell::Number(v) => *v,
        reports::Cell::Text(_) => None,
    }
}

/// Each row of `r` shows the name of the customer it links to.
async fn rows_name_their_customers(db: &Db, r: &reports::Report) -> TestResult {
    let customer_names: BTreeMap<i64, String> = customer_rows::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    assert!(!r.rows.is_empty());
    for (row, link) in r.rows.iter().zip(&r.links) {
        let shown = match &row[0] {
            reports::Cell::Text(t) => t.clone(),
            reports::Cell::Number(_) => String::new(),
        };
        let id: i64 = link
            .as_deref()
            .and_then(|l| l.strip_prefix("/customers/"))
            .and_then(|l| l.split('?').next())
            .and_then(|l| l.parse().ok())
            .unwrap_or_default();
        let name = customer_names.get(&id).cloned().unwrap_or_default();
        assert_eq!(shown, name);
    }
    Ok(())
}

/// The sales reports' totals against the recount; sales by customer names
/// each customer, the most net first. Returns sales by customer.
async fn sales_reports_total_the_orders(
    db: &Db,
    e: &Erp,
    now: DateTime<Utc>,
    counted: &Counted,
) -> BoxResult<reports::Report> {
    let by_customer = manager_report(db, e, "sales_by_customer", now).await?;
    assert_eq!(report_total(&by_customer, "net"), Some(counted.revenue));
    assert_eq!(
        report_total(&by_customer, "orders"),
        Some(
            counted
                .states
                .iter()
                .filter(|(s, _)| !["draft", "cancelled"].contains(&s.as_str()))
                .map(|(_, n)| n)
                .sum()
        )
    );
    rows_name_their_customers(db, &by_customer).await?;
    let net_column = by_customer
        .columns
        .iter()
        .position(|c| c.key == "net")
        .ok_or("no net column")?;
    let nets: Vec<i64> = by_customer
        .rows
        .iter()
        .map(|r| number(&r[net_column]))
        .collect();
    assert!(
        nets.windows(2).all(|w| w[0] >= w[1]),
        "most net first: {nets:?}"
    );
    let by_period = manager_report(db, e, "sales_by_period", now).await?;
    assert_eq!(report_total(&by_period, "net"), Some(counted.revenue));
    let by_product = manager_report(db, e, "sales_by_product", now).await?;
    assert_eq!(
        report_total(&by_product, "net"),
        Some(counted.revenue),
        "line nets add up to order nets"
    );
    Ok(by_customer)
}

/// Receivables aging owes what the unpaid invoices owe, split over its
/// buckets, each row named. Returns the report.
async fn aging_totals_the_unpaid_invoices(
    db: &Db,
    e: &Erp,
    now: DateTime<Utc>,
) -> BoxResult<reports::Report> {
    let aging = manager_report(db, e, "receivables_aging", now).await?;
    let unpaid: i64 = invoice_rows::Entity::find()
        .filter(invoice_rows::Column::State.is_in(invoices::UNPAID))
        .all(db)
        .await?
        .iter()
        .map(|i| i.total_minor - i.paid_minor - i.credited_minor)
        .sum();
    assert_eq!(report_total(&aging, "owed"), Some(unpaid));
    rows_name_their_customers(db, &aging).await?;
    let bucket = |key: &str| report_total(&aging, key).unwrap_or(0);
    assert_eq!(
        bucket("d0_30")
            + bucket("d31_60")
            + bucket("d61_90")
            + bucket("d90_plus")
            + bucket("not_due"),
        unpaid
    );
    Ok(aging)
}

/// A screen's run keeps its first rows, named, with the totals and the
/// row count of the whole report.
async fn cut_reports_keep_the_whole_reports_totals(
    db: &Db,
    e: &Erp,
    now: DateTime<Utc>,
    whole: [&reports::Report; 2],
) -> TestResult {
    for full in whole {
        let cut = reports::run(
            db,
            &e.manager,
            full.kind,
            &FilterInput::default(),
            None,
            now,
            Some(1),
        )
        .await?;
        assert_eq!(cut.rows, full.rows[..1].to_vec(), "{}", full.kind);
        assert_eq!(cut.links, full.links[..1].to_vec());
        assert_eq!(cut.totals, full.totals);
        assert_eq!(cut.row_count, full.rows.len());
        assert_eq!(full.row_count, full.rows.len());
    }
    Ok(())
}

async fn inventory_valuation_totals_the_stock_on_hand(
    db: &Db,
    e: &Erp,
    now: DateTime<Utc>,
) -> TestResult {
    let stock = manager_report(db, e, "inventory_valuation", now).await?;
    let on_hand: i64 = tandem_domain::entities::stock_levels::Entity::find()
        .all(db)
        .await?
        .iter()
        .map(|l| l.on_hand)
        .sum();
    assert_eq!(report_total(&stock, "on_hand"), Some(on_hand));
    Ok(())
}

/// A header, a line per row and the totals; labels missing from the
/// request fall back to the column keys.
fn csv_exports_have_a_header_and_a_total_row(by_customer: &reports::Report) -> TestResult {
    let keys: Vec<String> = by_customer
        .columns
        .iter()
        .map(|c| c.key.to_owned())
        .collect();
    let csv = reports::to_csv(by_customer, &keys, "Total")?;
    assert_eq!(
        String::from_utf8_lossy(&csv).lines().count(),
        by_customer.rows.len() + 2
    );
    let csv = reports::to_csv(by_customer, &[], "Total")?;
    assert!(String::from_utf8_lossy(&csv).starts_with("\u{feff}customer,orders,net,total\n"));
    Ok(())
}

/// Sales may not run reports without `reports.view`.
async fn sales_may_not_run_reports(db: &Db, e: &Erp, now: DateTime<Utc>) {
    assert!(matches!(
        reports::run(
            db,
            &e.ana,
            "sales_by_customer",
            &FilterInput::default(),
            None,
            now,
            None
        )
        .await,
        Err(Error::Forbidden)
    ));
}

/// Per segment and per owner the summary still equals the recount, and
/// the tile's link lists exactly the orders it counts.
async fn segment_and_owner_board_equals_a_recount(
    db: &Db,
    e: &Erp,
    now: DateTime<Utc>,
) -> TestResult {
    let ana_board = dashboards::board(
        db,
        &e.manager,
        Kind::Manager,
        &FilterInput {
            owner_id: Some(e.ana.user_id),
            segment: Some("retail".into()),
            ..Default::default()
        },
        now,
    )
    .await?;
    let retail: Vec<i64> = customer_rows::Entity::find()
        .filter(customer_rows::Column::Segment.eq("retail"))
        .all(db)
        .await?
        .iter()
        .map(|c| c.id)
        .collect();
    let expected: i64 = sales_orders::Entity::find()
        .all(db)
        .await?
        .iter()
        .filter(|o| o.owner_id == Some(e.ana.user_id) && retail.contains(&o.customer_id))
        .filter(|o| {
            [
                "confirmed",
                "partially_shipped",
                "shipped",
                "invoiced",
                "closed",
            ]
            .contains(&o.state.as_str())
        })
        .map(|o| o.subtotal_minor)
        .sum();
    assert_eq!(tile_of(&ana_board, "revenue"), Some(expected));
    let listed = orders::list(
        db,
        &e.manager,
        &OrderFilter {
            state: Some("booked".into()),
            owner_id: Some(e.ana.user_id),
            segment: Some("retail".into()),
            from: Some(ana_board.filter.from),
            to: Some(ana_board.filter.to),
            ..Default::default()
        },
        1,
        200,
    )
    .await?;
    assert_eq!(
        listed
            .items
            .iter()
            .map(|r| r.order.subtotal_minor)
            .sum::<i64>(),
        expected
    );
    Ok(())
}

#[db_test]
async fn concurrent_confirms_and_cancels_keep_the_summary_exact() -> TestResult {
    let (db, admin) = with_admin().await?;
    let e = erp(&db.conn, admin).await?;
    let p = stocked(&db.conn, &e, "CONC-1", 500, 100).await?;
    let c = customer(&db.conn, &e.ana, "Concurrent Co", 0).await?;
    let mut ids = Vec::new();
    for _ in 0..8 {
        ids.push(
            orders::create(&db.conn, &e.ana, &quote(c, e.main, vec![line(p, 2)]))
                .await?
                .id,
        );
    }
    // Each order confirmed twice and cancelled once at the same moment:
    // all land in the same summary rows.
    let mut tasks = Vec::new();
    for (n, id) in ids.iter().copied().enumerate() {
        for k in 0..3 {
            let conn = db.conn.clone();
            let who = e.manager.clone();
            tasks.push(tokio::spawn(async move {
                if k == 2 && n % 2 == 0 {
                    orders::cancel(&conn, &who, id, "race").await.map(|_| ())
                } else {
                    orders::confirm(&conn, &who, id).await.map(|_| ())
                }
            }));
        }
    }
    for t in tasks {
        match t.await? {
            Ok(()) | Err(Error::Conflict(_)) | Err(Error::Validation(_)) => {}
            Err(other) => return Err(format!("unexpected {other:?}").into()),
        }
    }
    let differences = tandem_domain::analytics::summaries::check(&db.conn).await?;
    assert!(differences.is_empty(), "{differences:?}");
    let total: i64 = stats::maintained(&db.conn)
        .await?
        .values()
        .map(|c| c.orders)
        .sum();
    assert_eq!(total, 8);
    Ok(())
}

#[db_test]
async fn boards_show_each_role_only_what_it_may_see() -> TestResult {
    let (db, admin) = with_admin().await?;
    let e = erp(&db.conn, admin).await?;
    let p = stocked(&db.conn, &e, "SCOPE-1", 1_000, 50).await?;
    let mine = customer(&db.conn, &e.ana, "Ana's client", 0).await?;
    let theirs = customer(&db.conn, &e.ben, "Ben's client", 0).await?;
    for (c, who, qty) in [(mine, &e.ana, 2), (theirs, &e.ben, 5)] {
        let o = orders::create(&db.conn, who, &quote(c, e.main, vec![line(p, qty)])).await?;
        orders::confirm(&db.conn, who, o.id).await?;
    }
    let now = Utc::now();
    let input = FilterInput::default();
    // Sales: own board only, own figures only.
    assert_eq!(dashboards::kinds(&e.ana)?, vec![Kind::Sales]);
    let refused = dashboards::board(&db.conn, &e.ana, Kind::Manager, &input, now).await;
    assert!(matches!(refused, Err(Error::Forbidden)));
    let ana = dashboards::board(&db.conn, &e.ana, Kind::Sales, &input, now).await?;
    let value = |b: &dashboards::Board, key: &str| {
        b.tiles.iter().find(|t| t.key == key).and_then(|t| t.value)
    };
    assert_eq!(value(&ana, "revenue"), Some(2_000));
    assert_eq!(value(&ana, "open_orders"), Some(1));
    // Sales cannot read cost prices: no stock value anywhere on their boards.
    assert!(ana.tiles.iter().all(|t| t.key != "stock_value"));
    // The manager sees both and every board.
    assert_eq!(dashboards::kinds(&e.manager)?.len(), 4);
    let m = dashboards::board(&db.conn, &e.manager, Kind::Manager, &input, now).await?;
    assert_eq!(value(&m, "revenue"), Some(7_000));
    assert!(m
        .tiles
        .iter()
        .any(|t| t.key == "stock_value" && t.unit == Unit::Money));
    // A team filter narrows to its members; an owner outside the scope is empty.
    let ben_only = FilterInput {
        owner_id: Some(e.ben.user_id),
        ..Default::default()
    };
    let m = dashboards::board(&db.conn, &e.manager, Kind::Manager, &ben_only, now).await?;
    assert_eq!(value(&m, "revenue"), Some(5_000));
    let ana_asks_for_ben = dashboards::board(&db.conn, &e.ana, Kind::Sales, &ben_only, now).await?;
    assert_eq!(
        value(&ana_asks_for_ben, "revenue"),
        Some(2_000),
        "the sales board is always the actor's own"
    );
    // A manager opens a salesperson's board through the owner filter.
    let ana_id = FilterInput {
        owner_id: Some(e.ana.user_id),
        ..Default::default()
    };
    let as_ana = dashboards::board(&db.conn, &e.manager, Kind::Sales, &ana_id, now).await?;
    assert_eq!(value(&as_ana, "revenue"), Some(2_000));
    let everyone = dashboards::board(&db.conn, &e.manager, Kind::Sales, &input, now).await?;
    assert_eq!(value(&everyone, "open_orders"), Some(2));
    // Warehouse: its own board, no sales board.
    assert_eq!(dashboards::kinds(&e.keeper)?, vec![Kind::Warehouse]);
    let w = dashboards::board(&db.conn, &e.keeper, Kind::Warehouse, &input, now).await?;
    assert_eq!(
        value(&w, "to_ship_today"),
        Some(2),
        "both orders are due today"
    );
    // Bad filters are refused with a field message.
    let bad = FilterInput {
        period: "fortnight".into(),
        ..Default::default()
    };
    assert!(matches!(
        dashboards::board(&db.conn, &e.manager, Kind::Manager, &bad, now).await,
        Err(Error::Validation(_))
    ));
    let backwards = FilterInput {
        period: "custom".into(),
        from: Some(now.date_naive()),
        to: Some(now.date_naive() - Duration::days(1)),
        ..Default::default()
    };
    assert!(matches!(
        dashboards::board(&db.conn, &e.manager, Kind::Manager, &backwards, now).await,
        Err(Error::Validation(_))
    ));
    Ok(())
}

#[db_test]
async fn confirming_a_large_order_tells_the_managers() -> TestResult {
    use tandem_domain::{access::notifications, platform::meta};
    let (db, admin) = with_admin().await?;
    let e = erp(&db.conn, admin).await?;
    meta::set(&db.conn, orders::LARGE_ORDER_KEY, "50000").await?;
    let p = stocked(&db.conn, &e, "BIG-1", 10_000, 20).await?;
    let c = customer(&db.conn, &e.ana, "Big Buyer", 0).await?;
    let small = orders::create(&db.conn, &e.ana, &quote(c, e.main, vec![line(p, 1)])).await?;
    orders::confirm(&db.conn, &e.ana, small.id).await?;
    assert!(notifications::mine(&db.conn, &e.manager, 50)
        .await?
        .is_empty());
    let big = orders::create(&db.conn, &e.ana, &quote(c, e.main, vec![line(p, 5)])).await?;
    orders::confirm(&db.conn, &e.ana, big.id).await?;
    // Confirming again changes nothing and tells nobody twice.
    orders::confirm(&db.conn, &e.ana, big.id).await?;
    let told = notifications::mine(&db.conn, &e.manager, 50).await?;
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].kind, notifications::ORDER_LARGE);
    assert!(told[0].title.starts_with(&big.number));
    assert_eq!(told[0].link, format!("/orders/{}", big.id));
    assert!(
        notifications::mine(&db.conn, &e.ana, 50).await?.is_empty(),
        "sales is not a manager"
    );
    Ok(())
}

/// An order of 2 × 10.00 confirmed by Ana: what the report runs count.
async fn report_run_book(db: &Db, admin: Actor) -> BoxResult<Erp> {
    let e = erp(db, admin).await?;
    let p = stocked(db, &e, "RUN-1", 1_000, 20).await?;
    let c = customer(db, &e.ana, "Run Co", 0).await?;
    let o = orders::create(db, &e.ana, &quote(c, e.main, vec![line(p, 2)])).await?;
    orders::confirm(db, &e.ana, o.id).await?;
    Ok(e)
}

/// The manager subscribes to a daily sales by customer and asks for a
/// sales by period now; returns (subscription, requested run).
async fn subscribed_and_requested(db: &Db, e: &Erp, now: DateTime<Utc>) -> BoxResult<(i64, i64)> {
    use tandem_domain::analytics::report_runs;
    let sub = report_runs::subscribe(
        db,
        &e.manager,
        "sales_by_customer",
        "period=7d",
        "daily",
        now,
    )
    .await?;
    let asked = report_runs::request(
        db,
        &e.manager,
        "sales_by_period",
        "period=30d&grain=week",
        now,
    )
    .await?;
    Ok((sub, asked))
}

/// The requested run worked at `now`, then two servers ticking at once
/// two days later, when the subscription is due; returns (subscription,
/// requested run, the later time, runs the two later ticks worked).
async fn ticked_twice_when_due(
    db: &Db,
    e: &Erp,
    now: DateTime<Utc>,
) -> BoxResult<(i64, i64, DateTime<Utc>, u64)> {
    use tandem_domain::analytics::report_runs;
    let (sub, asked) = subscribed_and_requested(db, e, now).await?;
    report_runs::tick(db, now).await?;
    let later = now + Duration::days(2);
    let (a, b) = tokio::join!(report_runs::tick(db, later), report_runs::tick(db, later));
    Ok((sub, asked, later, a? + b?))
}

#[db_test]
async fn report_runs_refuse_bad_requests_and_readers_without_reports_view() -> TestResult {
    use tandem_domain::analytics::report_runs;
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let e = report_run_book(db, admin).await?;
    let now = Utc::now();
    for (kind, filter, frequency) in [
        ("nope", "", "daily"),
        ("sales_by_customer", "period=fortnight", "daily"),
        ("sales_by_customer", "", "hourly"),
    ] {
        let refused = report_runs::subscribe(db, &e.manager, kind, filter, frequency, now).await;
        assert!(
            matches!(refused, Err(Error::Validation(_))),
            "{kind} {filter} {frequency}"
        );
    }
    let refused = report_runs::request(db, &e.ana, "sales_by_customer", "", now).await;
    assert!(
        matches!(refused, Err(Error::Forbidden)),
        "sales cannot run reports"
    );
    Ok(())
}

#[db_test]
async fn a_requested_report_runs_in_the_background_and_keeps_its_result() -> TestResult {
    use tandem_domain::analytics::report_runs;
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let e = report_run_book(db, admin).await?;
    let now = Utc::now();
    let (_, asked) = subscribed_and_requested(db, &e, now).await?;
    let (queued, _) = report_runs::get(db, &e.manager, asked).await?;
    assert_eq!((queued.status.as_str(), queued.progress), ("queued", 0));
    // The subscription is not due yet: only the requested run is worked.
    assert_eq!(report_runs::tick(db, now).await?, 1);
    let (run, stored) = report_runs::get(db, &e.manager, asked).await?;
    assert_eq!((run.status.as_str(), run.progress), ("done", 100));
    let stored = stored.ok_or("a finished run keeps its result")?;
    let net = stored
        .columns
        .iter()
        .position(|(k, _)| k == "net")
        .ok_or("net column")?;
    assert_eq!(stored.totals[net], serde_json::json!(2_000));
    Ok(())
}

#[db_test]
async fn a_due_subscription_runs_once_when_two_servers_tick_at_once() -> TestResult {
    use tandem_domain::analytics::report_runs;
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let e = report_run_book(db, admin).await?;
    let (sub, _, _, worked) = ticked_twice_when_due(db, &e, Utc::now()).await?;
    assert_eq!(worked, 1);
    let runs = report_runs::runs(db, &e.manager, 50).await?;
    assert_eq!(
        runs.iter()
            .filter(|r| r.subscription_id == Some(sub))
            .count(),
        1
    );
    assert!(runs.iter().all(|r| r.status == "done"), "{runs:?}");
    Ok(())
}

#[db_test]
async fn a_report_runs_owner_is_told_each_time_and_nobody_else_opens_it() -> TestResult {
    use tandem_domain::{access::notifications, analytics::report_runs};
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let e = report_run_book(db, admin).await?;
    let (_, asked, _, _) = ticked_twice_when_due(db, &e, Utc::now()).await?;
    let told = notifications::mine(db, &e.manager, 50).await?;
    assert_eq!(
        told.iter()
            .filter(|n| n.kind == notifications::REPORT_READY)
            .count(),
        2
    );
    assert!(told
        .iter()
        .any(|n| n.link == format!("/reports/inbox/{asked}")));
    assert!(matches!(
        report_runs::get(db, &e.admin, asked).await,
        Err(Error::NotFound)
    ));
    Ok(())
}

#[db_test]
async fn an_unsubscribed_report_runs_no_more() -> TestResult {
    use tandem_domain::analytics::report_runs;
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let e = report_run_book(db, admin).await?;
    let (sub, _, later, _) = ticked_twice_when_due(db, &e, Utc::now()).await?;
    report_runs::unsubscribe(db, &e.manager, sub).await?;
    assert!(matches!(
        report_runs::unsubscribe(db, &e.admin, sub).await,
        Err(Error::NotFound)
    ));
    report_runs::tick(db, later + Duration::days(3)).await?;
    let runs = report_runs::runs(db, &e.manager, 50).await?;
    assert_eq!(
        runs.iter()
            .filter(|r| r.subscription_id == Some(sub))
            .count(),
        1
    );
    Ok(())
}

/// Two products and three confirmed orders, one of Ana's customer and two
/// of Ben's: 2 × 10.00 + 4 × 2.50, 1 × 10.00, 3 × 2.50.
async fn pivot_book(db: &Db, admin: Actor) -> BoxResult<Erp> {
    let e = erp(db, admin).await?;
    let a = stocked(db, &e, "PIV-A", 1_000, 50).await?;
    let b = stocked(db, &e, "PIV-B", 250, 50).await?;
    let mine = customer(db, &e.ana, "Pivot Ana", 0).await?;
    let theirs = customer(db, &e.ben, "Pivot Ben", 0).await?;
    for (c, who, lines) in [
        (mine, &e.ana, vec![line(a, 2), line(b, 4)]),
        (theirs, &e.ben, vec![line(a, 1)]),
        (theirs, &e.ben, vec![line(b, 3)]),
    ] {
        let o = orders::create(db, who, &quote(c, e.main, lines)).await?;
        orders::confirm(db, who, o.id).await?;
    }
    Ok(e)
}

fn pivot_query(
    source: &str,
    rows: &str,
    columns: &str,
    measure: &str,
) -> tandem_domain::analytics::pivot::Query {
    tandem_domain::analytics::pivot::Query {
        source: source.into(),
        rows: rows.into(),
        columns: columns.into(),
        measure: measure.into(),
        filter: FilterInput::default(),
    }
}

#[db_test]
async fn pivots_sum_exactly_from_the_summaries_and_from_the_rows() -> TestResult {
    use tandem_domain::analytics::pivot;
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let e = pivot_book(db, admin).await?;
    let now = Utc::now();
    let q = pivot_query;
    // Revenue by owner × state (from the summary) and by customer (from the orders).
    let by_owner = pivot::run(
        db,
        &e.manager,
        &q("orders", "owner", "state", "revenue"),
        now,
    )
    .await?;
    assert_eq!(by_owner.total, 2_000 + 1_000 + 1_000 + 750);
    let by_customer =
        pivot::run(db, &e.manager, &q("orders", "customer", "", "count"), now).await?;
    assert_eq!(
        by_customer.rows,
        vec!["Pivot Ben".to_owned(), "Pivot Ana".to_owned()]
    );
    assert_eq!(by_customer.row_totals, vec![2, 1]);
    // Lines by product: quantity sums per product; margin needs cost prices.
    let qty = pivot::run(
        db,
        &e.manager,
        &q("order_lines", "product", "", "quantity"),
        now,
    )
    .await?;
    assert_eq!(qty.rows, vec!["PIV-B".to_owned(), "PIV-A".to_owned()]);
    assert_eq!(qty.row_totals, vec![7, 3]);
    // Lines by product, category, warehouse or month come from the product
    // summary; by customer, from the lines: both agree, for every measure.
    for measure in ["quantity", "revenue", "margin"] {
        let summary = pivot::run(
            db,
            &e.manager,
            &q("order_lines", "category", "warehouse", measure),
            now,
        )
        .await?;
        let lines = pivot::run(
            db,
            &e.manager,
            &q("order_lines", "customer", "product", measure),
            now,
        )
        .await?;
        assert_eq!(summary.total, lines.total, "{measure}");
        if measure == "revenue" {
            assert_eq!(summary.total, 2_000 + 1_000 + 1_000 + 750);
        }
    }
    Ok(())
}

#[db_test]
async fn pivots_refuse_unknown_dimensions_and_readers_without_reports_view() -> TestResult {
    use tandem_domain::analytics::pivot;
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let e = pivot_book(db, admin).await?;
    let now = Utc::now();
    assert!(matches!(
        pivot::run(
            db,
            &e.manager,
            &pivot_query("orders", "nope", "", "count"),
            now
        )
        .await,
        Err(Error::Validation(_))
    ));
    // Sales may not run analyses (no `reports.view`).
    assert!(matches!(
        pivot::run(
            db,
            &e.ana,
            &pivot_query("orders", "owner", "", "count"),
            now
        )
        .await,
        Err(Error::Forbidden)
    ));
    Ok(())
}

#[db_test]
async fn saved_pivots_are_shared_only_when_asked_and_reopen_as_saved() -> TestResult {
    use tandem_domain::analytics::pivot;
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let e = pivot_book(db, admin).await?;
    let now = Utc::now();
    let id = pivot::save(
        db,
        &e.manager,
        "Revenue by owner",
        "source=orders&rows=owner&columns=month&measure=revenue&period=year",
        true,
        now,
    )
    .await?;
    let private = pivot::save(
        db,
        &e.manager,
        "Mine only",
        "source=tickets&rows=status&measure=count",
        false,
        now,
    )
    .await?;
    let seen: Vec<i64> = pivot::saved(db, &e.admin)
        .await?
        .iter()
        .map(|s| s.id)
        .collect();
    assert!(seen.contains(&id) && !seen.contains(&private));
    assert!(matches!(
        pivot::delete(db, &e.admin, id).await,
        Err(Error::NotFound)
    ));
    assert!(matches!(
        pivot::save(
            db,
            &e.manager,
            " ",
            "source=orders&rows=owner&measure=count",
            false,
            now
        )
        .await,
        Err(Error::Validation(_))
    ));
    let reopened =
        pivot::parse("source=orders&rows=owner&columns=month&measure=revenue&period=year");
    assert_eq!(
        (reopened.rows.as_str(), reopened.filter.period.as_str()),
        ("owner", "year")
    );
    Ok(())
}

/// A report over a large book names more customers than one statement may
/// bind (SQLite 32,766 values, PostgreSQL 65,535): receivables aging at a
/// million orders failed on it.
#[db_test]
async fn customers_are_named_and_segmented_beyond_one_statements_limit() -> TestResult {
    let (db, admin) = with_admin().await?;
    let e = erp(&db.conn, admin).await?;
    let first = customer(&db.conn, &e.ana, "Far Apart One", 0).await?;
    set_segment(&db.conn, &e.admin, first, "retail").await?;
    let ids: Vec<i64> = (1..=70_000).chain([first]).collect();
    let names = customers::names(&db.conn, ids.clone()).await?;
    assert_eq!(names.get(&first).map(String::as_str), Some("Far Apart One"));
    let segments = customers::segments(&db.conn, ids).await?;
    assert_eq!(segments.get(&first).map(String::as_str), Some("retail"));
    Ok(())
}

/// The boards' "below reorder point" tile (the manager's, and the
/// warehouse's for each warehouse) against what `/replenishment` lists
/// for that reason; returns the count.
async fn below_tiles_equal_the_list(db: &Db, e: &Erp) -> BoxResult<i64> {
    use tandem_domain::purchasing::replenishment::{self, Reason};
    let now = Utc::now();
    let listed = replenishment::suggestions(db, &e.keeper, None, now.date_naive()).await?;
    let below = |w: Option<i64>| {
        listed
            .iter()
            .filter(|s| s.reasons.contains(&Reason::BelowReorderPoint))
            .filter(|s| w.is_none_or(|w| s.warehouse_id == w))
            .count() as i64
    };
    let low = |b: &dashboards::Board| {
        b.tiles
            .iter()
            .find(|t| t.key == "low_stock")
            .and_then(|t| t.value)
    };
    let manager =
        dashboards::board(db, &e.manager, Kind::Manager, &FilterInput::default(), now).await?;
    assert_eq!(low(&manager), Some(below(None)), "{listed:?}");
    for w in [e.main, e.east] {
        let board = dashboards::board(
            db,
            &e.keeper,
            Kind::Warehouse,
            &FilterInput {
                warehouse_id: Some(w),
                ..Default::default()
            },
            now,
        )
        .await?;
        assert_eq!(low(&board), Some(below(Some(w))), "warehouse {w}");
    }
    Ok(below(None))
}

/// Five stocked products (10, 15, 20, 25 and 30 in the main warehouse),
/// a customer and a supplier: what the reorder rules and the random
/// changes work on. Returns (products, customer, supplier).
async fn reorder_book(db: &Db, e: &Erp) -> BoxResult<(Vec<i64>, i64, i64)> {
    use tandem_domain::purchasing::purchase_orders::{self as purchasing, SupplierInput};
    let mut products = Vec::new();
    for n in 0..5 {
        products.push(stocked(db, e, &format!("RP-{n}"), 1_000, 10 + 5 * n).await?);
    }
    let buyer = customer(db, &e.ana, "Reorder Co", 0).await?;
    let supplier = purchasing::create_supplier(
        db,
        &e.keeper,
        &SupplierInput {
            name: "Stock Supply".into(),
            lead_time_days: 7,
            currency: "EUR".into(),
            active: true,
            ..Default::default()
        },
    )
    .await?
    .id;
    Ok((products, buyer, supplier))
}

#[db_test]
async fn a_reorder_rule_counts_at_once_and_moves_the_count_when_changed() -> TestResult {
    use tandem_domain::purchasing::replenishment;
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let e = erp(db, admin).await?;
    let (products, _, _) = reorder_book(db, &e).await?;
    // A rule set on a product already below it counts at once, without a
    // stock change (the tile had said 0): in a warehouse with too little of
    // it, and in one with none at all.
    assert_eq!(below_tiles_equal_the_list(db, &e).await?, 0);
    replenishment::set_rule(db, &e.keeper, products[0], e.main, 50, 20).await?;
    replenishment::set_rule(db, &e.keeper, products[1], e.east, 1, 20).await?;
    assert_eq!(below_tiles_equal_the_list(db, &e).await?, 2);
    // Raising and lowering a rule moves the count with it.
    replenishment::set_rule(db, &e.keeper, products[0], e.main, 5, 20).await?;
    assert_eq!(below_tiles_equal_the_list(db, &e).await?, 1);
    Ok(())
}

/// One random change of `p` in `w`: a stock count, a rule set or removed,
/// an order waiting for stock (lowers the position) or a purchase order on
/// its way (raises it). Refusals are part of the mix.
async fn random_stock_change(
    db: &Db,
    e: &Erp,
    g: &mut Gen,
    (p, w): (i64, i64),
    buyer: i64,
    supplier: i64,
) -> Result<(), Error> {
    use tandem_domain::{
        inventory::stock::{self, AdjustInput},
        purchasing::purchase_orders::{self as purchasing, PoInput, PoLineInput},
        purchasing::replenishment,
    };
    match g.below(7) {
        0 | 1 => stock::adjust(
            db,
            &e.keeper,
            &AdjustInput {
                product_id: p,
                warehouse_id: w,
                quantity: g.below(25) as i64 - 12,
                reason: "count".into(),
            },
        )
        .await
        .map(|_| ()),
        2 | 3 => replenishment::set_rule(
            db,
            &e.keeper,
            p,
            w,
            g.below(40) as i64,
            1 + g.below(30) as i64,
        )
        .await
        .map(|_| ()),
        4 => replenishment::remove_rule(db, &e.keeper, p, w).await,
        5 => {
            let q = quote(buyer, w, vec![line(p, 1 + g.below(15) as i64)]);
            let o = orders::create(db, &e.ana, &q).await?;
            orders::confirm(db, &e.ana, o.id).await.map(|_| ())
        }
        _ => purchasing::create(
            db,
            &e.keeper,
            &PoInput {
                supplier_id: supplier,
                warehouse_id: w,
                expected_on: None,
                notes: String::new(),
                lines: vec![PoLineInput {
                    product_id: p,
                    quantity: 1 + g.below(20) as i64,
                    unit_price_minor: None,
                }],
            },
        )
        .await
        .map(|_| ()),
    }
}

#[db_test]
async fn the_below_reorder_point_tile_equals_the_replenishment_list_after_random_changes(
) -> TestResult {
    use tandem_domain::purchasing::replenishment;
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let e = erp(db, admin).await?;
    let (products, buyer, supplier) = reorder_book(db, &e).await?;
    // The rules the test above leaves, set in the same order.
    for (p, w, point) in [
        (products[0], e.main, 50),
        (products[1], e.east, 1),
        (products[0], e.main, 5),
    ] {
        replenishment::set_rule(db, &e.keeper, p, w, point, 20).await?;
    }
    let houses = [e.main, e.east];
    let mut g = Gen(0xB10C);
    let mut seen = std::collections::BTreeSet::new();
    let steps = if tandem_domain::testing::engine_name() == "postgres" {
        40
    } else {
        60
    };
    for n in 0..steps {
        let p = products[g.below(products.len() as u64) as usize];
        let w = houses[g.below(2) as usize];
        match random_stock_change(db, &e, &mut g, (p, w), buyer, supplier).await {
            Ok(()) | Err(Error::Validation(_)) | Err(Error::Conflict(_)) => {}
            Err(other) => return Err(format!("step {n}: unexpected {other:?}").into()),
        }
        seen.insert(below_tiles_equal_the_list(db, &e).await?);
    }
    assert!(
        seen.len() >= 2,
        "the mix moved the count up and down: {seen:?}"
    );
    Ok(())
}

#[db_test]
async fn a_rule_set_on_a_product_already_low_tells_the_warehouse_once() -> TestResult {
    use tandem_domain::{access::notifications, purchasing::replenishment};
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let e = erp(db, admin).await?;
    let p = stocked(db, &e, "LOWNOW-1", 1_000, 5).await?;
    let told = || async {
        Ok::<_, Error>(
            notifications::mine(db, &e.keeper, 50)
                .await?
                .iter()
                .filter(|n| n.kind == notifications::STOCK_LOW)
                .count(),
        )
    };
    // Four people save the same rule at once: one notification.
    let main = e.main;
    let runs: Vec<_> = (0..4)
        .map(|_| {
            let conn = db.clone();
            let keeper = e.keeper.clone();
            tokio::spawn(
                async move { replenishment::set_rule(&conn, &keeper, p, main, 20, 10).await },
            )
        })
        .collect();
    for run in runs {
        run.await??;
    }
    assert_eq!(told().await?, 1);
    assert_eq!(below_tiles_equal_the_list(db, &e).await?, 1);
    // Saved again while still low: nobody is told twice.
    replenishment::set_rule(db, &e.keeper, p, e.main, 30, 10).await?;
    assert_eq!(told().await?, 1);
    // Lowered below the stock: no longer low, and re-armed…
    replenishment::set_rule(db, &e.keeper, p, e.main, 2, 10).await?;
    assert_eq!(below_tiles_equal_the_list(db, &e).await?, 0);
    // …so raising it again tells again.
    replenishment::set_rule(db, &e.keeper, p, e.main, 20, 10).await?;
    assert_eq!(told().await?, 2);
    // Refused values change nothing and tell nobody.
    for (point, quantity) in [(-1, 10), (20, 0), (i64::MAX, 10), (20, i64::MIN)] {
        assert!(matches!(
            replenishment::set_rule(db, &e.keeper, p, e.main, point, quantity).await,
            Err(Error::Validation(_))
        ));
    }
    assert!(matches!(
        replenishment::set_rule(db, &e.ana, p, e.main, 20, 10).await,
        Err(Error::Forbidden)
    ));
    assert_eq!(told().await?, 2);
    Ok(())
}

/// The demo as seeded: its boards' "below reorder point" tile equals what
/// `/replenishment` lists for that reason, and every rule already low
/// when it was seeded has told the warehouse (seeding sets rules through
/// the same `set_rule`).
#[db_test]
async fn the_demos_below_reorder_point_tile_equals_its_replenishment_list() -> TestResult {
    use std::collections::HashMap;

    use tandem_domain::{
        access::builtin::BuiltinRole,
        entities::{reorder_rules, stock_levels, users},
        testing::TestDb,
        {
            access::roles as access,
            demo,
            purchasing::purchase_orders as purchasing,
            purchasing::replenishment::{self, Reason},
        },
    };
    let db = TestDb::with_demo().await?;
    let db = &db.conn;
    let mut who = HashMap::new();
    for role in [BuiltinRole::Manager, BuiltinRole::Warehouse] {
        let (email, _) = demo::demo_user(role);
        let user = users::Entity::find()
            .filter(users::Column::Email.eq(email))
            .one(db)
            .await?
            .ok_or("no demo user")?;
        let actor = access::resolve_actor(db, user.id, Default::default())
            .await?
            .ok_or("inactive")?;
        who.insert(role.key(), actor);
    }
    let (manager, keeper) = (&who["manager"], &who["warehouse"]);
    let now = Utc::now();
    let listed = replenishment::suggestions(db, keeper, None, now.date_naive()).await?;
    let below = listed
        .iter()
        .filter(|s| s.reasons.contains(&Reason::BelowReorderPoint))
        .count() as i64;
    let board = dashboards::board(db, manager, Kind::Manager, &FilterInput::default(), now).await?;
    let tile = board
        .tiles
        .iter()
        .find(|t| t.key == "low_stock")
        .and_then(|t| t.value);
    assert_eq!(tile, Some(below));
    // Every rule whose available + incoming is below its point has told.
    let incoming = purchasing::incoming(db, None).await?;
    for rule in reorder_rules::Entity::find().all(db).await? {
        let key = (rule.product_id, rule.warehouse_id);
        let available = stock_levels::Entity::find_by_id(key)
            .one(db)
            .await?
            .map_or(0, |l| l.on_hand - l.reserved);
        let low = available + incoming.get(&key).copied().unwrap_or(0) < rule.reorder_point;
        if low {
            assert!(rule.low_notified_at.is_some(), "{rule:?}");
        }
    }
    Ok(())
}
