//! Backup and restore: a consistent snapshot of every table, taken while
//! the portal runs, restored into an empty database.
//!
//! One format for both engines: gzip-compressed JSON lines. A header names
//! the engine and the migrations applied; each table follows as a line with
//! its columns, one JSON object per row in primary-key order, and a closing
//! line with its row count and the SHA-256 of its row lines. The snapshot
//! is one read transaction (a repeatable-read, read-only one on PostgreSQL;
//! SQLite's WAL readers see one snapshot and never block the writer).
//! Restore runs the migrations the backup was taken at, loads every table
//! in one transaction (parents before children), checks each table's count
//! and checksum, moves PostgreSQL's id sequences past the restored ids, and
//! then applies any newer migrations. Sessions are never backed up (a
//! restored copy signs nobody in); older backups that carry them restore
//! without them.

use std::{
    collections::{BTreeMap, BTreeSet},
    io::{BufRead, Write},
};

use chrono::Utc;
use futures_util::StreamExt;
use migration::{Migrator, MigratorTrait};
use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseConnection, DbBackend, IsolationLevel, Statement,
    StreamTrait, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::{
    access::{policy, Actor, Permission},
    platform::csv_out,
    Error, Result,
};

/// What the first line says the file is.
pub const FORMAT: &str = "tandem-backup";
/// This format's version.
pub const VERSION: u32 = 1;
/// Rows per insert statement on restore.
const BATCH_ROWS: usize = 500;
/// Tables whose rows the migrations themselves write (replaced on restore).
const MIGRATION_SEEDED: &[&str] = &["pipeline_stages"];
/// SeaORM's own bookkeeping: not data.
const MIGRATIONS_TABLE: &str = "seaql_migrations";
/// Tables a backup leaves out: sign-ins are not data, and a restored copy
/// must sign nobody in. A restore reads past them in older backups.
const NOT_BACKED_UP: &[&str] = &["sessions"];

/// The first line.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Header {
    /// [`FORMAT`].
    pub format: String,
    /// [`VERSION`].
    pub version: u32,
    /// `sqlite` or `postgres`.
    pub engine: String,
    /// When the snapshot was taken (RFC 3339).
    pub created_at: String,
    /// The migrations applied, in order.
    pub migrations: Vec<String>,
}

/// One table's row count and content checksum.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct TableSum {
    /// The table.
    pub table: String,
    /// Its rows.
    pub rows: u64,
    /// SHA-256 (hex) of its rows' JSON lines in primary-key order.
    pub sha256: String,
}

#[derive(Serialize, Deserialize)]
struct TableStart {
    table: String,
    columns: Vec<String>,
}

#[derive(Serialize, Deserialize)]
struct TableEnd {
    end: String,
    rows: u64,
    sha256: String,
}

#[derive(Serialize, Deserialize)]
struct Trailer {
    complete: bool,
    tables: usize,
}

/// What a restore did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Restored {
    /// The backup's header.
    pub header: Header,
    /// Each table's rows and checksum, as checked.
    pub tables: Vec<TableSum>,
}

fn engine(db: &impl ConnectionTrait) -> &'static str {
    match db.get_database_backend() {
        DbBackend::Postgres => "postgres",
        _ => "sqlite",
    }
}

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn stmt(db: &impl ConnectionTrait, sql: &str, values: Vec<sea_orm::Value>) -> Statement {
    Statement::from_sql_and_values(db.get_database_backend(), sql, values)
}

async fn strings(
    db: &impl ConnectionTrait,
    sql: &str,
    values: Vec<sea_orm::Value>,
) -> Result<Vec<String>> {
    let rows = db.query_all(stmt(db, sql, values)).await?;
    rows.iter()
        .map(|r| r.try_get_by_index::<String>(0).map_err(Error::from))
        .collect()
}

/// The data tables, parents before children (by foreign keys), then by name.
pub async fn tables(db: &impl ConnectionTrait) -> Result<Vec<String>> {
    let (names, edges): (Vec<String>, Vec<(String, String)>) = match db.get_database_backend() {
        DbBackend::Postgres => {
            let names = strings(
                db,
                "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()",
                vec![],
            )
            .await?;
            let rows = db
                .query_all(stmt(
                    db,
                    "SELECT c.conrelid::regclass::text, c.confrelid::regclass::text \
                     FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace \
                     WHERE c.contype = 'f' AND n.nspname = current_schema()",
                    vec![],
                ))
                .await?;
            let mut edges = Vec::new();
            for row in rows {
                let child: String = row.try_get_by_index(0)?;
                let parent: String = row.try_get_by_index(1)?;
                edges.push((
                    child.trim_matches('"').to_owned(),
                    parent.trim_matches('"').to_owned(),
                ));
            }
            (names, edges)
        }
        _ => {
            let names = strings(
                db,
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
                vec![],
            )
            .await?;
            let mut edges = Vec::new();
            for name in &names {
                for parent in strings(
                    db,
                    "SELECT \"table\" FROM pragma_foreign_key_list(?)",
                    vec![name.clone().into()],
                )
                .await?
                {
                    edges.push((name.clone(), parent));
                }
            }
            (names, edges)
        }
    };
    let names: BTreeSet<String> = names
        .into_iter()
        .filter(|n| n != MIGRATIONS_TABLE)
        .collect();
    // Kahn's algorithm; a table's own references (a parent row id lower
    // than the child's) are satisfied by primary-key order.
    let mut parents: BTreeMap<String, BTreeSet<String>> =
        names.iter().map(|n| (n.clone(), BTreeSet::new())).collect();
    for (child, parent) in edges {
        if child != parent && names.contains(&parent) {
            if let Some(set) = parents.get_mut(&child) {
                set.insert(parent);
            }
        }
    }
    let mut order = Vec::with_capacity(names.len());
    while !parents.is_empty() {
        let ready: Vec<String> = parents
            .iter()
            .filter(|(_, p)| p.is_empty())
            .map(|(n, _)| n.clone())
            .collect();
        if ready.is_empty() {
            return Err(Error::Internal(format!(
                "foreign keys form a cycle among {:?}",
                parents.keys().collect::<Vec<_>>()
            )));
        }
        for name in ready {
            parents.remove(&name);
            for set in parents.values_mut() {
                set.remove(&name);
            }
            order.push(name);
        }
    }
    Ok(order)
}

/// A table's columns in table order, and its primary-key columns.
async fn columns(db: &impl ConnectionTrait, table: &str) -> Result<(Vec<String>, Vec<String>)> {
    match db.get_database_backend() {
        DbBackend::Postgres => {
            let columns = strings(
                db,
                "SELECT column_name::text FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name = $1 \
                 ORDER BY ordinal_position",
                vec![table.into()],
            )
            .await?;
            let key = strings(
                db,
                "SELECT a.attname::text FROM pg_index i \
                 JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) \
                 WHERE i.indrelid = $1::regclass AND i.indisprimary \
                 ORDER BY array_position(i.indkey, a.attnum)",
                vec![quote(table).into()],
            )
            .await?;
            Ok((columns, key))
        }
        _ => {
            let rows = db
                .query_all(stmt(
                    db,
                    "SELECT name, pk FROM pragma_table_info(?) ORDER BY cid",
                    vec![table.into()],
                ))
                .await?;
            let mut columns = Vec::new();
            let mut key = Vec::new();
            for row in rows {
                let name: String = row.try_get_by_index(0)?;
                let pk: i64 = row.try_get_by_index(1)?;
                if pk > 0 {
                    key.push((pk, name.clone()));
                }
                columns.push(name);
            }
            key.sort();
            Ok((columns, key.into_iter().map(|(_, n)| n).collect()))
        }
    }
}

/// The statement reading a table's rows as JSON objects, in key order.
fn select_json(backend: DbBackend, table: &str, columns: &[String], key: &[String]) -> String {
    let order = if key.is_empty() { columns } else { key };
    let order = order
        .iter()
        .map(|c| quote(c))
        .collect::<Vec<_>>()
        .join(", ");
    match backend {
        DbBackend::Postgres => format!(
            "SELECT row_to_json(t)::text FROM {} t ORDER BY {order}",
            quote(table)
        ),
        _ => {
            let pairs = columns
                .iter()
                .map(|c| format!("'{}', {}", c.replace('\'', "''"), quote(c)))
                .collect::<Vec<_>>()
                .join(", ");
            format!(
                "SELECT json_object({pairs}) FROM {} ORDER BY {order}",
                quote(table)
            )
        }
    }
}

/// Reads every table in one snapshot, handing each table's start, rows and
/// end to `sink`.
async fn snapshot<S>(db: &DatabaseConnection, mut sink: S) -> Result<(Header, Vec<TableSum>)>
where
    S: FnMut(Part<'_>) -> Result<()>,
{
    let txn = match db.get_database_backend() {
        DbBackend::Postgres => {
            db.begin_with_config(
                Some(IsolationLevel::RepeatableRead),
                Some(AccessMode::ReadOnly),
            )
            .await?
        }
        _ => db.begin().await?,
    };
    let migrations = strings(
        &txn,
        &format!(
            "SELECT version FROM {} ORDER BY version",
            quote(MIGRATIONS_TABLE)
        ),
        vec![],
    )
    .await?;
    let header = Header {
        format: FORMAT.to_owned(),
        version: VERSION,
        engine: engine(db).to_owned(),
        created_at: Utc::now().to_rfc3339(),
        migrations,
    };
    sink(Part::Header(&header))?;
    let mut sums = Vec::new();
    for table in tables(&txn).await? {
        if NOT_BACKED_UP.contains(&table.as_str()) {
            continue;
        }
        let (cols, key) = columns(&txn, &table).await?;
        sink(Part::Start(&table, &cols))?;
        let sql = select_json(txn.get_database_backend(), &table, &cols, &key);
        let mut hash = Sha256::new();
        let mut rows = 0_u64;
        {
            let mut stream = txn.stream(stmt(&txn, &sql, vec![])).await?;
            while let Some(row) = stream.next().await {
                let line: String = row?.try_get_by_index(0)?;
                hash.update(line.as_bytes());
                hash.update(b"\n");
                rows += 1;
                sink(Part::Row(&line))?;
            }
        }
        let sum = TableSum {
            table,
            rows,
            sha256: hex(&hash.finalize()),
        };
        sink(Part::End(&sum))?;
        sums.push(sum);
    }
    txn.commit().await?;
    Ok((header, sums))
}

enum Part<'a> {
    Header(&'a Header),
    Start(&'a str, &'a [String]),
    Row(&'a str),
    End(&'a TableSum),
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn io(err: std::io::Error) -> Error {
    Error::Internal(format!("backup file: {err}"))
}

fn json_line<T: Serialize>(out: &mut impl Write, value: &T) -> Result<()> {
    serde_json::to_writer(&mut *out, value).map_err(|e| Error::Internal(e.to_string()))?;
    out.write_all(b"\n").map_err(io)
}

/// Writes a backup of `db` to `out` (gzip). Needs `admin.backups`.
/// On SQLite pass the read-only pool, so the writer is never held.
pub async fn write<W: Write>(
    db: &DatabaseConnection,
    actor: &Actor,
    out: W,
) -> Result<Vec<TableSum>> {
    policy::require(actor, Permission::AdminBackups)?;
    write_as_system(db, out).await
}

/// [`write`] for the command line, run by whoever runs the server.
pub async fn write_as_system<W: Write>(db: &DatabaseConnection, out: W) -> Result<Vec<TableSum>> {
    let mut gz = flate2::write::GzEncoder::new(out, flate2::Compression::fast());
    let (_, sums) = snapshot(db, |part| match part {
        Part::Header(header) => json_line(&mut gz, header),
        Part::Start(table, columns) => json_line(
            &mut gz,
            &TableStart {
                table: table.to_owned(),
                columns: columns.to_vec(),
            },
        ),
        Part::Row(line) => {
            gz.write_all(line.as_bytes()).map_err(io)?;
            gz.write_all(b"\n").map_err(io)
        }
        Part::End(sum) => json_line(
            &mut gz,
            &TableEnd {
                end: sum.table.clone(),
                rows: sum.rows,
                sha256: sum.sha256.clone(),
            },
        ),
    })
    .await?;
    json_line(
        &mut gz,
        &Trailer {
            complete: true,
            tables: sums.len(),
        },
    )?;
    gz.finish().map_err(io)?.flush().map_err(io)?;
    Ok(sums)
}

/// Every table's row count and checksum, computed as a backup would.
pub async fn checksums(db: &DatabaseConnection) -> Result<Vec<TableSum>> {
    Ok(snapshot(db, |_| Ok(())).await?.1)
}

fn bad(message: impl Into<String>) -> Error {
    Error::field("file", message.into())
}

/// Restores a backup (gzip, as [`write`] makes it) into `db`, which must be
/// empty: no tables, or Tandem's tables with no rows. `progress` hears the
/// rows restored so far. On any error nothing is restored.
pub async fn restore<R: std::io::Read>(
    db: &DatabaseConnection,
    input: R,
    mut progress: impl FnMut(u64),
) -> Result<Restored> {
    let mut lines = std::io::BufReader::new(flate2::read::GzDecoder::new(input)).lines();
    let mut next = move || -> Result<Option<String>> {
        lines
            .next()
            .transpose()
            .map_err(|e| bad(format!("The file is not a readable Tandem backup: {e}")))
    };
    let header: Header = next()?
        .and_then(|l| serde_json::from_str(&l).ok())
        .filter(|h: &Header| h.format == FORMAT)
        .ok_or_else(|| bad("The file is not a Tandem backup."))?;
    if header.version != VERSION {
        return Err(bad(format!(
            "This backup has format version {}; this Tandem reads version {VERSION}.",
            header.version
        )));
    }
    let known: Vec<String> = Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    if header.migrations.len() > known.len()
        || known[..header.migrations.len()] != header.migrations[..]
    {
        return Err(bad(
            "This backup was made by a newer or different Tandem; restore it with that version.",
        ));
    }
    // The schema the backup was taken at (an empty database gets it now;
    // one already further along cannot take older rows).
    let applied = applied(db).await?;
    if applied.len() > header.migrations.len() {
        return Err(bad(
            "The database is at a newer schema than the backup; restore into a new, empty database.",
        ));
    }
    if header.migrations.len() > applied.len() {
        let steps = u32::try_from(header.migrations.len() - applied.len())
            .map_err(|e| Error::Internal(e.to_string()))?;
        Migrator::up(db, Some(steps)).await?;
    }
    let order = tables(db).await?;
    for table in &order {
        if MIGRATION_SEEDED.contains(&table.as_str()) {
            continue;
        }
        let count = db
            .query_one(stmt(
                db,
                &format!("SELECT COUNT(*) FROM {}", quote(table)),
                vec![],
            ))
            .await?
            .map(|r| r.try_get_by_index::<i64>(0))
            .transpose()?
            .unwrap_or(0);
        if count > 0 {
            return Err(bad(format!(
                "The database is not empty (table {table} has {count} rows); restore into a new, empty database."
            )));
        }
    }
    let txn = db.begin().await?;
    for table in order.iter().rev() {
        txn.execute(stmt(&txn, &format!("DELETE FROM {}", quote(table)), vec![]))
            .await?;
    }
    let mut restored = Vec::new();
    let mut skipped = 0_usize;
    let mut done = 0_u64;
    let mut complete = false;
    while let Some(line) = next()? {
        if let Ok(trailer) = serde_json::from_str::<Trailer>(&line) {
            complete = trailer.complete && trailer.tables == restored.len() + skipped;
            break;
        }
        let start: TableStart = serde_json::from_str(&line)
            .map_err(|_| bad("The backup is damaged: a table was expected."))?;
        // An older backup's sessions: read and checked, never restored.
        let keep = !NOT_BACKED_UP.contains(&start.table.as_str());
        if keep && !order.contains(&start.table) {
            return Err(bad(format!(
                "The backup has a table this schema lacks: {}.",
                start.table
            )));
        }
        let columns = if keep {
            columns(&txn, &start.table).await?.0
        } else {
            start.columns.clone()
        };
        if columns != start.columns {
            return Err(bad(format!(
                "The backup's columns of {} differ from this schema's.",
                start.table
            )));
        }
        let mut hash = Sha256::new();
        let mut rows = 0_u64;
        let mut batch: Vec<String> = Vec::with_capacity(BATCH_ROWS);
        let end = loop {
            let line = next()?.ok_or_else(|| bad("The backup ends in the middle of a table."))?;
            if line.starts_with("{\"end\":") {
                break serde_json::from_str::<TableEnd>(&line)
                    .map_err(|_| bad("The backup is damaged: a table's end is unreadable."))?;
            }
            hash.update(line.as_bytes());
            hash.update(b"\n");
            rows += 1;
            if !keep {
                continue;
            }
            batch.push(line);
            if batch.len() == BATCH_ROWS {
                insert(&txn, &start.table, &columns, &batch).await?;
                done += u64::try_from(batch.len()).unwrap_or(0);
                progress(done);
                batch.clear();
            }
        };
        if !batch.is_empty() {
            insert(&txn, &start.table, &columns, &batch).await?;
            done += u64::try_from(batch.len()).unwrap_or(0);
            progress(done);
        }
        let sha256 = hex(&hash.finalize());
        if end.end != start.table || end.rows != rows || end.sha256 != sha256 {
            return Err(bad(format!(
                "The backup is damaged: table {} does not match its checksum.",
                start.table
            )));
        }
        if !keep {
            skipped += 1;
            continue;
        }
        restored.push(TableSum {
            table: start.table,
            rows,
            sha256,
        });
    }
    if !complete {
        return Err(bad("The backup is incomplete: its last line is missing."));
    }
    if txn.get_database_backend() == DbBackend::Postgres {
        for table in &order {
            let (columns, _) = columns(&txn, table).await?;
            if columns.iter().any(|c| c == "id") {
                // Only tables whose id is a sequence (text ids have none).
                let sequence = txn
                    .query_one(stmt(
                        &txn,
                        "SELECT pg_get_serial_sequence($1, 'id')",
                        vec![quote(table).into()],
                    ))
                    .await?
                    .and_then(|r| r.try_get_by_index::<Option<String>>(0).ok().flatten());
                let Some(sequence) = sequence else {
                    continue;
                };
                txn.execute(stmt(
                    &txn,
                    &format!(
                        "SELECT setval($1::regclass, (SELECT COALESCE(MAX(id), 0) + 1 FROM {}), false)",
                        quote(table)
                    ),
                    vec![sequence.into()],
                ))
                .await?;
            }
        }
    }
    txn.commit().await?;
    // Then whatever this Tandem has that the backup's did not.
    Migrator::up(db, None).await?;
    Ok(Restored {
        header,
        tables: restored,
    })
}

async fn applied(db: &DatabaseConnection) -> Result<Vec<String>> {
    let exists = match db.get_database_backend() {
        DbBackend::Postgres => strings(
            db,
            "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() AND tablename = $1",
            vec![MIGRATIONS_TABLE.into()],
        )
        .await?,
        _ => strings(
            db,
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?",
            vec![MIGRATIONS_TABLE.into()],
        )
        .await?,
    };
    if exists.is_empty() {
        return Ok(Vec::new());
    }
    strings(
        db,
        &format!(
            "SELECT version FROM {} ORDER BY version",
            quote(MIGRATIONS_TABLE)
        ),
        vec![],
    )
    .await
}

async fn insert(
    db: &impl ConnectionTrait,
    table: &str,
    columns: &[String],
    rows: &[String],
) -> Result<()> {
    let array = format!("[{}]", rows.join(","));
    let sql = match db.get_database_backend() {
        DbBackend::Postgres => format!(
            "INSERT INTO {t} SELECT * FROM json_populate_recordset(NULL::{t}, $1::json)",
            t = quote(table)
        ),
        _ => {
            let names = columns
                .iter()
                .map(|c| quote(c))
                .collect::<Vec<_>>()
                .join(", ");
            let values = columns
                .iter()
                .map(|c| format!("json_extract(value, '$.\"{}\"')", c.replace('\'', "''")))
                .collect::<Vec<_>>()
                .join(", ");
            format!(
                "INSERT INTO {} ({names}) SELECT {values} FROM json_each(?)",
                quote(table)
            )
        }
    };
    db.execute(stmt(db, &sql, vec![array.into()])).await?;
    Ok(())
}

/// Tables the full data export leaves out: sign-in and request plumbing.
const NOT_EXPORTED: &[&str] = &["sessions", "login_throttles", "idempotency_keys"];
/// Columns the full data export leaves out: secrets and their hashes.
const SECRET_COLUMNS: &[(&str, &str)] = &[
    ("users", "password_hash"),
    ("api_tokens", "secret_hash"),
    ("webhook_endpoints", "secret"),
];

/// The kinds of data the admin page exports in full (one table each).
pub async fn export_kinds(db: &impl ConnectionTrait, actor: &Actor) -> Result<Vec<String>> {
    policy::require(actor, Permission::AdminBackups)?;
    Ok(tables(db)
        .await?
        .into_iter()
        .filter(|t| !NOT_EXPORTED.contains(&t.as_str()))
        .collect())
}

/// Every row of one table as CSV (written by [`csv_out`]; secrets left
/// out), read in one snapshot and written to `out` as it is read. Needs
/// `admin.backups`: it is the whole table, past any record scope. Returns
/// the rows written.
pub async fn export_csv<W: Write>(
    db: &DatabaseConnection,
    actor: &Actor,
    kind: &str,
    out: W,
) -> Result<u64> {
    if !export_kinds(db, actor).await?.iter().any(|k| k == kind) {
        return Err(Error::NotFound);
    }
    let txn = match db.get_database_backend() {
        DbBackend::Postgres => {
            db.begin_with_config(
                Some(IsolationLevel::RepeatableRead),
                Some(AccessMode::ReadOnly),
            )
            .await?
        }
        _ => db.begin().await?,
    };
    let (columns, key) = columns(&txn, kind).await?;
    let shown: Vec<String> = columns
        .iter()
        .filter(|c| !SECRET_COLUMNS.contains(&(kind, c.as_str())))
        .cloned()
        .collect();
    let mut writer = csv_out::Writer::new(out)?;
    writer.texts(&shown)?;
    let sql = select_json(txn.get_database_backend(), kind, &columns, &key);
    let mut rows = 0_u64;
    {
        let mut stream = txn.stream(stmt(&txn, &sql, vec![])).await?;
        while let Some(row) = stream.next().await {
            let line: String = row?.try_get_by_index(0)?;
            let object: serde_json::Map<String, Value> =
                serde_json::from_str(&line).map_err(|e| Error::Internal(e.to_string()))?;
            let cells: Vec<(String, bool)> = shown
                .iter()
                .map(|c| match object.get(c) {
                    None | Some(Value::Null) => (String::new(), false),
                    Some(Value::String(s)) => (s.clone(), false),
                    Some(Value::Bool(b)) => (b.to_string(), false),
                    Some(Value::Number(n)) => (n.to_string(), true),
                    Some(other) => (other.to_string(), false),
                })
                .collect();
            writer.row(cells.iter().map(|(text, number)| {
                if *number {
                    csv_out::Cell::Number(text)
                } else {
                    csv_out::Cell::Text(text)
                }
            }))?;
            rows += 1;
        }
    }
    writer.finish()?;
    txn.commit().await?;
    Ok(rows)
}
