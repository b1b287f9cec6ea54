//! The demo's money and supply: company details for invoices, suppliers
//! and their prices, reorder rules, purchase orders in every state, and
//! invoices and payments for the demo's shipped orders (some overdue) —
//! all through the services, inside the demo's transaction.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::{
    access::builtin::BuiltinRole,
    db::Tx,
    entities::{products, sales_orders, warehouses},
    Result,
    {
        billing::invoices::{self, PaymentInput},
        demo::crm_data::Gen,
        demo::erp_data::demo_actor,
        platform::meta,
        purchasing::purchase_orders::{self as purchasing, PoInput, PoLineInput, SupplierInput},
        purchasing::replenishment,
        sales::orders::OrderState,
    },
};

const SUPPLIERS: &[(&str, &str, &str, i32)] = &[
    (
        "Nordwerk Tools GmbH",
        "Jana Becker",
        "orders@nordwerk.example",
        7,
    ),
    (
        "Shenzhen Precision Parts Co.",
        "Li Wei",
        "sales@szprecision.example",
        28,
    ),
    (
        "OfficeWorld Supplies",
        "Tom Hughes",
        "trade@officeworld.example",
        3,
    ),
    (
        "Baltic Safety AB",
        "Eva Lind",
        "order@balticsafety.example",
        10,
    ),
];

pub(crate) async fn seed(db: &impl Tx, now: DateTime<Utc>) -> Result<()> {
    for (key, value) in invoices::COMPANY_KEYS.iter().zip([
        "Tandem Demo Trading GmbH",
        "Friedrichstraße 100\n10117 Berlin\nGermany",
        "DE123456789",
        "billing@tandem.example",
    ]) {
        meta::insert_if_absent(db, key, value).await?;
    }
    let keeper = demo_actor(db, BuiltinRole::Warehouse).await?;
    let manager = demo_actor(db, BuiltinRole::Manager).await?;
    let mut gen = Gen::new(0x5EED_F00D);
    let mut suppliers = Vec::new();
    for (name, contact, email, lead) in SUPPLIERS {
        suppliers.push(
            purchasing::create_supplier(
                db,
                &keeper,
                &SupplierInput {
                    name: (*name).into(),
                    contact_name: (*contact).into(),
                    email: (*email).into(),
                    phone: String::new(),
                    lead_time_days: *lead,
                    currency: "EUR".into(),
                    notes: String::new(),
                    active: true,
                },
            )
            .await?
            .id,
        );
    }
    let catalogue = products::Entity::find()
        .order_by_asc(products::Column::Id)
        .all(db)
        .await?;
    let houses = warehouses::Entity::find()
        .order_by_asc(warehouses::Column::Id)
        .all(db)
        .await?;
    let Some(main) = houses.first().map(|w| w.id) else {
        return Ok(());
    };
    for (n, p) in catalogue.iter().enumerate() {
        // Each product from one or two suppliers, near its cost.
        let first = suppliers[n % suppliers.len()];
        purchasing::set_price(db, &keeper, first, p.id, p.cost_price_minor, 1).await?;
        if n % 3 == 0 {
            let second = suppliers[(n + 1) % suppliers.len()];
            let price = p.cost_price_minor * (95 + gen.below(15) as i64) / 100;
            purchasing::set_price(db, &keeper, second, p.id, price, 10).await?;
        }
        let scarce = n % 5 == 4;
        if scarce || n % 4 == 0 {
            replenishment::set_rule(
                db,
                &keeper,
                p.id,
                main,
                if scarce { 10 } else { 25 },
                if scarce { 30 } else { 100 },
            )
            .await?;
        }
    }
    // Purchase orders in every state.
    let states = [
        "closed",
        "received",
        "partially_received",
        "sent",
        "draft",
        "cancelled",
    ];
    for (i, state) in states.iter().enumerate() {
        let supplier = suppliers[i % suppliers.len()];
        let lines: Vec<PoLineInput> = catalogue
            .iter()
            .enumerate()
            .filter(|(n, _)| n % suppliers.len() == i % suppliers.len() && n % 5 != 4)
            .take(3)
            .map(|(_, p)| PoLineInput {
                product_id: p.id,
                quantity: 20 + gen.below(60) as i64,
                unit_price_minor: None,
            })
            .collect();
        let po = purchasing::create(
            db,
            &keeper,
            &PoInput {
                supplier_id: supplier,
                warehouse_id: main,
                expected_on: None,
                notes: String::new(),
                lines,
            },
        )
        .await?;
        if *state == "draft" {
            continue;
        }
        if *state == "cancelled" {
            purchasing::cancel(db, &keeper, po.id).await?;
            continue;
        }
        purchasing::send(db, &keeper, po.id).await?;
        if *state == "sent" {
            continue;
        }
        let detail = purchasing::get(db, &keeper, po.id).await?;
        let part: Vec<(i64, i64)> = if *state == "partially_received" {
            detail
                .lines
                .iter()
                .map(|l| (l.line.id, l.line.quantity / 2))
                .collect()
        } else {
            Vec::new()
        };
        purchasing::receive(db, &keeper, po.id, &part).await?;
        if *state == "closed" {
            purchasing::close(db, &keeper, po.id).await?;
        }
    }
    // Invoices for what shipped, paid on time mostly; some late.
    let today = now.date_naive();
    let shipped = sales_orders::Entity::find()
        .filter(sales_orders::Column::State.is_in([
            OrderState::Shipped.as_str(),
            OrderState::PartiallyShipped.as_str(),
        ]))
        .order_by_asc(sales_orders::Column::Id)
        .all(db)
        .await?;
    for order in shipped {
        // Some shipped orders wait for their invoice.
        if gen.below(100) < 12 {
            continue;
        }
        let issued = (order.created_at + Duration::days(3))
            .date_naive()
            .min(today);
        let invoice = invoices::raise(db, &manager, order.id, None, issued).await?;
        let age = (today - issued).num_days();
        let roll = gen.below(100);
        let paid_on = (issued + Duration::days(1 + gen.below(25) as i64)).min(today);
        let amount = if invoice.due_date >= today {
            match roll {
                0..=24 => invoice.total_minor,
                25..=59 => invoice.total_minor / 2,
                _ => 0,
            }
        } else if age > 45 {
            match roll {
                0..=79 => invoice.total_minor,
                80..=87 => invoice.total_minor / 2,
                _ => 0,
            }
        } else {
            match roll {
                0..=39 => invoice.total_minor,
                40..=64 => invoice.total_minor / 2,
                _ => 0,
            }
        };
        if amount > 0 && paid_on > issued {
            invoices::pay(
                db,
                &manager,
                &PaymentInput {
                    invoice_id: invoice.id,
                    amount_minor: amount,
                    method: (*gen.pick(&["bank_transfer", "bank_transfer", "card", "cheque"]))
                        .into(),
                    paid_on: Some(paid_on),
                    reference: format!("BANK-{}", 100_000 + invoice.id),
                    keep_excess_as_credit: false,
                },
                today,
            )
            .await?;
        }
    }
    invoices::flag_overdue(db, today).await?;
    Ok(())
}
