//! `credit_note_lines`: what a credit note reverses, per invoice line.

use sea_orm::entity::prelude::*;

/// A row of `credit_note_lines`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "credit_note_lines")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The credit note.
    pub credit_note_id: i64,
    /// The invoice line.
    pub invoice_line_id: i64,
    /// Quantity credited.
    pub quantity: i64,
    /// Net credited.
    pub net_minor: i64,
    /// Tax credited.
    pub tax_minor: i64,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
