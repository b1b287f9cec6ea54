//! `sales_orders`: quotes and sales orders.

use sea_orm::entity::prelude::*;

/// A row of `sales_orders`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sales_orders")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Readable number (`SO-2026-000123`), unique.
    pub number: String,
    /// The customer.
    pub customer_id: i64,
    /// The warehouse it ships from.
    pub warehouse_id: i64,
    /// The sales user it belongs to.
    pub owner_id: Option<i64>,
    /// Where it is in the flow (`sales::orders::state` has the rules).
    pub state: OrderState,
    /// ISO 4217 currency.
    pub currency: String,
    /// Sum of the lines after discount, minor units.
    pub subtotal_minor: i64,
    /// Sum of the lines’ tax, minor units.
    pub tax_minor: i64,
    /// Subtotal plus tax.
    pub total_minor: i64,
    /// The day it should ship.
    pub ship_by: Date,
    /// Notes.
    pub notes: String,
    /// Why it needs an approval (empty when it does not, or not yet checked).
    pub approval_reason: String,
    /// Who approved it.
    pub approved_by: Option<i64>,
    /// When it was approved.
    pub approved_at: Option<ChronoDateTimeUtc>,
    /// When it was confirmed.
    pub confirmed_at: Option<ChronoDateTimeUtc>,
    /// When it was cancelled.
    pub cancelled_at: Option<ChronoDateTimeUtc>,
    /// Why it was cancelled.
    pub cancel_reason: String,
    /// Who created it.
    pub created_by: Option<i64>,
    /// Created (UTC).
    pub created_at: ChronoDateTimeUtc,
    /// Updated (UTC).
    pub updated_at: ChronoDateTimeUtc,
}

/// An order's state, stored as its name. Reading an unknown name is an
/// error (there is no fallback state).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum OrderState {
    /// A quote, still editable.
    #[sea_orm(string_value = "draft")]
    Draft,
    /// Confirmed: stock reserved (in part when short).
    #[sea_orm(string_value = "confirmed")]
    Confirmed,
    /// Some lines or quantities shipped.
    #[sea_orm(string_value = "partially_shipped")]
    PartiallyShipped,
    /// Everything shipped.
    #[sea_orm(string_value = "shipped")]
    Shipped,
    /// Everything shipped is invoiced («Money and supply»).
    #[sea_orm(string_value = "invoiced")]
    Invoiced,
    /// Paid in full.
    #[sea_orm(string_value = "closed")]
    Closed,
    /// Cancelled before anything shipped.
    #[sea_orm(string_value = "cancelled")]
    Cancelled,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
