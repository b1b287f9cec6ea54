//! CSV import: uploaded files (kept decoded for the dry run and the import
//! that follows), the column mapping remembered per kind, and each run with
//! its counts and error file.

use sea_orm_migration::prelude::*;

use crate::columns::{big, big_zero, fk, id, index, long_text, stamp, stamp_null, text};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn n(name: &str) -> Alias {
    Alias::new(name)
}

use ForeignKeyAction::Cascade;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(n("import_files"))
                    .col(id(n("id")))
                    .col(text(n("file_name"), 255))
                    // utf-8 or gbk: what the upload was decoded from.
                    .col(text(n("encoding"), 20))
                    .col(long_text(n("content")))
                    .col(big(n("rows")))
                    .col(big(n("uploaded_by")))
                    .col(stamp(n("uploaded_at")))
                    .foreign_key(&mut fk(
                        n("import_files"),
                        n("uploaded_by"),
                        n("users"),
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_import_files_uploaded",
            n("import_files"),
            vec![n("uploaded_at")],
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(n("import_mappings"))
                    .col(id(n("id")))
                    .col(text(n("kind"), 30))
                    // JSON: field key -> column header.
                    .col(long_text(n("mapping")))
                    .col(big(n("updated_by")))
                    .col(stamp(n("updated_at")))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_import_mappings_kind")
                    .table(n("import_mappings"))
                    .col(n("kind"))
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(n("import_runs"))
                    .col(id(n("id")))
                    .col(text(n("kind"), 30))
                    .col(text(n("file_name"), 255))
                    .col(text(n("encoding"), 20))
                    // dry_run or import.
                    .col(text(n("mode"), 10))
                    // skip, update or create.
                    .col(text(n("duplicates"), 10))
                    .col(
                        ColumnDef::new(n("skip_bad"))
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    // running, done, rolled_back, failed.
                    .col(text(n("status"), 20))
                    .col(big_zero(n("total_rows")))
                    .col(big_zero(n("created")))
                    .col(big_zero(n("updated")))
                    .col(big_zero(n("skipped")))
                    .col(big_zero(n("failed")))
                    // The bad rows with an error column (CSV).
                    .col(long_text(n("error_csv")))
                    .col(big(n("started_by")))
                    .col(stamp(n("started_at")))
                    .col(stamp_null(n("finished_at")))
                    .foreign_key(&mut fk(
                        n("import_runs"),
                        n("started_by"),
                        n("users"),
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        // One running import per kind: a second one waits its turn (the
        // same rows imported twice at once would both pass the duplicate
        // check). Partial unique indexes work alike on both engines.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX uq_import_runs_running ON import_runs (kind) \
                 WHERE status = 'running'",
            )
            .await?;
        index(
            manager,
            "idx_import_runs_started",
            n("import_runs"),
            vec![n("started_by"), n("id")],
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["import_runs", "import_mappings", "import_files"] {
            manager
                .drop_table(Table::drop().table(n(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
