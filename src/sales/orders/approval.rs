//! Approvals: why a quote needs one before it is confirmed (credit limit,
//! discount threshold, tax rate), noting the request, and approving.

use chrono::Utc;
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait,
    QueryFilter, QuerySelect,
};
use serde_json::json;

use super::{
    quote::products_by_id,
    rows::{in_scope, lines_of, lock_in, snapshot},
    state::OrderState,
};
use crate::{
    access::audit::{self, Entry, Who},
    access::{policy, Actor, Permission},
    entities::{customers, sales_order_lines, sales_orders},
    messages,
    platform::meta,
    sales::credit::exposure,
    sales::pricing,
    Error, Result,
};

/// The default discount above which an order needs an approval, basis
/// points; stored in `app_meta` under [`DISCOUNT_THRESHOLD_KEY`].
pub const DEFAULT_DISCOUNT_THRESHOLD_BP: i32 = 2000;
/// Where the discount threshold is configured.
pub const DISCOUNT_THRESHOLD_KEY: &str = "orders.discount_approval_bp";

/// Why an order needs an approval before it is confirmed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Approval {
    /// Confirming it takes the customer over the credit limit.
    pub over_credit: bool,
    /// A line's effective discount against its list price is above the
    /// threshold ([`pricing::check_line`]).
    pub over_discount: bool,
    /// A line's tax rate is not its product's.
    pub over_tax: bool,
    /// The customer's exposure without this order, minor units.
    pub exposure_minor: i64,
    /// The customer's credit limit (0: none set).
    pub credit_limit_minor: i64,
    /// The discount threshold, basis points.
    pub threshold_bp: i32,
}

impl Approval {
    /// Whether anything needs approving.
    pub fn needed(&self) -> bool {
        self.over_credit || self.over_discount || self.over_tax
    }

    /// The message refusing a confirmation without approval (one of
    /// `APPROVAL_REFUSALS`, which [`awaits_approval`] knows).
    pub fn message(&self) -> &'static str {
        match (self.over_credit, self.over_discount, self.over_tax) {
            (true, true, false) => messages::NEEDS_APPROVAL_BOTH,
            (true, false, false) => messages::NEEDS_APPROVAL_CREDIT,
            (false, false, true) => messages::NEEDS_APPROVAL_TAX,
            (_, _, true) => messages::NEEDS_APPROVAL_SEVERAL,
            _ => messages::NEEDS_APPROVAL_DISCOUNT,
        }
    }

    /// The reasons as stored and shown: `credit_limit`, `discount`, `tax`,
    /// comma-separated; empty when nothing needs approving.
    pub fn reason(&self) -> String {
        let mut parts = Vec::new();
        if self.over_credit {
            parts.push("credit_limit");
        }
        if self.over_discount {
            parts.push("discount");
        }
        if self.over_tax {
            parts.push("tax");
        }
        parts.join(",")
    }
}

/// Every message of [`Approval::message`].
const APPROVAL_REFUSALS: [&str; 5] = [
    messages::NEEDS_APPROVAL_BOTH,
    messages::NEEDS_APPROVAL_CREDIT,
    messages::NEEDS_APPROVAL_TAX,
    messages::NEEDS_APPROVAL_SEVERAL,
    messages::NEEDS_APPROVAL_DISCOUNT,
];

/// Whether `err` is [`confirm`](fn@super::confirm) refusing a quote that waits for an
/// approval. That refusal is not a failure that left nothing behind: before
/// answering it, `confirm` noted the request for an approval (so approvers
/// find the quote), and a caller that runs `confirm` inside a transaction
/// of its own (the REST API) must commit that note with the refusal.
pub fn awaits_approval(err: &Error) -> bool {
    matches!(err, Error::Conflict(message) if APPROVAL_REFUSALS.contains(&message.as_str()))
}

/// The discount above which an order needs an approval, basis points.
pub async fn discount_threshold(db: &impl ConnectionTrait) -> Result<i32> {
    Ok(meta::get(db, DISCOUNT_THRESHOLD_KEY)
        .await?
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_DISCOUNT_THRESHOLD_BP))
}

/// Why `order` needs an approval: the one rule that confirm, approve and
/// the order page's approval notice all ask. `lock` takes the customer's
/// row for the rest of the transaction (confirming), so two confirmations
/// for one customer check the credit limit one after the other.
pub(super) async fn approval_for(
    db: &impl ConnectionTrait,
    order: &sales_orders::Model,
    lines: &[sales_order_lines::Model],
    lock: bool,
) -> Result<Approval> {
    let mut query = customers::Entity::find_by_id(order.customer_id);
    if lock {
        // NO KEY UPDATE, not UPDATE: rows that merely refer to the customer
        // (timeline events of a shipment shipping meanwhile) take KEY SHARE
        // on it, which UPDATE would block — a deadlock with that shipment.
        query = query.lock(sea_orm::sea_query::LockType::NoKeyUpdate);
    }
    let customer = query.one(db).await?.ok_or(Error::NotFound)?;
    let exposure = exposure(db, &customer, Some(order.id)).await?;
    let threshold_bp = discount_threshold(db).await?;
    let products = products_by_id(db, lines.iter().map(|l| l.product_id)).await?;
    let (mut over_discount, mut over_tax) = (false, false);
    for line in lines {
        match products.get(&line.product_id) {
            Some(product) => {
                let check = pricing::check_line(
                    product,
                    line.unit_price_minor,
                    line.discount_bp,
                    line.tax_rate_bp,
                    threshold_bp,
                );
                over_discount |= check.over_discount;
                over_tax |= check.tax_differs;
            }
            // No list price to compare with: an approver decides.
            None => over_discount = true,
        }
    }
    Ok(Approval {
        over_credit: customer.credit_limit_minor > 0
            && customer.currency == order.currency
            && exposure + order.total_minor > customer.credit_limit_minor,
        over_discount,
        over_tax,
        exposure_minor: exposure,
        credit_limit_minor: customer.credit_limit_minor,
        threshold_bp,
    })
}

/// Notes on a draft why it waits for an approval (so approvers find it).
pub(super) async fn request_approval(
    db: &impl crate::db::Tx,
    actor: &Actor,
    id: i64,
    approval: &Approval,
) -> Result<()> {
    let txn = db.begin().await?;
    let updated = sales_orders::Entity::update_many()
        .col_expr(
            sales_orders::Column::ApprovalReason,
            Expr::value(approval.reason()),
        )
        .filter(sales_orders::Column::Id.eq(id))
        .filter(sales_orders::Column::State.eq(OrderState::Draft.as_str()))
        .filter(sales_orders::Column::ApprovedBy.is_null())
        .exec(&txn)
        .await?;
    if updated.rows_affected == 1 {
        audit::record(
            &txn,
            Who::Actor(actor),
            Entry::new("order.approval_requested", "order", Some(id.to_string()))
                .after(json!({"reason": approval.reason()})),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Whether confirming this quote now would need an approval.
pub async fn approval(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<Approval> {
    let order = in_scope(db, actor, id).await?;
    let lines = lines_of(db, id).await?;
    approval_for(db, &order, &lines, false).await
}

/// Approves a quote that needs it (`orders.approve`), recording who.
pub async fn approve(
    db: &impl crate::db::Tx,
    actor: &Actor,
    id: i64,
) -> Result<sales_orders::Model> {
    let actor = policy::require(actor, Permission::OrdersApprove)?;
    let txn = db.begin().await?;
    in_scope(&txn, actor, id).await?;
    // The locked row, not an earlier read: the approval is of the quote as it is.
    let Some(before) = lock_in(&txn, id, &[OrderState::Draft]).await? else {
        return Err(Error::Conflict(messages::ORDER_NOT_DRAFT.into()));
    };
    let lines = lines_of(&txn, id).await?;
    let approval = approval_for(&txn, &before, &lines, true).await?;
    if !approval.needed() {
        return Err(Error::Conflict(messages::APPROVAL_NOT_NEEDED.into()));
    }
    let now = Utc::now();
    let mut row: sales_orders::ActiveModel = before.clone().into();
    row.approved_by = Set(Some(actor.user_id));
    row.approved_at = Set(Some(now));
    row.approval_reason = Set(approval.reason());
    row.updated_at = Set(now);
    let after = row.update(&txn).await?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("order.approved", "order", Some(id.to_string()))
            .before(snapshot(&before))
            .after(
                json!({"order": snapshot(&after), "reason": approval.reason(),
                "exposure_minor": approval.exposure_minor,
                "credit_limit_minor": approval.credit_limit_minor}),
            ),
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_approval_refusal_is_known_as_one_and_nothing_else_is() {
        for bits in 1..8_u8 {
            let approval = Approval {
                over_credit: bits & 1 != 0,
                over_discount: bits & 2 != 0,
                over_tax: bits & 4 != 0,
                ..Approval::default()
            };
            let refused = Error::Conflict(approval.message().into());
            assert!(awaits_approval(&refused), "{bits:03b}");
        }
        for other in [
            Error::Conflict(messages::ORDER_CANCELLED.into()),
            Error::Forbidden,
            Error::NotFound,
        ] {
            assert!(!awaits_approval(&other), "{other:?}");
        }
    }
}
