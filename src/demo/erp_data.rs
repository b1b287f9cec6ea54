//! The demo's ERP: two warehouses, 60 products with opening stock, and
//! about 400 orders over the last twelve months in every state this
//! version has (quotes, confirmed, partially shipped, shipped, cancelled),
//! some waiting for stock (backorders) and some for an approval. Written
//! through the same services the UI uses, inside the demo's transaction,
//! then dated back across the year.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    sea_query::Expr, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::{
    access::{builtin::BuiltinRole, Actor, RequestMeta},
    db::Tx,
    entities::{customers, sales_orders, shipments, stock_moves, timeline_events},
    Error, Result,
    {
        access::roles as access,
        access::users,
        demo::crm_data::Gen,
        demo::demo_user,
        inventory::products::{self, ProductInput},
        inventory::stock,
        inventory::warehouses::{self, WarehouseInput},
        sales::orders::{self, LineInput, OrderInput},
        sales::shipments as shipment_service,
    },
};

/// A product family: category, SKU prefix, unit, tax basis points and its
/// products as (name, price in cents).
type Family = (
    &'static str,
    &'static str,
    &'static str,
    i32,
    &'static [(&'static str, i64)],
);

const CATALOGUE: &[Family] = &[
    (
        "Fasteners",
        "FST",
        "box",
        1900,
        &[
            ("Hex bolt M8 × 40 (100)", 1_490),
            ("Hex nut M8 (200)", 890),
            ("Washer 8 mm (500)", 690),
            ("Wood screw 4 × 30 (200)", 790),
            ("Anchor plug 8 mm (100)", 990),
            ("Threaded rod M10 1 m", 450),
            ("Rivet 4 mm (500)", 1_290),
            ("Cable tie 200 mm (100)", 390),
            ("Hose clamp 20–32 mm (10)", 590),
            ("Machine screw M5 × 20 (200)", 690),
        ],
    ),
    (
        "Tools",
        "TLS",
        "pcs",
        1900,
        &[
            ("Cordless drill 18 V", 12_900),
            ("Impact driver 18 V", 14_900),
            ("Claw hammer 450 g", 1_890),
            ("Screwdriver set (12)", 2_490),
            ("Spirit level 60 cm", 2_190),
            ("Tape measure 8 m", 1_290),
            ("Utility knife", 790),
            ("Socket set ½\" (24)", 6_990),
            ("Pliers set (3)", 3_290),
            ("Hacksaw 300 mm", 1_590),
        ],
    ),
    (
        "Electrical",
        "ELC",
        "pcs",
        1900,
        &[
            ("LED panel 60 × 60 40 W", 3_490),
            ("Cable NYM-J 3 × 1.5 (50 m)", 4_990),
            ("Socket outlet, white", 390),
            ("Light switch, white", 350),
            ("Junction box IP65", 490),
            ("Circuit breaker B16", 590),
            ("RCD 40 A 30 mA", 2_990),
            ("Extension cord 10 m", 1_490),
            ("Wago connector (50)", 1_190),
            ("Motion sensor 180°", 1_990),
        ],
    ),
    (
        "Safety",
        "SAF",
        "pcs",
        1900,
        &[
            ("Safety helmet EN 397", 1_290),
            ("Safety glasses, clear", 490),
            ("Work gloves, size 9 (12)", 2_390),
            ("Ear defenders SNR 30", 1_690),
            ("Hi-vis vest", 390),
            ("First aid kit DIN 13157", 2_990),
            ("Dust mask FFP2 (20)", 1_490),
            ("Safety boots S3, size 43", 6_990),
            ("Fire extinguisher 6 kg", 5_490),
            ("Warning tape 500 m", 790),
        ],
    ),
    (
        "Packaging",
        "PKG",
        "box",
        1900,
        &[
            ("Shipping carton 40 × 30 × 30 (20)", 1_890),
            ("Packing tape 50 mm (6)", 990),
            ("Bubble wrap 1 m × 50 m", 2_490),
            ("Stretch film 500 mm", 1_590),
            ("Pallet wrap dispenser", 2_990),
            ("Void fill paper (5 kg)", 1_990),
            ("Label roll 100 × 150 (500)", 1_490),
            ("Strapping kit", 8_990),
            ("Mailing bag A4 (100)", 1_290),
            ("Edge protector (50)", 1_690),
        ],
    ),
    (
        "Office",
        "OFF",
        "pcs",
        700,
        &[
            ("Copy paper A4 (5 × 500)", 2_490),
            ("Ballpoint pens, blue (50)", 990),
            ("Ring binder A4 (10)", 1_790),
            ("Sticky notes (12)", 690),
            ("Stapler", 1_290),
            ("Desk organiser", 1_490),
            ("Whiteboard markers (8)", 890),
            ("Label printer tape", 1_990),
            ("Calculator", 1_490),
            ("Shredder P-4", 8_990),
        ],
    ),
];

pub(crate) async fn demo_actor(db: &impl ConnectionTrait, role: BuiltinRole) -> Result<Actor> {
    let (email, _) = demo_user(role);
    let id = users::id_by_email(db, &email)
        .await?
        .ok_or_else(|| Error::Internal(format!("demo user {email} missing")))?;
    access::resolve_actor(db, id, RequestMeta::default())
        .await?
        .ok_or_else(|| Error::Internal(format!("demo user {email} inactive")))
}

/// Dates an order and everything it wrote back to `at` (+ hours for the
/// later steps), so the demo's year looks lived in.
async fn date_back(db: &impl ConnectionTrait, order_id: i64, at: DateTime<Utc>) -> Result<()> {
    let confirmed = at + Duration::hours(2);
    let counted = crate::sales::stats::Snapshot::take(db, vec![order_id]).await?;
    sales_orders::Entity::update_many()
        .col_expr(sales_orders::Column::CreatedAt, Expr::value(at))
        .col_expr(sales_orders::Column::UpdatedAt, Expr::value(confirmed))
        .col_expr(
            sales_orders::Column::ShipBy,
            Expr::value((at + Duration::days(3)).date_naive()),
        )
        .filter(sales_orders::Column::Id.eq(order_id))
        .exec(db)
        .await?;
    sales_orders::Entity::update_many()
        .col_expr(sales_orders::Column::ConfirmedAt, Expr::value(confirmed))
        .filter(sales_orders::Column::Id.eq(order_id))
        .filter(sales_orders::Column::ConfirmedAt.is_not_null())
        .exec(db)
        .await?;
    sales_orders::Entity::update_many()
        .col_expr(sales_orders::Column::ApprovedAt, Expr::value(confirmed))
        .filter(sales_orders::Column::Id.eq(order_id))
        .filter(sales_orders::Column::ApprovedAt.is_not_null())
        .exec(db)
        .await?;
    sales_orders::Entity::update_many()
        .col_expr(
            sales_orders::Column::CancelledAt,
            Expr::value(at + Duration::days(1)),
        )
        .filter(sales_orders::Column::Id.eq(order_id))
        .filter(sales_orders::Column::CancelledAt.is_not_null())
        .exec(db)
        .await?;
    counted.apply(db).await?;
    let sent: Vec<shipments::Model> = shipments::Entity::find()
        .filter(shipments::Column::OrderId.eq(order_id))
        .order_by_asc(shipments::Column::Id)
        .all(db)
        .await?;
    for (n, s) in sent.iter().enumerate() {
        let created = at + Duration::days(1 + 4 * n as i64);
        let shipped = created + Duration::hours(5);
        shipments::Entity::update_many()
            .col_expr(shipments::Column::CreatedAt, Expr::value(created))
            .col_expr(
                shipments::Column::ShippedAt,
                Expr::value(s.shipped_at.map(|_| shipped)),
            )
            .filter(shipments::Column::Id.eq(s.id))
            .exec(db)
            .await?;
        stock_moves::Entity::update_many()
            .col_expr(stock_moves::Column::CreatedAt, Expr::value(shipped))
            .filter(stock_moves::Column::DocType.eq("shipment"))
            .filter(stock_moves::Column::DocId.eq(s.id))
            .exec(db)
            .await?;
    }
    // The timeline's events of this order, oldest first, spread over its days.
    let events: Vec<i64> = timeline_events::Entity::find()
        .select_only()
        .column(timeline_events::Column::Id)
        .filter(timeline_events::Column::Link.eq(orders::link(order_id)))
        .order_by_asc(timeline_events::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    for (n, id) in events.into_iter().enumerate() {
        let when = match n {
            0 => at,
            1 => confirmed,
            n => at + Duration::days(1 + 4 * (n as i64 - 2)) + Duration::hours(5),
        };
        timeline_events::Entity::update_many()
            .col_expr(timeline_events::Column::OccurredAt, Expr::value(when))
            .filter(timeline_events::Column::Id.eq(id))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Seeds the ERP demo inside the caller's transaction.
pub(crate) async fn seed(db: &impl Tx, now: DateTime<Utc>) -> Result<()> {
    let keeper = demo_actor(db, BuiltinRole::Warehouse).await?;
    let manager = demo_actor(db, BuiltinRole::Manager).await?;
    let main = warehouses::create(
        db,
        &keeper,
        &WarehouseInput {
            code: "MAIN".into(),
            name: "Main warehouse".into(),
            address: "Lagerstraße 12\n10115 Berlin".into(),
            active: true,
        },
    )
    .await?;
    let east = warehouses::create(
        db,
        &keeper,
        &WarehouseInput {
            code: "EAST".into(),
            name: "East depot".into(),
            address: "Hafenweg 3\n01067 Dresden".into(),
            active: true,
        },
    )
    .await?;
    let mut gen = Gen::new(0xE2B_C0DE);
    let mut catalogue = Vec::new();
    for (category, prefix, unit, tax, items) in CATALOGUE {
        for (n, (name, price)) in items.iter().enumerate() {
            let product = products::create(
                db,
                &keeper,
                &ProductInput {
                    sku: format!("{prefix}-{:03}", n + 1),
                    name: (*name).into(),
                    description: format!("{name}. Sold per {unit}."),
                    category: (*category).into(),
                    unit: (*unit).into(),
                    list_price_minor: *price,
                    cost_price_minor: Some(price * (55 + gen.below(20) as i64) / 100),
                    tax_rate_bp: *tax,
                    barcode: if n % 2 == 0 {
                        format!("40{:011}", 1_000_000 + catalogue.len() as u64 * 7919)
                    } else {
                        String::new()
                    },
                    active: true,
                },
            )
            .await?;
            // Every fifth product is scarce, so recent orders wait for it.
            let scarce = catalogue.len() % 5 == 4;
            let opening = if scarce {
                6
            } else {
                150 + gen.below(400) as i64
            };
            stock::receive(
                db,
                Some(keeper.user_id),
                product.id,
                main.id,
                opening,
                "OPENING",
                "opening stock",
            )
            .await?;
            if catalogue.len() % 2 == 0 {
                stock::receive(
                    db,
                    Some(keeper.user_id),
                    product.id,
                    east.id,
                    20 + gen.below(80) as i64,
                    "OPENING",
                    "opening stock",
                )
                .await?;
            }
            catalogue.push((product.id, *price, scarce));
        }
    }
    let buyers: Vec<(i64, Option<i64>)> = customers::Entity::find()
        .select_only()
        .column(customers::Column::Id)
        .column(customers::Column::OwnerId)
        .filter(customers::Column::Kind.eq("company"))
        .filter(customers::Column::Archived.eq(false))
        .order_by_asc(customers::Column::Id)
        .limit(120)
        .into_tuple()
        .all(db)
        .await?;
    if buyers.is_empty() {
        return Ok(());
    }
    const ORDERS: i64 = 400;
    for n in 0..ORDERS {
        // Oldest first, spread over the last 365 days.
        let at = now
            - Duration::days(365 * (ORDERS - n) / ORDERS)
            - Duration::hours(gen.below(8) as i64);
        let (customer, owner) = *gen.pick(&buyers);
        let warehouse = if gen.below(5) == 0 { east.id } else { main.id };
        let lines: Vec<LineInput> = (0..1 + gen.below(4))
            .map(|_| {
                let (product, _, scarce) = *gen.pick(&catalogue);
                LineInput {
                    product_id: product,
                    quantity: 1 + gen.below(if scarce { 4 } else { 12 }) as i64,
                    unit_price_minor: None,
                    discount_bp: *gen.pick(&[0, 0, 0, 0, 500, 1000, 2500]),
                    tax_rate_bp: None,
                }
            })
            .collect();
        let order = orders::create(
            db,
            &manager,
            &OrderInput {
                customer_id: customer,
                warehouse_id: warehouse,
                ship_by: None,
                notes: String::new(),
                owner_id: owner,
                lines,
            },
        )
        .await;
        let order = match order {
            Ok(o) => o,
            // A generated line may repeat a product; any refusal just skips it.
            Err(Error::Validation(_)) => continue,
            Err(other) => return Err(other),
        };
        let roll = gen.below(100);
        // Recent orders are still moving; older ones are done.
        let newest = ORDERS - n;
        let target = match (newest, roll) {
            (_, 0..=5) => "cancelled",
            (1..=40, 6..=35) => "draft",
            (1..=40, 36..=75) => "confirmed",
            (1..=40, 76..=90) => "partial",
            (41..=90, 6..=40) => "partial",
            _ => "shipped",
        };
        if target == "draft" {
            date_back(db, order.id, at).await?;
            continue;
        }
        let mut confirmed = orders::confirm(db, &manager, order.id).await?;
        if target == "shipped" {
            // Older orders got their stock in the end: restock what was short.
            let mut short = false;
            for l in confirmed.lines.iter().filter(|l| l.reserved < l.quantity) {
                short = true;
                let missing = l.quantity - l.reserved;
                stock::receive(
                    db,
                    Some(keeper.user_id),
                    l.product_id,
                    warehouse,
                    missing + 20,
                    "RESTOCK",
                    "supplier delivery",
                )
                .await?;
            }
            if short {
                orders::reserve_backorders(db, &manager, order.id).await?;
                confirmed = orders::confirm(db, &manager, order.id).await?;
            }
        }
        if target == "cancelled" {
            orders::cancel(db, &manager, order.id, "Customer changed the plan").await?;
        } else if target != "confirmed" {
            let reserved: Vec<(i64, i64)> = confirmed
                .lines
                .iter()
                .filter(|l| l.reserved > 0)
                .map(|l| {
                    (
                        l.id,
                        if target == "partial" {
                            (l.reserved + 1) / 2
                        } else {
                            l.reserved
                        },
                    )
                })
                .collect();
            if !reserved.is_empty() {
                let carrier = *gen.pick(&["DHL", "UPS", "DPD", "GLS", "SF Express"]);
                let shipment = shipment_service::create(db, &keeper, order.id, &reserved).await?;
                shipment_service::ship(
                    db,
                    &keeper,
                    shipment.id,
                    carrier,
                    &format!(
                        "{}{:010}",
                        &carrier[..2].to_uppercase(),
                        gen.below(10_000_000_000)
                    ),
                )
                .await?;
            }
        }
        date_back(db, order.id, at).await?;
    }
    Ok(())
}
