//! Figures outside sales: pipeline, stock, tickets, receivables, the
//! warehouse's work. Each takes the conditions its caller derived from
//! the actor's scope and the filter.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use sea_orm::{
    sea_query::{Alias, Asterisk, Expr, Func, JoinType, Query},
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, StatementBuilder,
};

use super::sales::sum;
use crate::{
    entities::{
        invoices, opportunities, pipeline_stages, products, purchase_orders, sales_order_lines,
        sales_orders, stock_levels, tickets,
    },
    Result,
    {
        billing::invoices as invoice_service, purchasing::purchase_orders as purchasing,
        purchasing::replenishment, sales::orders::OrderState,
    },
};

/// Midnight UTC starting `day`.
pub fn midnight(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::MIN).and_utc()
}

/// One stage of the open pipeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stage {
    /// The stage.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Open opportunities in it.
    pub count: i64,
    /// Σ amounts.
    pub amount_minor: i64,
    /// Σ amount × probability / 100.
    pub weighted_minor: i64,
}

/// Open opportunities (in `currency`, matching `cond`) by stage, in
/// pipeline order; stages that count as closed are left out.
pub async fn pipeline(
    db: &impl ConnectionTrait,
    cond: Condition,
    currency: &str,
) -> Result<Vec<Stage>> {
    use opportunities::Column as C;
    let rows: Vec<(i64, i64, Option<i64>, Option<i64>)> = opportunities::Entity::find()
        .select_only()
        .column(C::StageId)
        .column_as(C::Id.count(), "n")
        .column_as(sum(C::AmountMinor), "amount")
        .column_as(
            Expr::expr(Func::sum(
                Expr::col(C::AmountMinor).mul(Expr::col(C::Probability)),
            ))
            .cast_as(Alias::new("BIGINT")),
            "weighted",
        )
        .filter(cond)
        .filter(C::ClosedAt.is_null())
        .filter(C::Currency.eq(currency))
        .group_by(C::StageId)
        .into_tuple()
        .all(db)
        .await?;
    let by_stage: HashMap<i64, (i64, i64, i64)> = rows
        .into_iter()
        .map(|(s, n, a, w)| (s, (n, a.unwrap_or(0), w.unwrap_or(0))))
        .collect();
    let stages = pipeline_stages::Entity::find()
        .order_by_asc(pipeline_stages::Column::Position)
        .all(db)
        .await?;
    Ok(stages
        .into_iter()
        .filter(|s| !s.is_won && !s.is_lost)
        .map(|s| {
            let (count, amount, weighted) = by_stage.get(&s.id).copied().unwrap_or_default();
            Stage {
                id: s.id,
                name: s.name,
                count,
                amount_minor: amount,
                weighted_minor: (weighted + 50).div_euclid(100),
            }
        })
        .collect())
}

/// Weighted amount of open opportunities expected to close in `from ..= to`.
pub async fn forecast(
    db: &impl ConnectionTrait,
    cond: Condition,
    currency: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<i64> {
    use opportunities::Column as C;
    let weighted: Option<Option<i64>> = opportunities::Entity::find()
        .select_only()
        .column_as(
            Expr::expr(Func::sum(
                Expr::col(C::AmountMinor).mul(Expr::col(C::Probability)),
            ))
            .cast_as(Alias::new("BIGINT")),
            "weighted",
        )
        .filter(cond)
        .filter(C::ClosedAt.is_null())
        .filter(C::Currency.eq(currency))
        .filter(C::ExpectedClose.gte(from))
        .filter(C::ExpectedClose.lte(to))
        .into_tuple()
        .one(db)
        .await?;
    Ok((weighted.flatten().unwrap_or(0) + 50).div_euclid(100))
}

/// Σ on hand × cost price over the stock levels (of one warehouse).
pub async fn stock_value(db: &impl ConnectionTrait, warehouse: Option<i64>) -> Result<i64> {
    #[derive(FromQueryResult)]
    struct Row {
        value: Option<i64>,
    }
    let (l, p) = (Alias::new("l"), Alias::new("p"));
    let mut q = Query::select()
        .expr_as(
            Expr::expr(Func::sum(
                Expr::col((l.clone(), stock_levels::Column::OnHand))
                    .mul(Expr::col((p.clone(), products::Column::CostPriceMinor))),
            ))
            .cast_as(Alias::new("BIGINT")),
            Alias::new("value"),
        )
        .from_as(stock_levels::Entity, l.clone())
        .join_as(
            JoinType::InnerJoin,
            products::Entity,
            p.clone(),
            Expr::col((p.clone(), products::Column::Id))
                .equals((l.clone(), stock_levels::Column::ProductId)),
        )
        .to_owned();
    if let Some(w) = warehouse {
        q.and_where(Expr::col((l, stock_levels::Column::WarehouseId)).eq(w));
    }
    let row = Row::find_by_statement(StatementBuilder::build(&q, &db.get_database_backend()))
        .one(db)
        .await?;
    Ok(row.and_then(|r| r.value).unwrap_or(0))
}

/// Products below their reorder point in a warehouse (of one, or all):
/// the rows `/replenishment` lists for that reason, counted by the same
/// rule. (The low-stock notification's flag is not this count: it is set
/// once per episode and changes only with stock, not with incoming
/// purchase orders or backorders.)
pub async fn low_stock(db: &impl ConnectionTrait, warehouse: Option<i64>) -> Result<i64> {
    Ok(replenishment::below_reorder_point(db, warehouse)
        .await?
        .len() as i64)
}

/// Ticket figures of a period.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TicketFigures {
    /// Opened in the period.
    pub opened: i64,
    /// Resolved in the period.
    pub resolved: i64,
    /// Of those with a resolution target, how many met it.
    pub met: i64,
    /// Resolved in the period with a resolution target.
    pub with_target: i64,
    /// Σ minutes from opening to resolution of those resolved.
    pub resolution_minutes: i64,
}

/// Tickets matching `cond`, opened or resolved in `from ..= to`.
pub async fn tickets(
    db: &impl ConnectionTrait,
    cond: Condition,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<TicketFigures> {
    use tickets::Column as C;
    let (start, end) = (midnight(from), midnight(to + Duration::days(1)));
    let opened = tickets::Entity::find()
        .filter(cond.clone())
        .filter(C::CreatedAt.gte(start))
        .filter(C::CreatedAt.lt(end))
        .count(db)
        .await? as i64;
    // Counted and summed in the database from the covering index on
    // (resolved_at, resolution_minutes, resolution_met): a year holds some
    // 30,000 resolved tickets at a million orders.
    let met = Expr::expr(Expr::case(Expr::col(C::ResolutionMet).eq(true), 1).finally(0))
        .sum()
        .cast_as(Alias::new("BIGINT"));
    let row: Option<(i64, Option<i64>, i64, Option<i64>)> = tickets::Entity::find()
        .select_only()
        .column_as(Expr::col(Asterisk).count(), "resolved")
        .column_as(sum(C::ResolutionMinutes), "minutes")
        .column_as(Expr::col(C::ResolutionMet).count(), "with_target")
        .column_as(met, "met")
        .filter(cond)
        .filter(C::ResolvedAt.gte(start))
        .filter(C::ResolvedAt.lt(end))
        .into_tuple()
        .one(db)
        .await?;
    let (resolved, minutes, with_target, met) = row.unwrap_or_default();
    Ok(TicketFigures {
        opened,
        resolved,
        met: met.unwrap_or(0),
        with_target,
        resolution_minutes: minutes.unwrap_or(0),
    })
}

/// Average rating × 100 per bucket of `buckets` (ratings given in each).
pub async fn ratings(
    db: &impl ConnectionTrait,
    cond: Condition,
    buckets: &[NaiveDate],
    to: NaiveDate,
) -> Result<Vec<(NaiveDate, i64, i64)>> {
    use tickets::Column as C;
    let Some(first) = buckets.first() else {
        return Ok(Vec::new());
    };
    let rated: Vec<(DateTime<Utc>, Option<i32>)> = tickets::Entity::find()
        .select_only()
        .columns([C::RatedAt, C::Rating])
        .filter(cond)
        .filter(C::RatedAt.gte(midnight(*first)))
        .filter(C::RatedAt.lt(midnight(to + Duration::days(1))))
        .filter(C::Rating.is_not_null())
        .into_tuple()
        .all(db)
        .await?;
    let mut out: Vec<(NaiveDate, i64, i64)> = buckets.iter().map(|b| (*b, 0, 0)).collect();
    for (at, rating) in rated {
        let day = at.date_naive();
        if let Some(slot) = out.iter_mut().rev().find(|(start, _, _)| *start <= day) {
            slot.1 += 1;
            slot.2 += i64::from(rating.unwrap_or(0));
        }
    }
    Ok(out)
}

/// (count, Σ still owed) of overdue invoices matching `cond`.
pub async fn overdue(
    db: &impl ConnectionTrait,
    cond: Condition,
    currency: &str,
) -> Result<(i64, i64)> {
    use invoices::Column as C;
    // COUNT(*), not COUNT(id): the id is not in the covering index on
    // (state, currency, …, amounts), so counting it sent PostgreSQL to
    // 20,000 heap pages for 83,000 overdue invoices (200 ms against 23 ms
    // from the index alone, EXPLAIN ANALYZE at a million orders).
    let row: Option<(i64, Option<i64>)> = invoices::Entity::find()
        .select_only()
        .column_as(Expr::col(Asterisk).count(), "n")
        .column_as(invoice_service::owed_sum(), "owed")
        .filter(cond)
        .filter(C::State.eq(invoice_service::OVERDUE))
        .filter(C::Currency.eq(currency))
        .into_tuple()
        .one(db)
        .await?;
    Ok(row
        .map(|(n, owed)| (n, owed.unwrap_or(0)))
        .unwrap_or_default())
}

/// (count, Σ totals) of orders matching `cond` in `states`.
pub async fn orders_in(
    db: &impl ConnectionTrait,
    cond: Condition,
    states: &[OrderState],
    currency: &str,
) -> Result<(i64, i64)> {
    use sales_orders::Column as C;
    let row: Option<(i64, Option<i64>)> = sales_orders::Entity::find()
        .select_only()
        .column_as(C::Id.count(), "n")
        .column_as(sum(C::TotalMinor), "total")
        .filter(cond)
        .filter(C::State.is_in(states.iter().map(|s| s.as_str())))
        .filter(C::Currency.eq(currency))
        .into_tuple()
        .one(db)
        .await?;
    Ok(row.map(|(n, t)| (n, t.unwrap_or(0))).unwrap_or_default())
}

/// Orders matching `cond` still waiting for stock (a line ordered beyond
/// what shipped and is reserved).
pub async fn backorders(db: &impl ConnectionTrait, cond: Condition) -> Result<i64> {
    let open = sales_orders::Entity::find()
        .select_only()
        .column(sales_orders::Column::Id)
        .filter(cond)
        .filter(sales_orders::Column::State.is_in([
            OrderState::Confirmed.as_str(),
            OrderState::PartiallyShipped.as_str(),
        ]));
    Ok(sales_order_lines::Entity::find()
        .select_only()
        .column(sales_order_lines::Column::OrderId)
        .distinct()
        .filter(crate::sales::orders::backordered())
        .filter(
            sales_order_lines::Column::OrderId.in_subquery(sea_orm::QueryTrait::into_query(open)),
        )
        .count(db)
        .await? as i64)
}

/// Open purchase orders (of one warehouse) expected by `until`.
pub async fn arriving(
    db: &impl ConnectionTrait,
    warehouse: Option<i64>,
    until: NaiveDate,
) -> Result<i64> {
    let mut q = purchase_orders::Entity::find()
        .filter(
            purchase_orders::Column::State
                .is_in([purchasing::SENT, purchasing::PARTIALLY_RECEIVED]),
        )
        .filter(purchase_orders::Column::ExpectedOn.lte(until));
    if let Some(w) = warehouse {
        q = q.filter(purchase_orders::Column::WarehouseId.eq(w));
    }
    Ok(q.count(db).await? as i64)
}
