//! Summary tables kept current in the transaction of the write that
//! changes them. `order_stats` sums sales orders by order day, state,
//! warehouse, owner, customer segment and currency; `product_stats` sums
//! their lines by order day, state, warehouse, currency and product;
//! `customer_stats` sums booked orders by order year, currency and
//! customer, and `product_year_stats` their lines by order year, currency,
//! warehouse and product. Ticket resolution times are written with the
//! ticket (`tickets.resolution_minutes`); [`check`] and [`rebuild`] cover
//! them too.
//!
//! A write that changes orders takes a [`Snapshot`] of their contribution
//! before it changes them and applies it after: the difference is added
//! to the summary rows as relative increments (`orders = orders + d`), so
//! concurrent writers never overwrite each other, and rows are touched in
//! key order so two writers cannot deadlock on them. [`rebuild`] recounts
//! everything from the orders; [`check`] compares the two.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate};
use sea_orm::{
    sea_query::{Alias, Expr, OnConflict},
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Statement,
};

use crate::{
    entities::{
        customer_stats, customers, order_stats, product_stats, product_year_stats,
        sales_order_lines, sales_orders, tickets,
    },
    services::dashboards::is_booked,
    Result,
};

/// The key of one summary row.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    /// Order day (UTC date the order was created).
    pub day: NaiveDate,
    /// Order state.
    pub state: String,
    /// Warehouse.
    pub warehouse_id: i64,
    /// Owner; 0 when none.
    pub owner_id: i64,
    /// The customer's segment.
    pub segment: String,
    /// Currency.
    pub currency: String,
}

/// The measures of one summary row.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Number of orders.
    pub orders: i64,
    /// Net value, minor units.
    pub net_minor: i64,
    /// Total with tax, minor units.
    pub total_minor: i64,
}

/// A summary row's measures: they add up, and a row of zeros is no row.
trait Measures: Copy + Default + PartialEq {
    /// Adds `sign × other`.
    fn add(&mut self, other: Self, sign: i64);

    /// Whether every measure is zero.
    fn is_zero(&self) -> bool {
        *self == Self::default()
    }
}

impl Measures for Counts {
    fn add(&mut self, other: Counts, sign: i64) {
        self.orders += sign * other.orders;
        self.net_minor += sign * other.net_minor;
        self.total_minor += sign * other.total_minor;
    }
}

/// Summary rows by key; rows summing to zero are left out.
pub type Summary = BTreeMap<Key, Counts>;

/// The key of one product summary row.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProductKey {
    /// Order day (UTC date the order was created).
    pub day: NaiveDate,
    /// Order state.
    pub state: String,
    /// The order's warehouse.
    pub warehouse_id: i64,
    /// Currency.
    pub currency: String,
    /// The product.
    pub product_id: i64,
}

/// The measures of one product summary row.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ProductCounts {
    /// Number of order lines.
    pub lines: i64,
    /// Quantity ordered.
    pub quantity: i64,
    /// Net value of the lines, minor units.
    pub net_minor: i64,
}

impl Measures for ProductCounts {
    fn add(&mut self, other: ProductCounts, sign: i64) {
        self.lines += sign * other.lines;
        self.quantity += sign * other.quantity;
        self.net_minor += sign * other.net_minor;
    }
}

/// Product summary rows by key; rows summing to zero are left out.
pub type ProductSummary = BTreeMap<ProductKey, ProductCounts>;

/// The key of one customer summary row.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CustomerKey {
    /// Order year (UTC).
    pub year: i32,
    /// Currency.
    pub currency: String,
    /// The customer.
    pub customer_id: i64,
}

/// Customer summary rows (booked orders) by key; rows summing to zero are
/// left out.
pub type CustomerSummary = BTreeMap<CustomerKey, Counts>;

/// The key of one row of the products' year summary.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProductYearKey {
    /// Order year (UTC).
    pub year: i32,
    /// Currency.
    pub currency: String,
    /// The order's warehouse.
    pub warehouse_id: i64,
    /// The product.
    pub product_id: i64,
}

/// The products' year summary (booked lines) by key; rows summing to
/// zero are left out.
pub type ProductYearSummary = BTreeMap<ProductYearKey, ProductCounts>;

/// The summaries' contributions of some orders.
#[derive(Debug, Default)]
struct Both {
    orders: Summary,
    products: ProductSummary,
    customers: CustomerSummary,
    product_years: ProductYearSummary,
}

/// The order columns the summary needs.
type OrderRow = (
    i64,
    chrono::DateTime<chrono::Utc>,
    String,
    i64,
    Option<i64>,
    i64,
    String,
    i64,
    i64,
);

fn order_columns<S: QuerySelect>(select: S) -> S {
    use sales_orders::Column as C;
    select.select_only().columns([
        C::Id,
        C::CreatedAt,
        C::State,
        C::WarehouseId,
        C::OwnerId,
        C::CustomerId,
        C::Currency,
        C::SubtotalMinor,
        C::TotalMinor,
    ])
}

/// The product key of an order's lines, without the product.
type LineKey = (NaiveDate, String, i64, String);

/// Lines of the orders `rows` (ids), as (order, product, quantity, net).
async fn lines_of(db: &impl ConnectionTrait, ids: &[i64]) -> Result<Vec<(i64, i64, i64, i64)>> {
    use sales_order_lines::Column as L;
    Ok(sales_order_lines::Entity::find()
        .select_only()
        .columns([L::OrderId, L::ProductId, L::Quantity, L::NetMinor])
        .filter(L::OrderId.is_in(ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await?)
}

/// Adds the lines' contributions to the product summaries in `into`;
/// `orders` gives each order's key.
fn fold_lines(into: &mut Both, lines: Vec<(i64, i64, i64, i64)>, orders: &HashMap<i64, LineKey>) {
    for (order, product_id, quantity, net_minor) in lines {
        let Some((day, state, warehouse_id, currency)) = orders.get(&order) else {
            continue;
        };
        let counts = ProductCounts {
            lines: 1,
            quantity,
            net_minor,
        };
        if is_booked(state) {
            let by_year = ProductYearKey {
                year: day.year(),
                currency: currency.clone(),
                warehouse_id: *warehouse_id,
                product_id,
            };
            into.product_years
                .entry(by_year)
                .or_default()
                .add(counts, 1);
        }
        let key = ProductKey {
            day: *day,
            state: state.clone(),
            warehouse_id: *warehouse_id,
            currency: currency.clone(),
            product_id,
        };
        into.products.entry(key).or_default().add(counts, 1);
    }
}

/// Each order's line key.
fn line_keys(rows: &[OrderRow]) -> HashMap<i64, LineKey> {
    rows.iter()
        .map(|(id, created, state, warehouse_id, _, _, currency, _, _)| {
            (
                *id,
                (
                    created.date_naive(),
                    state.clone(),
                    *warehouse_id,
                    currency.clone(),
                ),
            )
        })
        .collect()
}

/// Adds orders' contributions to the order and customer summaries.
fn fold(into: &mut Both, rows: Vec<OrderRow>, segments: &HashMap<i64, String>) {
    for (_, created, state, warehouse_id, owner, customer, currency, net, total) in rows {
        let counts = Counts {
            orders: 1,
            net_minor: net,
            total_minor: total,
        };
        if is_booked(&state) {
            let by_customer = CustomerKey {
                year: created.year(),
                currency: currency.clone(),
                customer_id: customer,
            };
            into.customers
                .entry(by_customer)
                .or_default()
                .add(counts, 1);
        }
        let key = Key {
            day: created.date_naive(),
            state,
            warehouse_id,
            owner_id: owner.unwrap_or(0),
            segment: segments.get(&customer).cloned().unwrap_or_default(),
            currency,
        };
        into.orders.entry(key).or_default().add(counts, 1);
    }
}

/// The contribution of the orders `ids` as they are now; with `lock`,
/// their rows are taken for the rest of the transaction (PostgreSQL), so
/// the snapshot stays true until the change is applied.
async fn contributions(db: &impl ConnectionTrait, ids: &[i64], lock: bool) -> Result<Both> {
    let mut both = Both::default();
    for chunk in ids.chunks(500) {
        let mut select = order_columns(sales_orders::Entity::find())
            .filter(sales_orders::Column::Id.is_in(chunk.iter().copied()))
            .order_by_asc(sales_orders::Column::Id);
        if lock {
            select = select.lock(sea_orm::sea_query::LockType::NoKeyUpdate);
        }
        let rows: Vec<OrderRow> = select.into_tuple().all(db).await?;
        let segments = super::customers::segments(db, rows.iter().map(|r| r.5)).await?;
        let keys = line_keys(&rows);
        fold(&mut both, rows, &segments);
        fold_lines(&mut both, lines_of(db, chunk).await?, &keys);
    }
    Ok(both)
}

/// `after − before`, key by key.
fn difference<K: Ord, V: Measures>(
    mut after: BTreeMap<K, V>,
    before: BTreeMap<K, V>,
) -> BTreeMap<K, V> {
    for (key, counts) in before {
        after.entry(key).or_default().add(counts, -1);
    }
    after
}

/// Orders' contribution before a change; [`Snapshot::apply`] after the
/// change (in the same transaction) moves the summary by the difference.
#[derive(Debug)]
#[must_use = "a snapshot does nothing until applied"]
pub struct Snapshot {
    ids: Vec<i64>,
    before: Both,
}

impl Snapshot {
    /// The orders `ids` as they are before the change (their rows are
    /// locked from here on).
    pub async fn take(db: &impl ConnectionTrait, ids: Vec<i64>) -> Result<Self> {
        let before = contributions(db, &ids, true).await?;
        Ok(Snapshot { ids, before })
    }

    /// Orders that did not exist before (just inserted).
    pub fn inserted(ids: Vec<i64>) -> Self {
        Snapshot {
            ids,
            before: Both::default(),
        }
    }

    /// Every order of `customer` before the change (a segment change or a
    /// merge moves them between summary rows).
    pub async fn of_customer(db: &impl ConnectionTrait, customer: i64) -> Result<Self> {
        let ids: Vec<i64> = sales_orders::Entity::find()
            .select_only()
            .column(sales_orders::Column::Id)
            .filter(sales_orders::Column::CustomerId.eq(customer))
            .into_tuple()
            .all(db)
            .await?;
        Self::take(db, ids).await
    }

    /// Applies the difference between now and the snapshot.
    pub async fn apply(self, db: &impl ConnectionTrait) -> Result<()> {
        let after = contributions(db, &self.ids, false).await?;
        add::<Orders>(db, &difference(after.orders, self.before.orders)).await?;
        add::<Products>(db, &difference(after.products, self.before.products)).await?;
        add::<Customers>(db, &difference(after.customers, self.before.customers)).await?;
        add::<ProductYears>(
            db,
            &difference(after.product_years, self.before.product_years),
        )
        .await
    }
}

/// Adds each row's measures to the summary row with its key, inserting
/// the row when it is missing (`measure = measure + excluded.measure`, so
/// concurrent writers never overwrite each other). Rows come in key order,
/// so two writers cannot deadlock on them.
async fn upsert_sums<E>(
    db: &impl ConnectionTrait,
    rows: Vec<E::ActiveModel>,
    keys: &[E::Column],
    measures: &[E::Column],
) -> Result<()>
where
    E: EntityTrait,
    E::Model: sea_orm::IntoActiveModel<E::ActiveModel>,
{
    let mut conflict = OnConflict::columns(keys.iter().copied());
    for &col in measures {
        conflict.value(
            col,
            Expr::col((E::default(), col)).add(Expr::col((Alias::new("excluded"), col))),
        );
    }
    for row in rows {
        E::insert(row)
            .on_conflict(conflict.clone())
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// What the four summaries share: a key, measures that add up, and one
/// table row per key (unique on the key columns).
trait Table {
    /// The summary's key.
    type Key: Ord + Clone;
    /// Its measures.
    type Counts: Measures;
    /// Its table.
    type Entity: EntityTrait;
    /// The key columns (the unique key the upsert conflicts on).
    fn keys() -> Vec<<Self::Entity as EntityTrait>::Column>;
    /// The measure columns.
    fn measures() -> Vec<<Self::Entity as EntityTrait>::Column>;
    /// The id column (rows are read in its order).
    fn id() -> <Self::Entity as EntityTrait>::Column;
    /// The row of `key` holding `counts`.
    fn row(key: &Self::Key, counts: &Self::Counts) -> <Self::Entity as EntityTrait>::ActiveModel;
    /// A stored row's key and measures.
    fn read(row: <Self::Entity as EntityTrait>::Model) -> (Self::Key, Self::Counts);
}

/// Adds `delta` to the summary rows, in key order (rows of zero left out).
async fn add<T: Table>(db: &impl ConnectionTrait, delta: &BTreeMap<T::Key, T::Counts>) -> Result<()>
where
    <T::Entity as EntityTrait>::Model:
        sea_orm::IntoActiveModel<<T::Entity as EntityTrait>::ActiveModel>,
{
    let rows = delta
        .iter()
        .filter(|(_, c)| !c.is_zero())
        .map(|(key, counts)| T::row(key, counts))
        .collect();
    upsert_sums::<T::Entity>(db, rows, &T::keys(), &T::measures()).await
}

/// The summary as maintained (rows summing to zero left out).
async fn stored<T: Table>(db: &impl ConnectionTrait) -> Result<BTreeMap<T::Key, T::Counts>> {
    let rows = T::Entity::find().order_by_asc(T::id()).all(db).await?;
    Ok(rows
        .into_iter()
        .map(T::read)
        .filter(|(_, c)| !c.is_zero())
        .collect())
}

/// Replaces the summary's rows with `fresh`, 1,000 per statement.
async fn replace<T: Table>(
    db: &impl ConnectionTrait,
    fresh: &BTreeMap<T::Key, T::Counts>,
) -> Result<()>
where
    <T::Entity as EntityTrait>::Model:
        sea_orm::IntoActiveModel<<T::Entity as EntityTrait>::ActiveModel>,
{
    T::Entity::delete_many().exec(db).await?;
    let rows: Vec<<T::Entity as EntityTrait>::ActiveModel> = fresh
        .iter()
        .map(|(key, counts)| T::row(key, counts))
        .collect();
    for chunk in rows.chunks(1_000) {
        T::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// `order_stats`.
struct Orders;

impl Table for Orders {
    type Key = Key;
    type Counts = Counts;
    type Entity = order_stats::Entity;

    fn keys() -> Vec<order_stats::Column> {
        use order_stats::Column as C;
        vec![
            C::Day,
            C::State,
            C::WarehouseId,
            C::OwnerId,
            C::Segment,
            C::Currency,
        ]
    }

    fn measures() -> Vec<order_stats::Column> {
        use order_stats::Column as C;
        vec![C::Orders, C::NetMinor, C::TotalMinor]
    }

    fn id() -> order_stats::Column {
        order_stats::Column::Id
    }

    fn row(key: &Key, counts: &Counts) -> order_stats::ActiveModel {
        order_stats::ActiveModel {
            day: Set(key.day),
            state: Set(key.state.clone()),
            warehouse_id: Set(key.warehouse_id),
            owner_id: Set(key.owner_id),
            segment: Set(key.segment.clone()),
            currency: Set(key.currency.clone()),
            orders: Set(counts.orders),
            net_minor: Set(counts.net_minor),
            total_minor: Set(counts.total_minor),
            ..Default::default()
        }
    }

    fn read(r: order_stats::Model) -> (Key, Counts) {
        let key = Key {
            day: r.day,
            state: r.state,
            warehouse_id: r.warehouse_id,
            owner_id: r.owner_id,
            segment: r.segment,
            currency: r.currency,
        };
        let counts = Counts {
            orders: r.orders,
            net_minor: r.net_minor,
            total_minor: r.total_minor,
        };
        (key, counts)
    }
}

/// `product_stats`.
struct Products;

impl Table for Products {
    type Key = ProductKey;
    type Counts = ProductCounts;
    type Entity = product_stats::Entity;

    fn keys() -> Vec<product_stats::Column> {
        use product_stats::Column as C;
        vec![C::Day, C::State, C::WarehouseId, C::Currency, C::ProductId]
    }

    fn measures() -> Vec<product_stats::Column> {
        use product_stats::Column as C;
        vec![C::Lines, C::Quantity, C::NetMinor]
    }

    fn id() -> product_stats::Column {
        product_stats::Column::Id
    }

    fn row(key: &ProductKey, counts: &ProductCounts) -> product_stats::ActiveModel {
        product_stats::ActiveModel {
            day: Set(key.day),
            state: Set(key.state.clone()),
            warehouse_id: Set(key.warehouse_id),
            currency: Set(key.currency.clone()),
            product_id: Set(key.product_id),
            lines: Set(counts.lines),
            quantity: Set(counts.quantity),
            net_minor: Set(counts.net_minor),
            ..Default::default()
        }
    }

    fn read(r: product_stats::Model) -> (ProductKey, ProductCounts) {
        let key = ProductKey {
            day: r.day,
            state: r.state,
            warehouse_id: r.warehouse_id,
            currency: r.currency,
            product_id: r.product_id,
        };
        let counts = ProductCounts {
            lines: r.lines,
            quantity: r.quantity,
            net_minor: r.net_minor,
        };
        (key, counts)
    }
}

/// `customer_stats`.
struct Customers;

impl Table for Customers {
    type Key = CustomerKey;
    type Counts = Counts;
    type Entity = customer_stats::Entity;

    fn keys() -> Vec<customer_stats::Column> {
        use customer_stats::Column as C;
        vec![C::Year, C::Currency, C::CustomerId]
    }

    fn measures() -> Vec<customer_stats::Column> {
        use customer_stats::Column as C;
        vec![C::Orders, C::NetMinor, C::TotalMinor]
    }

    fn id() -> customer_stats::Column {
        customer_stats::Column::Id
    }

    fn row(key: &CustomerKey, counts: &Counts) -> customer_stats::ActiveModel {
        customer_stats::ActiveModel {
            year: Set(key.year),
            currency: Set(key.currency.clone()),
            customer_id: Set(key.customer_id),
            orders: Set(counts.orders),
            net_minor: Set(counts.net_minor),
            total_minor: Set(counts.total_minor),
            ..Default::default()
        }
    }

    fn read(r: customer_stats::Model) -> (CustomerKey, Counts) {
        let key = CustomerKey {
            year: r.year,
            currency: r.currency,
            customer_id: r.customer_id,
        };
        let counts = Counts {
            orders: r.orders,
            net_minor: r.net_minor,
            total_minor: r.total_minor,
        };
        (key, counts)
    }
}

/// `product_year_stats`.
struct ProductYears;

impl Table for ProductYears {
    type Key = ProductYearKey;
    type Counts = ProductCounts;
    type Entity = product_year_stats::Entity;

    fn keys() -> Vec<product_year_stats::Column> {
        use product_year_stats::Column as C;
        vec![C::Year, C::Currency, C::WarehouseId, C::ProductId]
    }

    fn measures() -> Vec<product_year_stats::Column> {
        use product_year_stats::Column as C;
        vec![C::Lines, C::Quantity, C::NetMinor]
    }

    fn id() -> product_year_stats::Column {
        product_year_stats::Column::Id
    }

    fn row(key: &ProductYearKey, counts: &ProductCounts) -> product_year_stats::ActiveModel {
        product_year_stats::ActiveModel {
            year: Set(key.year),
            currency: Set(key.currency.clone()),
            warehouse_id: Set(key.warehouse_id),
            product_id: Set(key.product_id),
            lines: Set(counts.lines),
            quantity: Set(counts.quantity),
            net_minor: Set(counts.net_minor),
            ..Default::default()
        }
    }

    fn read(r: product_year_stats::Model) -> (ProductYearKey, ProductCounts) {
        let key = ProductYearKey {
            year: r.year,
            currency: r.currency,
            warehouse_id: r.warehouse_id,
            product_id: r.product_id,
        };
        let counts = ProductCounts {
            lines: r.lines,
            quantity: r.quantity,
            net_minor: r.net_minor,
        };
        (key, counts)
    }
}

/// The order summary as maintained (rows summing to zero left out).
pub async fn maintained(db: &impl ConnectionTrait) -> Result<Summary> {
    stored::<Orders>(db).await
}

/// The product summary as maintained (rows summing to zero left out).
pub async fn maintained_products(db: &impl ConnectionTrait) -> Result<ProductSummary> {
    stored::<Products>(db).await
}

/// The customer summary as maintained (rows summing to zero left out).
pub async fn maintained_customers(db: &impl ConnectionTrait) -> Result<CustomerSummary> {
    stored::<Customers>(db).await
}

/// The products' year summary as maintained (rows summing to zero left
/// out).
pub async fn maintained_product_years(db: &impl ConnectionTrait) -> Result<ProductYearSummary> {
    stored::<ProductYears>(db).await
}

/// The summaries recounted from every order, `batch` orders at a time;
/// `progress` hears (orders counted so far).
async fn recompute(
    db: &impl ConnectionTrait,
    batch: u64,
    mut progress: impl FnMut(u64),
) -> Result<Both> {
    let all_segments: HashMap<i64, String> = customers::Entity::find()
        .select_only()
        .columns([customers::Column::Id, customers::Column::Segment])
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut both = Both::default();
    let mut after = 0_i64;
    let mut counted = 0_u64;
    loop {
        let rows: Vec<OrderRow> = order_columns(sales_orders::Entity::find())
            .filter(sales_orders::Column::Id.gt(after))
            .order_by_asc(sales_orders::Column::Id)
            .limit(batch.max(1))
            .into_tuple()
            .all(db)
            .await?;
        let Some(last) = rows.last() else { break };
        after = last.0;
        counted += rows.len() as u64;
        let keys = line_keys(&rows);
        let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
        fold(&mut both, rows, &all_segments);
        for chunk in ids.chunks(5_000) {
            fold_lines(&mut both, lines_of(db, chunk).await?, &keys);
        }
        progress(counted);
    }
    both.orders.retain(|_, c| !c.is_zero());
    both.products.retain(|_, c| !c.is_zero());
    both.customers.retain(|_, c| !c.is_zero());
    both.product_years.retain(|_, c| !c.is_zero());
    Ok(both)
}

/// One summary row that differs: its key, the maintained and the
/// recounted values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Difference {
    /// A row of `order_stats`.
    Order(Key, Counts, Counts),
    /// A row of `product_stats`.
    Product(ProductKey, ProductCounts, ProductCounts),
    /// A row of `customer_stats`.
    Customer(CustomerKey, Counts, Counts),
    /// A row of `product_year_stats`.
    ProductYear(ProductYearKey, ProductCounts, ProductCounts),
    /// A ticket's `resolution_minutes`: (ticket, stored, recomputed from
    /// its times).
    TicketMinutes(i64, Option<i64>, Option<i64>),
}

/// Where two summaries differ: (key, first, second).
fn differences<K: Ord + Clone, V: Copy + Default + PartialEq>(
    kept: &BTreeMap<K, V>,
    fresh: &BTreeMap<K, V>,
) -> Vec<(K, V, V)> {
    let keys: BTreeSet<&K> = kept.keys().chain(fresh.keys()).collect();
    keys.into_iter()
        .filter_map(|k| {
            let a = kept.get(k).copied().unwrap_or_default();
            let b = fresh.get(k).copied().unwrap_or_default();
            (a != b).then(|| (k.clone(), a, b))
        })
        .collect()
}

/// Compares the maintained summaries with a recount from the orders.
pub async fn check(db: &impl ConnectionTrait) -> Result<Vec<Difference>> {
    let kept = maintained(db).await?;
    let kept_products = maintained_products(db).await?;
    let kept_customers = maintained_customers(db).await?;
    let kept_years = maintained_product_years(db).await?;
    let fresh = recompute(db, 5_000, |_| ()).await?;
    let orders = differences(&kept, &fresh.orders)
        .into_iter()
        .map(|(k, a, b)| Difference::Order(k, a, b));
    let products = differences(&kept_products, &fresh.products)
        .into_iter()
        .map(|(k, a, b)| Difference::Product(k, a, b));
    let customers = differences(&kept_customers, &fresh.customers)
        .into_iter()
        .map(|(k, a, b)| Difference::Customer(k, a, b));
    let years = differences(&kept_years, &fresh.product_years)
        .into_iter()
        .map(|(k, a, b)| Difference::ProductYear(k, a, b));
    let mut all: Vec<Difference> = orders
        .chain(products)
        .chain(customers)
        .chain(years)
        .collect();
    all.extend(
        ticket_minutes(db, false)
            .await?
            .into_iter()
            .map(|(id, kept, fresh)| Difference::TicketMinutes(id, kept, fresh)),
    );
    Ok(all)
}

/// The tickets whose `resolution_minutes` differs from their times:
/// (ticket, stored, recomputed); with `fix`, each is rewritten.
async fn ticket_minutes(
    db: &impl ConnectionTrait,
    fix: bool,
) -> Result<Vec<(i64, Option<i64>, Option<i64>)>> {
    use tickets::Column as T;
    type Row = (
        i64,
        chrono::DateTime<chrono::Utc>,
        Option<chrono::DateTime<chrono::Utc>>,
        Option<i64>,
    );
    let mut wrong = Vec::new();
    let mut after = 0_i64;
    loop {
        let rows: Vec<Row> = tickets::Entity::find()
            .select_only()
            .columns([T::Id, T::CreatedAt, T::ResolvedAt, T::ResolutionMinutes])
            .filter(T::Id.gt(after))
            .order_by_asc(T::Id)
            .limit(5_000)
            .into_tuple()
            .all(db)
            .await?;
        let Some(last) = rows.last() else { break };
        after = last.0;
        for (id, created, resolved, kept) in rows {
            let fresh = resolved.map(|done| super::tickets::resolution_minutes(created, done));
            if kept != fresh {
                wrong.push((id, kept, fresh));
            }
        }
    }
    if fix {
        for (id, _, fresh) in &wrong {
            tickets::Entity::update_many()
                .col_expr(T::ResolutionMinutes, Expr::value(*fresh))
                .filter(T::Id.eq(*id))
                .exec(db)
                .await?;
        }
    }
    Ok(wrong)
}

/// Replaces the summaries with a recount from the orders, in one
/// transaction; on PostgreSQL order writes wait until it is done (so none
/// is counted twice or missed). Returns the number of `order_stats` rows.
pub async fn rebuild(db: &impl crate::db::Tx, progress: impl FnMut(u64)) -> Result<u64> {
    let txn = db.begin().await?;
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute(Statement::from_string(
            DbBackend::Postgres,
            "LOCK TABLE sales_orders IN SHARE MODE",
        ))
        .await?;
    }
    let fresh = recompute(&txn, 5_000, progress).await?;
    replace::<Orders>(&txn, &fresh.orders).await?;
    replace::<Products>(&txn, &fresh.products).await?;
    replace::<Customers>(&txn, &fresh.customers).await?;
    replace::<ProductYears>(&txn, &fresh.product_years).await?;
    ticket_minutes(&txn, true).await?;
    txn.commit().await?;
    Ok(fresh.orders.len() as u64)
}
