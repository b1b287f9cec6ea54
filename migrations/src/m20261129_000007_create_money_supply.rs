//! Money and supply: invoices (raised from shipped quantities), payments,
//! credit notes and the customer credit ledger; suppliers, supplier prices,
//! purchase orders and their receipts; reorder rules; and the in-app
//! notifications the overdue and low-stock checks send.

use sea_orm_migration::prelude::*;

use crate::columns::{
    big, big_null, big_zero, fk, id, index, long_text, stamp, stamp_null, text, text_empty,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// An identifier by name (this migration's tables have many columns).
fn n(name: &str) -> Alias {
    Alias::new(name)
}

fn date(col: &str) -> ColumnDef {
    ColumnDef::new(n(col)).date().not_null().to_owned()
}

fn rate(col: &str) -> SimpleExpr {
    Expr::col(n(col)).gte(0).and(Expr::col(n(col)).lte(10_000))
}

fn int_zero(col: &str) -> ColumnDef {
    ColumnDef::new(n(col))
        .integer()
        .not_null()
        .default(0)
        .to_owned()
}

fn flag(col: &str, default: bool) -> ColumnDef {
    ColumnDef::new(n(col))
        .boolean()
        .not_null()
        .default(default)
        .to_owned()
}

fn non_negative(col: &str) -> SimpleExpr {
    Expr::col(n(col)).gte(0)
}

fn positive(col: &str) -> SimpleExpr {
    Expr::col(n(col)).gt(0)
}

fn key(table: &str, col: &str, to: &str, on_delete: ForeignKeyAction) -> ForeignKeyCreateStatement {
    fk(n(table), n(col), n(to), on_delete)
}

async fn idx(manager: &SchemaManager<'_>, table: &str, cols: &[&str]) -> Result<(), DbErr> {
    let name = format!("idx_{table}_{}", cols.join("_"));
    index(
        manager,
        &name,
        n(table),
        cols.iter().map(|c| n(c)).collect(),
    )
    .await
}

/// Document totals: total = subtotal + tax, none negative.
fn totals(table: &mut TableCreateStatement) {
    table
        .col(big_zero(n("subtotal_minor")))
        .col(big_zero(n("tax_minor")))
        .col(big_zero(n("total_minor")))
        .check(non_negative("subtotal_minor"))
        .check(non_negative("tax_minor"))
        .check(
            Expr::col(n("total_minor"))
                .eq(Expr::col(n("subtotal_minor")).add(Expr::col(n("tax_minor")))),
        );
}

use ForeignKeyAction::{Cascade, Restrict, SetNull};

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // How much of each order line has been invoiced.
        manager
            .alter_table(
                Table::alter()
                    .table(n("sales_order_lines"))
                    .add_column(big_zero(n("invoiced")))
                    .to_owned(),
            )
            .await?;

        let mut invoices = Table::create();
        invoices
            .table(n("invoices"))
            .col(id(n("id")))
            .col(text(n("number"), 40).unique_key())
            .col(big(n("customer_id")))
            .col(big(n("order_id")))
            .col(big_null(n("shipment_id")))
            .col(big_null(n("owner_id")))
            .col(text(n("currency"), 3))
            .col(text(n("state"), 20))
            .col(date("issue_date"))
            .col(date("due_date"));
        totals(&mut invoices);
        invoices
            .col(big_zero(n("paid_minor")))
            .col(big_zero(n("credited_minor")))
            .col(text_empty(n("cancel_reason"), 500))
            .col(stamp_null(n("cancelled_at")))
            .col(big_null(n("created_by")))
            .col(stamp(n("created_at")))
            .col(stamp(n("updated_at")))
            .foreign_key(&mut key("invoices", "customer_id", "customers", Restrict))
            .foreign_key(&mut key("invoices", "order_id", "sales_orders", Restrict))
            .foreign_key(&mut key("invoices", "shipment_id", "shipments", SetNull))
            .foreign_key(&mut key("invoices", "owner_id", "users", SetNull))
            .foreign_key(&mut key("invoices", "created_by", "users", SetNull))
            .check(non_negative("paid_minor"))
            .check(non_negative("credited_minor"))
            // Never more settled than invoiced: the amount owed is never negative.
            .check(
                Expr::col(n("paid_minor"))
                    .add(Expr::col(n("credited_minor")))
                    .lte(Expr::col(n("total_minor"))),
            );
        manager.create_table(invoices).await?;
        idx(manager, "invoices", &["customer_id", "id"]).await?;
        idx(manager, "invoices", &["order_id"]).await?;
        idx(manager, "invoices", &["state", "due_date"]).await?;
        idx(manager, "invoices", &["owner_id", "state"]).await?;

        manager
            .create_table(
                Table::create()
                    .table(n("invoice_lines"))
                    .col(id(n("id")))
                    .col(big(n("invoice_id")))
                    .col(big(n("order_line_id")))
                    .col(big(n("product_id")))
                    .col(text(n("description"), 200))
                    .col(big(n("quantity")))
                    .col(big(n("unit_price_minor")))
                    .col(int_zero("discount_bp"))
                    .col(int_zero("tax_rate_bp"))
                    .col(big(n("net_minor")))
                    .col(big(n("tax_minor")))
                    .col(big_zero(n("credited_quantity")))
                    .col(big_zero(n("credited_net_minor")))
                    .col(big_zero(n("credited_tax_minor")))
                    .foreign_key(&mut key("invoice_lines", "invoice_id", "invoices", Cascade))
                    .foreign_key(&mut key(
                        "invoice_lines",
                        "order_line_id",
                        "sales_order_lines",
                        Restrict,
                    ))
                    .foreign_key(&mut key(
                        "invoice_lines",
                        "product_id",
                        "products",
                        Restrict,
                    ))
                    .check(positive("quantity"))
                    .check(non_negative("unit_price_minor"))
                    .check(rate("discount_bp"))
                    .check(rate("tax_rate_bp"))
                    .check(non_negative("net_minor"))
                    .check(non_negative("tax_minor"))
                    .check(non_negative("credited_quantity"))
                    .check(Expr::col(n("credited_quantity")).lte(Expr::col(n("quantity"))))
                    .check(Expr::col(n("credited_net_minor")).lte(Expr::col(n("net_minor"))))
                    .check(Expr::col(n("credited_tax_minor")).lte(Expr::col(n("tax_minor"))))
                    .to_owned(),
            )
            .await?;
        idx(manager, "invoice_lines", &["invoice_id"]).await?;
        idx(manager, "invoice_lines", &["order_line_id"]).await?;

        manager
            .create_table(
                Table::create()
                    .table(n("payments"))
                    .col(id(n("id")))
                    .col(text(n("number"), 40).unique_key())
                    .col(big(n("customer_id")))
                    .col(big_null(n("invoice_id")))
                    .col(text(n("currency"), 3))
                    .col(big(n("amount_minor")))
                    .col(big(n("applied_minor")))
                    .col(text(n("method"), 20))
                    .col(date("paid_on"))
                    .col(text_empty(n("reference"), 100))
                    .col(big_null(n("created_by")))
                    .col(stamp(n("created_at")))
                    .foreign_key(&mut key("payments", "customer_id", "customers", Restrict))
                    .foreign_key(&mut key("payments", "invoice_id", "invoices", Restrict))
                    .foreign_key(&mut key("payments", "created_by", "users", SetNull))
                    .check(positive("amount_minor"))
                    .check(non_negative("applied_minor"))
                    .check(Expr::col(n("applied_minor")).lte(Expr::col(n("amount_minor"))))
                    .to_owned(),
            )
            .await?;
        idx(manager, "payments", &["invoice_id"]).await?;
        idx(manager, "payments", &["customer_id", "id"]).await?;

        let mut notes = Table::create();
        notes
            .table(n("credit_notes"))
            .col(id(n("id")))
            .col(text(n("number"), 40).unique_key())
            .col(big(n("invoice_id")))
            .col(big(n("customer_id")))
            .col(text(n("currency"), 3))
            .col(text_empty(n("reason"), 500));
        totals(&mut notes);
        notes
            .col(big_zero(n("applied_minor")))
            .col(big_null(n("created_by")))
            .col(stamp(n("created_at")))
            .foreign_key(&mut key("credit_notes", "invoice_id", "invoices", Restrict))
            .foreign_key(&mut key(
                "credit_notes",
                "customer_id",
                "customers",
                Restrict,
            ))
            .foreign_key(&mut key("credit_notes", "created_by", "users", SetNull))
            .check(positive("total_minor"))
            .check(non_negative("applied_minor"))
            .check(Expr::col(n("applied_minor")).lte(Expr::col(n("total_minor"))));
        manager.create_table(notes).await?;
        idx(manager, "credit_notes", &["invoice_id"]).await?;
        idx(manager, "credit_notes", &["customer_id", "id"]).await?;

        manager
            .create_table(
                Table::create()
                    .table(n("credit_note_lines"))
                    .col(id(n("id")))
                    .col(big(n("credit_note_id")))
                    .col(big(n("invoice_line_id")))
                    .col(big(n("quantity")))
                    .col(big(n("net_minor")))
                    .col(big(n("tax_minor")))
                    .foreign_key(&mut key(
                        "credit_note_lines",
                        "credit_note_id",
                        "credit_notes",
                        Cascade,
                    ))
                    .foreign_key(&mut key(
                        "credit_note_lines",
                        "invoice_line_id",
                        "invoice_lines",
                        Restrict,
                    ))
                    .check(positive("quantity"))
                    .check(non_negative("net_minor"))
                    .check(non_negative("tax_minor"))
                    .to_owned(),
            )
            .await?;
        idx(manager, "credit_note_lines", &["credit_note_id"]).await?;

        // Customer credit: overpayments kept and credit notes beyond what an
        // invoice owed (+), credit used to pay invoices (−). The balance is
        // the sum.
        manager
            .create_table(
                Table::create()
                    .table(n("customer_credits"))
                    .col(id(n("id")))
                    .col(big(n("customer_id")))
                    .col(text(n("currency"), 3))
                    .col(big(n("amount_minor")))
                    .col(text(n("doc_type"), 20))
                    .col(big_null(n("doc_id")))
                    .col(text_empty(n("doc_number"), 40))
                    .col(big_null(n("created_by")))
                    .col(stamp(n("created_at")))
                    .foreign_key(&mut key(
                        "customer_credits",
                        "customer_id",
                        "customers",
                        Restrict,
                    ))
                    .foreign_key(&mut key("customer_credits", "created_by", "users", SetNull))
                    .check(Expr::col(n("amount_minor")).ne(0))
                    .to_owned(),
            )
            .await?;
        idx(manager, "customer_credits", &["customer_id"]).await?;

        manager
            .create_table(
                Table::create()
                    .table(n("notifications"))
                    .col(id(n("id")))
                    .col(big(n("user_id")))
                    .col(text(n("kind"), 40))
                    .col(text(n("title"), 300))
                    .col(text_empty(n("link"), 300))
                    .col(stamp(n("created_at")))
                    .col(stamp_null(n("read_at")))
                    .foreign_key(&mut key("notifications", "user_id", "users", Cascade))
                    .to_owned(),
            )
            .await?;
        idx(manager, "notifications", &["user_id", "read_at", "id"]).await?;

        manager
            .create_table(
                Table::create()
                    .table(n("suppliers"))
                    .col(id(n("id")))
                    .col(text(n("name"), 200))
                    .col(text(n("name_key"), 200).unique_key())
                    .col(text_empty(n("contact_name"), 200))
                    .col(text_empty(n("email"), 254))
                    .col(text_empty(n("phone"), 50))
                    .col(int_zero("lead_time_days"))
                    .col(text(n("currency"), 3))
                    .col(long_text(n("notes")))
                    .col(flag("active", true))
                    .col(stamp(n("created_at")))
                    .col(stamp(n("updated_at")))
                    .check(Expr::col(n("lead_time_days")).between(0, 365))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(n("supplier_prices"))
                    .col(id(n("id")))
                    .col(big(n("supplier_id")))
                    .col(big(n("product_id")))
                    .col(big(n("price_minor")))
                    .col(
                        ColumnDef::new(n("min_quantity"))
                            .big_integer()
                            .not_null()
                            .default(1),
                    )
                    .col(stamp(n("updated_at")))
                    .foreign_key(&mut key(
                        "supplier_prices",
                        "supplier_id",
                        "suppliers",
                        Cascade,
                    ))
                    .foreign_key(&mut key(
                        "supplier_prices",
                        "product_id",
                        "products",
                        Restrict,
                    ))
                    .check(non_negative("price_minor"))
                    .check(positive("min_quantity"))
                    .index(
                        Index::create()
                            .name("uq_supplier_prices_supplier_product")
                            .col(n("supplier_id"))
                            .col(n("product_id"))
                            .unique(),
                    )
                    .to_owned(),
            )
            .await?;
        idx(manager, "supplier_prices", &["product_id"]).await?;

        manager
            .create_table(
                Table::create()
                    .table(n("purchase_orders"))
                    .col(id(n("id")))
                    .col(text(n("number"), 40).unique_key())
                    .col(big(n("supplier_id")))
                    .col(big(n("warehouse_id")))
                    .col(text(n("state"), 20))
                    .col(text(n("currency"), 3))
                    .col(big_zero(n("total_minor")))
                    .col(ColumnDef::new(n("expected_on")).date().null())
                    .col(long_text(n("notes")))
                    .col(big_null(n("created_by")))
                    .col(stamp(n("created_at")))
                    .col(stamp(n("updated_at")))
                    .col(stamp_null(n("sent_at")))
                    .col(stamp_null(n("closed_at")))
                    .foreign_key(&mut key(
                        "purchase_orders",
                        "supplier_id",
                        "suppliers",
                        Restrict,
                    ))
                    .foreign_key(&mut key(
                        "purchase_orders",
                        "warehouse_id",
                        "warehouses",
                        Restrict,
                    ))
                    .foreign_key(&mut key("purchase_orders", "created_by", "users", SetNull))
                    .check(non_negative("total_minor"))
                    .to_owned(),
            )
            .await?;
        idx(manager, "purchase_orders", &["state", "id"]).await?;
        idx(manager, "purchase_orders", &["supplier_id", "id"]).await?;
        manager
            .create_table(
                Table::create()
                    .table(n("purchase_order_lines"))
                    .col(id(n("id")))
                    .col(big(n("purchase_order_id")))
                    .col(big(n("product_id")))
                    .col(big(n("quantity")))
                    .col(big_zero(n("received")))
                    .col(big(n("unit_price_minor")))
                    .col(big(n("net_minor")))
                    .foreign_key(&mut key(
                        "purchase_order_lines",
                        "purchase_order_id",
                        "purchase_orders",
                        Cascade,
                    ))
                    .foreign_key(&mut key(
                        "purchase_order_lines",
                        "product_id",
                        "products",
                        Restrict,
                    ))
                    .check(positive("quantity"))
                    .check(non_negative("received"))
                    .check(Expr::col(n("received")).lte(Expr::col(n("quantity"))))
                    .check(non_negative("unit_price_minor"))
                    .check(non_negative("net_minor"))
                    .to_owned(),
            )
            .await?;
        idx(manager, "purchase_order_lines", &["purchase_order_id"]).await?;
        idx(manager, "purchase_order_lines", &["product_id"]).await?;
        manager
            .create_table(
                Table::create()
                    .table(n("receipts"))
                    .col(id(n("id")))
                    .col(text(n("number"), 40).unique_key())
                    .col(big(n("purchase_order_id")))
                    .col(big(n("warehouse_id")))
                    .col(big_null(n("received_by")))
                    .col(stamp(n("received_at")))
                    .foreign_key(&mut key(
                        "receipts",
                        "purchase_order_id",
                        "purchase_orders",
                        Restrict,
                    ))
                    .foreign_key(&mut key("receipts", "warehouse_id", "warehouses", Restrict))
                    .foreign_key(&mut key("receipts", "received_by", "users", SetNull))
                    .to_owned(),
            )
            .await?;
        idx(manager, "receipts", &["purchase_order_id"]).await?;
        manager
            .create_table(
                Table::create()
                    .table(n("receipt_lines"))
                    .col(id(n("id")))
                    .col(big(n("receipt_id")))
                    .col(big(n("purchase_order_line_id")))
                    .col(big(n("product_id")))
                    .col(big(n("quantity")))
                    .foreign_key(&mut key("receipt_lines", "receipt_id", "receipts", Cascade))
                    .foreign_key(&mut key(
                        "receipt_lines",
                        "purchase_order_line_id",
                        "purchase_order_lines",
                        Restrict,
                    ))
                    .foreign_key(&mut key(
                        "receipt_lines",
                        "product_id",
                        "products",
                        Restrict,
                    ))
                    .check(positive("quantity"))
                    .to_owned(),
            )
            .await?;
        idx(manager, "receipt_lines", &["receipt_id"]).await?;

        manager
            .create_table(
                Table::create()
                    .table(n("reorder_rules"))
                    .col(big(n("product_id")))
                    .col(big(n("warehouse_id")))
                    .col(big(n("reorder_point")))
                    .col(big(n("reorder_quantity")))
                    .col(stamp_null(n("low_notified_at")))
                    .col(stamp(n("updated_at")))
                    .primary_key(Index::create().col(n("product_id")).col(n("warehouse_id")))
                    .foreign_key(&mut key("reorder_rules", "product_id", "products", Cascade))
                    .foreign_key(&mut key(
                        "reorder_rules",
                        "warehouse_id",
                        "warehouses",
                        Cascade,
                    ))
                    .check(non_negative("reorder_point"))
                    .check(positive("reorder_quantity"))
                    .to_owned(),
            )
            .await?;
        idx(manager, "reorder_rules", &["warehouse_id"]).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "reorder_rules",
            "receipt_lines",
            "receipts",
            "purchase_order_lines",
            "purchase_orders",
            "supplier_prices",
            "suppliers",
            "notifications",
            "customer_credits",
            "credit_note_lines",
            "credit_notes",
            "payments",
            "invoice_lines",
            "invoices",
        ] {
            manager
                .drop_table(Table::drop().table(n(table)).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(n("sales_order_lines"))
                    .drop_column(n("invoiced"))
                    .to_owned(),
            )
            .await
    }
}
