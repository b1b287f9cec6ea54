//! Found with the benchmark at a million orders (bench/dashboards.sh):
//! receivables aging groups the unpaid invoices (some 100,000 of 957,000)
//! by customer. With the table's statistics, SQLite walked every invoice
//! in customer order and looked each row up (3.3 s); with the covering
//! index on (state, …) it still grouped three state ranges through a
//! temporary tree (0.56 s). Two partial indexes hold only the unpaid
//! invoices, one in customer order (the ranking of who owes most) and one
//! in due-date order (the totals by age). A query uses them only when its
//! own condition names the same states as literals
//! (`invoices::unpaid_literal` in the domain crate; a test checks that
//! SQLite's plan uses them).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The states of an unpaid invoice, as the domain's `invoices::UNPAID`.
const UNPAID: [&str; 3] = ["open", "partially_paid", "overdue"];

const INDEXES: [(&str, &str); 2] = [
    (
        "idx_invoices_unpaid_customer",
        "currency, customer_id, due_date, total_minor, paid_minor, credited_minor, owner_id",
    ),
    (
        "idx_invoices_unpaid_due",
        "currency, due_date, customer_id, total_minor, paid_minor, credited_minor, owner_id",
    ),
];

/// `state IN ('open', 'partially_paid', 'overdue')`.
fn unpaid_condition() -> String {
    let states: Vec<String> = UNPAID.iter().map(|s| format!("'{s}'")).collect();
    format!("state IN ({})", states.join(", "))
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (name, columns) in INDEXES {
            db.execute_unprepared(&format!(
                "CREATE INDEX {name} ON invoices ({columns}) WHERE {}",
                unpaid_condition()
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, _) in INDEXES {
            manager
                .drop_index(
                    Index::drop()
                        .name(name)
                        .table(Alias::new("invoices"))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
