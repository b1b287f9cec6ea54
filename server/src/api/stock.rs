//! Stock: a product's levels per warehouse, its moves (the ledger), and
//! adjustments after a count, damage or loss.

use axum::{extract::State, Json};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tandem_app::ssr::AppState;
use tandem_domain::inventory::stock::{self as service, AdjustInput};
use utoipa::{IntoParams, ToSchema};

use super::{
    extract::{Body, Caller, Id, Params, Txn},
    problem::ApiResult,
    window, List, Written,
};

/// A product's stock in one warehouse.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Level {
    /// The product.
    pub product_id: i64,
    /// The warehouse.
    pub warehouse_id: i64,
    /// The warehouse's code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warehouse_code: Option<String>,
    /// On hand: the sum of the product's moves there.
    pub on_hand: i64,
    /// Reserved for confirmed orders.
    pub reserved: i64,
    /// On hand less reserved (never negative).
    pub available: i64,
}

/// A product's stock in every warehouse (`stock.read`).
#[utoipa::path(get, path = "/products/{id}/stock", tag = "stock",
    params(("id" = i64, Path, description = "Product id")),
    responses((status = 200, description = "One level per warehouse", body = List<Level>)))]
pub async fn levels(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> ApiResult<Json<List<Level>>> {
    // An unknown product is "not found", not an empty list.
    tandem_domain::inventory::products::get(&state.reader, caller.actor(), id).await?;
    let rows = service::levels(&state.reader, caller.actor(), id).await?;
    Ok(Json(List {
        data: rows
            .into_iter()
            .map(|row| Level {
                product_id: id,
                warehouse_id: row.warehouse.id,
                warehouse_code: Some(row.warehouse.code),
                on_hand: row.on_hand,
                reserved: row.reserved,
                available: row.on_hand - row.reserved,
            })
            .collect(),
        next_cursor: None,
    }))
}

/// An entry of the stock ledger.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Move {
    /// Key.
    pub id: i64,
    /// The product.
    pub product_id: i64,
    /// The warehouse.
    pub warehouse_id: i64,
    /// The warehouse's code.
    pub warehouse_code: String,
    /// `receipt`, `shipment`, `adjustment`, `transfer_in`, `transfer_out`, `return`, …
    pub kind: String,
    /// Signed quantity: positive in, negative out.
    pub quantity: i64,
    /// Why (adjustments).
    pub reason: String,
    /// The document's number (`SH-…`, `RC-…`), if a document caused it.
    pub doc_number: String,
    /// Who made it.
    pub actor_id: Option<i64>,
    /// When (UTC).
    pub created_at: DateTime<Utc>,
}

/// Filters of a product's moves.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MoveQuery {
    /// Only this warehouse.
    pub warehouse_id: Option<i64>,
    /// A `next_cursor` from the previous page.
    pub after: Option<String>,
    /// Rows per page, 1 to 200 (default 50).
    pub limit: Option<u64>,
}

/// A product's stock moves, in id order (`stock.read`).
#[utoipa::path(get, path = "/products/{id}/moves", tag = "stock",
    params(("id" = i64, Path, description = "Product id"), MoveQuery),
    responses((status = 200, description = "A page of moves", body = List<Move>)))]
pub async fn moves(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Params(query): Params<MoveQuery>,
) -> ApiResult<Json<List<Move>>> {
    let (after, limit) = window(query.after.as_deref(), query.limit)?;
    tandem_domain::inventory::products::get(&state.reader, caller.actor(), id).await?;
    let page = service::moves(
        &state.reader,
        caller.actor(),
        id,
        query.warehouse_id,
        after,
        1,
        limit,
    )
    .await?;
    Ok(Json(List::new(page, |row| Move {
        id: row.entry.id,
        product_id: row.entry.product_id,
        warehouse_id: row.entry.warehouse_id,
        warehouse_code: row.warehouse_code,
        kind: row.entry.kind,
        quantity: row.entry.quantity,
        reason: row.entry.reason,
        doc_number: row.entry.doc_number,
        actor_id: row.entry.actor_id,
        created_at: row.entry.created_at,
    })))
}

/// A stock adjustment.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdjustmentIn {
    /// The product.
    pub product_id: i64,
    /// The warehouse.
    pub warehouse_id: i64,
    /// Signed quantity: positive adds, negative removes (at most what is unreserved).
    #[schema(minimum = -1000000, maximum = 1000000)]
    pub quantity: i64,
    /// Why (required).
    #[schema(min_length = 1, max_length = 500, pattern = r"\S")]
    pub reason: String,
}

/// Adjusts stock with a reason (`stock.adjust`); answers with the new level.
#[utoipa::path(post, path = "/stock/adjustments", tag = "stock", request_body = AdjustmentIn,
    responses((status = 201, description = "Adjusted; the new level", body = Level)))]
pub async fn adjust(
    Txn(txn): Txn,
    caller: Caller,
    Body(input): Body<AdjustmentIn>,
) -> ApiResult<Written<Level>> {
    let level = service::adjust(
        &*txn,
        caller.actor(),
        &AdjustInput {
            product_id: input.product_id,
            warehouse_id: input.warehouse_id,
            quantity: input.quantity,
            reason: input.reason,
        },
    )
    .await?;
    Ok(Written::created(Level {
        product_id: level.product_id,
        warehouse_id: level.warehouse_id,
        warehouse_code: None,
        on_hand: level.on_hand,
        reserved: level.reserved,
        available: level.on_hand - level.reserved,
    }))
}
