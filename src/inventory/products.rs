//! Products: what Tandem sells. The cost price is a field-level permission
//! (`products.read_cost`): without it the server never sends the cost, and
//! cannot change it either. Products are archived (inactive), not deleted.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;

use crate::{
    access::{policy, Actor, Permission},
    entities::{products, stock_levels},
    messages, Error, FieldErrors, Result,
    {
        access::audit::{self, Entry, Who},
        access::scope,
        platform::page::{paginate_after, Page},
    },
};

/// What the product form sends.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProductInput {
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
    /// List price in minor units.
    pub list_price_minor: i64,
    /// Cost price in minor units; `None` leaves it as it is (a user who may
    /// not see costs cannot set them).
    pub cost_price_minor: Option<i64>,
    /// Tax rate in basis points.
    pub tax_rate_bp: i32,
    /// Barcode.
    pub barcode: String,
    /// Active.
    pub active: bool,
}

/// A product as one user may see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Product {
    /// Key.
    pub id: i64,
    /// SKU.
    pub sku: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Category.
    pub category: String,
    /// Unit.
    pub unit: String,
    /// List price, minor units.
    pub list_price_minor: i64,
    /// Cost price, only with `products.read_cost`.
    pub cost_price_minor: Option<i64>,
    /// Tax rate, basis points.
    pub tax_rate_bp: i32,
    /// Barcode.
    pub barcode: Option<String>,
    /// Active.
    pub active: bool,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Updated.
    pub updated_at: DateTime<Utc>,
}

/// Whether `actor` may see cost prices, and so set them (`products.read_cost`).
pub fn cost_visible(actor: &Actor) -> bool {
    policy::require(actor, Permission::ProductsReadCost).is_ok()
}

/// The view of `model` for `actor`: the cost only with `products.read_cost`.
pub fn view(actor: &Actor, model: products::Model) -> Product {
    Product {
        id: model.id,
        sku: model.sku,
        name: model.name,
        description: model.description,
        category: model.category,
        unit: model.unit,
        list_price_minor: model.list_price_minor,
        cost_price_minor: actor
            .has(Permission::ProductsReadCost)
            .then_some(model.cost_price_minor),
        tax_rate_bp: model.tax_rate_bp,
        barcode: model.barcode,
        active: model.active,
        created_at: model.created_at,
        updated_at: model.updated_at,
    }
}

struct Valid {
    sku: String,
    name: String,
    description: String,
    category: String,
    unit: String,
    barcode: Option<String>,
}

/// The canonical form of a SKU: trimmed, upper case.
pub fn sku_key(sku: &str) -> String {
    sku.trim().to_uppercase()
}

fn validate(input: &ProductInput) -> Result<Valid> {
    let mut errors = FieldErrors::new();
    let sku = sku_key(&input.sku);
    if sku.is_empty() {
        errors.insert("sku".into(), messages::SKU_REQUIRED.into());
    } else if sku.chars().count() > 64
        || !sku
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        errors.insert("sku".into(), messages::SKU_INVALID.into());
    }
    let name = input.name.trim().to_owned();
    if name.is_empty() {
        errors.insert("name".into(), messages::NAME_REQUIRED.into());
    } else if name.chars().count() > 200 {
        errors.insert("name".into(), messages::MAX_200.into());
    }
    if input.description.chars().count() > 10_000 {
        errors.insert("description".into(), messages::TOO_LONG.into());
    }
    let category = input.category.trim().to_owned();
    if category.chars().count() > 100 {
        errors.insert("category".into(), messages::MAX_100.into());
    }
    let unit = input.unit.trim().to_owned();
    if unit.is_empty() || unit.chars().count() > 20 {
        errors.insert("unit".into(), messages::UNIT_REQUIRED.into());
    }
    if input.list_price_minor < 0 {
        errors.insert("list_price".into(), messages::NOT_NEGATIVE.into());
    }
    if input.cost_price_minor.is_some_and(|c| c < 0) {
        errors.insert("cost_price".into(), messages::NOT_NEGATIVE.into());
    }
    if !(0..=10_000).contains(&input.tax_rate_bp) {
        errors.insert("tax_rate".into(), messages::RATE_RANGE.into());
    }
    let barcode = input.barcode.trim().to_owned();
    if !barcode.is_empty()
        && (!(4..=64).contains(&barcode.len())
            || !barcode.chars().all(|c| c.is_ascii_alphanumeric()))
    {
        errors.insert("barcode".into(), messages::BARCODE_INVALID.into());
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    Ok(Valid {
        sku,
        name,
        description: input.description.trim().to_owned(),
        category,
        unit,
        barcode: (!barcode.is_empty()).then_some(barcode),
    })
}

fn snapshot(p: &products::Model) -> serde_json::Value {
    json!({
        "sku": p.sku, "name": p.name, "category": p.category, "unit": p.unit,
        "list_price_minor": p.list_price_minor, "cost_price_minor": p.cost_price_minor,
        "tax_rate_bp": p.tax_rate_bp, "barcode": p.barcode, "active": p.active,
    })
}

fn taken(err: sea_orm::DbErr) -> Error {
    match err.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(detail)) => {
            if detail.contains("barcode") {
                Error::field("barcode", messages::BARCODE_TAKEN)
            } else {
                Error::field("sku", messages::SKU_TAKEN)
            }
        }
        _ => err.into(),
    }
}

fn require_cost_write(actor: &Actor, input: &ProductInput) -> Result<()> {
    if input.cost_price_minor.is_some() && !actor.has(Permission::ProductsReadCost) {
        return Err(Error::Forbidden);
    }
    Ok(())
}

/// Creates a product.
pub async fn create(
    db: &impl crate::db::Tx,
    actor: &Actor,
    input: &ProductInput,
) -> Result<Product> {
    let actor = policy::require(actor, Permission::ProductsWrite)?;
    require_cost_write(actor, input)?;
    let valid = validate(input)?;
    let now = Utc::now();
    let txn = db.begin().await?;
    let created = products::ActiveModel {
        sku: Set(valid.sku),
        name_key: Set(valid.name.to_lowercase()),
        name: Set(valid.name),
        description: Set(valid.description),
        category: Set(valid.category),
        unit: Set(valid.unit),
        list_price_minor: Set(input.list_price_minor),
        cost_price_minor: Set(input.cost_price_minor.unwrap_or(0)),
        tax_rate_bp: Set(input.tax_rate_bp),
        barcode: Set(valid.barcode),
        active: Set(input.active),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(taken)?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("product.created", "product", Some(created.id.to_string()))
            .after(snapshot(&created)),
    )
    .await?;
    txn.commit().await?;
    Ok(view(actor, created))
}

/// Edits a product.
pub async fn update(
    db: &impl crate::db::Tx,
    actor: &Actor,
    id: i64,
    input: &ProductInput,
) -> Result<Product> {
    let actor = policy::require(actor, Permission::ProductsWrite)?;
    require_cost_write(actor, input)?;
    let valid = validate(input)?;
    let txn = db.begin().await?;
    let before = model(&txn, id).await?;
    let mut row: products::ActiveModel = before.clone().into();
    row.sku = Set(valid.sku);
    row.name_key = Set(valid.name.to_lowercase());
    row.name = Set(valid.name);
    row.description = Set(valid.description);
    row.category = Set(valid.category);
    row.unit = Set(valid.unit);
    row.list_price_minor = Set(input.list_price_minor);
    if let Some(cost) = input.cost_price_minor {
        row.cost_price_minor = Set(cost);
    }
    row.tax_rate_bp = Set(input.tax_rate_bp);
    row.barcode = Set(valid.barcode);
    row.active = Set(input.active);
    row.updated_at = Set(Utc::now());
    let after = row.update(&txn).await.map_err(taken)?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("product.updated", "product", Some(id.to_string()))
            .before(snapshot(&before))
            .after(snapshot(&after)),
    )
    .await?;
    txn.commit().await?;
    Ok(view(actor, after))
}

pub(crate) async fn model(db: &impl ConnectionTrait, id: i64) -> Result<products::Model> {
    products::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(Error::NotFound)
}

/// One product.
pub async fn get(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<Product> {
    let actor = policy::require(actor, Permission::ProductsRead)?;
    Ok(view(actor, model(db, id).await?))
}

/// Filters for the product list.
#[derive(Clone, Debug, Default)]
pub struct ProductFilter {
    /// Start of the name or SKU.
    pub search: Option<String>,
    /// Only this category.
    pub category: Option<String>,
    /// Include inactive products.
    pub include_inactive: bool,
    /// API cursor: only rows with an id above this, in id order (see `page::paginate_after`).
    pub after: Option<i64>,
}

/// A product with its stock over every warehouse.
#[derive(Clone, Debug)]
pub struct ProductRow {
    /// The product.
    pub product: Product,
    /// On hand over every warehouse.
    pub on_hand: i64,
    /// Reserved over every warehouse.
    pub reserved: i64,
}

fn search_condition(search: &str) -> Condition {
    Condition::any()
        .add(scope::prefix(
            products::Column::NameKey,
            &search.to_lowercase(),
        ))
        .add(scope::prefix(products::Column::Sku, &search.to_uppercase()))
}

/// A page of products, by name.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &ProductFilter,
    page: u64,
    per_page: u64,
) -> Result<Page<ProductRow>> {
    let actor = policy::require(actor, Permission::ProductsRead)?;
    let mut query = products::Entity::find();
    if !filter.include_inactive {
        query = query.filter(products::Column::Active.eq(true));
    }
    if let Some(search) = scope::search_text(filter.search.as_deref())? {
        query = query.filter(search_condition(&search));
    }
    if let Some(category) = filter.category.as_deref().filter(|c| !c.is_empty()) {
        if category.chars().count() > 100 {
            return Err(Error::field("category", crate::messages::MAX_100));
        }
        query = query.filter(products::Column::Category.eq(category));
    }
    let page = paginate_after(
        db,
        query.order_by_asc(products::Column::NameKey),
        products::Column::Id,
        filter.after,
        page,
        per_page,
        200,
    )
    .await?;
    let ids: Vec<i64> = page.items.iter().map(|p| p.id).collect();
    let totals = totals(db, &ids).await?;
    Ok(page.map(|p| {
        let (on_hand, reserved) = totals.get(&p.id).copied().unwrap_or_default();
        ProductRow {
            product: view(actor, p),
            on_hand,
            reserved,
        }
    }))
}

#[derive(FromQueryResult)]
struct Totals {
    product_id: i64,
    on_hand: Option<i64>,
    reserved: Option<i64>,
}

async fn totals(db: &impl ConnectionTrait, ids: &[i64]) -> Result<HashMap<i64, (i64, i64)>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = stock_levels::Entity::find()
        .select_only()
        .column(stock_levels::Column::ProductId)
        .column_as(
            Expr::col(stock_levels::Column::OnHand)
                .sum()
                .cast_as(sea_orm::sea_query::Alias::new("BIGINT")),
            "on_hand",
        )
        .column_as(
            Expr::col(stock_levels::Column::Reserved)
                .sum()
                .cast_as(sea_orm::sea_query::Alias::new("BIGINT")),
            "reserved",
        )
        .filter(stock_levels::Column::ProductId.is_in(ids.iter().copied()))
        .group_by(stock_levels::Column::ProductId)
        .into_model::<Totals>()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                r.product_id,
                (r.on_hand.unwrap_or(0), r.reserved.unwrap_or(0)),
            )
        })
        .collect())
}

/// A product offered while a quote is written, with what is available in
/// the quote's warehouse.
#[derive(Clone, Debug)]
pub struct Offer {
    /// The product.
    pub product: Product,
    /// On hand minus reserved in the warehouse.
    pub available: i64,
}

/// Active products whose name or SKU starts with `text`, with their
/// availability in `warehouse_id` (search as you type; at most `limit`).
pub async fn search(
    db: &impl ConnectionTrait,
    actor: &Actor,
    text: &str,
    warehouse_id: i64,
    limit: u64,
) -> Result<Vec<Offer>> {
    let actor = policy::require(actor, Permission::ProductsRead)?;
    let mut query = products::Entity::find().filter(products::Column::Active.eq(true));
    if let Some(search) = scope::search_text(Some(text))? {
        query = query.filter(search_condition(&search));
    }
    let found = query
        .order_by_asc(products::Column::NameKey)
        .limit(limit.clamp(1, 50))
        .all(db)
        .await?;
    let ids: Vec<i64> = found.iter().map(|p| p.id).collect();
    let available = crate::inventory::stock::available_in(db, &ids, warehouse_id).await?;
    Ok(found
        .into_iter()
        .map(|p| Offer {
            available: available.get(&p.id).copied().unwrap_or(0),
            product: view(actor, p),
        })
        .collect())
}

/// The categories in use, for filters and the form.
pub async fn categories(db: &impl ConnectionTrait, actor: &Actor) -> Result<Vec<String>> {
    policy::require(actor, Permission::ProductsRead)?;
    let rows: Vec<String> = products::Entity::find()
        .select_only()
        .column(products::Column::Category)
        .distinct()
        .filter(products::Column::Category.ne(""))
        .order_by_asc(products::Column::Category)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows)
}

/// The product with this SKU (any case), for forms that take a SKU.
pub async fn id_by_sku(db: &impl ConnectionTrait, sku: &str) -> Result<Option<i64>> {
    Ok(products::Entity::find()
        .select_only()
        .column(products::Column::Id)
        .filter(products::Column::Sku.eq(sku_key(sku)))
        .into_tuple()
        .one(db)
        .await?)
}
