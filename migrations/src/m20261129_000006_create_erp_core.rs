//! ERP core: products, warehouses, the stock ledger (append-only moves and
//! per product-and-warehouse levels that the database keeps within bounds),
//! sales orders and their lines, shipments, document number sequences and
//! the outbox of events for other systems.

use sea_orm_migration::prelude::*;

use crate::columns::{
    big, big_null, big_zero, fk, id, index, long_text, stamp, stamp_null, text, text_empty,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
}

#[derive(DeriveIden)]
enum Customers {
    Table,
}

#[derive(Clone, Copy, DeriveIden)]
enum Products {
    Table,
    Id,
    Sku,
    Name,
    NameKey,
    Description,
    Category,
    Unit,
    ListPriceMinor,
    CostPriceMinor,
    TaxRateBp,
    Barcode,
    Active,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Warehouses {
    Table,
    Id,
    Code,
    Name,
    Address,
    Active,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum StockLevels {
    Table,
    ProductId,
    WarehouseId,
    OnHand,
    Reserved,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum StockMoves {
    Table,
    Id,
    ProductId,
    WarehouseId,
    Kind,
    Quantity,
    Reason,
    DocType,
    DocId,
    DocNumber,
    ActorId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SalesOrders {
    Table,
    Id,
    Number,
    CustomerId,
    WarehouseId,
    OwnerId,
    State,
    Currency,
    SubtotalMinor,
    TaxMinor,
    TotalMinor,
    ShipBy,
    Notes,
    ApprovalReason,
    ApprovedBy,
    ApprovedAt,
    ConfirmedAt,
    CancelledAt,
    CancelReason,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(Clone, Copy, DeriveIden)]
enum SalesOrderLines {
    Table,
    Id,
    OrderId,
    LineNo,
    ProductId,
    Description,
    Quantity,
    UnitPriceMinor,
    DiscountBp,
    TaxRateBp,
    NetMinor,
    TaxMinor,
    Reserved,
    Shipped,
}

#[derive(DeriveIden)]
enum Shipments {
    Table,
    Id,
    Number,
    OrderId,
    WarehouseId,
    State,
    Carrier,
    Tracking,
    CreatedBy,
    CreatedAt,
    ShippedBy,
    ShippedAt,
}

#[derive(DeriveIden)]
enum ShipmentLines {
    Table,
    Id,
    ShipmentId,
    OrderLineId,
    ProductId,
    Quantity,
}

#[derive(DeriveIden)]
enum DocSequences {
    Table,
    Kind,
    Year,
    Last,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    EventType,
    Aggregate,
    AggregateId,
    Payload,
    CreatedAt,
    PublishedAt,
}

fn rate(col: impl IntoIden + Copy + 'static) -> SimpleExpr {
    Expr::col(col).gte(0).and(Expr::col(col).lte(10_000))
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, Restrict, SetNull};
        manager
            .create_table(
                Table::create()
                    .table(Products::Table)
                    .col(id(Products::Id))
                    .col(text(Products::Sku, 64).unique_key())
                    .col(text(Products::Name, 200))
                    .col(text(Products::NameKey, 200))
                    .col(long_text(Products::Description))
                    .col(text_empty(Products::Category, 100))
                    .col(text(Products::Unit, 20))
                    .col(big_zero(Products::ListPriceMinor))
                    .col(big_zero(Products::CostPriceMinor))
                    .col(
                        ColumnDef::new(Products::TaxRateBp)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(
                        ColumnDef::new(Products::Barcode)
                            .string_len(64)
                            .null()
                            .unique_key(),
                    )
                    .col(
                        ColumnDef::new(Products::Active)
                            .boolean()
                            .not_null()
                            .default(true),
                    )
                    .col(stamp(Products::CreatedAt))
                    .col(stamp(Products::UpdatedAt))
                    .check(Expr::col(Products::ListPriceMinor).gte(0))
                    .check(Expr::col(Products::CostPriceMinor).gte(0))
                    .check(rate(Products::TaxRateBp))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_products_active_name",
            Products::Table,
            vec![Products::Active, Products::NameKey],
        )
        .await?;
        index(
            manager,
            "idx_products_category_name",
            Products::Table,
            vec![Products::Category, Products::NameKey],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Warehouses::Table)
                    .col(id(Warehouses::Id))
                    .col(text(Warehouses::Code, 20).unique_key())
                    .col(text(Warehouses::Name, 200))
                    .col(long_text(Warehouses::Address))
                    .col(
                        ColumnDef::new(Warehouses::Active)
                            .boolean()
                            .not_null()
                            .default(true),
                    )
                    .col(stamp(Warehouses::CreatedAt))
                    .col(stamp(Warehouses::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        // The database itself keeps stock within bounds: never negative on
        // hand, never more reserved than on hand.
        manager
            .create_table(
                Table::create()
                    .table(StockLevels::Table)
                    .col(big(StockLevels::ProductId))
                    .col(big(StockLevels::WarehouseId))
                    .col(big_zero(StockLevels::OnHand))
                    .col(big_zero(StockLevels::Reserved))
                    .col(stamp(StockLevels::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(StockLevels::ProductId)
                            .col(StockLevels::WarehouseId),
                    )
                    .foreign_key(&mut fk(
                        StockLevels::Table,
                        StockLevels::ProductId,
                        Products::Table,
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        StockLevels::Table,
                        StockLevels::WarehouseId,
                        Warehouses::Table,
                        Restrict,
                    ))
                    .check(Expr::col(StockLevels::OnHand).gte(0))
                    .check(Expr::col(StockLevels::Reserved).gte(0))
                    .check(Expr::col(StockLevels::Reserved).lte(Expr::col(StockLevels::OnHand)))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_stock_levels_warehouse",
            StockLevels::Table,
            vec![StockLevels::WarehouseId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(StockMoves::Table)
                    .col(id(StockMoves::Id))
                    .col(big(StockMoves::ProductId))
                    .col(big(StockMoves::WarehouseId))
                    .col(text(StockMoves::Kind, 20))
                    .col(big(StockMoves::Quantity))
                    .col(text_empty(StockMoves::Reason, 500))
                    .col(text(StockMoves::DocType, 20))
                    .col(big_null(StockMoves::DocId))
                    .col(text_empty(StockMoves::DocNumber, 40))
                    .col(big_null(StockMoves::ActorId))
                    .col(stamp(StockMoves::CreatedAt))
                    .foreign_key(&mut fk(
                        StockMoves::Table,
                        StockMoves::ProductId,
                        Products::Table,
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        StockMoves::Table,
                        StockMoves::WarehouseId,
                        Warehouses::Table,
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        StockMoves::Table,
                        StockMoves::ActorId,
                        Users::Table,
                        SetNull,
                    ))
                    .check(Expr::col(StockMoves::Quantity).ne(0))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_stock_moves_product",
            StockMoves::Table,
            vec![StockMoves::ProductId, StockMoves::Id],
        )
        .await?;
        index(
            manager,
            "idx_stock_moves_level",
            StockMoves::Table,
            vec![
                StockMoves::ProductId,
                StockMoves::WarehouseId,
                StockMoves::Kind,
            ],
        )
        .await?;
        index(
            manager,
            "idx_stock_moves_doc",
            StockMoves::Table,
            vec![StockMoves::DocType, StockMoves::DocId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(SalesOrders::Table)
                    .col(id(SalesOrders::Id))
                    .col(text(SalesOrders::Number, 40).unique_key())
                    .col(big(SalesOrders::CustomerId))
                    .col(big(SalesOrders::WarehouseId))
                    .col(big_null(SalesOrders::OwnerId))
                    .col(text(SalesOrders::State, 20))
                    .col(text(SalesOrders::Currency, 3))
                    .col(big_zero(SalesOrders::SubtotalMinor))
                    .col(big_zero(SalesOrders::TaxMinor))
                    .col(big_zero(SalesOrders::TotalMinor))
                    .col(ColumnDef::new(SalesOrders::ShipBy).date().not_null())
                    .col(long_text(SalesOrders::Notes))
                    .col(text_empty(SalesOrders::ApprovalReason, 500))
                    .col(big_null(SalesOrders::ApprovedBy))
                    .col(stamp_null(SalesOrders::ApprovedAt))
                    .col(stamp_null(SalesOrders::ConfirmedAt))
                    .col(stamp_null(SalesOrders::CancelledAt))
                    .col(text_empty(SalesOrders::CancelReason, 500))
                    .col(big_null(SalesOrders::CreatedBy))
                    .col(stamp(SalesOrders::CreatedAt))
                    .col(stamp(SalesOrders::UpdatedAt))
                    .foreign_key(&mut fk(
                        SalesOrders::Table,
                        SalesOrders::CustomerId,
                        Customers::Table,
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        SalesOrders::Table,
                        SalesOrders::WarehouseId,
                        Warehouses::Table,
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        SalesOrders::Table,
                        SalesOrders::OwnerId,
                        Users::Table,
                        SetNull,
                    ))
                    .foreign_key(&mut fk(
                        SalesOrders::Table,
                        SalesOrders::ApprovedBy,
                        Users::Table,
                        SetNull,
                    ))
                    .foreign_key(&mut fk(
                        SalesOrders::Table,
                        SalesOrders::CreatedBy,
                        Users::Table,
                        SetNull,
                    ))
                    .check(Expr::col(SalesOrders::SubtotalMinor).gte(0))
                    .check(Expr::col(SalesOrders::TaxMinor).gte(0))
                    .check(Expr::col(SalesOrders::TotalMinor).eq(
                        Expr::col(SalesOrders::SubtotalMinor).add(Expr::col(SalesOrders::TaxMinor)),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_sales_orders_customer",
            SalesOrders::Table,
            vec![SalesOrders::CustomerId, SalesOrders::Id],
        )
        .await?;
        index(
            manager,
            "idx_sales_orders_state",
            SalesOrders::Table,
            vec![SalesOrders::State, SalesOrders::Id],
        )
        .await?;
        index(
            manager,
            "idx_sales_orders_owner_state",
            SalesOrders::Table,
            vec![SalesOrders::OwnerId, SalesOrders::State, SalesOrders::Id],
        )
        .await?;
        index(
            manager,
            "idx_sales_orders_ship_by",
            SalesOrders::Table,
            vec![SalesOrders::State, SalesOrders::ShipBy],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(SalesOrderLines::Table)
                    .col(id(SalesOrderLines::Id))
                    .col(big(SalesOrderLines::OrderId))
                    .col(ColumnDef::new(SalesOrderLines::LineNo).integer().not_null())
                    .col(big(SalesOrderLines::ProductId))
                    .col(text(SalesOrderLines::Description, 200))
                    .col(big(SalesOrderLines::Quantity))
                    .col(big(SalesOrderLines::UnitPriceMinor))
                    .col(
                        ColumnDef::new(SalesOrderLines::DiscountBp)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(
                        ColumnDef::new(SalesOrderLines::TaxRateBp)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(big(SalesOrderLines::NetMinor))
                    .col(big(SalesOrderLines::TaxMinor))
                    .col(big_zero(SalesOrderLines::Reserved))
                    .col(big_zero(SalesOrderLines::Shipped))
                    .foreign_key(&mut fk(
                        SalesOrderLines::Table,
                        SalesOrderLines::OrderId,
                        SalesOrders::Table,
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        SalesOrderLines::Table,
                        SalesOrderLines::ProductId,
                        Products::Table,
                        Restrict,
                    ))
                    .check(Expr::col(SalesOrderLines::Quantity).gt(0))
                    .check(Expr::col(SalesOrderLines::UnitPriceMinor).gte(0))
                    .check(rate(SalesOrderLines::DiscountBp))
                    .check(rate(SalesOrderLines::TaxRateBp))
                    .check(Expr::col(SalesOrderLines::NetMinor).gte(0))
                    .check(Expr::col(SalesOrderLines::TaxMinor).gte(0))
                    .check(Expr::col(SalesOrderLines::Reserved).gte(0))
                    .check(Expr::col(SalesOrderLines::Shipped).gte(0))
                    .check(
                        Expr::col(SalesOrderLines::Reserved)
                            .add(Expr::col(SalesOrderLines::Shipped))
                            .lte(Expr::col(SalesOrderLines::Quantity)),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_sales_order_lines_order",
            SalesOrderLines::Table,
            vec![SalesOrderLines::OrderId, SalesOrderLines::LineNo],
        )
        .await?;
        index(
            manager,
            "idx_sales_order_lines_product",
            SalesOrderLines::Table,
            vec![SalesOrderLines::ProductId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Shipments::Table)
                    .col(id(Shipments::Id))
                    .col(text(Shipments::Number, 40).unique_key())
                    .col(big(Shipments::OrderId))
                    .col(big(Shipments::WarehouseId))
                    .col(text(Shipments::State, 20))
                    .col(text_empty(Shipments::Carrier, 100))
                    .col(text_empty(Shipments::Tracking, 100))
                    .col(big_null(Shipments::CreatedBy))
                    .col(stamp(Shipments::CreatedAt))
                    .col(big_null(Shipments::ShippedBy))
                    .col(stamp_null(Shipments::ShippedAt))
                    .foreign_key(&mut fk(
                        Shipments::Table,
                        Shipments::OrderId,
                        SalesOrders::Table,
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        Shipments::Table,
                        Shipments::WarehouseId,
                        Warehouses::Table,
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        Shipments::Table,
                        Shipments::CreatedBy,
                        Users::Table,
                        SetNull,
                    ))
                    .foreign_key(&mut fk(
                        Shipments::Table,
                        Shipments::ShippedBy,
                        Users::Table,
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_shipments_order",
            Shipments::Table,
            vec![Shipments::OrderId],
        )
        .await?;
        index(
            manager,
            "idx_shipments_state",
            Shipments::Table,
            vec![Shipments::State, Shipments::CreatedAt],
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(ShipmentLines::Table)
                    .col(id(ShipmentLines::Id))
                    .col(big(ShipmentLines::ShipmentId))
                    .col(big(ShipmentLines::OrderLineId))
                    .col(big(ShipmentLines::ProductId))
                    .col(big(ShipmentLines::Quantity))
                    .foreign_key(&mut fk(
                        ShipmentLines::Table,
                        ShipmentLines::ShipmentId,
                        Shipments::Table,
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        ShipmentLines::Table,
                        ShipmentLines::OrderLineId,
                        SalesOrderLines::Table,
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        ShipmentLines::Table,
                        ShipmentLines::ProductId,
                        Products::Table,
                        Restrict,
                    ))
                    .check(Expr::col(ShipmentLines::Quantity).gt(0))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_shipment_lines_shipment",
            ShipmentLines::Table,
            vec![ShipmentLines::ShipmentId],
        )
        .await?;
        index(
            manager,
            "idx_shipment_lines_order_line",
            ShipmentLines::Table,
            vec![ShipmentLines::OrderLineId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(DocSequences::Table)
                    .col(text(DocSequences::Kind, 10))
                    .col(ColumnDef::new(DocSequences::Year).integer().not_null())
                    .col(big_zero(DocSequences::Last))
                    .primary_key(
                        Index::create()
                            .col(DocSequences::Kind)
                            .col(DocSequences::Year),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Outbox::Table)
                    .col(id(Outbox::Id))
                    .col(text(Outbox::EventType, 60))
                    .col(text(Outbox::Aggregate, 30))
                    .col(text(Outbox::AggregateId, 40))
                    .col(long_text(Outbox::Payload))
                    .col(stamp(Outbox::CreatedAt))
                    .col(stamp_null(Outbox::PublishedAt))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_outbox_unpublished",
            Outbox::Table,
            vec![Outbox::PublishedAt, Outbox::Id],
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Outbox::Table.into_iden(),
            DocSequences::Table.into_iden(),
            ShipmentLines::Table.into_iden(),
            Shipments::Table.into_iden(),
            SalesOrderLines::Table.into_iden(),
            SalesOrders::Table.into_iden(),
            StockMoves::Table.into_iden(),
            StockLevels::Table.into_iden(),
            Warehouses::Table.into_iden(),
            Products::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
