//! What the quote form sends, its validation, and the pricing of its lines
//! (saved, or previewed live in the quote builder).

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::{
    access::{policy, Actor, Permission},
    entities::{products, sales_order_lines},
    inventory::{sourcing, stock},
    messages, money, Error, FieldErrors, Result,
};

/// A line of the quote form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineInput {
    /// The product.
    pub product_id: i64,
    /// Quantity.
    pub quantity: i64,
    /// Unit price in minor units; the product's list price when none.
    pub unit_price_minor: Option<i64>,
    /// Discount in basis points.
    pub discount_bp: i32,
    /// Tax rate in basis points; the product's when none.
    pub tax_rate_bp: Option<i32>,
}

/// What the quote form sends.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrderInput {
    /// The customer (fixed once the quote exists).
    pub customer_id: i64,
    /// The warehouse it ships from.
    pub warehouse_id: i64,
    /// When it should ship (today when none).
    pub ship_by: Option<NaiveDate>,
    /// Notes.
    pub notes: String,
    /// The sales user it belongs to (the customer's owner, else the actor).
    pub owner_id: Option<i64>,
    /// The lines.
    pub lines: Vec<LineInput>,
}

/// Most lines on one document (orders, purchase orders).
pub(crate) const MAX_LINES: usize = 200;
/// Largest quantity on one line.
pub(crate) const MAX_QUANTITY: i64 = 1_000_000;

pub(super) fn validate(input: &OrderInput) -> Result<()> {
    let mut errors = FieldErrors::new();
    if input.lines.is_empty() {
        errors.insert("lines".into(), messages::ORDER_NO_LINES.into());
    } else if input.lines.len() > MAX_LINES {
        errors.insert("lines".into(), messages::ORDER_TOO_MANY_LINES.into());
    }
    for (i, line) in input.lines.iter().enumerate() {
        if !(1..=MAX_QUANTITY).contains(&line.quantity) {
            errors.insert(
                format!("lines.{i}.quantity"),
                messages::QUANTITY_RANGE.into(),
            );
        }
        if line.unit_price_minor.is_some_and(|p| p < 0) {
            errors.insert(
                format!("lines.{i}.unit_price"),
                messages::NOT_NEGATIVE.into(),
            );
        }
        if !(0..=10_000).contains(&line.discount_bp) {
            errors.insert(format!("lines.{i}.discount"), messages::RATE_RANGE.into());
        }
        if line.tax_rate_bp.is_some_and(|t| !(0..=10_000).contains(&t)) {
            errors.insert(format!("lines.{i}.tax_rate"), messages::RATE_RANGE.into());
        }
    }
    if input.notes.chars().count() > 10_000 {
        errors.insert("notes".into(), messages::TOO_LONG.into());
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Validation(errors))
    }
}

/// The products of some lines, by id.
pub(super) async fn products_by_id(
    db: &impl ConnectionTrait,
    ids: impl Iterator<Item = i64>,
) -> Result<HashMap<i64, products::Model>> {
    Ok(products::Entity::find()
        .filter(products::Column::Id.is_in(ids.collect::<Vec<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect())
}

/// Lines priced by the one rounding rule ([`money::line_amounts`]).
pub(super) async fn price_lines(
    db: &impl ConnectionTrait,
    order_id: i64,
    input: &[LineInput],
) -> Result<(Vec<sales_order_lines::ActiveModel>, i64, i64)> {
    let found = products_by_id(db, input.iter().map(|l| l.product_id)).await?;
    let mut errors = FieldErrors::new();
    let mut rows = Vec::with_capacity(input.len());
    let (mut subtotal, mut tax_total) = (0_i64, 0_i64);
    for (i, line) in input.iter().enumerate() {
        let Some(product) = found.get(&line.product_id).filter(|p| p.active) else {
            errors.insert(
                format!("lines.{i}.product_id"),
                messages::PRODUCT_MISSING.into(),
            );
            continue;
        };
        let price = line.unit_price_minor.unwrap_or(product.list_price_minor);
        let tax_rate = line.tax_rate_bp.unwrap_or(product.tax_rate_bp);
        let amounts = money::line_amounts(line.quantity, price, line.discount_bp, tax_rate);
        let Some((net, tax)) = amounts.filter(|(n, t)| {
            subtotal.checked_add(*n).is_some() && tax_total.checked_add(*t).is_some()
        }) else {
            errors.insert(
                format!("lines.{i}.unit_price"),
                messages::AMOUNT_INVALID.into(),
            );
            continue;
        };
        subtotal += net;
        tax_total += tax;
        rows.push(sales_order_lines::ActiveModel {
            order_id: Set(order_id),
            line_no: Set(i as i32 + 1),
            product_id: Set(product.id),
            description: Set(product.name.clone()),
            quantity: Set(line.quantity),
            unit_price_minor: Set(price),
            discount_bp: Set(line.discount_bp),
            tax_rate_bp: Set(tax_rate),
            net_minor: Set(net),
            tax_minor: Set(tax),
            reserved: Set(0),
            shipped: Set(0),
            ..Default::default()
        });
    }
    if subtotal.checked_add(tax_total).is_none() {
        errors.insert("lines".into(), messages::AMOUNT_INVALID.into());
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    Ok((rows, subtotal, tax_total))
}

/// A quote priced as it is being written: each line's amounts and what is
/// available in the warehouse, and the totals, by the same rule as saving.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Preview {
    /// The lines, in input order.
    pub lines: Vec<PreviewLine>,
    /// Σ nets.
    pub subtotal_minor: i64,
    /// Σ taxes.
    pub tax_minor: i64,
    /// Subtotal + tax.
    pub total_minor: i64,
}

/// One line of a [`Preview`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PreviewLine {
    /// Net amount, minor units.
    pub net_minor: i64,
    /// Tax, minor units.
    pub tax_minor: i64,
    /// Available now in the quote's warehouse.
    pub available: i64,
    /// When that is less than the quantity: another active warehouse with
    /// more of it available, so the builder can say so before confirming.
    pub elsewhere: Option<sourcing::Elsewhere>,
}

/// Prices a quote without saving it (the quote builder's live totals).
pub async fn preview(
    db: &impl ConnectionTrait,
    actor: &Actor,
    warehouse_id: i64,
    lines: &[LineInput],
) -> Result<Preview> {
    policy::require(actor, Permission::OrdersWrite)?;
    validate(&OrderInput {
        lines: lines.to_vec(),
        ..Default::default()
    })?;
    let (rows, subtotal, tax) = price_lines(db, 0, lines).await?;
    let ids: Vec<i64> = lines.iter().map(|l| l.product_id).collect();
    let available = stock::available_in(db, &ids, warehouse_id).await?;
    let elsewhere = sourcing::best_elsewhere(db, &ids, warehouse_id).await?;
    Ok(Preview {
        lines: rows
            .iter()
            .map(|r| {
                let product = *r.product_id.as_ref();
                let here = available.get(&product).copied().unwrap_or(0);
                PreviewLine {
                    net_minor: *r.net_minor.as_ref(),
                    tax_minor: *r.tax_minor.as_ref(),
                    available: here,
                    elsewhere: elsewhere
                        .get(&product)
                        .filter(|e| here < *r.quantity.as_ref() && e.available > here)
                        .cloned(),
                }
            })
            .collect(),
        subtotal_minor: subtotal,
        tax_minor: tax,
        total_minor: subtotal + tax,
    })
}
