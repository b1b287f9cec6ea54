//! The ERP core's order-flow benchmark, in process: each worker repeatedly
//! creates a 3-line order for a random existing customer, confirms it
//! (reserving stock), creates a shipment for everything and ships it —
//! through the same services the UI's server functions call. Prints
//! completed orders per second and p50 / p99 latency of the whole flow
//! for each worker count, then runs the ledger check.
//!
//! ```text
//! cargo run --release --example order_flow -- [--url URL] [--workers 1,4,16] [--seconds 10]
//! ```
//! Without `--url` (or `DATABASE_URL`) it uses a fresh SQLite file. The
//! database gets the demo data and ample stock first.

use std::time::{Duration, Instant};

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use tandem_domain::{
    access::{builtin::BuiltinRole, Actor, RequestMeta},
    db::{self, DbOptions},
    entities::{customers, products},
    {
        access::roles as access,
        access::sign_in as auth,
        demo,
        demo::crm_data::Gen,
        inventory::stock,
        inventory::warehouses,
        sales::orders::{self, LineInput, OrderInput},
        sales::shipments,
    },
};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

async fn flow(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    warehouse: i64,
    customer: i64,
    products: [i64; 3],
    gen: &mut Gen,
    steps: &mut [Duration; 4],
) -> Result<(), BoxError> {
    let t = Instant::now();
    let lines = products
        .iter()
        .map(|&product_id| LineInput {
            product_id,
            quantity: 1 + gen.below(5) as i64,
            ..Default::default()
        })
        .collect();
    let order = orders::create(
        db,
        actor,
        &OrderInput {
            customer_id: customer,
            warehouse_id: warehouse,
            lines,
            ..Default::default()
        },
    )
    .await?;
    let t1 = Instant::now();
    orders::confirm(db, actor, order.id).await?;
    let t2 = Instant::now();
    let shipment = shipments::create(db, actor, order.id, &[]).await?;
    let t3 = Instant::now();
    shipments::ship(db, actor, shipment.id, "DHL", "BENCH").await?;
    let t4 = Instant::now();
    for (slot, d) in steps.iter_mut().zip([t1 - t, t2 - t1, t3 - t2, t4 - t3]) {
        *slot += d;
    }
    Ok(())
}

/// Prints one line of the report.
fn say(line: String) -> std::io::Result<()> {
    use std::io::Write;
    writeln!(std::io::stdout().lock(), "{line}")
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    let i = ((p / 100.0) * sorted.len() as f64) as usize;
    sorted[i.min(sorted.len() - 1)].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let dir = tempfile::tempdir()?;
    let url = arg("--url")
        .or_else(|| std::env::var("DATABASE_URL").ok())
        .unwrap_or_else(|| format!("sqlite://{}/bench.db?mode=rwc", dir.path().display()));
    let workers: Vec<usize> = arg("--workers")
        .unwrap_or_else(|| "1,4,16".into())
        .split(',')
        .filter_map(|w| w.trim().parse().ok())
        .collect();
    let seconds: u64 = arg("--seconds").and_then(|s| s.parse().ok()).unwrap_or(10);
    let db = db::connect(&url, &DbOptions::default()).await?;
    db::migrate(&db).await?;
    let engine = if url.starts_with("sqlite") {
        "sqlite"
    } else {
        "postgres"
    };
    say(format!(
        "engine: {engine}; machine: {} cores",
        std::thread::available_parallelism()?
    ))?;
    let started = Instant::now();
    demo::seed(&db).await?;
    let (email, password) = demo::demo_user(BuiltinRole::Manager);
    let id = auth::login(
        &db,
        &email,
        &password,
        &RequestMeta::default(),
        &Default::default(),
    )
    .await?;
    let manager = access::resolve_actor(&db, id, RequestMeta::default())
        .await?
        .ok_or("manager missing")?;
    let main = warehouses::list(&db, &manager)
        .await?
        .into_iter()
        .find(|w| w.code == "MAIN")
        .ok_or("no MAIN warehouse")?
        .id;
    let product_ids: Vec<i64> = products::Entity::find()
        .select_only()
        .column(products::Column::Id)
        .into_tuple()
        .all(&db)
        .await?;
    for &p in &product_ids {
        stock::adjust(
            &db,
            &manager,
            &stock::AdjustInput {
                product_id: p,
                warehouse_id: main,
                quantity: 1_000_000,
                reason: "benchmark stock".into(),
            },
        )
        .await?;
    }
    let customer_ids: Vec<i64> = customers::Entity::find()
        .select_only()
        .column(customers::Column::Id)
        .filter(customers::Column::Archived.eq(false))
        .into_tuple()
        .all(&db)
        .await?;
    say(format!(
        "prepared {} customers, {} products in {:.1} s; {seconds} s per run",
        customer_ids.len(),
        product_ids.len(),
        started.elapsed().as_secs_f64()
    ))?;
    for &n in &workers {
        let deadline = Instant::now() + Duration::from_secs(seconds);
        let began = Instant::now();
        let runs: Vec<_> = (0..n)
            .map(|w| {
                let db = db.clone();
                let actor = manager.clone();
                let customers = customer_ids.clone();
                let products = product_ids.clone();
                tokio::spawn(async move {
                    let mut gen = Gen::new(0xB0B + w as u64 * 7919);
                    let mut times = Vec::new();
                    let mut steps = [Duration::ZERO; 4];
                    while Instant::now() < deadline {
                        let customer = *gen.pick(&customers);
                        let mut three = [0; 3];
                        for slot in &mut three {
                            *slot = *gen.pick(&products);
                        }
                        let t = Instant::now();
                        flow(&db, &actor, main, customer, three, &mut gen, &mut steps).await?;
                        times.push(t.elapsed());
                    }
                    Ok::<_, BoxError>((times, steps))
                })
            })
            .collect();
        let mut times = Vec::new();
        let mut steps = [Duration::ZERO; 4];
        for run in runs {
            let (t, s) = run.await??;
            times.extend(t);
            for (total, part) in steps.iter_mut().zip(s) {
                *total += part;
            }
        }
        let elapsed = began.elapsed().as_secs_f64();
        times.sort();
        say(format!(
            "{engine} in-process, {n:>2} workers: {} orders in {elapsed:.1} s = {:.0} orders/s; flow latency p50 {:.2} ms, p99 {:.2} ms",
            times.len(),
            times.len() as f64 / elapsed,
            pct(&times, 50.0),
            pct(&times, 99.0),
        ))?;
        let count = times.len().max(1) as f64;
        let mean = |d: Duration| d.as_secs_f64() * 1000.0 / count;
        say(format!(
            "    mean per step: create {:.2} ms, confirm {:.2} ms, create shipment {:.2} ms, ship {:.2} ms",
            mean(steps[0]),
            mean(steps[1]),
            mean(steps[2]),
            mean(steps[3])
        ))?;
    }
    let differences = stock::check_ledger(&db).await?;
    say(format!(
        "ledger check after the runs: {} differences",
        differences.len()
    ))?;
    Ok(())
}
