//! Invoices, payments and credit notes.
//!
//! An invoice bills shipped quantities: those of one shipment, or every
//! shipped and not yet invoiced quantity of an order. Its due date is the
//! issue date plus the customer's payment terms. What it owes is
//! total − paid − credited, which the database keeps between zero and the
//! total. Payments settle it (an overpayment is refused, or its excess kept
//! as customer credit when the user says so); credit notes reverse all or
//! part of its lines. The order becomes invoiced when everything shipped is
//! invoiced, and closed when its invoices are settled.
//!
//! **Amounts of partial documents.** A line invoiced in parts is billed by
//! cumulative difference: an invoice for `q` more units of a line already
//! invoiced `i` units bills `amounts(i + q) − amounts(i)`, where `amounts`
//! is [`money::line_amounts`]. The invoices of an order line therefore add
//! up to exactly the order line's net and tax, whatever the split. Credit
//! notes do the same against the invoice line, pro rata to its quantity.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate, Utc};
use sea_orm::{
    sea_query::{Alias, Expr, LockType},
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde_json::json;

use crate::{
    auth::{policy, Actor, Permission, Scope},
    entities::{
        credit_note_lines, credit_notes, customer_credits, customers, invoice_lines, invoices,
        payments, sales_order_lines, sales_orders, shipment_lines, shipments,
    },
    messages, money,
    services::{
        audit::{self, Entry, Who},
        customers as customer_service, meta, notifications, numbers,
        orders::{self, OrderState},
        outbox,
        page::{paginate_after, Page},
        scope::owned,
        shipments as shipment_service, stats,
        timeline::{self, Event},
    },
    Error, FieldErrors, Result,
};

/// Issued, nothing settled.
pub const OPEN: &str = "open";
/// Partly settled.
pub const PARTIALLY_PAID: &str = "partially_paid";
/// Settled in full.
pub const PAID: &str = "paid";
/// Past its due date with something owed.
pub const OVERDUE: &str = "overdue";
/// Cancelled before anything was settled.
pub const CANCELLED: &str = "cancelled";
/// Every state.
pub const STATES: [&str; 5] = [OPEN, PARTIALLY_PAID, PAID, OVERDUE, CANCELLED];
/// States in which something is owed.
pub const UNPAID: [&str; 3] = [OPEN, PARTIALLY_PAID, OVERDUE];

/// `CAST(SUM(total - paid - credited) AS BIGINT)`: what the invoices in a
/// query still owe (columns qualified, so it holds beside joins).
pub fn owed_sum() -> sea_orm::sea_query::SimpleExpr {
    Expr::expr(
        Expr::col((invoices::Entity, invoices::Column::TotalMinor))
            .sub(Expr::col((invoices::Entity, invoices::Column::PaidMinor)))
            .sub(Expr::col((
                invoices::Entity,
                invoices::Column::CreditedMinor,
            ))),
    )
    .sum()
    .cast_as(Alias::new("BIGINT"))
}

/// `invoices.state IN ('open', 'partially_paid', 'overdue')` with the states
/// as literals, not bound values: only then may SQLite and PostgreSQL use
/// the partial indexes on unpaid invoices (migration 14), whose condition
/// is this text.
pub fn unpaid_literal() -> sea_orm::sea_query::SimpleExpr {
    let states: Vec<String> = UNPAID.iter().map(|s| format!("'{s}'")).collect();
    sea_orm::sea_query::Expr::cust(format!("invoices.state IN ({})", states.join(", ")))
}

/// Payment methods; `credit` draws on the customer's credit balance.
pub const METHODS: [&str; 6] = ["bank_transfer", "card", "cash", "cheque", "credit", "other"];
/// Paying from the customer's credit balance.
pub const METHOD_CREDIT: &str = "credit";

/// Meta keys of the company details printed on invoices.
pub const COMPANY_KEYS: [&str; 4] = [
    "company.name",
    "company.address",
    "company.tax_id",
    "company.email",
];

/// The record scope for invoices (their owner is the order's owner).
pub fn scope_of(actor: Option<&Actor>) -> Result<Scope> {
    policy::scope(actor, Permission::InvoicesRead, Permission::InvoicesReadAll)
}

/// Where an invoice lives in the UI.
pub fn link(id: i64) -> String {
    format!("/invoices/{id}")
}

/// What an invoice owes.
pub fn owed(invoice: &invoices::Model) -> i64 {
    invoice.total_minor - invoice.paid_minor - invoice.credited_minor
}

/// The state an uncancelled invoice is in, from its amounts and `today`.
pub fn state_for(
    total: i64,
    paid: i64,
    credited: i64,
    due: NaiveDate,
    today: NaiveDate,
) -> &'static str {
    let owed = total - paid - credited;
    if owed <= 0 {
        PAID
    } else if due < today {
        OVERDUE
    } else if paid + credited > 0 {
        PARTIALLY_PAID
    } else {
        OPEN
    }
}

fn amounts(line_qty: i64, price: i64, discount_bp: i32, tax_bp: i32) -> Result<(i64, i64)> {
    money::line_amounts(line_qty, price, discount_bp, tax_bp)
        .ok_or_else(|| Error::field("amount", messages::AMOUNT_TOO_LARGE))
}

/// Net and tax for `more` units of an order line already invoiced `done`
/// units (cumulative difference; see the module's documentation).
pub fn invoice_amounts(
    line: &sales_order_lines::Model,
    done: i64,
    more: i64,
) -> Result<(i64, i64)> {
    let (n0, t0) = amounts(
        done,
        line.unit_price_minor,
        line.discount_bp,
        line.tax_rate_bp,
    )?;
    let (n1, t1) = amounts(
        done + more,
        line.unit_price_minor,
        line.discount_bp,
        line.tax_rate_bp,
    )?;
    Ok((n1 - n0, t1 - t0))
}

/// Net and tax a credit of `more` units of an invoice line already
/// credited `done` units reverses: pro rata, by cumulative difference, so
/// crediting every unit reverses exactly the line's amounts.
pub fn credit_amounts(line: &invoice_lines::Model, done: i64, more: i64) -> (i64, i64) {
    let part = |amount: i64, units: i64| -> i64 {
        let share = money::div_round_half_up(
            i128::from(amount) * i128::from(units),
            i128::from(line.quantity.max(1)),
        );
        i64::try_from(share).unwrap_or(amount)
    };
    (
        part(line.net_minor, done + more) - part(line.net_minor, done),
        part(line.tax_minor, done + more) - part(line.tax_minor, done),
    )
}

/// Moves an order on from what its invoices say: shipped and all invoiced →
/// invoiced; invoiced and nothing owed → closed.
async fn settle_order(db: &impl ConnectionTrait, order_id: i64) -> Result<()> {
    let Some(order) = sales_orders::Entity::find_by_id(order_id).one(db).await? else {
        return Ok(());
    };
    let mut state = OrderState::parse(&order.state).unwrap_or(OrderState::Draft);
    let now = Utc::now();
    let lines = sales_order_lines::Entity::find()
        .filter(sales_order_lines::Column::OrderId.eq(order_id))
        .all(db)
        .await?;
    let all_invoiced = lines.iter().all(|l| l.invoiced == l.quantity);
    let mut to = state;
    if state == OrderState::Shipped && all_invoiced {
        to = OrderState::Invoiced;
    } else if state == OrderState::Invoiced && !all_invoiced {
        to = OrderState::Shipped;
    }
    if to == OrderState::Invoiced {
        let unpaid = invoices::Entity::find()
            .filter(invoices::Column::OrderId.eq(order_id))
            .filter(invoices::Column::State.is_in(UNPAID))
            .count(db)
            .await?;
        if unpaid == 0 {
            if state != OrderState::Invoiced {
                set_order_state(db, order_id, state, OrderState::Invoiced, now).await?;
                state = OrderState::Invoiced;
            }
            to = OrderState::Closed;
        }
    }
    if to != state {
        set_order_state(db, order_id, state, to, now).await?;
    }
    Ok(())
}

async fn set_order_state(
    db: &impl ConnectionTrait,
    id: i64,
    from: OrderState,
    to: OrderState,
    now: chrono::DateTime<Utc>,
) -> Result<()> {
    from.check(to)?;
    let counted = stats::Snapshot::take(db, vec![id]).await?;
    sales_orders::Entity::update_many()
        .col_expr(sales_orders::Column::State, Expr::value(to.as_str()))
        .col_expr(sales_orders::Column::UpdatedAt, Expr::value(now))
        .filter(sales_orders::Column::Id.eq(id))
        .filter(sales_orders::Column::State.eq(from.as_str()))
        .exec(db)
        .await?;
    counted.apply(db).await
}

/// Raises an invoice for the shipped, not yet invoiced quantities of an
/// order — of one shipment when `shipment_id` is given — issued on
/// `issue_date` and due after the customer's payment terms.
pub async fn raise(
    db: &impl crate::db::Tx,
    actor: Option<&Actor>,
    order_id: i64,
    shipment_id: Option<i64>,
    issue_date: NaiveDate,
) -> Result<invoices::Model> {
    let actor = policy::require(actor, Permission::InvoicesWrite)?;
    let txn = db.begin().await?;
    let Some(order) = orders::lock_in(
        &txn,
        order_id,
        &[OrderState::PartiallyShipped, OrderState::Shipped],
    )
    .await?
    else {
        return Err(
            match sales_orders::Entity::find_by_id(order_id).one(&txn).await? {
                None => Error::NotFound,
                Some(_) => Error::Conflict(messages::NOTHING_TO_INVOICE.into()),
            },
        );
    };
    let lines: HashMap<i64, sales_order_lines::Model> = sales_order_lines::Entity::find()
        .filter(sales_order_lines::Column::OrderId.eq(order_id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|l| (l.id, l))
        .collect();
    // (order line, quantity) to bill.
    let mut wanted: Vec<(i64, i64)> = Vec::new();
    if let Some(shipment_id) = shipment_id {
        let shipment = shipments::Entity::find_by_id(shipment_id)
            .filter(shipments::Column::OrderId.eq(order_id))
            .one(&txn)
            .await?
            .ok_or(Error::NotFound)?;
        if shipment.state != shipment_service::SHIPPED {
            return Err(Error::Conflict(messages::SHIPMENT_NOT_SHIPPED.into()));
        }
        let billed = invoices::Entity::find()
            .filter(invoices::Column::ShipmentId.eq(shipment_id))
            .filter(invoices::Column::State.ne(CANCELLED))
            .count(&txn)
            .await?;
        if billed > 0 {
            return Err(Error::Conflict(messages::SHIPMENT_INVOICED.into()));
        }
        for sl in shipment_lines::Entity::find()
            .filter(shipment_lines::Column::ShipmentId.eq(shipment_id))
            .order_by_asc(shipment_lines::Column::Id)
            .all(&txn)
            .await?
        {
            wanted.push((sl.order_line_id, sl.quantity));
        }
    } else {
        let mut all: Vec<&sales_order_lines::Model> = lines.values().collect();
        all.sort_by_key(|l| l.line_no);
        wanted.extend(all.into_iter().map(|l| (l.id, l.shipped)));
    }
    // Never more than shipped and not yet invoiced.
    let mut billing: Vec<(&sales_order_lines::Model, i64)> = Vec::new();
    let mut left: HashMap<i64, i64> = lines
        .values()
        .map(|l| (l.id, l.shipped - l.invoiced))
        .collect();
    for (line_id, quantity) in wanted {
        let Some(line) = lines.get(&line_id) else {
            continue;
        };
        let room = left.get(&line_id).copied().unwrap_or(0);
        let take = quantity.min(room);
        if take > 0 {
            left.insert(line_id, room - take);
            match billing.iter_mut().find(|(l, _)| l.id == line_id) {
                Some(entry) => entry.1 += take,
                None => billing.push((line, take)),
            }
        }
    }
    if billing.is_empty() {
        return Err(Error::Conflict(messages::NOTHING_TO_INVOICE.into()));
    }
    billing.sort_by_key(|(l, _)| l.line_no);
    let customer = customers::Entity::find_by_id(order.customer_id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    let mut rows = Vec::new();
    let (mut subtotal, mut tax) = (0_i64, 0_i64);
    for (line, quantity) in &billing {
        let (net, line_tax) = invoice_amounts(line, line.invoiced, *quantity)?;
        subtotal += net;
        tax += line_tax;
        rows.push((*line, *quantity, net, line_tax));
    }
    let now = Utc::now();
    let due_date = issue_date + Duration::days(i64::from(customer.payment_terms_days.max(0)));
    let number = numbers::next(&txn, "INV", issue_date.year()).await?;
    let invoice = invoices::ActiveModel {
        number: Set(number),
        customer_id: Set(order.customer_id),
        order_id: Set(order.id),
        shipment_id: Set(shipment_id),
        owner_id: Set(order.owner_id),
        currency: Set(order.currency.clone()),
        state: Set(OPEN.into()),
        issue_date: Set(issue_date),
        due_date: Set(due_date),
        subtotal_minor: Set(subtotal),
        tax_minor: Set(tax),
        total_minor: Set(subtotal + tax),
        paid_minor: Set(0),
        credited_minor: Set(0),
        cancel_reason: Set(String::new()),
        cancelled_at: Set(None),
        created_by: Set(Some(actor.user_id)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    invoice_lines::Entity::insert_many(rows.iter().map(|(line, quantity, net, line_tax)| {
        invoice_lines::ActiveModel {
            invoice_id: Set(invoice.id),
            order_line_id: Set(line.id),
            product_id: Set(line.product_id),
            description: Set(line.description.clone()),
            quantity: Set(*quantity),
            unit_price_minor: Set(line.unit_price_minor),
            discount_bp: Set(line.discount_bp),
            tax_rate_bp: Set(line.tax_rate_bp),
            net_minor: Set(*net),
            tax_minor: Set(*line_tax),
            credited_quantity: Set(0),
            credited_net_minor: Set(0),
            credited_tax_minor: Set(0),
            ..Default::default()
        }
    }))
    .exec_without_returning(&txn)
    .await?;
    for (line, quantity, _, _) in &rows {
        let moved = sales_order_lines::Entity::update_many()
            .col_expr(
                sales_order_lines::Column::Invoiced,
                Expr::col(sales_order_lines::Column::Invoiced).add(*quantity),
            )
            .filter(sales_order_lines::Column::Id.eq(line.id))
            .filter(
                Expr::expr(Expr::col(sales_order_lines::Column::Invoiced).add(*quantity))
                    .lte(Expr::col(sales_order_lines::Column::Shipped)),
            )
            .exec(&txn)
            .await?;
        if moved.rows_affected != 1 {
            return Err(Error::Conflict(messages::NOTHING_TO_INVOICE.into()));
        }
    }
    settle_order(&txn, order.id).await?;
    let payload = json!({
        "number": invoice.number, "order": order.number, "customer_id": order.customer_id,
        "currency": invoice.currency, "total_minor": invoice.total_minor,
        "due_date": invoice.due_date.to_string(), "shipment_id": shipment_id,
        "lines": rows.iter().map(|(l, q, n, t)| json!({"order_line_id": l.id, "product_id": l.product_id,
            "quantity": q, "net_minor": n, "tax_minor": t})).collect::<Vec<_>>(),
    });
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("invoice.issued", "invoice", Some(invoice.id.to_string()))
            .after(payload.clone()),
    )
    .await?;
    outbox::publish(&txn, "invoice.issued", "invoice", invoice.id, payload).await?;
    timeline::append(
        &txn,
        Some(actor.user_id),
        Event {
            customer_id: order.customer_id,
            kind: "invoice.issued",
            summary: format!(
                "{} · {} · {} {}",
                invoice.number,
                order.number,
                money::format_minor(invoice.total_minor),
                invoice.currency
            ),
            link: link(invoice.id),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(invoice)
}

async fn lock_invoice(db: &impl ConnectionTrait, id: i64) -> Result<invoices::Model> {
    invoices::Entity::find_by_id(id)
        .lock(LockType::NoKeyUpdate)
        .one(db)
        .await?
        .ok_or(Error::NotFound)
}

/// Writes an invoice's settled amounts and the state they give.
async fn write_settled(
    db: &impl ConnectionTrait,
    invoice: &invoices::Model,
    paid: i64,
    credited: i64,
    today: NaiveDate,
) -> Result<invoices::Model> {
    let state = state_for(invoice.total_minor, paid, credited, invoice.due_date, today);
    let now = Utc::now();
    let updated = invoices::Entity::update_many()
        .col_expr(invoices::Column::PaidMinor, Expr::value(paid))
        .col_expr(invoices::Column::CreditedMinor, Expr::value(credited))
        .col_expr(invoices::Column::State, Expr::value(state))
        .col_expr(invoices::Column::UpdatedAt, Expr::value(now))
        .filter(invoices::Column::Id.eq(invoice.id))
        .filter(invoices::Column::PaidMinor.eq(invoice.paid_minor))
        .filter(invoices::Column::CreditedMinor.eq(invoice.credited_minor))
        .filter(invoices::Column::State.ne(CANCELLED))
        .exec(db)
        .await?;
    if updated.rows_affected != 1 {
        return Err(Error::Conflict(messages::INVOICE_CHANGED.into()));
    }
    Ok(invoices::Model {
        paid_minor: paid,
        credited_minor: credited,
        state: state.into(),
        updated_at: now,
        ..invoice.clone()
    })
}

/// A customer's credit balance in a currency.
pub async fn credit_balance(
    db: &impl ConnectionTrait,
    customer_id: i64,
    currency: &str,
) -> Result<i64> {
    let total: Option<Option<i64>> = customer_credits::Entity::find()
        .select_only()
        .column_as(
            Expr::col(customer_credits::Column::AmountMinor)
                .sum()
                .cast_as(Alias::new("BIGINT")),
            "total",
        )
        .filter(customer_credits::Column::CustomerId.eq(customer_id))
        .filter(customer_credits::Column::Currency.eq(currency))
        .into_tuple()
        .one(db)
        .await?;
    Ok(total.flatten().unwrap_or(0))
}

#[allow(clippy::too_many_arguments)]
async fn credit_move(
    db: &impl ConnectionTrait,
    customer_id: i64,
    currency: &str,
    amount: i64,
    doc_type: &str,
    doc_id: i64,
    number: &str,
    actor_id: i64,
) -> Result<()> {
    customer_credits::Entity::insert(customer_credits::ActiveModel {
        customer_id: Set(customer_id),
        currency: Set(currency.to_owned()),
        amount_minor: Set(amount),
        doc_type: Set(doc_type.to_owned()),
        doc_id: Set(Some(doc_id)),
        doc_number: Set(number.to_owned()),
        created_by: Set(Some(actor_id)),
        created_at: Set(Utc::now()),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// What the payment form sends.
#[derive(Clone, Debug, Default)]
pub struct PaymentInput {
    /// The invoice paid.
    pub invoice_id: i64,
    /// Amount as typed ("120.50").
    pub amount: String,
    /// One of [`METHODS`].
    pub method: String,
    /// Date received (YYYY-MM-DD); empty for today.
    pub paid_on: String,
    /// Bank or cheque reference.
    pub reference: String,
    /// Keep what exceeds the amount owed as customer credit (else refused).
    pub keep_excess_as_credit: bool,
}

/// Records a payment against an invoice, as of `today`.
pub async fn pay(
    db: &impl crate::db::Tx,
    actor: Option<&Actor>,
    input: &PaymentInput,
    today: NaiveDate,
) -> Result<payments::Model> {
    let actor = policy::require(actor, Permission::PaymentsWrite)?;
    let mut errors = FieldErrors::new();
    let amount = match money::parse_minor(&input.amount, "amount") {
        Ok(a) if a > 0 => a,
        Ok(_) => {
            errors.insert("amount".into(), messages::AMOUNT_POSITIVE.into());
            0
        }
        Err(Error::Validation(e)) => {
            errors.extend(e);
            0
        }
        Err(e) => return Err(e),
    };
    let method = input.method.trim();
    if !METHODS.contains(&method) {
        errors.insert("method".into(), messages::METHOD_INVALID.into());
    }
    let paid_on = if input.paid_on.trim().is_empty() {
        Some(today)
    } else {
        NaiveDate::parse_from_str(input.paid_on.trim(), "%Y-%m-%d").ok()
    };
    match paid_on {
        Some(d) if d <= today && d.year() >= 2000 => {}
        _ => {
            errors.insert("paid_on".into(), messages::PAID_ON_INVALID.into());
        }
    }
    let reference = input.reference.trim().to_owned();
    if reference.chars().count() > 100 {
        errors.insert("reference".into(), messages::MAX_100.into());
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let paid_on = paid_on.unwrap_or(today);
    let txn = db.begin().await?;
    let invoice = lock_invoice(&txn, input.invoice_id).await?;
    if invoice.state == CANCELLED {
        return Err(Error::Conflict(messages::INVOICE_CANCELLED.into()));
    }
    let owed_now = owed(&invoice);
    if owed_now == 0 {
        return Err(Error::Conflict(messages::INVOICE_SETTLED.into()));
    }
    let from_credit = method == METHOD_CREDIT;
    if amount > owed_now && (from_credit || !input.keep_excess_as_credit) {
        return Err(Error::field("amount", messages::OVERPAYMENT));
    }
    if from_credit {
        // The customer's row orders concurrent uses of one credit balance.
        customers::Entity::find_by_id(invoice.customer_id)
            .lock(LockType::NoKeyUpdate)
            .one(&txn)
            .await?;
        if credit_balance(&txn, invoice.customer_id, &invoice.currency).await? < amount {
            return Err(Error::field("amount", messages::CREDIT_SHORT));
        }
    }
    let applied = amount.min(owed_now);
    let excess = amount - applied;
    let after = write_settled(
        &txn,
        &invoice,
        invoice.paid_minor + applied,
        invoice.credited_minor,
        today,
    )
    .await?;
    let number = numbers::next(&txn, "PAY", paid_on.year()).await?;
    let payment = payments::ActiveModel {
        number: Set(number),
        customer_id: Set(invoice.customer_id),
        invoice_id: Set(Some(invoice.id)),
        currency: Set(invoice.currency.clone()),
        amount_minor: Set(amount),
        applied_minor: Set(applied),
        method: Set(method.to_owned()),
        paid_on: Set(paid_on),
        reference: Set(reference),
        created_by: Set(Some(actor.user_id)),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    if from_credit {
        credit_move(
            &txn,
            invoice.customer_id,
            &invoice.currency,
            -amount,
            "payment",
            payment.id,
            &payment.number,
            actor.user_id,
        )
        .await?;
    } else if excess > 0 {
        credit_move(
            &txn,
            invoice.customer_id,
            &invoice.currency,
            excess,
            "payment",
            payment.id,
            &payment.number,
            actor.user_id,
        )
        .await?;
    }
    settle_order(&txn, invoice.order_id).await?;
    let payload = json!({
        "number": payment.number, "invoice": invoice.number, "customer_id": invoice.customer_id,
        "currency": invoice.currency, "amount_minor": amount, "applied_minor": applied,
        "credit_minor": excess, "method": method, "paid_on": paid_on.to_string(),
        "owed_minor": owed(&after), "state": after.state,
    });
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("payment.recorded", "invoice", Some(invoice.id.to_string()))
            .after(payload.clone()),
    )
    .await?;
    outbox::publish(
        &txn,
        "payment.received",
        "invoice",
        invoice.id,
        payload.clone(),
    )
    .await?;
    if after.state == PAID {
        outbox::publish(&txn, "invoice.paid", "invoice", invoice.id, payload).await?;
    }
    timeline::append(
        &txn,
        Some(actor.user_id),
        Event {
            customer_id: invoice.customer_id,
            kind: "payment.received",
            summary: format!(
                "{} · {} · {} {}",
                payment.number,
                invoice.number,
                money::format_minor(amount),
                invoice.currency
            ),
            link: link(invoice.id),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(payment)
}

/// What a credit note reverses.
#[derive(Clone, Debug, Default)]
pub struct CreditInput {
    /// The invoice.
    pub invoice_id: i64,
    /// (invoice line, quantity); empty for everything not yet credited.
    pub lines: Vec<(i64, i64)>,
    /// Why (required).
    pub reason: String,
}

/// Issues a credit note reversing all or part of an invoice's lines. What
/// the invoice still owes goes down first; the rest becomes customer
/// credit (the customer had already paid it).
pub async fn credit(
    db: &impl crate::db::Tx,
    actor: Option<&Actor>,
    input: &CreditInput,
    today: NaiveDate,
) -> Result<credit_notes::Model> {
    let actor = policy::require(actor, Permission::InvoicesWrite)?;
    credit_as(db, actor, input, today).await
}

/// [`credit`] for an actor whose right to credit the caller has checked
/// (a return or complaint approved with `tickets.returns`).
pub(crate) async fn credit_as(
    db: &impl crate::db::Tx,
    actor: &Actor,
    input: &CreditInput,
    today: NaiveDate,
) -> Result<credit_notes::Model> {
    let reason = input.reason.trim().to_owned();
    if reason.is_empty() {
        return Err(Error::field("reason", messages::REASON_REQUIRED));
    }
    if reason.chars().count() > 500 {
        return Err(Error::field("reason", messages::MAX_500));
    }
    let txn = db.begin().await?;
    let invoice = lock_invoice(&txn, input.invoice_id).await?;
    if invoice.state == CANCELLED {
        return Err(Error::Conflict(messages::INVOICE_CANCELLED.into()));
    }
    let lines: HashMap<i64, invoice_lines::Model> = invoice_lines::Entity::find()
        .filter(invoice_lines::Column::InvoiceId.eq(invoice.id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|l| (l.id, l))
        .collect();
    let mut picked: Vec<(&invoice_lines::Model, i64)> = Vec::new();
    if input.lines.is_empty() {
        let mut all: Vec<&invoice_lines::Model> = lines.values().collect();
        all.sort_by_key(|l| l.id);
        for l in all {
            if l.quantity > l.credited_quantity {
                picked.push((l, l.quantity - l.credited_quantity));
            }
        }
    } else {
        let mut errors = FieldErrors::new();
        for (i, (line_id, quantity)) in input.lines.iter().enumerate() {
            match lines.get(line_id) {
                None => {
                    errors.insert(format!("lines.{i}.line_id"), messages::LINE_MISMATCH.into());
                }
                Some(_) if *quantity == 0 => {}
                Some(l) if *quantity < 0 || *quantity > l.quantity - l.credited_quantity => {
                    errors.insert(
                        format!("lines.{i}.quantity"),
                        messages::CREDIT_TOO_MUCH.into(),
                    );
                }
                Some(l) if picked.iter().any(|(p, _)| p.id == l.id) => {
                    errors.insert(format!("lines.{i}.line_id"), messages::LINE_MISMATCH.into());
                }
                Some(l) => picked.push((l, *quantity)),
            }
        }
        if !errors.is_empty() {
            return Err(Error::Validation(errors));
        }
    }
    if picked.is_empty() {
        return Err(Error::Conflict(messages::NOTHING_TO_CREDIT.into()));
    }
    let mut rows = Vec::new();
    let (mut subtotal, mut tax) = (0, 0);
    for (line, quantity) in &picked {
        let (net, line_tax) = credit_amounts(line, line.credited_quantity, *quantity);
        subtotal += net;
        tax += line_tax;
        rows.push((*line, *quantity, net, line_tax));
    }
    let total = subtotal + tax;
    if total <= 0 {
        return Err(Error::Conflict(messages::NOTHING_TO_CREDIT.into()));
    }
    let applied = total.min(owed(&invoice));
    let excess = total - applied;
    let after = write_settled(
        &txn,
        &invoice,
        invoice.paid_minor,
        invoice.credited_minor + applied,
        today,
    )
    .await?;
    let now = Utc::now();
    let number = numbers::next(&txn, "CN", today.year()).await?;
    let note = credit_notes::ActiveModel {
        number: Set(number),
        invoice_id: Set(invoice.id),
        customer_id: Set(invoice.customer_id),
        currency: Set(invoice.currency.clone()),
        reason: Set(reason.clone()),
        subtotal_minor: Set(subtotal),
        tax_minor: Set(tax),
        total_minor: Set(total),
        applied_minor: Set(applied),
        created_by: Set(Some(actor.user_id)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    credit_note_lines::Entity::insert_many(rows.iter().map(|(line, quantity, net, line_tax)| {
        credit_note_lines::ActiveModel {
            credit_note_id: Set(note.id),
            invoice_line_id: Set(line.id),
            quantity: Set(*quantity),
            net_minor: Set(*net),
            tax_minor: Set(*line_tax),
            ..Default::default()
        }
    }))
    .exec_without_returning(&txn)
    .await?;
    for (line, quantity, net, line_tax) in &rows {
        let moved = invoice_lines::Entity::update_many()
            .col_expr(
                invoice_lines::Column::CreditedQuantity,
                Expr::col(invoice_lines::Column::CreditedQuantity).add(*quantity),
            )
            .col_expr(
                invoice_lines::Column::CreditedNetMinor,
                Expr::col(invoice_lines::Column::CreditedNetMinor).add(*net),
            )
            .col_expr(
                invoice_lines::Column::CreditedTaxMinor,
                Expr::col(invoice_lines::Column::CreditedTaxMinor).add(*line_tax),
            )
            .filter(invoice_lines::Column::Id.eq(line.id))
            .filter(invoice_lines::Column::CreditedQuantity.eq(line.credited_quantity))
            .exec(&txn)
            .await?;
        if moved.rows_affected != 1 {
            return Err(Error::Conflict(messages::INVOICE_CHANGED.into()));
        }
    }
    if excess > 0 {
        credit_move(
            &txn,
            invoice.customer_id,
            &invoice.currency,
            excess,
            "credit_note",
            note.id,
            &note.number,
            actor.user_id,
        )
        .await?;
    }
    settle_order(&txn, invoice.order_id).await?;
    let payload = json!({
        "number": note.number, "invoice": invoice.number, "customer_id": invoice.customer_id,
        "currency": invoice.currency, "total_minor": total, "applied_minor": applied,
        "credit_minor": excess, "reason": reason, "owed_minor": owed(&after),
        "lines": rows.iter().map(|(l, q, n, t)| json!({"invoice_line_id": l.id, "product_id": l.product_id,
            "quantity": q, "net_minor": n, "tax_minor": t})).collect::<Vec<_>>(),
    });
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new(
            "credit_note.issued",
            "invoice",
            Some(invoice.id.to_string()),
        )
        .after(payload.clone()),
    )
    .await?;
    outbox::publish(&txn, "credit_note.issued", "invoice", invoice.id, payload).await?;
    timeline::append(
        &txn,
        Some(actor.user_id),
        Event {
            customer_id: invoice.customer_id,
            kind: "credit_note.issued",
            summary: format!(
                "{} · {} · {} {}",
                note.number,
                invoice.number,
                money::format_minor(total),
                invoice.currency
            ),
            link: link(invoice.id),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(note)
}

/// Cancels an invoice nothing has settled yet; its quantities become
/// invoiceable again.
pub async fn cancel(
    db: &impl crate::db::Tx,
    actor: Option<&Actor>,
    id: i64,
    reason: &str,
) -> Result<invoices::Model> {
    let actor = policy::require(actor, Permission::InvoicesWrite)?;
    let reason = reason.trim().to_owned();
    if reason.is_empty() {
        return Err(Error::field("reason", messages::REASON_REQUIRED));
    }
    if reason.chars().count() > 500 {
        return Err(Error::field("reason", messages::MAX_500));
    }
    let txn = db.begin().await?;
    let seen = invoices::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    if seen.state == CANCELLED {
        txn.commit().await?;
        return Ok(seen);
    }
    // The order's row first (as raising takes it), then the invoice's.
    sales_orders::Entity::find_by_id(seen.order_id)
        .lock(LockType::NoKeyUpdate)
        .one(&txn)
        .await?;
    let invoice = lock_invoice(&txn, id).await?;
    if invoice.state == CANCELLED {
        txn.commit().await?;
        return Ok(invoice);
    }
    if invoice.paid_minor > 0 || invoice.credited_minor > 0 {
        return Err(Error::Conflict(messages::INVOICE_HAS_SETTLEMENTS.into()));
    }
    let now = Utc::now();
    invoices::Entity::update_many()
        .col_expr(invoices::Column::State, Expr::value(CANCELLED))
        .col_expr(invoices::Column::CancelReason, Expr::value(reason.clone()))
        .col_expr(invoices::Column::CancelledAt, Expr::value(now))
        .col_expr(invoices::Column::UpdatedAt, Expr::value(now))
        .filter(invoices::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    for line in invoice_lines::Entity::find()
        .filter(invoice_lines::Column::InvoiceId.eq(id))
        .all(&txn)
        .await?
    {
        sales_order_lines::Entity::update_many()
            .col_expr(
                sales_order_lines::Column::Invoiced,
                Expr::col(sales_order_lines::Column::Invoiced).sub(line.quantity),
            )
            .filter(sales_order_lines::Column::Id.eq(line.order_line_id))
            .exec(&txn)
            .await?;
    }
    settle_order(&txn, invoice.order_id).await?;
    let payload =
        json!({"number": invoice.number, "reason": reason, "customer_id": invoice.customer_id});
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("invoice.cancelled", "invoice", Some(id.to_string())).after(payload.clone()),
    )
    .await?;
    outbox::publish(&txn, "invoice.cancelled", "invoice", id, payload).await?;
    timeline::append(
        &txn,
        Some(actor.user_id),
        Event {
            customer_id: invoice.customer_id,
            kind: "invoice.cancelled",
            summary: format!("{} · {}", invoice.number, reason),
            link: link(id),
        },
    )
    .await?;
    txn.commit().await?;
    invoices::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(Error::NotFound)
}

/// Flags open and partly paid invoices due before `today` as overdue and
/// tells each one's owner (the background job; also `tandem` on demand).
/// Returns how many it flagged.
pub async fn flag_overdue(db: &impl crate::db::Tx, today: NaiveDate) -> Result<u64> {
    let due: Vec<invoices::Model> = invoices::Entity::find()
        .filter(invoices::Column::State.is_in([OPEN, PARTIALLY_PAID]))
        .filter(invoices::Column::DueDate.lt(today))
        .order_by_asc(invoices::Column::Id)
        .limit(1000)
        .all(db)
        .await?;
    let names = customer_service::names(db, due.iter().map(|i| i.customer_id)).await?;
    let mut flagged = 0;
    for invoice in due {
        let txn = db.begin().await?;
        let updated = invoices::Entity::update_many()
            .col_expr(invoices::Column::State, Expr::value(OVERDUE))
            .col_expr(invoices::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(invoices::Column::Id.eq(invoice.id))
            .filter(invoices::Column::State.is_in([OPEN, PARTIALLY_PAID]))
            .filter(invoices::Column::DueDate.lt(today))
            .exec(&txn)
            .await?;
        if updated.rows_affected == 1 {
            let customer = names.get(&invoice.customer_id).cloned().unwrap_or_default();
            let title = format!(
                "{} · {} · {} {}",
                invoice.number,
                customer,
                money::format_minor(owed(&invoice)),
                invoice.currency
            );
            if let Some(owner) = invoice.owner_id {
                notifications::notify(
                    &txn,
                    &[owner],
                    notifications::INVOICE_OVERDUE,
                    &title,
                    &link(invoice.id),
                )
                .await?;
            }
            let payload = json!({
                "number": invoice.number, "customer_id": invoice.customer_id,
                "due_date": invoice.due_date.to_string(), "owed_minor": owed(&invoice),
                "currency": invoice.currency,
            });
            audit::record(
                &txn,
                Who::System,
                Entry::new("invoice.overdue", "invoice", Some(invoice.id.to_string()))
                    .after(payload.clone()),
            )
            .await?;
            outbox::publish(&txn, "invoice.overdue", "invoice", invoice.id, payload).await?;
            timeline::append(
                &txn,
                None,
                Event {
                    customer_id: invoice.customer_id,
                    kind: "invoice.overdue",
                    summary: title,
                    link: link(invoice.id),
                },
            )
            .await?;
            flagged += 1;
        }
        txn.commit().await?;
    }
    Ok(flagged)
}

/// The company details printed on invoices.
#[derive(Clone, Debug, Default)]
pub struct Company {
    /// Legal name.
    pub name: String,
    /// Postal address.
    pub address: String,
    /// Tax number.
    pub tax_id: String,
    /// Billing e-mail.
    pub email: String,
}

/// Reads the company details.
pub async fn company(db: &impl ConnectionTrait) -> Result<Company> {
    let mut values = Vec::new();
    for key in COMPANY_KEYS {
        values.push(meta::get(db, key).await?.unwrap_or_default());
    }
    let mut values = values.into_iter();
    let mut next = || values.next().unwrap_or_default();
    Ok(Company {
        name: next(),
        address: next(),
        tax_id: next(),
        email: next(),
    })
}

/// An invoice with what its page shows.
#[derive(Clone, Debug)]
pub struct InvoiceDetail {
    /// The invoice.
    pub invoice: invoices::Model,
    /// Its lines.
    pub lines: Vec<invoice_lines::Model>,
    /// Payments against it, oldest first.
    pub payments: Vec<payments::Model>,
    /// Credit notes against it, oldest first.
    pub credit_notes: Vec<credit_notes::Model>,
    /// The customer (name and address for the bill).
    pub customer: customers::Model,
    /// The order's number.
    pub order_number: String,
    /// The shipment's number, when raised per shipment.
    pub shipment_number: Option<String>,
    /// The seller.
    pub company: Company,
    /// The customer's credit balance in the invoice's currency.
    pub credit_balance_minor: i64,
}

async fn find_in_scope(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
    id: i64,
) -> Result<invoices::Model> {
    policy::require_any(
        actor,
        &[Permission::InvoicesRead, Permission::InvoicesReadAll],
    )?;
    invoices::Entity::find_by_id(id)
        .filter(owned(scope_of(actor)?, invoices::Column::OwnerId))
        .one(db)
        .await?
        .ok_or(Error::NotFound)
}

/// One invoice (`invoices.read`, own customers' unless `invoices.read_all`).
pub async fn get(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
    id: i64,
) -> Result<InvoiceDetail> {
    let invoice = find_in_scope(db, actor, id).await?;
    detail_of(db, invoice).await
}

/// The detail of an invoice the caller already holds: the one [`get`] found
/// in scope, or the one a write ([`raise`], [`cancel`]) returned, completed
/// in that write's own transaction. It checks no permission itself: the
/// read's or the write's own check stood for it, so a caller who may write
/// invoices but not read them still gets what it wrote.
pub async fn detail_of(
    db: &impl ConnectionTrait,
    invoice: invoices::Model,
) -> Result<InvoiceDetail> {
    let id = invoice.id;
    let lines = invoice_lines::Entity::find()
        .filter(invoice_lines::Column::InvoiceId.eq(id))
        .order_by_asc(invoice_lines::Column::Id)
        .all(db)
        .await?;
    let payments = payments::Entity::find()
        .filter(payments::Column::InvoiceId.eq(id))
        .order_by_asc(payments::Column::Id)
        .all(db)
        .await?;
    let credit_notes = credit_notes::Entity::find()
        .filter(credit_notes::Column::InvoiceId.eq(id))
        .order_by_asc(credit_notes::Column::Id)
        .all(db)
        .await?;
    let customer = customers::Entity::find_by_id(invoice.customer_id)
        .one(db)
        .await?
        .ok_or(Error::NotFound)?;
    let order_number = sales_orders::Entity::find_by_id(invoice.order_id)
        .one(db)
        .await?
        .map(|o| o.number)
        .unwrap_or_default();
    let shipment_number = match invoice.shipment_id {
        Some(s) => shipments::Entity::find_by_id(s)
            .one(db)
            .await?
            .map(|s| s.number),
        None => None,
    };
    Ok(InvoiceDetail {
        credit_balance_minor: credit_balance(db, invoice.customer_id, &invoice.currency).await?,
        company: company(db).await?,
        lines,
        payments,
        credit_notes,
        customer,
        order_number,
        shipment_number,
        invoice,
    })
}

/// Filters of the invoice list.
#[derive(Clone, Debug, Default)]
pub struct InvoiceFilter {
    /// One state, or `unpaid` for open, partly paid and overdue.
    pub state: Option<String>,
    /// One customer's.
    pub customer_id: Option<i64>,
    /// One order's.
    pub order_id: Option<i64>,
    /// API cursor: only rows with an id above this, in id order (see `page::paginate_after`).
    pub after: Option<i64>,
}

/// An invoice in a list.
#[derive(Clone, Debug)]
pub struct InvoiceRow {
    /// The invoice.
    pub invoice: invoices::Model,
    /// The customer's name.
    pub customer_name: String,
}

/// Invoices in scope, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
    filter: &InvoiceFilter,
    page: u64,
    per_page: u64,
) -> Result<Page<InvoiceRow>> {
    let mut query = invoices::Entity::find()
        .filter(owned(scope_of(actor)?, invoices::Column::OwnerId))
        .order_by_desc(invoices::Column::Id);
    match filter.state.as_deref() {
        Some("unpaid") => query = query.filter(invoices::Column::State.is_in(UNPAID)),
        Some(s) if STATES.contains(&s) => query = query.filter(invoices::Column::State.eq(s)),
        _ => {}
    }
    if let Some(c) = filter.customer_id {
        query = query.filter(invoices::Column::CustomerId.eq(c));
    }
    if let Some(o) = filter.order_id {
        query = query.filter(invoices::Column::OrderId.eq(o));
    }
    let page = paginate_after(
        db,
        query,
        invoices::Column::Id,
        filter.after,
        page,
        per_page,
        200,
    )
    .await?;
    let names = customer_service::names(db, page.items.iter().map(|i| i.customer_id)).await?;
    Ok(page.map(|invoice| InvoiceRow {
        customer_name: names.get(&invoice.customer_id).cloned().unwrap_or_default(),
        invoice,
    }))
}

/// Receivables of one customer by days past due.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Aging {
    /// The customer.
    pub customer_id: i64,
    /// Their name.
    pub customer_name: String,
    /// Currency.
    pub currency: String,
    /// Not yet due.
    pub not_due: i64,
    /// 0–30 days past due.
    pub d0_30: i64,
    /// 31–60 days past due.
    pub d31_60: i64,
    /// 61–90 days past due.
    pub d61_90: i64,
    /// More than 90 days past due.
    pub d90_plus: i64,
    /// Everything owed.
    pub total: i64,
    /// Unpaid invoices past due.
    pub overdue_count: u64,
}

impl Aging {
    fn add(&mut self, owed: i64, due: NaiveDate, today: NaiveDate) {
        let late = (today - due).num_days();
        match late {
            i64::MIN..=-1 => self.not_due += owed,
            0..=30 => self.d0_30 += owed,
            31..=60 => self.d31_60 += owed,
            61..=90 => self.d61_90 += owed,
            _ => self.d90_plus += owed,
        }
        if late > 0 {
            self.overdue_count += 1;
        }
        self.total += owed;
    }
}

/// Receivables aging as of `today`, per customer and currency (of one
/// customer, or of every customer in scope), largest total first.
pub async fn aging(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
    customer_id: Option<i64>,
    today: NaiveDate,
) -> Result<Vec<Aging>> {
    let mut query = invoices::Entity::find()
        .filter(owned(scope_of(actor)?, invoices::Column::OwnerId))
        .filter(invoices::Column::State.is_in(UNPAID));
    if let Some(c) = customer_id {
        query = query.filter(invoices::Column::CustomerId.eq(c));
    }
    let unpaid = query.all(db).await?;
    let names = customer_service::names(db, unpaid.iter().map(|i| i.customer_id)).await?;
    let mut rows: HashMap<(i64, String), Aging> = HashMap::new();
    for invoice in &unpaid {
        let row = rows
            .entry((invoice.customer_id, invoice.currency.clone()))
            .or_insert_with(|| Aging {
                customer_id: invoice.customer_id,
                customer_name: names.get(&invoice.customer_id).cloned().unwrap_or_default(),
                currency: invoice.currency.clone(),
                ..Aging::default()
            });
        row.add(owed(invoice), invoice.due_date, today);
    }
    let mut rows: Vec<Aging> = rows.into_values().collect();
    rows.sort_by(|a, b| {
        b.total
            .cmp(&a.total)
            .then(a.customer_name.cmp(&b.customer_name))
    });
    Ok(rows)
}

/// What a customer owes on unpaid invoices in `currency`.
pub async fn unpaid_total(
    db: &impl ConnectionTrait,
    customer_id: i64,
    currency: &str,
) -> Result<i64> {
    let total: Option<Option<i64>> = invoices::Entity::find()
        .select_only()
        .column_as(owed_sum(), "owed")
        .filter(invoices::Column::CustomerId.eq(customer_id))
        .filter(invoices::Column::Currency.eq(currency))
        .filter(invoices::Column::State.is_in(UNPAID))
        .into_tuple()
        .one(db)
        .await?;
    Ok(total.flatten().unwrap_or(0))
}

/// Sum of the uncancelled invoices raised for orders matched by `orders`.
pub(crate) async fn invoiced_of_orders(
    db: &impl ConnectionTrait,
    orders: sea_orm::Select<sales_orders::Entity>,
) -> Result<i64> {
    let ids = orders.select_only().column(sales_orders::Column::Id);
    let total: Option<Option<i64>> = invoices::Entity::find()
        .select_only()
        .column_as(
            Expr::col(invoices::Column::TotalMinor)
                .sum()
                .cast_as(Alias::new("BIGINT")),
            "total",
        )
        .filter(invoices::Column::OrderId.in_subquery(sea_orm::QueryTrait::into_query(ids)))
        .filter(invoices::Column::State.ne(CANCELLED))
        .into_tuple()
        .one(db)
        .await?;
    Ok(total.flatten().unwrap_or(0))
}
