//! Demand forecast: Holt's linear exponential smoothing (double exponential
//! smoothing with an additive trend) over weekly shipped quantities.
//!
//! For a series y₁…yₙ, with level ℓ and trend b:
//!
//! ```text
//! ℓ₁ = y₁,  b₁ = y₂ − y₁   (b₁ = 0 for a single point)
//! ℓₜ = α·yₜ + (1 − α)·(ℓₜ₋₁ + bₜ₋₁)
//! bₜ = β·(ℓₜ − ℓₜ₋₁) + (1 − β)·bₜ₋₁
//! ŷₙ₊ₕ = ℓₙ + h·bₙ           (never below zero: demand is not negative)
//! ```
//!
//! A straight line is forecast exactly, a constant series stays constant,
//! and recent weeks weigh more than old ones. Quantities here are units of
//! goods, not money, so floating point is fine; suggestions round up to
//! whole units.

use chrono::{Datelike, Duration, NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::{
    access::{policy, Actor, Permission},
    entities::stock_moves,
    inventory::stock::MoveKind,
    Result,
};

/// Smoothing of the level.
pub const ALPHA: f64 = 0.5;
/// Smoothing of the trend.
pub const BETA: f64 = 0.3;
/// Weeks of history the forecast reads.
pub const HISTORY_WEEKS: usize = 26;

/// Holt's forecast of the next `horizon` values of `series`.
pub fn holt(series: &[f64], alpha: f64, beta: f64, horizon: usize) -> Vec<f64> {
    let Some(&first) = series.first() else {
        return vec![0.0; horizon];
    };
    let mut level = first;
    let mut trend = series.get(1).map_or(0.0, |second| second - first);
    for &y in series.iter().skip(1) {
        let previous = level;
        level = alpha * y + (1.0 - alpha) * (level + trend);
        trend = beta * (level - previous) + (1.0 - beta) * trend;
    }
    (1..=horizon)
        .map(|h| (level + h as f64 * trend).max(0.0))
        .collect()
}

/// Demand expected over `days` from a weekly forecast (the last week in
/// part), rounded up to whole units.
pub fn demand_over(weekly: &[f64], days: i64) -> i64 {
    let mut left = days.max(0) as f64 / 7.0;
    let mut total = 0.0;
    for &week in weekly {
        if left <= 0.0 {
            break;
        }
        total += week * left.min(1.0);
        left -= 1.0;
    }
    // Tolerate floating noise (10.000000001 is 10 units, not 11).
    (total - 1e-9).ceil().max(0.0) as i64
}

/// The Monday starting the week of `day`.
pub fn week_start(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// Units of a product shipped per week (of one warehouse, or all) over the
/// `weeks` full weeks before the week of `today`, oldest first.
pub async fn weekly_shipped(
    db: &impl ConnectionTrait,
    product_id: i64,
    warehouse_id: Option<i64>,
    weeks: usize,
    today: NaiveDate,
) -> Result<Vec<(NaiveDate, i64)>> {
    let this_week = week_start(today);
    let first = this_week - Duration::weeks(weeks as i64);
    let start = first
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc())
        .unwrap_or_else(Utc::now);
    let end = this_week
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc())
        .unwrap_or_else(Utc::now);
    let mut query = stock_moves::Entity::find()
        .select_only()
        .column(stock_moves::Column::CreatedAt)
        .column(stock_moves::Column::Quantity)
        .filter(stock_moves::Column::ProductId.eq(product_id))
        .filter(stock_moves::Column::Kind.eq(MoveKind::Shipment.as_str()))
        .filter(stock_moves::Column::CreatedAt.gte(start))
        .filter(stock_moves::Column::CreatedAt.lt(end));
    if let Some(w) = warehouse_id {
        query = query.filter(stock_moves::Column::WarehouseId.eq(w));
    }
    let moves: Vec<(chrono::DateTime<Utc>, i64)> = query.into_tuple().all(db).await?;
    let mut buckets: Vec<(NaiveDate, i64)> = (0..weeks)
        .map(|i| (first + Duration::weeks(i as i64), 0))
        .collect();
    for (at, quantity) in moves {
        let index = (week_start(at.date_naive()) - first).num_weeks();
        if let Some(bucket) = usize::try_from(index).ok().and_then(|i| buckets.get_mut(i)) {
            bucket.1 += -quantity;
        }
    }
    Ok(buckets)
}

/// A product's demand history and forecast, for its page.
#[derive(Clone, Debug, Default)]
pub struct Forecast {
    /// (week start, units shipped), oldest first.
    pub history: Vec<(NaiveDate, i64)>,
    /// (week start, forecast units), the coming weeks.
    pub forecast: Vec<(NaiveDate, f64)>,
}

/// The forecast of a product over all warehouses (`products.read`).
pub async fn of_product(
    db: &impl ConnectionTrait,
    actor: &Actor,
    product_id: i64,
    today: NaiveDate,
    horizon: usize,
) -> Result<Forecast> {
    policy::require(actor, Permission::ProductsRead)?;
    let history = weekly_shipped(db, product_id, None, HISTORY_WEEKS, today).await?;
    let series: Vec<f64> = history.iter().map(|(_, q)| *q as f64).collect();
    let this_week = week_start(today);
    let forecast = holt(&series, ALPHA, BETA, horizon.clamp(1, 26))
        .into_iter()
        .enumerate()
        .map(|(i, q)| (this_week + Duration::weeks(i as i64), q))
        .collect();
    Ok(Forecast { history, forecast })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: &[f64], b: &[f64]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-9)
    }

    #[test]
    fn a_constant_series_is_forecast_constant() {
        assert!(close(&holt(&[7.0; 10], ALPHA, BETA, 3), &[7.0, 7.0, 7.0]));
    }

    #[test]
    fn a_straight_line_is_continued_exactly() {
        let line: Vec<f64> = (0..12).map(|t| 10.0 + 2.0 * t as f64).collect();
        // Next values: 34, 36, 38.
        assert!(close(&holt(&line, ALPHA, BETA, 3), &[34.0, 36.0, 38.0]));
    }

    #[test]
    fn the_recursion_matches_a_hand_computation() {
        // y = 10, 12, 11 with α = 0.5, β = 0.3:
        // ℓ1 = 10, b1 = 2; ℓ2 = 0.5·12 + 0.5·12 = 12, b2 = 0.3·2 + 0.7·2 = 2;
        // ℓ3 = 0.5·11 + 0.5·14 = 12.5, b3 = 0.3·0.5 + 0.7·2 = 1.55;
        // ŷ4 = 14.05, ŷ5 = 15.6.
        assert!(close(
            &holt(&[10.0, 12.0, 11.0], 0.5, 0.3, 2),
            &[14.05, 15.6]
        ));
    }

    #[test]
    fn a_falling_series_never_forecasts_negative_demand() {
        let falling: Vec<f64> = (0..8).map(|t| 20.0 - 3.0 * t as f64).collect();
        let f = holt(&falling, ALPHA, BETA, 5);
        assert!(f.iter().all(|q| *q >= 0.0));
        assert_eq!(f.last().copied(), Some(0.0));
    }

    #[test]
    fn no_history_forecasts_nothing() {
        assert_eq!(holt(&[], ALPHA, BETA, 2), vec![0.0, 0.0]);
        assert_eq!(holt(&[0.0; 26], ALPHA, BETA, 2), vec![0.0, 0.0]);
    }

    #[test]
    fn demand_over_a_lead_time_counts_part_weeks() {
        assert_eq!(demand_over(&[10.0, 10.0, 10.0], 14), 20);
        assert_eq!(demand_over(&[10.0, 10.0, 10.0], 10), 15);
        assert_eq!(demand_over(&[10.0, 20.0], 21), 30);
        assert_eq!(demand_over(&[3.3], 7), 4);
        assert_eq!(demand_over(&[10.0], 0), 0);
    }

    #[test]
    fn weeks_start_on_monday() {
        let sunday = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap_or_default();
        assert_eq!(
            week_start(sunday),
            NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default()
        );
    }
}
