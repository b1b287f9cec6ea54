//! Each timeline event names the record it is about (`record_type`,
//! `record_id`), so a customer's timeline shows a viewer only the events
//! of records the viewer may open (the timeline of a customer one owns
//! had listed tickets, quotes and notes of others).
//!
//! Filled here from the events' links, as the domain reads new ones:
//! `/orders/12` is order 12 (a shipment's event links to its order, a
//! payment's to its invoice, a return's to its ticket). An activity's
//! event linked only to its customer's activities tab: it is matched to
//! the customer's activity with the same kind and subject when exactly one
//! has them, and otherwise keeps no id (then only those who may read every
//! activity see it).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn n(name: &str) -> Alias {
    Alias::new(name)
}

/// (record type, the path its links start with).
const PATHS: [(&str, &str); 7] = [
    ("order", "/orders/"),
    ("invoice", "/invoices/"),
    ("shipment", "/shipments/"),
    ("ticket", "/tickets/"),
    ("opportunity", "/opportunities/"),
    ("lead", "/leads/"),
    ("customer", "/customers/"),
];

/// `text` is one or more digits, on either engine.
fn digits(backend: DbBackend, text: &str) -> String {
    match backend {
        DbBackend::Postgres => format!("{text} ~ '^[0-9]+$'"),
        _ => format!("{text} <> '' AND {text} NOT GLOB '*[^0-9]*'"),
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        manager
            .alter_table(
                Table::alter()
                    .table(n("timeline_events"))
                    .add_column(ColumnDef::new(n("record_type")).string_len(30).null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(n("timeline_events"))
                    .add_column(ColumnDef::new(n("record_id")).big_integer().null())
                    .to_owned(),
            )
            .await?;
        db.execute_unprepared(
            "UPDATE timeline_events SET record_type = 'activity', record_id = \
               (SELECT CASE WHEN COUNT(*) = 1 THEN MIN(a.id) END FROM activities a \
                WHERE a.customer_id = timeline_events.customer_id \
                  AND a.kind || ': ' || a.subject = timeline_events.summary) \
             WHERE kind LIKE 'activity.%'",
        )
        .await?;
        for (kind, path) in PATHS {
            let rest = format!("SUBSTR(link, {})", path.len() + 1);
            db.execute_unprepared(&format!(
                "UPDATE timeline_events SET record_type = '{kind}', \
                   record_id = CAST({rest} AS BIGINT) \
                 WHERE record_type IS NULL AND link LIKE '{path}%' AND {}",
                digits(backend, &rest)
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["record_id", "record_type"] {
            manager
                .alter_table(
                    Table::alter()
                        .table(n("timeline_events"))
                        .drop_column(n(column))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
