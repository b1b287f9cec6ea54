//! Sales volume for benchmarks (`tandem seed --customers N --orders M`):
//! customers, and orders spread over three years with their lines and, as
//! their age makes likely, shipments with stock moves, invoices, payments
//! and support tickets. Rows are written in batches with explicit keys,
//! deterministically from a seed; the stock ledger still balances (an
//! opening receipt per product and warehouse covers what the volume
//! ships) and the order summary is rebuilt at the end.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DatabaseConnection, EntityTrait, QuerySelect,
    TransactionTrait,
};

use crate::{
    entities::sales_orders::OrderState,
    entities::{
        invoice_lines, invoices, payments, products, sales_order_lines, sales_orders,
        shipment_lines, shipments, stock_levels, stock_moves, tickets,
    },
    Result,
    {
        analytics::summaries,
        demo::crm_data::{self as demo_crm, fix_sequences, insert_all, next_id, settle, Gen},
    },
};

/// What was written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Volume {
    /// Customers.
    pub customers: u64,
    /// Orders.
    pub orders: u64,
    /// Order lines.
    pub lines: u64,
    /// Shipments.
    pub shipments: u64,
    /// Invoices.
    pub invoices: u64,
    /// Payments.
    pub payments: u64,
    /// Tickets.
    pub tickets: u64,
}

/// Rows of one batch, inserted in dependency order.
#[derive(Default)]
struct Batch {
    orders: Vec<sales_orders::ActiveModel>,
    lines: Vec<sales_order_lines::ActiveModel>,
    shipments: Vec<shipments::ActiveModel>,
    shipment_lines: Vec<shipment_lines::ActiveModel>,
    moves: Vec<stock_moves::ActiveModel>,
    invoices: Vec<invoices::ActiveModel>,
    invoice_lines: Vec<invoice_lines::ActiveModel>,
    payments: Vec<payments::ActiveModel>,
    tickets: Vec<tickets::ActiveModel>,
}

/// Next keys of every table written.
struct Keys {
    order: i64,
    line: i64,
    shipment: i64,
    shipment_line: i64,
    stock_move: i64,
    invoice: i64,
    invoice_line: i64,
    payment: i64,
    ticket: i64,
}

impl Keys {
    async fn load(db: &impl ConnectionTrait) -> Result<Keys> {
        Ok(Keys {
            order: next_id(db, "sales_orders").await?,
            line: next_id(db, "sales_order_lines").await?,
            shipment: next_id(db, "shipments").await?,
            shipment_line: next_id(db, "shipment_lines").await?,
            stock_move: next_id(db, "stock_moves").await?,
            invoice: next_id(db, "invoices").await?,
            invoice_line: next_id(db, "invoice_lines").await?,
            payment: next_id(db, "payments").await?,
            ticket: next_id(db, "tickets").await?,
        })
    }
}

/// What the generator draws from.
struct World {
    now: DateTime<Utc>,
    /// (first id, count, owners cycled) of the volume customers.
    customers: (i64, u64),
    owners: Vec<i64>,
    agents: Vec<i64>,
    /// (product, warehouse, price, tax bp) that have a stock level.
    stock: Vec<(i64, i64, i64, i32)>,
}

fn tax_of(net: i64, bp: i32) -> i64 {
    (net * i64::from(bp) + 5_000).div_euclid(10_000)
}

/// The state an order of `age` days has, drawn.
fn state_for(gen: &mut Gen, age: i64) -> OrderState {
    if gen.below(100) < 3 {
        return OrderState::Cancelled;
    }
    let roll = gen.below(100);
    match age {
        ..=1 if roll < 30 => OrderState::Draft,
        ..=1 => OrderState::Confirmed,
        2..=6 if roll < 50 => OrderState::Confirmed,
        2..=6 if roll < 60 => OrderState::PartiallyShipped,
        2..=6 => OrderState::Shipped,
        7..=44 if roll < 20 => OrderState::Shipped,
        7..=44 => OrderState::Invoiced,
        _ if roll < 8 => OrderState::Invoiced,
        _ => OrderState::Closed,
    }
}

/// One order and what followed it, added to `batch`.
fn order(gen: &mut Gen, world: &World, keys: &mut Keys, batch: &mut Batch, at: DateTime<Utc>) {
    let id = keys.order;
    keys.order += 1;
    let k = gen.below(world.customers.1);
    let customer = world.customers.0 + k as i64;
    let owner = world.owners[k as usize % world.owners.len()];
    let age = (world.now - at).num_days();
    let state = state_for(gen, age);
    let warehouse = world.stock[gen.below(world.stock.len() as u64) as usize].1;
    let choices: Vec<&(i64, i64, i64, i32)> =
        world.stock.iter().filter(|s| s.1 == warehouse).collect();
    let shipped_all = matches!(
        state,
        OrderState::Shipped | OrderState::Invoiced | OrderState::Closed
    );
    let mut lines = Vec::new();
    for n in 0..1 + gen.below(3) {
        let (product, _, price, bp) = *choices[gen.below(choices.len() as u64) as usize];
        let quantity = 1 + gen.below(5) as i64;
        let net = quantity * price;
        let shipped = if shipped_all || (state == OrderState::PartiallyShipped && n == 0) {
            quantity
        } else {
            0
        };
        lines.push((
            keys.line,
            n as i32 + 1,
            product,
            quantity,
            price,
            bp,
            net,
            tax_of(net, bp),
            shipped,
        ));
        keys.line += 1;
    }
    let subtotal: i64 = lines.iter().map(|l| l.6).sum();
    let tax: i64 = lines.iter().map(|l| l.7).sum();
    let confirmed = (state != OrderState::Draft).then(|| at + Duration::hours(1));
    batch.orders.push(sales_orders::ActiveModel {
        id: Set(id),
        number: Set(format!("SV-{id:08}")),
        customer_id: Set(customer),
        warehouse_id: Set(warehouse),
        owner_id: Set(Some(owner)),
        state: Set(state),
        currency: Set("EUR".into()),
        subtotal_minor: Set(subtotal),
        tax_minor: Set(tax),
        total_minor: Set(subtotal + tax),
        ship_by: Set((at + Duration::days(3)).date_naive()),
        notes: Set(String::new()),
        approval_reason: Set(String::new()),
        approved_by: Set(None),
        approved_at: Set(None),
        confirmed_at: Set(confirmed),
        cancelled_at: Set((state == OrderState::Cancelled).then(|| at + Duration::hours(3))),
        cancel_reason: Set(if state == OrderState::Cancelled {
            "customer changed plans".into()
        } else {
            String::new()
        }),
        created_by: Set(Some(owner)),
        created_at: Set(at),
        updated_at: Set(at + Duration::hours(2)),
    });
    let invoiced = matches!(state, OrderState::Invoiced | OrderState::Closed);
    for &(line_id, line_no, product, quantity, price, bp, net, tax, shipped) in &lines {
        batch.lines.push(sales_order_lines::ActiveModel {
            id: Set(line_id),
            order_id: Set(id),
            line_no: Set(line_no),
            product_id: Set(product),
            description: Set(String::new()),
            quantity: Set(quantity),
            unit_price_minor: Set(price),
            discount_bp: Set(0),
            tax_rate_bp: Set(bp),
            net_minor: Set(net),
            tax_minor: Set(tax),
            reserved: Set(0),
            shipped: Set(shipped),
            invoiced: Set(if invoiced { shipped } else { 0 }),
            returned: Set(0),
        });
    }
    if lines.iter().any(|l| l.8 > 0) {
        shipment(keys, batch, id, warehouse, owner, at, &lines);
    }
    if invoiced {
        invoice(
            gen,
            world,
            keys,
            batch,
            (id, customer, owner),
            at,
            state == OrderState::Closed,
            &lines,
        );
    }
    if gen.below(10) == 0 {
        ticket(gen, world, keys, batch, (id, customer), at);
    }
}

type Line = (i64, i32, i64, i64, i64, i32, i64, i64, i64);

fn shipment(
    keys: &mut Keys,
    batch: &mut Batch,
    order: i64,
    warehouse: i64,
    owner: i64,
    at: DateTime<Utc>,
    lines: &[Line],
) {
    let id = keys.shipment;
    keys.shipment += 1;
    let shipped_at = at + Duration::days(1);
    let number = format!("SHV-{id:08}");
    batch.shipments.push(shipments::ActiveModel {
        id: Set(id),
        number: Set(number.clone()),
        order_id: Set(order),
        warehouse_id: Set(warehouse),
        state: Set("shipped".into()),
        carrier: Set("DHL".into()),
        tracking: Set(format!("JD{id:012}")),
        created_by: Set(Some(owner)),
        created_at: Set(at + Duration::hours(6)),
        shipped_by: Set(Some(owner)),
        shipped_at: Set(Some(shipped_at)),
    });
    for l in lines.iter().filter(|l| l.8 > 0) {
        batch.shipment_lines.push(shipment_lines::ActiveModel {
            id: Set(keys.shipment_line),
            shipment_id: Set(id),
            order_line_id: Set(l.0),
            product_id: Set(l.2),
            quantity: Set(l.8),
        });
        keys.shipment_line += 1;
        batch.moves.push(stock_moves::ActiveModel {
            id: Set(keys.stock_move),
            product_id: Set(l.2),
            warehouse_id: Set(warehouse),
            kind: Set("shipment".into()),
            quantity: Set(-l.8),
            reason: Set(String::new()),
            doc_type: Set("shipment".into()),
            doc_id: Set(Some(id)),
            doc_number: Set(number.clone()),
            actor_id: Set(Some(owner)),
            created_at: Set(shipped_at),
        });
        keys.stock_move += 1;
    }
}

#[expect(
    clippy::too_many_arguments,
    reason = "one generator step with its context"
)]
fn invoice(
    gen: &mut Gen,
    world: &World,
    keys: &mut Keys,
    batch: &mut Batch,
    (order, customer, owner): (i64, i64, i64),
    at: DateTime<Utc>,
    paid: bool,
    lines: &[Line],
) {
    let id = keys.invoice;
    keys.invoice += 1;
    let issued = (at + Duration::days(2)).date_naive();
    let due = issued + Duration::days(30);
    let subtotal: i64 = lines.iter().filter(|l| l.8 > 0).map(|l| l.6).sum();
    let tax: i64 = lines.iter().filter(|l| l.8 > 0).map(|l| l.7).sum();
    let state = if paid {
        "paid"
    } else if due < world.now.date_naive() {
        "overdue"
    } else {
        "open"
    };
    batch.invoices.push(invoices::ActiveModel {
        id: Set(id),
        number: Set(format!("INV-V{id:08}")),
        customer_id: Set(customer),
        order_id: Set(order),
        shipment_id: Set(None),
        owner_id: Set(Some(owner)),
        currency: Set("EUR".into()),
        state: Set(state.into()),
        issue_date: Set(issued),
        due_date: Set(due),
        subtotal_minor: Set(subtotal),
        tax_minor: Set(tax),
        total_minor: Set(subtotal + tax),
        paid_minor: Set(if paid { subtotal + tax } else { 0 }),
        credited_minor: Set(0),
        cancel_reason: Set(String::new()),
        cancelled_at: Set(None),
        created_by: Set(Some(owner)),
        created_at: Set(at + Duration::days(2)),
        updated_at: Set(at + Duration::days(2)),
    });
    for l in lines.iter().filter(|l| l.8 > 0) {
        batch.invoice_lines.push(invoice_lines::ActiveModel {
            id: Set(keys.invoice_line),
            invoice_id: Set(id),
            order_line_id: Set(l.0),
            product_id: Set(l.2),
            description: Set(String::new()),
            quantity: Set(l.8),
            unit_price_minor: Set(l.4),
            discount_bp: Set(0),
            tax_rate_bp: Set(l.5),
            net_minor: Set(l.6),
            tax_minor: Set(l.7),
            credited_quantity: Set(0),
            credited_net_minor: Set(0),
            credited_tax_minor: Set(0),
        });
        keys.invoice_line += 1;
    }
    if paid {
        let pid = keys.payment;
        keys.payment += 1;
        batch.payments.push(payments::ActiveModel {
            id: Set(pid),
            number: Set(format!("PAY-V{pid:08}")),
            customer_id: Set(customer),
            invoice_id: Set(Some(id)),
            currency: Set("EUR".into()),
            amount_minor: Set(subtotal + tax),
            applied_minor: Set(subtotal + tax),
            method: Set(if gen.below(4) == 0 {
                "card"
            } else {
                "bank_transfer"
            }
            .into()),
            paid_on: Set(issued + Duration::days(gen.below(30) as i64)),
            reference: Set(String::new()),
            created_by: Set(Some(owner)),
            created_at: Set(at + Duration::days(10)),
        });
    }
}

fn ticket(
    gen: &mut Gen,
    world: &World,
    keys: &mut Keys,
    batch: &mut Batch,
    (order, customer): (i64, i64),
    at: DateTime<Utc>,
) {
    let id = keys.ticket;
    keys.ticket += 1;
    let created = at + Duration::days(2) + Duration::minutes(gen.below(2_000) as i64);
    let age = (world.now - created).num_days();
    let status = match (age, gen.below(10)) {
        (..=1, 0..=4) => "new",
        (..=1, _) => "open",
        (2..=5, 0..=3) => "waiting",
        (2..=5, 4..=5) => "open",
        (..=30, _) => "resolved",
        _ => "closed",
    };
    let done = matches!(status, "resolved" | "closed");
    let resolved = done.then(|| created + Duration::minutes(30 + gen.below(72 * 60) as i64));
    let rating =
        (done && gen.below(10) < 6).then(|| [5, 5, 4, 4, 4, 3, 2, 5, 4, 1][gen.below(10) as usize]);
    let agent = world.agents[gen.below(world.agents.len() as u64) as usize];
    let kinds = ["question", "complaint", "return", "request"];
    let priorities = ["low", "normal", "normal", "high", "urgent"];
    batch.tickets.push(tickets::ActiveModel {
        id: Set(id),
        number: Set(format!("TKV-{id:08}")),
        customer_id: Set(customer),
        contact_id: Set(None),
        requester_name: Set("Volume requester".into()),
        requester_email: Set(format!("requester.{customer}@example.com")),
        order_id: Set(Some(order)),
        shipment_id: Set(None),
        kind: Set(kinds[gen.below(4) as usize].into()),
        channel: Set(if gen.below(2) == 0 { "email" } else { "web" }.into()),
        subject: Set(format!("Question about order SV-{order:08}")),
        description: Set("Generated for the volume benchmark.".into()),
        priority: Set(priorities[gen.below(5) as usize].into()),
        status: Set(status.into()),
        queue_id: Set(None),
        assignee_id: Set((status != "new").then_some(agent)),
        tags: Set(String::new()),
        sla_policy_id: Set(None),
        first_response_due: Set((!done).then(|| created + Duration::hours(8))),
        resolution_due: Set((!done).then(|| created + Duration::hours(72))),
        first_responded_at: Set(
            (status != "new").then(|| created + Duration::minutes(20 + gen.below(600) as i64))
        ),
        resolved_at: Set(resolved),
        resolution_minutes: Set(
            resolved.map(|done| crate::service::tickets::resolution_minutes(created, done))
        ),
        closed_at: Set(
            (status == "closed").then(|| resolved.unwrap_or(created) + Duration::days(7))
        ),
        response_alert: Set(0),
        resolution_alert: Set(0),
        rating: Set(rating),
        rating_comment: Set(String::new()),
        rated_at: Set(rating.and(resolved).map(|r| r + Duration::hours(5))),
        rating_token: Set(None),
        created_by: Set(None),
        created_at: Set(created),
        updated_at: Set(resolved.unwrap_or(created)),
        response_met: Set((status != "new").then(|| gen.below(100) < 90)),
        resolution_met: Set(done.then(|| gen.below(100) < 85)),
    });
}

async fn write(db: &DatabaseConnection, batch: Batch) -> Result<u64> {
    let txn = db.begin().await?;
    let n = batch.orders.len() as u64;
    insert_all(&txn, batch.orders, 500).await?;
    insert_all(&txn, batch.lines, 500).await?;
    insert_all(&txn, batch.shipments, 500).await?;
    insert_all(&txn, batch.shipment_lines, 1_000).await?;
    insert_all(&txn, batch.moves, 500).await?;
    insert_all(&txn, batch.invoices, 400).await?;
    insert_all(&txn, batch.invoice_lines, 400).await?;
    insert_all(&txn, batch.payments, 500).await?;
    insert_all(&txn, batch.tickets, 200).await?;
    txn.commit().await?;
    Ok(n)
}

/// Adds `customers` customers (owned by `owners`, cycled) and `orders`
/// orders over the three years before now, with what followed them;
/// `progress` hears (step, done, total). Needs the demo data (products,
/// warehouses, stock levels, support agents `agents`).
pub async fn seed(
    db: &DatabaseConnection,
    owners: &[i64],
    agents: &[i64],
    customers: u64,
    orders: u64,
    mut progress: impl FnMut(&'static str, u64, u64),
) -> Result<Volume> {
    if owners.is_empty() || agents.is_empty() || customers == 0 {
        return Err(crate::Error::Internal(
            "the volume needs the demo data first".into(),
        ));
    }
    let first_customer = next_id(db, "customers").await?;
    demo_crm::seed_volume(db, owners, customers, 0, |done, total| {
        progress("customers", done, total)
    })
    .await?;
    let prices: BTreeMap<i64, (i64, i32)> = products::Entity::find()
        .select_only()
        .columns([
            products::Column::Id,
            products::Column::ListPriceMinor,
            products::Column::TaxRateBp,
        ])
        .into_tuple::<(i64, i64, i32)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, p, t)| (id, (p, t)))
        .collect();
    let levels: Vec<(i64, i64)> = stock_levels::Entity::find()
        .select_only()
        .columns([
            stock_levels::Column::ProductId,
            stock_levels::Column::WarehouseId,
        ])
        .into_tuple()
        .all(db)
        .await?;
    let now = Utc::now();
    let world = World {
        now,
        customers: (first_customer, customers),
        owners: owners.to_vec(),
        agents: agents.to_vec(),
        stock: levels
            .into_iter()
            .filter_map(|(p, w)| prices.get(&p).map(|&(price, bp)| (p, w, price.max(1), bp)))
            .collect(),
    };
    if world.stock.is_empty() {
        return Err(crate::Error::Internal(
            "the volume needs stocked products".into(),
        ));
    }
    let mut keys = Keys::load(db).await?;
    let start = (
        keys.order,
        keys.line,
        keys.shipment,
        keys.invoice,
        keys.payment,
        keys.ticket,
    );
    let mut gen = Gen::new(0x0005_EED0_F0D3);
    let span = Duration::days(3 * 365).num_seconds();
    let mut shipped: BTreeMap<(i64, i64), i64> = BTreeMap::new();
    let mut done = 0;
    while done < orders {
        let upto = (done + 2_000).min(orders);
        let mut batch = Batch::default();
        for k in done..upto {
            // Orders in time order, so newer orders have higher keys.
            let offset = span - (span as f64 * (k as f64 + 0.5) / orders as f64) as i64;
            let at = now - Duration::seconds(offset.max(60));
            order(&mut gen, &world, &mut keys, &mut batch, at);
        }
        for m in &batch.moves {
            if let (
                sea_orm::ActiveValue::Set(p),
                sea_orm::ActiveValue::Set(w),
                sea_orm::ActiveValue::Set(q),
            ) = (&m.product_id, &m.warehouse_id, &m.quantity)
            {
                *shipped.entry((*p, *w)).or_default() -= q;
            }
        }
        write(db, batch).await?;
        done = upto;
        progress("orders", done, orders);
    }
    // The goods the volume shipped arrived first: the ledger balances.
    let opening = now - Duration::days(3 * 365 + 1);
    let receipts: Vec<stock_moves::ActiveModel> = shipped
        .into_iter()
        .map(|((product, warehouse), quantity)| {
            let row = stock_moves::ActiveModel {
                id: Set(keys.stock_move),
                product_id: Set(product),
                warehouse_id: Set(warehouse),
                kind: Set("receipt".into()),
                quantity: Set(quantity),
                reason: Set("volume opening stock".into()),
                doc_type: Set("adjustment".into()),
                doc_id: Set(None),
                doc_number: Set(String::new()),
                actor_id: Set(None),
                created_at: Set(opening),
            };
            keys.stock_move += 1;
            row
        })
        .collect();
    let txn = db.begin().await?;
    insert_all(&txn, receipts, 500).await?;
    txn.commit().await?;
    fix_sequences(
        db,
        &[
            "sales_orders",
            "sales_order_lines",
            "shipments",
            "shipment_lines",
            "stock_moves",
            "invoices",
            "invoice_lines",
            "payments",
            "tickets",
        ],
    )
    .await?;
    summaries::rebuild(db, |n| progress("summary", n, orders)).await?;
    settle(db).await?;
    Ok(Volume {
        customers,
        orders,
        lines: (keys.line - start.1) as u64,
        shipments: (keys.shipment - start.2) as u64,
        invoices: (keys.invoice - start.3) as u64,
        payments: (keys.payment - start.4) as u64,
        tickets: (keys.ticket - start.5) as u64,
    })
}
