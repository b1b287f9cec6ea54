//! `/products`: the catalogue, with stock over every warehouse in lists.

use axum::{extract::State, Json};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tandem_app::ssr::AppState;
use tandem_domain::inventory::products::{self as service, ProductFilter, ProductInput};
use utoipa::{IntoParams, ToSchema};

use super::{
    extract::{Body, Caller, Id, Params, Txn},
    problem::{renamed, ApiResult},
    window, List, Written,
};

/// A product.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Product {
    /// Key.
    pub id: i64,
    /// Stock-keeping unit.
    pub sku: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Category.
    pub category: String,
    /// Unit of measure.
    pub unit: String,
    /// List price, minor units.
    pub list_price_minor: i64,
    /// Cost price, minor units; only for tokens with `products.read_cost`.
    pub cost_price_minor: Option<i64>,
    /// Tax rate, basis points (1900 = 19 %).
    pub tax_rate_bp: i32,
    /// Barcode.
    pub barcode: Option<String>,
    /// Sold and bought (inactive products are kept, not offered).
    pub active: bool,
    /// On hand over every warehouse (in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_hand: Option<i64>,
    /// Reserved over every warehouse (in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reserved: Option<i64>,
    /// Created (UTC).
    pub created_at: DateTime<Utc>,
    /// Last changed (UTC).
    pub updated_at: DateTime<Utc>,
}

impl From<service::Product> for Product {
    fn from(p: service::Product) -> Self {
        Self {
            id: p.id,
            sku: p.sku,
            name: p.name,
            description: p.description,
            category: p.category,
            unit: p.unit,
            list_price_minor: p.list_price_minor,
            cost_price_minor: p.cost_price_minor,
            tax_rate_bp: p.tax_rate_bp,
            barcode: p.barcode,
            active: p.active,
            on_hand: None,
            reserved: None,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

fn default_unit() -> String {
    "pcs".into()
}

fn yes() -> bool {
    true
}

/// A product to create, or a product's new state (every field).
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductIn {
    /// Stock-keeping unit (unique).
    #[schema(pattern = "^[A-Za-z0-9._-]{1,64}$")]
    pub sku: String,
    /// Name.
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub name: String,
    /// Description.
    #[serde(default)]
    #[schema(max_length = 10000)]
    pub description: String,
    /// Category.
    #[serde(default)]
    #[schema(max_length = 100)]
    pub category: String,
    /// Unit of measure (default `pcs`).
    #[serde(default = "default_unit")]
    #[schema(min_length = 1, max_length = 20, pattern = r"\S")]
    pub unit: String,
    /// List price, minor units.
    #[schema(minimum = 0)]
    pub list_price_minor: i64,
    /// Cost price, minor units; needs `products.read_cost`. Absent: unchanged (0 on create).
    #[serde(default)]
    #[schema(minimum = 0)]
    pub cost_price_minor: Option<i64>,
    /// Tax rate, basis points.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 10000)]
    pub tax_rate_bp: i32,
    /// Barcode.
    #[serde(default)]
    #[schema(pattern = "^([A-Za-z0-9]{4,64})?$")]
    pub barcode: String,
    /// Active (default true).
    #[serde(default = "yes")]
    pub active: bool,
}

impl From<ProductIn> for ProductInput {
    fn from(p: ProductIn) -> Self {
        Self {
            sku: p.sku,
            name: p.name,
            description: p.description,
            category: p.category,
            unit: p.unit,
            list_price_minor: p.list_price_minor,
            cost_price_minor: p.cost_price_minor,
            tax_rate_bp: p.tax_rate_bp,
            barcode: p.barcode,
            active: p.active,
        }
    }
}

const FIELDS: &[(&str, &str)] = &[
    ("list_price", "list_price_minor"),
    ("cost_price", "cost_price_minor"),
    ("tax_rate", "tax_rate_bp"),
];

/// Filters of the product list.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProductQuery {
    /// Start of the name or SKU.
    pub search: Option<String>,
    /// Only this category.
    pub category: Option<String>,
    /// Include inactive products.
    #[serde(default)]
    pub include_inactive: bool,
    /// A `next_cursor` from the previous page.
    pub after: Option<String>,
    /// Rows per page, 1 to 200 (default 50).
    pub limit: Option<u64>,
}

/// Products in id order, with stock over every warehouse (`products.read`).
#[utoipa::path(get, path = "/products", tag = "products", params(ProductQuery),
    responses((status = 200, description = "A page of products", body = List<Product>)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Params(query): Params<ProductQuery>,
) -> ApiResult<Json<List<Product>>> {
    let (after, limit) = window(query.after.as_deref(), query.limit)?;
    let filter = ProductFilter {
        search: query.search,
        category: query.category,
        include_inactive: query.include_inactive,
        after,
    };
    let page = service::list(&state.reader, caller.actor(), &filter, 1, limit).await?;
    Ok(Json(List::new(page, |row| Product {
        on_hand: Some(row.on_hand),
        reserved: Some(row.reserved),
        ..row.product.into()
    })))
}

/// Creates a product (`products.write`).
#[utoipa::path(post, path = "/products", tag = "products", request_body = ProductIn,
    responses((status = 201, description = "Created", body = Product)))]
pub async fn create(
    Txn(txn): Txn,
    caller: Caller,
    Body(input): Body<ProductIn>,
) -> ApiResult<Written<Product>> {
    let created = service::create(&*txn, caller.actor(), &input.into())
        .await
        .map_err(|e| renamed(e, FIELDS))?;
    Ok(Written::created(created.into()))
}

/// One product (`products.read`).
#[utoipa::path(get, path = "/products/{id}", tag = "products",
    params(("id" = i64, Path, description = "Product id")),
    responses((status = 200, description = "The product", body = Product)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> ApiResult<Json<Product>> {
    Ok(Json(
        service::get(&state.reader, caller.actor(), id)
            .await?
            .into(),
    ))
}

/// Replaces a product's fields (`products.write`).
#[utoipa::path(put, path = "/products/{id}", tag = "products", request_body = ProductIn,
    params(("id" = i64, Path, description = "Product id")),
    responses((status = 200, description = "Updated", body = Product)))]
pub async fn update(
    Txn(txn): Txn,
    caller: Caller,
    Id(id): Id,
    Body(input): Body<ProductIn>,
) -> ApiResult<Written<Product>> {
    let updated = service::update(&*txn, caller.actor(), id, &input.into())
        .await
        .map_err(|e| renamed(e, FIELDS))?;
    Ok(Written::changed(updated.into()))
}
