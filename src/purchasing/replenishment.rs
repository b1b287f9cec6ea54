//! Replenishment: reorder rules per product and warehouse, suggestions of
//! what to buy, turning chosen suggestions into purchase orders, and the
//! low-stock notification.
//!
//! A product's position in a warehouse is available (on hand − reserved)
//! plus incoming (open purchase orders) minus backordered (sales-order
//! units waiting for stock). A suggestion appears when the position is below the
//! reorder point, below zero (backorders nothing covers), or below the
//! demand forecast over the supplier's lead time. It proposes enough to
//! bring the position up to the highest of those targets, at least the
//! reorder quantity, at least the supplier's minimum.
//!
//! The boards' "below reorder point" tile counts [`below_reorder_point`],
//! the rows this list shows for that reason, computed by the same rule
//! rather than kept as a flag that a write could forget to update.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{NaiveDate, Utc};
use sea_orm::{
    sea_query::{Alias, Expr, OnConflict},
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;

use crate::{
    access::{policy, Actor, Permission},
    entities::{
        products, purchase_orders, reorder_rules, sales_order_lines, sales_orders, stock_levels,
        warehouses,
    },
    messages, Error, FieldErrors, Result,
    {
        access::audit::{self, Entry, Who},
        platform::outbox,
        purchasing::forecast,
        purchasing::purchase_orders as purchasing,
        sales::orders::OrderState,
    },
};

use crate::sales::orders::MAX_QUANTITY;

/// Sets a product's reorder point and quantity in a warehouse.
pub async fn set_rule(
    db: &impl crate::db::Tx,
    actor: &Actor,
    product_id: i64,
    warehouse_id: i64,
    reorder_point: i64,
    reorder_quantity: i64,
) -> Result<reorder_rules::Model> {
    let actor = policy::require(actor, Permission::ReplenishmentManage)?;
    let mut errors = FieldErrors::new();
    if !(0..=MAX_QUANTITY).contains(&reorder_point) {
        errors.insert("reorder_point".into(), messages::REORDER_POINT_RANGE.into());
    }
    if !(1..=MAX_QUANTITY).contains(&reorder_quantity) {
        errors.insert("reorder_quantity".into(), messages::QUANTITY_RANGE.into());
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let txn = db.begin().await?;
    products::Entity::find_by_id(product_id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    crate::inventory::warehouses::active(&txn, warehouse_id, "warehouse_id").await?;
    let now = Utc::now();
    reorder_rules::Entity::insert(reorder_rules::ActiveModel {
        product_id: Set(product_id),
        warehouse_id: Set(warehouse_id),
        reorder_point: Set(reorder_point),
        reorder_quantity: Set(reorder_quantity),
        low_notified_at: Set(None),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([
            reorder_rules::Column::ProductId,
            reorder_rules::Column::WarehouseId,
        ])
        .update_columns([
            reorder_rules::Column::ReorderPoint,
            reorder_rules::Column::ReorderQuantity,
            reorder_rules::Column::UpdatedAt,
        ])
        .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    // A product already low when its rule is set (or a rule raised above
    // its position) is told about now, not at its next stock change; a
    // rule lowered below it re-arms the notification.
    let available = stock_levels::Entity::find_by_id((product_id, warehouse_id))
        .one(&txn)
        .await?
        .map_or(0, |l| l.on_hand - l.reserved);
    check_low(&txn, product_id, warehouse_id, available).await?;
    let rule = reorder_rules::Entity::find_by_id((product_id, warehouse_id))
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    let payload = json!({"product_id": product_id, "warehouse_id": warehouse_id,
        "reorder_point": reorder_point, "reorder_quantity": reorder_quantity});
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("reorder_rule.set", "product", Some(product_id.to_string()))
            .after(payload.clone()),
    )
    .await?;
    outbox::publish(&txn, "reorder_rule.set", "product", product_id, payload).await?;
    txn.commit().await?;
    Ok(rule)
}

/// Removes a product's rule in a warehouse.
pub async fn remove_rule(
    db: &impl crate::db::Tx,
    actor: &Actor,
    product_id: i64,
    warehouse_id: i64,
) -> Result<()> {
    let actor = policy::require(actor, Permission::ReplenishmentManage)?;
    let txn = db.begin().await?;
    let gone = reorder_rules::Entity::delete_by_id((product_id, warehouse_id))
        .exec(&txn)
        .await?;
    if gone.rows_affected == 1 {
        audit::record(
            &txn,
            Who::Actor(actor),
            Entry::new(
                "reorder_rule.removed",
                "product",
                Some(product_id.to_string()),
            )
            .after(json!({"warehouse_id": warehouse_id})),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// A product's rules, per warehouse (`stock.read` or `products.read`).
pub async fn rules_of(
    db: &impl ConnectionTrait,
    actor: &Actor,
    product_id: i64,
) -> Result<Vec<reorder_rules::Model>> {
    policy::require_any(actor, &[Permission::StockRead, Permission::ProductsRead])?;
    Ok(reorder_rules::Entity::find()
        .filter(reorder_rules::Column::ProductId.eq(product_id))
        .order_by_asc(reorder_rules::Column::WarehouseId)
        .all(db)
        .await?)
}

/// Why a suggestion appears.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    /// Position below the reorder point.
    BelowReorderPoint,
    /// Backorders nothing on hand or incoming covers.
    Backorders,
    /// Forecast demand over the lead time exceeds the position.
    Forecast,
}

impl Reason {
    /// Stored / sent name.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::BelowReorderPoint => "below_reorder_point",
            Reason::Backorders => "backorders",
            Reason::Forecast => "forecast",
        }
    }
}

/// A suggestion to buy a product for a warehouse.
#[derive(Clone, Debug)]
pub struct Suggestion {
    /// The product.
    pub product_id: i64,
    /// SKU.
    pub sku: String,
    /// Name.
    pub name: String,
    /// The warehouse.
    pub warehouse_id: i64,
    /// Its code.
    pub warehouse_code: String,
    /// On hand − reserved.
    pub available: i64,
    /// On open purchase orders.
    pub incoming: i64,
    /// Waiting in sales orders.
    pub backordered: i64,
    /// The rule's reorder point (0 without a rule).
    pub reorder_point: i64,
    /// The rule's reorder quantity (0 without a rule).
    pub reorder_quantity: i64,
    /// Forecast demand over the lead time.
    pub forecast_demand: i64,
    /// The supplier's lead time, days.
    pub lead_time_days: i32,
    /// The cheapest supplier, when one sells it.
    pub supplier: Option<(i64, String)>,
    /// Its unit price.
    pub unit_price_minor: i64,
    /// Its currency.
    pub currency: String,
    /// Proposed quantity.
    pub quantity: i64,
    /// Why.
    pub reasons: Vec<Reason>,
}

/// Lead time assumed for products no supplier sells yet.
const DEFAULT_LEAD_DAYS: i32 = 14;

/// Backordered units per (product, warehouse).
async fn backorders(db: &impl ConnectionTrait) -> Result<HashMap<(i64, i64), i64>> {
    let rows: Vec<(i64, i64, Option<i64>)> = sales_order_lines::Entity::find()
        .select_only()
        .column(sales_order_lines::Column::ProductId)
        .column_as(
            Expr::col((sales_orders::Entity, sales_orders::Column::WarehouseId)),
            "warehouse_id",
        )
        .column_as(
            Expr::expr(
                Expr::col(sales_order_lines::Column::Quantity)
                    .sub(Expr::col(sales_order_lines::Column::Shipped))
                    .sub(Expr::col(sales_order_lines::Column::Reserved)),
            )
            .sum()
            .cast_as(Alias::new("BIGINT")),
            "waiting",
        )
        .join(
            sea_orm::JoinType::InnerJoin,
            sales_order_lines::Entity::belongs_to(sales_orders::Entity)
                .from(sales_order_lines::Column::OrderId)
                .to(sales_orders::Column::Id)
                .into(),
        )
        .filter(sales_orders::Column::State.is_in([
            OrderState::Confirmed.as_str(),
            OrderState::PartiallyShipped.as_str(),
        ]))
        .filter(crate::sales::orders::backordered())
        .group_by(sales_order_lines::Column::ProductId)
        .group_by(Expr::col((
            sales_orders::Entity,
            sales_orders::Column::WarehouseId,
        )))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(p, w, q)| ((p, w), q.unwrap_or(0)))
        .collect())
}

/// What makes up positions (see the module's documentation), per
/// (product, warehouse).
struct Stock {
    /// On hand − reserved.
    available: HashMap<(i64, i64), i64>,
    /// On open purchase orders.
    incoming: HashMap<(i64, i64), i64>,
    /// Waiting in sales orders.
    backordered: HashMap<(i64, i64), i64>,
}

impl Stock {
    /// (available, incoming, backordered) at `key`.
    fn parts(&self, key: (i64, i64)) -> (i64, i64, i64) {
        let get = |m: &HashMap<(i64, i64), i64>| m.get(&key).copied().unwrap_or(0);
        (
            get(&self.available),
            get(&self.incoming),
            get(&self.backordered),
        )
    }

    /// The position at `key`: available + incoming − backordered.
    fn position(&self, key: (i64, i64)) -> i64 {
        let (available, incoming, backordered) = self.parts(key);
        available + incoming - backordered
    }
}

/// On hand − reserved of the stock levels matching `levels`.
async fn free_stock(
    db: &impl ConnectionTrait,
    levels: impl sea_orm::sea_query::IntoCondition,
) -> Result<HashMap<(i64, i64), i64>> {
    Ok(stock_levels::Entity::find()
        .filter(levels)
        .all(db)
        .await?
        .into_iter()
        .map(|l| ((l.product_id, l.warehouse_id), l.on_hand - l.reserved))
        .collect())
}

/// Whether a position is below a reorder point: the one test behind the
/// reason [`Reason::BelowReorderPoint`] and the boards' tile.
pub fn is_below(position: i64, reorder_point: i64) -> bool {
    position < reorder_point
}

/// (product, warehouse) of every rule whose position is below its reorder
/// point, of active products in active warehouses (of one warehouse, or
/// all), in key order: exactly the suggestions [`suggestions`] lists with
/// the reason [`Reason::BelowReorderPoint`]. Counted by the boards' tile,
/// so the tile and the list cannot disagree.
pub async fn below_reorder_point(
    db: &impl ConnectionTrait,
    warehouse_id: Option<i64>,
) -> Result<Vec<(i64, i64)>> {
    use sea_orm::QueryTrait;
    let active_products = products::Entity::find()
        .select_only()
        .column(products::Column::Id)
        .filter(products::Column::Active.eq(true))
        .into_query();
    let active_warehouses = warehouses::Entity::find()
        .select_only()
        .column(warehouses::Column::Id)
        .filter(warehouses::Column::Active.eq(true))
        .into_query();
    let mut rules = reorder_rules::Entity::find()
        .filter(reorder_rules::Column::ProductId.in_subquery(active_products))
        .filter(reorder_rules::Column::WarehouseId.in_subquery(active_warehouses))
        .order_by_asc(reorder_rules::Column::ProductId)
        .order_by_asc(reorder_rules::Column::WarehouseId);
    if let Some(w) = warehouse_id {
        rules = rules.filter(reorder_rules::Column::WarehouseId.eq(w));
    }
    let rules = rules.all(db).await?;
    if rules.is_empty() {
        return Ok(Vec::new());
    }
    let ruled = reorder_rules::Entity::find()
        .select_only()
        .column(reorder_rules::Column::ProductId)
        .into_query();
    let stock = Stock {
        available: free_stock(db, stock_levels::Column::ProductId.in_subquery(ruled)).await?,
        incoming: purchasing::incoming(db, None).await?,
        backordered: backorders(db).await?,
    };
    Ok(rules
        .into_iter()
        .map(|r| ((r.product_id, r.warehouse_id), r.reorder_point))
        .filter(|(key, point)| is_below(stock.position(*key), *point))
        .map(|(key, _)| key)
        .collect())
}

/// The proposal for one position (see the module's documentation).
pub fn propose(
    position: i64,
    reorder_point: Option<i64>,
    reorder_quantity: i64,
    forecast_demand: i64,
    min_quantity: i64,
) -> (i64, Vec<Reason>) {
    let mut reasons = Vec::new();
    let mut target = 0;
    if let Some(point) = reorder_point.filter(|p| is_below(position, *p)) {
        reasons.push(Reason::BelowReorderPoint);
        target = target.max(point);
    }
    if position < 0 {
        reasons.push(Reason::Backorders);
    }
    if forecast_demand > position && forecast_demand > 0 {
        reasons.push(Reason::Forecast);
        target = target.max(forecast_demand);
    }
    if reasons.is_empty() {
        return (0, reasons);
    }
    let need = (target - position).max(1);
    let quantity = need.max(reorder_quantity).max(min_quantity);
    (quantity, reasons)
}

/// Current suggestions as of `today` (of one warehouse, or all), by SKU.
pub async fn suggestions(
    db: &impl ConnectionTrait,
    actor: &Actor,
    warehouse_id: Option<i64>,
    today: NaiveDate,
) -> Result<Vec<Suggestion>> {
    policy::require(actor, Permission::PurchasingRead)?;
    let rules: HashMap<(i64, i64), reorder_rules::Model> = reorder_rules::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|r| ((r.product_id, r.warehouse_id), r))
        .collect();
    let waiting = backorders(db).await?;
    let incoming = purchasing::incoming(db, None).await?;
    // Shipped from a warehouse in the history window: forecast candidates.
    let since =
        forecast::week_start(today) - chrono::Duration::weeks(forecast::HISTORY_WEEKS as i64);
    let shipped: Vec<(i64, i64)> = crate::entities::stock_moves::Entity::find()
        .select_only()
        .column(crate::entities::stock_moves::Column::ProductId)
        .column(crate::entities::stock_moves::Column::WarehouseId)
        .filter(crate::entities::stock_moves::Column::Kind.eq("shipment"))
        .filter(
            crate::entities::stock_moves::Column::CreatedAt.gte(
                since
                    .and_hms_opt(0, 0, 0)
                    .map(|t| t.and_utc())
                    .unwrap_or_else(Utc::now),
            ),
        )
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    let mut candidates: BTreeSet<(i64, i64)> = BTreeSet::new();
    candidates.extend(rules.keys().copied());
    candidates.extend(waiting.keys().copied());
    candidates.extend(shipped);
    if let Some(w) = warehouse_id {
        candidates.retain(|(_, cw)| *cw == w);
    }
    let product_ids: Vec<i64> = candidates
        .iter()
        .map(|(p, _)| *p)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let products: HashMap<i64, products::Model> = products::Entity::find()
        .filter(products::Column::Id.is_in(product_ids.clone()))
        .filter(products::Column::Active.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let warehouses: HashMap<i64, String> = warehouses::Entity::find()
        .filter(warehouses::Column::Active.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|w| (w.id, w.code))
        .collect();
    let stock = Stock {
        available: free_stock(
            db,
            stock_levels::Column::ProductId.is_in(product_ids.clone()),
        )
        .await?,
        incoming,
        backordered: waiting,
    };
    let offers = purchasing::best_offers(db, &product_ids).await?;
    let mut out = Vec::new();
    for (product_id, wid) in candidates {
        let (Some(product), Some(code)) = (products.get(&product_id), warehouses.get(&wid)) else {
            continue;
        };
        let rule = rules.get(&(product_id, wid));
        let offer = offers.get(&product_id);
        let lead = offer.map_or(DEFAULT_LEAD_DAYS, |(s, _)| s.lead_time_days);
        let (available, on_order, backordered) = stock.parts((product_id, wid));
        let position = stock.position((product_id, wid));
        let history =
            forecast::weekly_shipped(db, product_id, Some(wid), forecast::HISTORY_WEEKS, today)
                .await?;
        let series: Vec<f64> = history.iter().map(|(_, q)| *q as f64).collect();
        let weeks = usize::try_from(i64::from(lead) / 7 + 1).unwrap_or(1);
        let demand = forecast::demand_over(
            &forecast::holt(&series, forecast::ALPHA, forecast::BETA, weeks),
            i64::from(lead),
        );
        let (quantity, reasons) = propose(
            position,
            rule.map(|r| r.reorder_point),
            rule.map_or(0, |r| r.reorder_quantity),
            demand,
            offer.map_or(1, |(_, p)| p.min_quantity),
        );
        if reasons.is_empty() {
            continue;
        }
        out.push(Suggestion {
            product_id,
            sku: product.sku.clone(),
            name: product.name.clone(),
            warehouse_id: wid,
            warehouse_code: code.clone(),
            available,
            incoming: on_order,
            backordered,
            reorder_point: rule.map_or(0, |r| r.reorder_point),
            reorder_quantity: rule.map_or(0, |r| r.reorder_quantity),
            forecast_demand: demand,
            lead_time_days: lead,
            supplier: offer.map(|(s, _)| (s.id, s.name.clone())),
            unit_price_minor: offer.map_or(product.cost_price_minor, |(_, p)| p.price_minor),
            currency: offer.map(|(s, _)| s.currency.clone()).unwrap_or_default(),
            quantity,
            reasons,
        });
    }
    out.sort_by(|a, b| {
        a.sku
            .cmp(&b.sku)
            .then(a.warehouse_code.cmp(&b.warehouse_code))
    });
    Ok(out)
}

/// Turns the chosen suggestions ((product, warehouse), optionally with a
/// changed quantity) into draft purchase orders, one per supplier and
/// warehouse, in one transaction. Suggestions without a supplier are
/// refused with a message.
pub async fn order(
    db: &impl crate::db::Tx,
    actor: &Actor,
    chosen: &[(i64, i64, Option<i64>)],
    today: NaiveDate,
) -> Result<Vec<purchase_orders::Model>> {
    let actor = policy::require(actor, Permission::ReplenishmentManage)?;
    policy::require(actor, Permission::PurchasingWrite)?;
    if chosen.is_empty() {
        return Err(Error::field("lines", messages::CHOOSE_SUGGESTIONS));
    }
    let current = suggestions(db, actor, None, today).await?;
    let mut groups: BTreeMap<(i64, i64), Vec<purchasing::PoLineInput>> = BTreeMap::new();
    let mut errors = FieldErrors::new();
    for (i, (product_id, warehouse_id, quantity)) in chosen.iter().enumerate() {
        let Some(s) = current
            .iter()
            .find(|s| s.product_id == *product_id && s.warehouse_id == *warehouse_id)
        else {
            errors.insert(format!("lines.{i}"), messages::SUGGESTION_GONE.into());
            continue;
        };
        let Some((supplier_id, _)) = &s.supplier else {
            errors.insert(format!("lines.{i}"), messages::NO_SUPPLIER.into());
            continue;
        };
        let quantity = quantity.unwrap_or(s.quantity);
        if !(1..=MAX_QUANTITY).contains(&quantity) {
            errors.insert(
                format!("lines.{i}.quantity"),
                messages::QUANTITY_RANGE.into(),
            );
            continue;
        }
        groups
            .entry((*supplier_id, *warehouse_id))
            .or_default()
            .push(purchasing::PoLineInput {
                product_id: *product_id,
                quantity,
                unit_price_minor: Some(s.unit_price_minor),
            });
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let txn = db.begin().await?;
    let mut created = Vec::new();
    for ((supplier_id, warehouse_id), lines) in groups {
        created.push(
            purchasing::create(
                &txn,
                actor,
                &purchasing::PoInput {
                    supplier_id,
                    warehouse_id,
                    expected_on: None,
                    notes: String::new(),
                    lines,
                },
            )
            .await?,
        );
    }
    txn.commit().await?;
    Ok(created)
}

pub(crate) use crate::inventory::low_stock::check_low;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_proposed_for_a_healthy_position() {
        assert_eq!(propose(50, Some(10), 40, 20, 1), (0, vec![]));
    }

    #[test]
    fn below_the_reorder_point_orders_at_least_the_reorder_quantity() {
        // Position 4 < point 10: need 6, reorder quantity 40 wins.
        assert_eq!(
            propose(4, Some(10), 40, 0, 1),
            (40, vec![Reason::BelowReorderPoint])
        );
        // Deep below: need 100 − (−30) = 130 beats 40.
        assert_eq!(
            propose(-30, Some(100), 40, 0, 1),
            (130, vec![Reason::BelowReorderPoint, Reason::Backorders])
        );
    }

    #[test]
    fn backorders_without_a_rule_are_covered() {
        assert_eq!(propose(-7, None, 0, 0, 1), (7, vec![Reason::Backorders]));
        // The supplier's minimum rounds it up.
        assert_eq!(propose(-7, None, 0, 0, 25), (25, vec![Reason::Backorders]));
    }

    #[test]
    fn forecast_demand_over_the_lead_time_raises_the_target() {
        // Forecast 30 over the lead time, position 12, point 10: buy 18.
        assert_eq!(
            propose(12, Some(10), 5, 30, 1),
            (18, vec![Reason::Forecast])
        );
    }
}
