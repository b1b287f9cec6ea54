//! `stock_moves`: the append-only stock ledger.

use sea_orm::entity::prelude::*;

/// A row of `stock_moves`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "stock_moves")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The product.
    pub product_id: i64,
    /// The warehouse.
    pub warehouse_id: i64,
    /// receipt, shipment, adjustment, transfer_out, transfer_in, return.
    pub kind: String,
    /// Signed quantity: positive in, negative out.
    pub quantity: i64,
    /// Why (required for adjustments).
    pub reason: String,
    /// The kind of document (shipment, transfer, adjustment, …).
    pub doc_type: String,
    /// The document id, when it has one.
    pub doc_id: Option<i64>,
    /// The document number as people read it.
    pub doc_number: String,
    /// Who did it.
    pub actor_id: Option<i64>,
    /// When (UTC).
    pub created_at: ChronoDateTimeUtc,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
