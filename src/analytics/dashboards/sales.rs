//! Sales figures for a slice (period, currency, warehouse, owners,
//! segment): revenue and orders by state from the `order_stats` summary,
//! top products from `product_year_stats` over whole years and from
//! `product_stats` otherwise (from the order lines when the slice names
//! owners or a segment), top customers from `customer_stats` over whole
//! years (from the orders otherwise).

use chrono::{Datelike, Duration, NaiveDate, NaiveTime};
use sea_orm::{
    sea_query::{Alias, Expr},
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait,
};

use crate::{
    entities::{
        customer_stats, customers, order_stats, product_stats, product_year_stats, products,
        sales_order_lines, sales_orders,
    },
    sales::orders::OrderState,
    Result,
};

pub use crate::{
    crm::customers::segment_customers,
    sales::orders::{is_booked, BOOKED},
};

fn booked() -> impl Iterator<Item = &'static str> {
    BOOKED.iter().map(|s| s.as_str())
}

/// What a figure covers.
#[derive(Clone, Debug)]
pub struct Slice {
    /// First day.
    pub from: NaiveDate,
    /// Last day (inclusive).
    pub to: NaiveDate,
    /// Currency of the money figures.
    pub currency: String,
    /// Only this warehouse.
    pub warehouse_id: Option<i64>,
    /// Only these owners (`None`: everyone).
    pub owners: Option<Vec<i64>>,
    /// Only this customer segment.
    pub segment: Option<String>,
}

impl Slice {
    /// The same slice over other days.
    pub fn over(&self, from: NaiveDate, to: NaiveDate) -> Slice {
        Slice {
            from,
            to,
            ..self.clone()
        }
    }

    fn stats(&self) -> Condition {
        use order_stats::Column as C;
        let mut c = Condition::all()
            .add(C::Day.gte(self.from))
            .add(C::Day.lte(self.to))
            .add(C::Currency.eq(self.currency.clone()));
        if let Some(w) = self.warehouse_id {
            c = c.add(C::WarehouseId.eq(w));
        }
        if let Some(owners) = &self.owners {
            c = c.add(C::OwnerId.is_in(owners.clone()));
        }
        if let Some(s) = &self.segment {
            c = c.add(C::Segment.eq(s.clone()));
        }
        c
    }

    /// The slice's booked rows of the `product_stats` summary, or `None`
    /// when the slice names owners or a segment (which it does not keep).
    pub fn product_stats(&self) -> Option<Condition> {
        use product_stats::Column as P;
        if self.owners.is_some() || self.segment.is_some() {
            return None;
        }
        let mut cond = Condition::all()
            .add(P::Day.gte(self.from))
            .add(P::Day.lte(self.to))
            .add(P::Currency.eq(self.currency.clone()))
            .add(P::State.is_in(booked()));
        if let Some(w) = self.warehouse_id {
            cond = cond.add(P::WarehouseId.eq(w));
        }
        Some(cond)
    }

    /// The UTC years the slice covers when it is whole years, or `None`.
    /// The last year may end at `today` (UTC) or later: no order is
    /// created after now.
    fn whole_years(&self, today: NaiveDate) -> Option<std::ops::RangeInclusive<i32>> {
        let starts_a_year = self.from.ordinal() == 1;
        let ends_a_year = (self.to + Duration::days(1)).ordinal() == 1 || self.to >= today;
        (starts_a_year && ends_a_year && self.from <= self.to)
            .then(|| self.from.year()..=self.to.year())
    }

    /// The slice's rows of the `customer_stats` summary (booked orders),
    /// or `None` unless the slice is whole UTC years and names no
    /// warehouse, owners or segment (which the summary does not keep).
    pub fn customer_stats(&self, today: NaiveDate) -> Option<Condition> {
        use customer_stats::Column as S;
        let unfiltered =
            self.warehouse_id.is_none() && self.owners.is_none() && self.segment.is_none();
        let years = self.whole_years(today).filter(|_| unfiltered)?;
        Some(
            Condition::all()
                .add(S::Year.is_in(years))
                .add(S::Currency.eq(self.currency.clone())),
        )
    }

    /// The slice's rows of the `product_year_stats` summary (booked
    /// lines), or `None` unless the slice is whole UTC years and names no
    /// owners or segment.
    pub fn product_year_stats(&self, today: NaiveDate) -> Option<Condition> {
        use product_year_stats::Column as Y;
        let unfiltered = self.owners.is_none() && self.segment.is_none();
        let years = self.whole_years(today).filter(|_| unfiltered)?;
        let mut cond = Condition::all()
            .add(Y::Year.is_in(years))
            .add(Y::Currency.eq(self.currency.clone()));
        if let Some(w) = self.warehouse_id {
            cond = cond.add(Y::WarehouseId.eq(w));
        }
        Some(cond)
    }

    /// The booked orders of the slice, as a condition on `sales_orders`.
    pub fn orders(&self) -> Condition {
        use sales_orders::Column as C;
        let start = self.from.and_time(NaiveTime::MIN).and_utc();
        let end = (self.to + Duration::days(1))
            .and_time(NaiveTime::MIN)
            .and_utc();
        let mut c = Condition::all()
            .add(C::CreatedAt.gte(start))
            .add(C::CreatedAt.lt(end))
            .add(C::State.is_in(booked()))
            .add(C::Currency.eq(self.currency.clone()));
        if let Some(w) = self.warehouse_id {
            c = c.add(C::WarehouseId.eq(w));
        }
        if let Some(owners) = &self.owners {
            c = c.add(C::OwnerId.is_in(owners.clone()));
        }
        if let Some(s) = &self.segment {
            c = c.add(C::CustomerId.in_subquery(segment_customers(s)));
        }
        c
    }
}

/// `customer_id + 0`, the key that groups orders by customer. Grouping by
/// the bare column lets SQLite's planner walk the whole customer index
/// (every order, each looked up in the table) to save sorting the period's
/// orders: 3.2 s instead of 0.3 s for a year of a million orders. The addition
/// hides the index; PostgreSQL hashes either way.
pub fn customer_key() -> sea_orm::sea_query::SimpleExpr {
    // A literal, not a bound value: PostgreSQL matches the grouped and the
    // selected expression by their text.
    Expr::col((sales_orders::Entity, sales_orders::Column::CustomerId)).add(Expr::cust("0"))
}

/// `CAST(SUM(col) AS BIGINT)`: PostgreSQL sums bigints as numeric.
pub fn sum(col: impl sea_orm::sea_query::IntoColumnRef) -> sea_orm::sea_query::SimpleExpr {
    Expr::col(col).sum().cast_as(Alias::new("BIGINT"))
}

/// Booked net revenue of the slice.
pub async fn revenue(db: &impl ConnectionTrait, slice: &Slice) -> Result<i64> {
    let total: Option<Option<i64>> = order_stats::Entity::find()
        .select_only()
        .column_as(sum(order_stats::Column::NetMinor), "net")
        .filter(slice.stats())
        .filter(order_stats::Column::State.is_in(booked()))
        .into_tuple()
        .one(db)
        .await?;
    Ok(total.flatten().unwrap_or(0))
}

/// Booked net revenue by day (days without orders left out).
pub async fn revenue_by_day(
    db: &impl ConnectionTrait,
    slice: &Slice,
) -> Result<Vec<(NaiveDate, i64)>> {
    let rows: Vec<(NaiveDate, Option<i64>)> = order_stats::Entity::find()
        .select_only()
        .column(order_stats::Column::Day)
        .column_as(sum(order_stats::Column::NetMinor), "net")
        .filter(slice.stats())
        .filter(order_stats::Column::State.is_in(booked()))
        .group_by(order_stats::Column::Day)
        .order_by_asc(order_stats::Column::Day)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(d, n)| (d, n.unwrap_or(0))).collect())
}

/// Orders of the slice by state, every state: (state, orders, net).
pub async fn by_state(db: &impl ConnectionTrait, slice: &Slice) -> Result<Vec<(String, i64, i64)>> {
    let rows: Vec<(String, Option<i64>, Option<i64>)> = order_stats::Entity::find()
        .select_only()
        .column(order_stats::Column::State)
        .column_as(sum(order_stats::Column::Orders), "orders")
        .column_as(sum(order_stats::Column::NetMinor), "net")
        .filter(slice.stats())
        .group_by(order_stats::Column::State)
        .into_tuple()
        .all(db)
        .await?;
    let mut out: Vec<(String, i64, i64)> = OrderState::ALL
        .iter()
        .map(|s| (s.as_str().to_owned(), 0, 0))
        .collect();
    for (state, orders, net) in rows {
        if let Some(slot) = out.iter_mut().find(|(s, _, _)| *s == state) {
            slot.1 += orders.unwrap_or(0);
            slot.2 += net.unwrap_or(0);
        }
    }
    Ok(out)
}

/// One row of a top list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TopRow {
    /// The customer's or product's id.
    pub id: i64,
    /// Its name (a product's SKU first).
    pub label: String,
    /// Booked net revenue.
    pub net_minor: i64,
    /// Quantity sold (products).
    pub quantity: i64,
}

/// The customers with the most booked revenue in the slice.
pub async fn top_customers(
    db: &impl ConnectionTrait,
    slice: &Slice,
    limit: u64,
) -> Result<Vec<TopRow>> {
    use sales_orders::Column as C;
    let today = chrono::Utc::now().date_naive();
    let one_year = slice.from.year() == slice.to.year();
    let rows: Vec<(i64, Option<i64>)> = match slice.customer_stats(today) {
        // One row per customer in a year: its first rows in order of net
        // value (idx_customer_stats_net), nothing to group.
        Some(cond) if one_year => {
            use customer_stats::Column as S;
            customer_stats::Entity::find()
                .select_only()
                .column(S::CustomerId)
                .column(S::NetMinor)
                .filter(cond)
                .order_by_desc(S::NetMinor)
                .order_by_asc(S::CustomerId)
                .limit(limit)
                .into_tuple::<(i64, i64)>()
                .all(db)
                .await?
                .into_iter()
                .map(|(id, net)| (id, Some(net)))
                .collect()
        }
        Some(cond) => {
            use customer_stats::Column as S;
            customer_stats::Entity::find()
                .select_only()
                .column(S::CustomerId)
                .column_as(sum(S::NetMinor), "net")
                .filter(cond)
                .group_by(S::CustomerId)
                .order_by_desc(sum(S::NetMinor))
                .order_by_asc(S::CustomerId)
                .limit(limit)
                .into_tuple()
                .all(db)
                .await?
        }
        None => {
            sales_orders::Entity::find()
                .select_only()
                .column_as(customer_key(), "customer_id")
                .column_as(sum(C::SubtotalMinor), "net")
                .filter(slice.orders())
                .group_by(customer_key())
                .order_by_desc(sum(C::SubtotalMinor))
                .order_by_asc(customer_key())
                .limit(limit)
                .into_tuple()
                .all(db)
                .await?
        }
    };
    let names: std::collections::HashMap<i64, String> = customers::Entity::find()
        .select_only()
        .columns([customers::Column::Id, customers::Column::Name])
        .filter(customers::Column::Id.is_in(rows.iter().map(|r| r.0)))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|(id, net)| TopRow {
            id,
            label: names.get(&id).cloned().unwrap_or_default(),
            net_minor: net.unwrap_or(0),
            quantity: 0,
        })
        .collect())
}

/// Booked (product, quantity, net) of the slice, most net first (then
/// by product), at most `limit` rows. Without an owner or segment in the
/// slice it reads the `product_year_stats` summary for whole years and the
/// `product_stats` summary otherwise; with one, the order lines.
pub async fn product_sums(
    db: &impl ConnectionTrait,
    slice: &Slice,
    limit: Option<u64>,
) -> Result<Vec<(i64, i64, i64)>> {
    let today = chrono::Utc::now().date_naive();
    if let Some(cond) = slice.product_year_stats(today) {
        use product_year_stats::Column as Y;
        return by_product::<product_year_stats::Entity>(
            db,
            cond,
            Y::ProductId,
            Y::Quantity,
            Y::NetMinor,
            limit,
        )
        .await;
    }
    if let Some(cond) = slice.product_stats() {
        use product_stats::Column as P;
        return by_product::<product_stats::Entity>(
            db,
            cond,
            P::ProductId,
            P::Quantity,
            P::NetMinor,
            limit,
        )
        .await;
    }
    use sales_order_lines::Column as L;
    let orders = sales_orders::Entity::find()
        .select_only()
        .column(sales_orders::Column::Id)
        .filter(slice.orders())
        .into_query();
    let cond = Condition::all().add(L::OrderId.in_subquery(orders));
    by_product::<sales_order_lines::Entity>(db, cond, L::ProductId, L::Quantity, L::NetMinor, limit)
        .await
}

/// (product, Σ quantity, Σ net) of `E`'s rows matching `cond`, most net
/// first (then by product), at most `limit` rows: the same ranking over a
/// summary or over the order lines.
async fn by_product<E: EntityTrait>(
    db: &impl ConnectionTrait,
    cond: Condition,
    product: E::Column,
    quantity: E::Column,
    net: E::Column,
    limit: Option<u64>,
) -> Result<Vec<(i64, i64, i64)>> {
    let rows: Vec<(i64, Option<i64>, Option<i64>)> = E::find()
        .select_only()
        .column(product)
        .column_as(sum(quantity), "qty")
        .column_as(sum(net), "net")
        .filter(cond)
        .group_by(product)
        .order_by_desc(sum(net))
        .order_by_asc(product)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, qty, net)| (id, qty.unwrap_or(0), net.unwrap_or(0)))
        .collect())
}

/// The products with the most booked revenue in the slice.
pub async fn top_products(
    db: &impl ConnectionTrait,
    slice: &Slice,
    limit: u64,
) -> Result<Vec<TopRow>> {
    let rows = product_sums(db, slice, Some(limit)).await?;
    let names: std::collections::HashMap<i64, (String, String)> = products::Entity::find()
        .select_only()
        .columns([
            products::Column::Id,
            products::Column::Sku,
            products::Column::Name,
        ])
        .filter(products::Column::Id.is_in(rows.iter().map(|r| r.0)))
        .into_tuple::<(i64, String, String)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, sku, name)| (id, (sku, name)))
        .collect();
    Ok(rows
        .into_iter()
        .map(|(id, qty, net)| TopRow {
            id,
            label: names
                .get(&id)
                .map(|(sku, name)| format!("{sku} · {name}"))
                .unwrap_or_default(),
            net_minor: net,
            quantity: qty,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
    }

    fn slice(from: NaiveDate, to: NaiveDate) -> Slice {
        Slice {
            from,
            to,
            currency: "EUR".into(),
            warehouse_id: None,
            owners: None,
            segment: None,
        }
    }

    #[test]
    fn the_customer_summary_serves_whole_years_only() {
        let today = day(2026, 11, 30);
        // This year so far, last year, and three whole years.
        assert!(slice(day(2026, 1, 1), today)
            .customer_stats(today)
            .is_some());
        assert!(slice(day(2025, 1, 1), day(2025, 12, 31))
            .customer_stats(today)
            .is_some());
        assert!(slice(day(2023, 1, 1), today)
            .customer_stats(today)
            .is_some());
        // Part of a year at either end.
        assert!(slice(day(2026, 1, 2), today)
            .customer_stats(today)
            .is_none());
        assert!(slice(day(2025, 1, 1), day(2025, 12, 30))
            .customer_stats(today)
            .is_none());
        assert!(slice(day(2026, 1, 1), day(2026, 11, 29))
            .customer_stats(today)
            .is_none());
        // Filters the summary does not keep.
        let mut narrowed = slice(day(2026, 1, 1), today);
        narrowed.warehouse_id = Some(1);
        assert!(narrowed.customer_stats(today).is_none());
        let mut narrowed = slice(day(2026, 1, 1), today);
        narrowed.owners = Some(vec![1]);
        assert!(narrowed.customer_stats(today).is_none());
        let mut narrowed = slice(day(2026, 1, 1), today);
        narrowed.segment = Some("retail".into());
        assert!(narrowed.customer_stats(today).is_none());
    }

    #[test]
    fn the_products_year_summary_serves_whole_years_with_or_without_a_warehouse() {
        let today = day(2026, 11, 30);
        assert!(slice(day(2026, 1, 1), today)
            .product_year_stats(today)
            .is_some());
        assert!(slice(day(2024, 1, 1), day(2025, 12, 31))
            .product_year_stats(today)
            .is_some());
        // Thirty days, or a year cut short.
        assert!(slice(day(2026, 11, 1), today)
            .product_year_stats(today)
            .is_none());
        assert!(slice(day(2025, 1, 1), day(2025, 12, 30))
            .product_year_stats(today)
            .is_none());
        // It keeps the warehouse, not the owner or the segment.
        let mut narrowed = slice(day(2026, 1, 1), today);
        narrowed.warehouse_id = Some(1);
        assert!(narrowed.product_year_stats(today).is_some());
        let mut narrowed = slice(day(2026, 1, 1), today);
        narrowed.owners = Some(vec![1]);
        assert!(narrowed.product_year_stats(today).is_none());
        let mut narrowed = slice(day(2026, 1, 1), today);
        narrowed.segment = Some("retail".into());
        assert!(narrowed.product_year_stats(today).is_none());
    }
}
