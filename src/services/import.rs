//! CSV import of customers, contacts, leads, products, opening stock and
//! supplier prices: the file is decoded (UTF-8 with or without BOM, or GBK),
//! its columns mapped to fields (the mapping is remembered per kind), and
//! every row goes through the same service the form uses, so validation,
//! permissions and duplicates are the form's. A dry run does everything in
//! a transaction that is rolled back and reports each bad row; the real
//! import is all or nothing unless bad rows are to be skipped. Each row
//! runs in its own savepoint, so a bad row never spoils the others.

use std::collections::{BTreeMap, HashMap};

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::{
    auth::{policy, Actor, Permission},
    entities::{
        customers as customer_rows, import_files, import_mappings, import_runs,
        products as product_rows, stock_levels, suppliers, warehouses,
    },
    messages,
    money::{parse_minor, parse_rate},
    services::{
        audit::{self, Entry, Who},
        csv_out,
        customers::{self, ContactInput, CustomerInput},
        leads::{self, LeadInput},
        products::{self, ProductInput},
        purchasing,
        stock::{self, AdjustInput},
        users,
    },
    Error, FieldErrors, Result,
};

/// What can be imported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Customers (companies and people).
    Customers,
    /// Contacts of company customers.
    Contacts,
    /// Leads.
    Leads,
    /// Products.
    Products,
    /// Stock on hand per product and warehouse.
    OpeningStock,
    /// Supplier prices.
    SupplierPrices,
}

/// One field a column can be mapped to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    /// Its key (also the error file's field name).
    pub key: &'static str,
    /// A row without it is refused.
    pub required: bool,
    /// Header texts that map to it without asking (compared without case,
    /// spaces, `_` or `-`).
    pub aliases: &'static [&'static str],
}

const fn f(key: &'static str, required: bool, aliases: &'static [&'static str]) -> Field {
    Field {
        key,
        required,
        aliases,
    }
}

const CUSTOMER_FIELDS: &[Field] = &[
    f(
        "name",
        true,
        &[
            "customer",
            "customername",
            "company",
            "名称",
            "客户",
            "客户名称",
            "公司",
        ],
    ),
    f("kind", false, &["type", "类型"]),
    f("email", false, &["e-mail", "mail", "邮箱", "电子邮件"]),
    f(
        "phone",
        false,
        &["telephone", "tel", "mobile", "电话", "手机"],
    ),
    f("address", false, &["地址"]),
    f("tax_id", false, &["vat", "vatid", "taxnumber", "税号"]),
    f("segment", false, &["分类", "客户分类"]),
    f("tags", false, &["标签"]),
    f("owner_email", false, &["owner", "负责人"]),
    f("credit_limit", false, &["creditlimit", "信用额度"]),
    f("currency", false, &["币种", "货币"]),
    f(
        "payment_terms_days",
        false,
        &["paymentterms", "terms", "账期"],
    ),
    f("notes", false, &["note", "remarks", "备注"]),
];
const CONTACT_FIELDS: &[Field] = &[
    f("customer_code", true, &["customer", "客户编号"]),
    f("name", true, &["contact", "contactname", "姓名", "联系人"]),
    f("title", false, &["position", "jobtitle", "职务"]),
    f("email", false, &["e-mail", "mail", "邮箱"]),
    f(
        "phone",
        false,
        &["telephone", "tel", "mobile", "电话", "手机"],
    ),
];
const LEAD_FIELDS: &[Field] = &[
    f("name", true, &["contact", "姓名", "名称"]),
    f("company", false, &["公司"]),
    f("email", false, &["e-mail", "mail", "邮箱"]),
    f(
        "phone",
        false,
        &["telephone", "tel", "mobile", "电话", "手机"],
    ),
    f("source", false, &["来源"]),
    f("owner_email", false, &["owner", "负责人"]),
];
const PRODUCT_FIELDS: &[Field] = &[
    f("sku", true, &["code", "itemcode", "货号", "产品编号"]),
    f("name", true, &["product", "名称", "产品名称"]),
    f("description", false, &["描述"]),
    f("category", false, &["类别", "分类"]),
    f("unit", false, &["uom", "单位"]),
    f("list_price", true, &["price", "listprice", "售价", "价格"]),
    f(
        "cost_price",
        false,
        &["cost", "costprice", "成本", "成本价"],
    ),
    f("tax_rate", false, &["tax", "vat", "税率"]),
    f("barcode", false, &["ean", "gtin", "条码"]),
    f("active", false, &["启用"]),
];
const STOCK_FIELDS: &[Field] = &[
    f("sku", true, &["code", "product", "货号"]),
    f("warehouse", true, &["warehousecode", "仓库"]),
    f("quantity", true, &["qty", "onhand", "数量"]),
];
const PRICE_FIELDS: &[Field] = &[
    f("supplier", true, &["vendor", "供应商"]),
    f("sku", true, &["code", "product", "货号"]),
    f("price", true, &["cost", "unitprice", "价格", "单价"]),
    f("min_quantity", false, &["moq", "minqty", "最小订购量"]),
];

impl Kind {
    /// Every kind, in menu order.
    pub const ALL: [Kind; 6] = [
        Kind::Customers,
        Kind::Contacts,
        Kind::Leads,
        Kind::Products,
        Kind::OpeningStock,
        Kind::SupplierPrices,
    ];

    /// Its code (`opening_stock`).
    pub fn code(self) -> &'static str {
        match self {
            Kind::Customers => "customers",
            Kind::Contacts => "contacts",
            Kind::Leads => "leads",
            Kind::Products => "products",
            Kind::OpeningStock => "opening_stock",
            Kind::SupplierPrices => "supplier_prices",
        }
    }

    /// The kind of a code.
    pub fn from_code(code: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Its fields, in form order.
    pub fn fields(self) -> &'static [Field] {
        match self {
            Kind::Customers => CUSTOMER_FIELDS,
            Kind::Contacts => CONTACT_FIELDS,
            Kind::Leads => LEAD_FIELDS,
            Kind::Products => PRODUCT_FIELDS,
            Kind::OpeningStock => STOCK_FIELDS,
            Kind::SupplierPrices => PRICE_FIELDS,
        }
    }

    /// What writing it needs, besides `admin.import`.
    fn permission(self) -> Permission {
        match self {
            Kind::Customers | Kind::Contacts => Permission::CustomersWrite,
            Kind::Leads => Permission::LeadsWrite,
            Kind::Products => Permission::ProductsWrite,
            Kind::OpeningStock => Permission::StockAdjust,
            Kind::SupplierPrices => Permission::PurchasingWrite,
        }
    }
}

/// What to do with a row that matches an existing record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Duplicates {
    /// Leave the record; count the row as skipped.
    #[default]
    Skip,
    /// Overwrite the record with the row.
    Update,
    /// Create a new record anyway (where the data allows two).
    Create,
}

impl Duplicates {
    /// Its code.
    pub fn code(self) -> &'static str {
        match self {
            Duplicates::Skip => "skip",
            Duplicates::Update => "update",
            Duplicates::Create => "create",
        }
    }

    /// The choice of a code.
    pub fn from_code(code: &str) -> Option<Duplicates> {
        [Duplicates::Skip, Duplicates::Update, Duplicates::Create]
            .into_iter()
            .find(|d| d.code() == code)
    }
}

/// Field key → the header of the column that fills it.
pub type Mapping = BTreeMap<String, String>;

/// A decoded, parsed file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parsed {
    /// `utf-8` or `gbk`.
    pub encoding: &'static str,
    /// The header row.
    pub headers: Vec<String>,
    /// The data rows (as many cells as headers, padded).
    pub rows: Vec<Vec<String>>,
}

/// How a run should go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// What the rows are.
    pub kind: Kind,
    /// Which column fills which field.
    pub mapping: Mapping,
    /// Rows matching existing records.
    pub duplicates: Duplicates,
    /// Import the good rows even when some are bad (otherwise nothing is
    /// imported when any row is bad).
    pub skip_bad: bool,
    /// Check every row, change nothing.
    pub dry_run: bool,
}

/// A bad row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    /// Its line in the file (the header is line 1).
    pub line: u64,
    /// The field (or `row`).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// What a run did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// The run's id (its record and error file).
    pub run_id: i64,
    /// Data rows read.
    pub total: u64,
    /// Records created.
    pub created: u64,
    /// Existing records updated.
    pub updated: u64,
    /// Duplicates left as they were.
    pub skipped: u64,
    /// Bad rows.
    pub failed: u64,
    /// The first bad rows' errors (all are in the error file).
    pub errors: Vec<RowError>,
    /// Whether the changes were kept (not for a dry run, nor when a bad
    /// row stopped an all-or-nothing import).
    pub committed: bool,
}

/// A run as the list of recent imports shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    /// Key.
    pub id: i64,
    /// Kind code.
    pub kind: String,
    /// The uploaded file's name.
    pub file_name: String,
    /// `dry_run` or `import`.
    pub mode: String,
    /// `running`, `done`, `rolled_back`, `failed`.
    pub status: String,
    /// Rows.
    pub total: u64,
    /// Created.
    pub created: u64,
    /// Updated.
    pub updated: u64,
    /// Skipped duplicates.
    pub skipped: u64,
    /// Bad rows.
    pub failed: u64,
    /// Who ran it.
    pub started_by: i64,
    /// Started (UTC).
    pub started_at: chrono::DateTime<Utc>,
    /// Finished (UTC).
    pub finished_at: Option<chrono::DateTime<Utc>>,
}

/// Rows per committed batch when bad rows are skipped.
const BATCH: usize = 500;
/// Errors kept in the report itself (the error file has all).
const REPORT_ERRORS: usize = 200;
/// Rows between two progress calls.
const PROGRESS_EVERY: u64 = 250;
/// Uploads are kept this long for the dry run and the import that follows.
pub const UPLOAD_KEEP: chrono::Duration = chrono::Duration::days(2);

/// The text of a file: UTF-8 (a byte-order mark is dropped) or, when it is
/// not valid UTF-8, GBK (what Chinese spreadsheets save as "CSV").
pub fn decode(bytes: &[u8]) -> Result<(String, &'static str)> {
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((text.to_owned(), "utf-8"));
    }
    encoding_rs::GBK
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|text| (text.into_owned(), "gbk"))
        .ok_or_else(|| Error::field("file", messages::IMPORT_ENCODING))
}

/// A cell as the import reads it: trimmed, and without the quote that
/// Tandem's CSV writer puts before text a spreadsheet would run as a
/// formula (so an error file, fixed, imports as the rows were: a phone
/// `+49 30 1234567` was written `'+49 30 1234567`).
fn cell(raw: &str) -> String {
    csv_out::undo(raw.trim()).trim().to_owned()
}

/// Decodes and parses a CSV file (comma, semicolon or tab separated,
/// whichever the header uses most). Each cell is trimmed and loses the
/// quote Tandem's CSV writer put before a formula ([`csv_out::undo`]), so
/// a fixed error file imports as its rows were.
pub fn parse(bytes: &[u8]) -> Result<Parsed> {
    let (text, encoding) = decode(bytes)?;
    let first = text.lines().next().unwrap_or("");
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| first.bytes().filter(|b| b == d).count())
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|_| Error::field("file", messages::IMPORT_UNREADABLE))?
        .iter()
        .map(cell)
        .collect();
    if headers.iter().all(String::is_empty) {
        return Err(Error::field("file", messages::IMPORT_EMPTY));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|_| Error::field("file", messages::IMPORT_UNREADABLE))?;
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let mut row: Vec<String> = record.iter().map(cell).collect();
        row.resize(headers.len(), String::new());
        rows.push(row);
    }
    Ok(Parsed {
        encoding,
        headers,
        rows,
    })
}

fn squash(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// A mapping for `headers`: the remembered one where its headers are
/// present, else by field names and their aliases.
pub fn suggest(kind: Kind, headers: &[String], remembered: Option<&Mapping>) -> Mapping {
    let mut mapping = Mapping::new();
    for field in kind.fields() {
        let from_memory = remembered
            .and_then(|m| m.get(field.key))
            .filter(|h| headers.contains(h));
        let by_name = || {
            headers
                .iter()
                .find(|h| {
                    let h = squash(h);
                    h == squash(field.key) || field.aliases.iter().any(|a| squash(a) == h)
                })
                .cloned()
        };
        if let Some(header) = from_memory.cloned().or_else(by_name) {
            mapping.insert(field.key.to_owned(), header);
        }
    }
    mapping
}

/// The mapping last used for `kind`, if any.
pub async fn remembered(db: &impl ConnectionTrait, kind: Kind) -> Result<Option<Mapping>> {
    Ok(import_mappings::Entity::find()
        .filter(import_mappings::Column::Kind.eq(kind.code()))
        .one(db)
        .await?
        .and_then(|m| serde_json::from_str(&m.mapping).ok()))
}

fn require(actor: Option<&Actor>, kind: Kind) -> Result<&Actor> {
    let actor = policy::require(actor, Permission::AdminImport)?;
    policy::require(Some(actor), kind.permission())
}

/// The active user with `email`, as the command line's `--as`.
pub async fn actor_for_email(db: &DatabaseConnection, email: &str) -> Result<Actor> {
    let unknown = || Error::field("as", messages::IMPORT_USER_UNKNOWN);
    let id = users::id_by_email(db, email).await?.ok_or_else(unknown)?;
    crate::services::access::resolve_actor(db, id, crate::auth::RequestMeta::default())
        .await?
        .ok_or_else(unknown)
}

/// Keeps an uploaded file (decoded) for the dry run and the import.
/// Needs `admin.import`. Returns its id and what was read.
pub async fn upload(
    db: &DatabaseConnection,
    actor: Option<&Actor>,
    file_name: &str,
    bytes: &[u8],
) -> Result<(i64, Parsed)> {
    let actor = policy::require(actor, Permission::AdminImport)?;
    let parsed = parse(bytes)?;
    let (text, _) = decode(bytes)?;
    let now = Utc::now();
    import_files::Entity::delete_many()
        .filter(import_files::Column::UploadedAt.lt(now - UPLOAD_KEEP))
        .exec(db)
        .await?;
    let file = import_files::ActiveModel {
        file_name: Set(file_name.chars().take(255).collect()),
        encoding: Set(parsed.encoding.to_owned()),
        content: Set(text),
        rows: Set(i64::try_from(parsed.rows.len()).unwrap_or(i64::MAX)),
        uploaded_by: Set(actor.user_id),
        uploaded_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok((file.id, parsed))
}

/// An upload of the actor's, read again. Needs `admin.import`.
pub async fn uploaded(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
    id: i64,
) -> Result<(String, Parsed)> {
    let actor = policy::require(actor, Permission::AdminImport)?;
    let file = import_files::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|f| f.uploaded_by == actor.user_id)
        .ok_or(Error::NotFound)?;
    let parsed = parse(file.content.as_bytes())?;
    Ok((
        file.file_name,
        Parsed {
            encoding: if file.encoding == "gbk" {
                "gbk"
            } else {
                "utf-8"
            },
            ..parsed
        },
    ))
}

fn check_mapping(kind: Kind, headers: &[String], mapping: &Mapping) -> Result<()> {
    let mut errors = FieldErrors::new();
    for field in kind.fields() {
        match mapping.get(field.key).filter(|h| !h.is_empty()) {
            Some(header) if !headers.contains(header) => {
                errors.insert(
                    format!("mapping.{}", field.key),
                    messages::IMPORT_COLUMN_MISSING.into(),
                );
            }
            None if field.required => {
                errors.insert(
                    format!("mapping.{}", field.key),
                    messages::IMPORT_FIELD_UNMAPPED.into(),
                );
            }
            _ => {}
        }
    }
    if mapping
        .keys()
        .any(|k| !kind.fields().iter().any(|f| f.key == k))
    {
        errors.insert("mapping".into(), messages::IMPORT_FIELD_UNKNOWN.into());
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Validation(errors))
    }
}

/// Records a run as started; returns its id. Checks permissions and the
/// mapping first (and remembers the mapping for the kind).
pub async fn start(
    db: &DatabaseConnection,
    actor: Option<&Actor>,
    file_name: &str,
    parsed: &Parsed,
    options: &Options,
) -> Result<i64> {
    let actor = require(actor, options.kind)?;
    check_mapping(options.kind, &parsed.headers, &options.mapping)?;
    let now = Utc::now();
    let txn = db.begin().await?;
    // A run left "running" by a process that died no longer holds the kind.
    import_runs::Entity::update_many()
        .col_expr(import_runs::Column::Status, "failed".into())
        .col_expr(import_runs::Column::FinishedAt, Some(now).into())
        .filter(import_runs::Column::Kind.eq(options.kind.code()))
        .filter(import_runs::Column::Status.eq("running"))
        .filter(import_runs::Column::StartedAt.lt(now - STALE))
        .exec(&txn)
        .await?;
    let run = import_runs::ActiveModel {
        kind: Set(options.kind.code().to_owned()),
        file_name: Set(file_name.chars().take(255).collect()),
        encoding: Set(parsed.encoding.to_owned()),
        mode: Set(if options.dry_run { "dry_run" } else { "import" }.to_owned()),
        duplicates: Set(options.duplicates.code().to_owned()),
        skip_bad: Set(options.skip_bad),
        status: Set("running".to_owned()),
        total_rows: Set(i64::try_from(parsed.rows.len()).unwrap_or(i64::MAX)),
        created: Set(0),
        updated: Set(0),
        skipped: Set(0),
        failed: Set(0),
        error_csv: Set(String::new()),
        started_by: Set(actor.user_id),
        started_at: Set(now),
        finished_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    let run = match run {
        Ok(run) => run,
        Err(err) if is_unique_violation(&err) => {
            return Err(Error::Conflict(messages::IMPORT_RUNNING.into()));
        }
        Err(err) => return Err(err.into()),
    };
    // The mapping is remembered once the run holds the kind. An upsert, so
    // two first imports of a kind racing here both succeed.
    let mapping =
        serde_json::to_string(&options.mapping).map_err(|e| Error::Internal(e.to_string()))?;
    import_mappings::Entity::insert(import_mappings::ActiveModel {
        kind: Set(options.kind.code().to_owned()),
        mapping: Set(mapping),
        updated_by: Set(actor.user_id),
        updated_at: Set(now),
        ..Default::default()
    })
    .on_conflict(
        sea_orm::sea_query::OnConflict::column(import_mappings::Column::Kind)
            .update_columns([
                import_mappings::Column::Mapping,
                import_mappings::Column::UpdatedBy,
                import_mappings::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    txn.commit().await?;
    Ok(run.id)
}

/// A run still "running" after this long was cut off (the process died).
const STALE: chrono::Duration = chrono::Duration::hours(6);

fn is_unique_violation(err: &sea_orm::DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

/// What one row did.
enum Done {
    Created,
    Updated,
    Skipped,
}

/// Lookups shared by all rows of a run.
#[derive(Default)]
struct Cache {
    users: HashMap<String, Option<i64>>,
    warehouses: HashMap<String, Option<i64>>,
    suppliers: HashMap<String, Option<i64>>,
}

struct Row<'a> {
    headers: &'a [String],
    cells: &'a [String],
    mapping: &'a Mapping,
}

impl Row<'_> {
    fn get(&self, field: &str) -> String {
        self.mapping
            .get(field)
            .and_then(|h| self.headers.iter().position(|x| x == h))
            .and_then(|i| self.cells.get(i))
            .cloned()
            .unwrap_or_default()
    }
}

fn required(row: &Row<'_>, field: &str, errors: &mut FieldErrors) -> String {
    let value = row.get(field);
    if value.is_empty() {
        errors.insert(field.into(), messages::IMPORT_VALUE_REQUIRED.into());
    }
    value
}

fn number<T: std::str::FromStr>(row: &Row<'_>, field: &str, errors: &mut FieldErrors) -> Option<T> {
    let text = row.get(field).replace([',', ' '], "");
    if text.is_empty() {
        return None;
    }
    match text.parse() {
        Ok(n) => Some(n),
        Err(_) => {
            errors.insert(field.into(), messages::IMPORT_NUMBER.into());
            None
        }
    }
}

fn money(row: &Row<'_>, field: &str, errors: &mut FieldErrors) -> Option<i64> {
    let text = row.get(field);
    if text.is_empty() {
        return None;
    }
    match parse_minor(&text, field) {
        Ok(v) => Some(v),
        Err(Error::Validation(e)) => {
            errors.extend(e);
            None
        }
        Err(_) => None,
    }
}

fn flag(text: &str) -> Option<bool> {
    match squash(text).as_str() {
        "" => None,
        "1" | "yes" | "y" | "true" | "active" | "是" | "启用" => Some(true),
        "0" | "no" | "n" | "false" | "inactive" | "否" | "停用" => Some(false),
        _ => None,
    }
}

async fn user_id(db: &impl ConnectionTrait, cache: &mut Cache, email: &str) -> Result<Option<i64>> {
    if let Some(found) = cache.users.get(email) {
        return Ok(*found);
    }
    let found = users::id_by_email(db, email).await?;
    cache.users.insert(email.to_owned(), found);
    Ok(found)
}

async fn owner(
    db: &impl ConnectionTrait,
    cache: &mut Cache,
    row: &Row<'_>,
    errors: &mut FieldErrors,
) -> Result<Option<i64>> {
    let email = row.get("owner_email");
    if email.is_empty() {
        return Ok(None);
    }
    let found = user_id(db, cache, &email).await?;
    if found.is_none() {
        errors.insert("owner_email".into(), messages::IMPORT_USER_UNKNOWN.into());
    }
    Ok(found)
}

fn refuse(errors: FieldErrors) -> Result<()> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Validation(errors))
    }
}

/// The services' field names as the import's.
fn field_name(kind: Kind, field: &str) -> String {
    match (kind, field) {
        (_, "credit_limit_minor") => "credit_limit".into(),
        (_, "list_price_minor") => "list_price".into(),
        (_, "cost_price_minor") => "cost_price".into(),
        (_, "tax_rate_bp") => "tax_rate".into(),
        (_, "owner_id") => "owner_email".into(),
        (Kind::OpeningStock, "product_id") => "sku".into(),
        (Kind::OpeningStock, "warehouse_id") => "warehouse".into(),
        (Kind::SupplierPrices, "product_id") => "sku".into(),
        (Kind::SupplierPrices, "supplier_id") => "supplier".into(),
        (Kind::Contacts, "customer_id") => "customer_code".into(),
        _ => field.into(),
    }
}

async fn customer_row(
    db: &impl crate::db::Tx,
    actor: &Actor,
    cache: &mut Cache,
    row: &Row<'_>,
    duplicates: Duplicates,
) -> Result<Done> {
    let mut errors = FieldErrors::new();
    let name = required(row, "name", &mut errors);
    let owner_id = owner(db, cache, row, &mut errors).await?;
    let credit = money(row, "credit_limit", &mut errors);
    let terms = number::<i32>(row, "payment_terms_days", &mut errors);
    refuse(errors)?;
    let kind = match squash(&row.get("kind")).as_str() {
        "" | "company" | "公司" | "企业" => "company",
        "person" | "individual" | "个人" => "person",
        other => other,
    }
    .to_owned();
    let currency = row.get("currency");
    let input = CustomerInput {
        kind,
        name: name.clone(),
        email: row.get("email"),
        phone: row.get("phone"),
        address: row.get("address"),
        tax_id: row.get("tax_id"),
        segment: row.get("segment"),
        tags: row
            .get("tags")
            .split([';', '|', ','])
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect(),
        owner_id,
        credit_limit_minor: credit.unwrap_or(0),
        currency: if currency.is_empty() {
            "EUR".to_owned()
        } else {
            currency.to_uppercase()
        },
        payment_terms_days: terms.unwrap_or(30),
        notes: row.get("notes"),
    };
    if duplicates != Duplicates::Create {
        // Sure matches only (the same email, phone, tax id or normalised
        // name): a merely similar name must not overwrite a record.
        let existing = customers::find_same(db, Some(actor), &input).await?;
        if let Some(existing) = existing {
            if duplicates == Duplicates::Skip {
                return Ok(Done::Skipped);
            }
            let current = customer_rows::Entity::find_by_id(existing)
                .one(db)
                .await?
                .ok_or(Error::NotFound)?;
            let input = CustomerInput {
                owner_id: input.owner_id.or(current.owner_id),
                ..input
            };
            customers::update(db, Some(actor), existing, &input).await?;
            return Ok(Done::Updated);
        }
    }
    customers::create(db, Some(actor), &input).await?;
    Ok(Done::Created)
}

async fn contact_row(
    db: &impl crate::db::Tx,
    actor: &Actor,
    row: &Row<'_>,
    duplicates: Duplicates,
) -> Result<Done> {
    let mut errors = FieldErrors::new();
    let code = required(row, "customer_code", &mut errors);
    let name = required(row, "name", &mut errors);
    refuse(errors)?;
    let customer = customer_rows::Entity::find()
        .filter(customer_rows::Column::Code.eq(code.trim().to_uppercase()))
        .one(db)
        .await?
        .ok_or_else(|| Error::field("customer_code", messages::IMPORT_CUSTOMER_UNKNOWN))?;
    let input = ContactInput {
        name,
        title: row.get("title"),
        email: row.get("email"),
        phone: row.get("phone"),
    };
    if duplicates != Duplicates::Create && !input.email.is_empty() {
        let existing = customers::contacts_of(db, Some(actor), customer.id)
            .await?
            .into_iter()
            .find(|c| {
                c.email
                    .as_deref()
                    .is_some_and(|e| e.eq_ignore_ascii_case(&input.email))
            });
        if let Some(existing) = existing {
            if duplicates == Duplicates::Skip {
                return Ok(Done::Skipped);
            }
            customers::update_contact(db, Some(actor), existing.id, &input).await?;
            return Ok(Done::Updated);
        }
    }
    customers::add_contact(db, Some(actor), customer.id, &input).await?;
    Ok(Done::Created)
}

async fn lead_row(
    db: &impl crate::db::Tx,
    actor: &Actor,
    cache: &mut Cache,
    row: &Row<'_>,
    duplicates: Duplicates,
) -> Result<Done> {
    let mut errors = FieldErrors::new();
    let name = required(row, "name", &mut errors);
    let owner_id = owner(db, cache, row, &mut errors).await?;
    refuse(errors)?;
    let input = LeadInput {
        name,
        company: row.get("company"),
        email: row.get("email"),
        phone: row.get("phone"),
        source: match row.get("source").trim().to_lowercase() {
            s if s.is_empty() => "other".to_owned(),
            s => s,
        },
        owner_id,
        ..Default::default()
    };
    if duplicates != Duplicates::Create {
        let existing = leads::find_duplicates(db, Some(actor), &input, None)
            .await?
            .into_iter()
            .find(|d| d.kind == "lead" && d.reasons.iter().any(|r| *r != "name"));
        if let Some(existing) = existing {
            if duplicates == Duplicates::Skip {
                return Ok(Done::Skipped);
            }
            leads::update(db, Some(actor), existing.id, &input).await?;
            return Ok(Done::Updated);
        }
    }
    leads::create(db, Some(actor), &input).await?;
    Ok(Done::Created)
}

async fn product_by_sku(
    db: &impl ConnectionTrait,
    sku: &str,
) -> Result<Option<product_rows::Model>> {
    Ok(product_rows::Entity::find()
        .filter(product_rows::Column::Sku.eq(sku.trim().to_uppercase()))
        .one(db)
        .await?)
}

async fn product_row(
    db: &impl crate::db::Tx,
    actor: &Actor,
    row: &Row<'_>,
    duplicates: Duplicates,
) -> Result<Done> {
    let mut errors = FieldErrors::new();
    let sku = required(row, "sku", &mut errors);
    let name = required(row, "name", &mut errors);
    required(row, "list_price", &mut errors);
    let list = money(row, "list_price", &mut errors);
    let cost = money(row, "cost_price", &mut errors);
    let tax = match row.get("tax_rate") {
        t if t.is_empty() => None,
        t => match parse_rate(&t, "tax_rate") {
            Ok(bp) => Some(bp),
            Err(Error::Validation(e)) => {
                errors.extend(e);
                None
            }
            Err(other) => return Err(other),
        },
    };
    let active = row.get("active");
    if !active.is_empty() && flag(&active).is_none() {
        errors.insert("active".into(), messages::IMPORT_YES_NO.into());
    }
    refuse(errors)?;
    let unit = row.get("unit");
    let input = ProductInput {
        sku: sku.clone(),
        name,
        description: row.get("description"),
        category: row.get("category"),
        unit: if unit.is_empty() { "pcs".into() } else { unit },
        list_price_minor: list.unwrap_or(0),
        cost_price_minor: cost,
        tax_rate_bp: tax.unwrap_or(0),
        barcode: row.get("barcode"),
        active: flag(&active).unwrap_or(true),
    };
    if let Some(existing) = product_by_sku(db, &sku).await? {
        match duplicates {
            Duplicates::Skip => return Ok(Done::Skipped),
            Duplicates::Update => {
                products::update(db, Some(actor), existing.id, &input).await?;
                return Ok(Done::Updated);
            }
            // A SKU names one product: the service refuses the second.
            Duplicates::Create => {}
        }
    }
    products::create(db, Some(actor), &input).await?;
    Ok(Done::Created)
}

async fn stock_row(
    db: &impl crate::db::Tx,
    actor: &Actor,
    cache: &mut Cache,
    row: &Row<'_>,
    duplicates: Duplicates,
) -> Result<Done> {
    let mut errors = FieldErrors::new();
    let sku = required(row, "sku", &mut errors);
    let code = required(row, "warehouse", &mut errors);
    required(row, "quantity", &mut errors);
    let quantity = number::<i64>(row, "quantity", &mut errors);
    if quantity.is_some_and(|q| q < 0) {
        errors.insert("quantity".into(), messages::NOT_NEGATIVE.into());
    }
    refuse(errors)?;
    let product = product_by_sku(db, &sku)
        .await?
        .ok_or_else(|| Error::field("sku", messages::IMPORT_PRODUCT_UNKNOWN))?;
    let key = code.trim().to_uppercase();
    let warehouse = match cache.warehouses.get(&key) {
        Some(found) => *found,
        None => {
            let found = warehouses::Entity::find()
                .filter(warehouses::Column::Code.eq(key.clone()))
                .one(db)
                .await?
                .map(|w| w.id);
            cache.warehouses.insert(key, found);
            found
        }
    }
    .ok_or_else(|| Error::field("warehouse", messages::IMPORT_WAREHOUSE_UNKNOWN))?;
    let on_hand = stock_levels::Entity::find_by_id((product.id, warehouse))
        .one(db)
        .await?
        .map_or(0, |l| l.on_hand);
    let quantity = quantity.unwrap_or(0);
    // A product with stock there already is a duplicate: skip it, set it
    // to the file's count (update), or add the file's count (create).
    let (delta, done) = match (on_hand != 0, duplicates) {
        (true, Duplicates::Skip) => return Ok(Done::Skipped),
        (true, Duplicates::Update) => (quantity - on_hand, Done::Updated),
        (_, _) => (quantity, Done::Created),
    };
    if delta != 0 {
        stock::adjust(
            db,
            Some(actor),
            &AdjustInput {
                product_id: product.id,
                warehouse_id: warehouse,
                quantity: delta,
                reason: "opening stock (import)".into(),
            },
        )
        .await?;
    }
    Ok(done)
}

async fn price_row(
    db: &impl crate::db::Tx,
    actor: &Actor,
    cache: &mut Cache,
    row: &Row<'_>,
    duplicates: Duplicates,
) -> Result<Done> {
    let mut errors = FieldErrors::new();
    let supplier = required(row, "supplier", &mut errors);
    let sku = required(row, "sku", &mut errors);
    required(row, "price", &mut errors);
    let price = money(row, "price", &mut errors);
    let min = number::<i64>(row, "min_quantity", &mut errors);
    refuse(errors)?;
    let product = product_by_sku(db, &sku)
        .await?
        .ok_or_else(|| Error::field("sku", messages::IMPORT_PRODUCT_UNKNOWN))?;
    let key = purchasing::supplier_key(&supplier);
    let supplier_id = match cache.suppliers.get(&key) {
        Some(found) => *found,
        None => {
            let found = suppliers::Entity::find()
                .filter(suppliers::Column::NameKey.eq(key.clone()))
                .one(db)
                .await?
                .map(|s| s.id);
            cache.suppliers.insert(key, found);
            found
        }
    }
    .ok_or_else(|| Error::field("supplier", messages::IMPORT_SUPPLIER_UNKNOWN))?;
    let exists = crate::entities::supplier_prices::Entity::find()
        .filter(crate::entities::supplier_prices::Column::SupplierId.eq(supplier_id))
        .filter(crate::entities::supplier_prices::Column::ProductId.eq(product.id))
        .one(db)
        .await?
        .is_some();
    if exists && duplicates == Duplicates::Skip {
        return Ok(Done::Skipped);
    }
    // One price per supplier and product: "create" replaces it like "update".
    purchasing::set_price(
        db,
        Some(actor),
        supplier_id,
        product.id,
        price.unwrap_or(0),
        min.unwrap_or(1),
    )
    .await?;
    Ok(if exists { Done::Updated } else { Done::Created })
}

fn row_errors(kind: Kind, line: u64, err: &Error) -> Vec<RowError> {
    let one = |field: &str, message: &str| RowError {
        line,
        field: field.to_owned(),
        message: message.to_owned(),
    };
    match err {
        Error::Validation(fields) => fields
            .iter()
            .map(|(f, m)| one(&field_name(kind, f), m))
            .collect(),
        Error::Conflict(message) => vec![one("row", message)],
        Error::Forbidden | Error::Unauthenticated => {
            vec![one("row", messages::IMPORT_NOT_PERMITTED)]
        }
        Error::NotFound => vec![one("row", messages::IMPORT_RECORD_MISSING)],
        Error::RateLimited { .. } | Error::Internal(_) => {
            vec![one("row", messages::IMPORT_ROW_FAILED)]
        }
    }
}

/// The error file: the bad rows as they were, with an `error` column, so
/// they can be fixed and imported again.
fn error_file(parsed: &Parsed, errors: &[RowError]) -> Result<String> {
    let mut by_line: BTreeMap<u64, Vec<String>> = BTreeMap::new();
    for e in errors {
        by_line
            .entry(e.line)
            .or_default()
            .push(format!("{}: {}", e.field, e.message));
    }
    let mut out = csv_out::Writer::new(Vec::new())?;
    let mut header = vec!["line"];
    header.extend(parsed.headers.iter().map(String::as_str));
    header.push("error");
    out.texts(header)?;
    for (line, messages) in by_line {
        let index = usize::try_from(line.saturating_sub(2)).unwrap_or(usize::MAX);
        let mut record = vec![line.to_string()];
        if let Some(cells) = parsed.rows.get(index) {
            record.extend(cells.iter().cloned());
        }
        record.resize(parsed.headers.len() + 1, String::new());
        record.push(messages.join("; "));
        // The cells as they were read: a fixed file imports alike (the
        // import undoes the writer's defusing).
        out.texts(&record)?;
    }
    let bytes = out.finish()?;
    String::from_utf8(bytes).map_err(|e| Error::Internal(e.to_string()))
}

/// The problems in an error file (as [`execute`] writes it), for the first
/// `lines` bad lines: one [`RowError`] per field.
pub fn problems_in(error_csv: &str, lines: usize) -> Vec<RowError> {
    let mut reader = csv::Reader::from_reader(error_csv.trim_start_matches('\u{feff}').as_bytes());
    let mut out = Vec::new();
    for record in reader
        .records()
        .filter_map(std::result::Result::ok)
        .take(lines)
    {
        let line = record
            .get(0)
            .and_then(|l| csv_out::undo(l).parse().ok())
            .unwrap_or(0);
        let text = csv_out::undo(record.get(record.len().saturating_sub(1)).unwrap_or(""));
        for part in text.split("; ") {
            let (field, message) = part.split_once(": ").unwrap_or(("row", part));
            out.push(RowError {
                line,
                field: field.to_owned(),
                message: message.to_owned(),
            });
        }
    }
    out
}

/// A transaction for imported rows. On PostgreSQL every statement in it is
/// planned for its values: the connection's prepared statements would
/// otherwise settle on a generic plan made while the table was small (a
/// sequential scan) and keep it while the import grows the table, so each
/// duplicate check read every row imported so far (10,000 rows took
/// minutes).
async fn begin_rows(db: &DatabaseConnection) -> Result<sea_orm::DatabaseTransaction> {
    let txn = db.begin().await?;
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        txn.execute_unprepared("SET LOCAL plan_cache_mode = force_custom_plan")
            .await?;
    }
    Ok(txn)
}

/// Runs a started import (see [`start`]): every row in its own savepoint
/// of one transaction, kept or rolled back as the options say. `progress`
/// hears (rows done, rows in all).
pub async fn execute(
    db: &DatabaseConnection,
    actor: Option<&Actor>,
    run_id: i64,
    parsed: &Parsed,
    options: &Options,
    mut progress: impl FnMut(u64, u64),
) -> Result<Report> {
    let actor = require(actor, options.kind)?;
    let total = u64::try_from(parsed.rows.len()).unwrap_or(u64::MAX);
    let mut report = Report {
        run_id,
        total,
        created: 0,
        updated: 0,
        skipped: 0,
        failed: 0,
        errors: Vec::new(),
        committed: false,
    };
    let mut all_errors = Vec::new();
    let mut cache = Cache::default();
    // Good rows are kept whatever happens to the others when bad rows are
    // skipped: then each batch commits on its own, so other writers get in
    // between batches (SQLite has one writer). Otherwise one transaction.
    let batches = options.skip_bad && !options.dry_run;
    let outcome: Result<()> = async {
        let mut txn = begin_rows(db).await?;
        for (i, cells) in parsed.rows.iter().enumerate() {
            if batches && i > 0 && i % BATCH == 0 {
                txn.commit().await?;
                txn = begin_rows(db).await?;
            }
            let line = u64::try_from(i).unwrap_or(u64::MAX).saturating_add(2);
            let row = Row {
                headers: &parsed.headers,
                cells,
                mapping: &options.mapping,
            };
            let savepoint = txn.begin().await?;
            let done = match options.kind {
                Kind::Customers => {
                    customer_row(&savepoint, actor, &mut cache, &row, options.duplicates).await
                }
                Kind::Contacts => contact_row(&savepoint, actor, &row, options.duplicates).await,
                Kind::Leads => {
                    lead_row(&savepoint, actor, &mut cache, &row, options.duplicates).await
                }
                Kind::Products => product_row(&savepoint, actor, &row, options.duplicates).await,
                Kind::OpeningStock => {
                    stock_row(&savepoint, actor, &mut cache, &row, options.duplicates).await
                }
                Kind::SupplierPrices => {
                    price_row(&savepoint, actor, &mut cache, &row, options.duplicates).await
                }
            };
            match done {
                Ok(done) => {
                    savepoint.commit().await?;
                    match done {
                        Done::Created => report.created += 1,
                        Done::Updated => report.updated += 1,
                        Done::Skipped => report.skipped += 1,
                    }
                }
                Err(err) => {
                    savepoint.rollback().await?;
                    if let Error::Internal(detail) = &err {
                        tracing::warn!(run_id, line, %detail, "an import row failed");
                    }
                    report.failed += 1;
                    all_errors.extend(row_errors(options.kind, line, &err));
                }
            }
            let done = u64::try_from(i).unwrap_or(u64::MAX) + 1;
            if done % PROGRESS_EVERY == 0 || done == total {
                progress(done, total);
            }
        }
        let keep = !options.dry_run && (report.failed == 0 || options.skip_bad);
        if keep {
            audit::record(
                &txn,
                Who::Actor(actor),
                Entry::new("import.completed", "import_run", Some(run_id.to_string())).after(
                    json!({
                        "kind": options.kind.code(),
                        "created": report.created,
                        "updated": report.updated,
                        "skipped": report.skipped,
                        "failed": report.failed,
                    }),
                ),
            )
            .await?;
            txn.commit().await?;
            report.committed = true;
        } else {
            txn.rollback().await?;
        }
        Ok(())
    }
    .await;
    let status = match (&outcome, report.committed) {
        (Err(_), _) => "failed",
        (Ok(()), true) => "done",
        (Ok(()), false) => "rolled_back",
    };
    let error_csv = if all_errors.is_empty() {
        String::new()
    } else {
        error_file(parsed, &all_errors)?
    };
    import_runs::Entity::update_many()
        .col_expr(import_runs::Column::Status, status.into())
        .col_expr(import_runs::Column::Created, to_i64(report.created).into())
        .col_expr(import_runs::Column::Updated, to_i64(report.updated).into())
        .col_expr(import_runs::Column::Skipped, to_i64(report.skipped).into())
        .col_expr(import_runs::Column::Failed, to_i64(report.failed).into())
        .col_expr(import_runs::Column::ErrorCsv, error_csv.into())
        .col_expr(import_runs::Column::FinishedAt, Some(Utc::now()).into())
        .filter(import_runs::Column::Id.eq(run_id))
        .exec(db)
        .await?;
    outcome?;
    all_errors.truncate(REPORT_ERRORS);
    report.errors = all_errors;
    Ok(report)
}

/// Rows done and in all, per running import in this process (the page
/// polls it; the counts are stored on the run when it ends).
static PROGRESS: std::sync::LazyLock<std::sync::Mutex<HashMap<i64, (u64, u64)>>> =
    std::sync::LazyLock::new(Default::default);

/// A progress callback for [`execute`] that the page can read with
/// [`progress`].
pub fn tracker(run_id: i64) -> impl FnMut(u64, u64) {
    move |done, total| {
        if let Ok(mut map) = PROGRESS.lock() {
            if done >= total {
                map.remove(&run_id);
            } else {
                map.insert(run_id, (done, total));
            }
        }
    }
}

/// Rows done and in all of a run in progress in this process.
pub fn progress(run_id: i64) -> Option<(u64, u64)> {
    PROGRESS
        .lock()
        .ok()
        .and_then(|map| map.get(&run_id).copied())
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn run_view(r: import_runs::Model) -> Run {
    let n = |v: i64| u64::try_from(v).unwrap_or(0);
    Run {
        id: r.id,
        kind: r.kind,
        file_name: r.file_name,
        mode: r.mode,
        status: r.status,
        total: n(r.total_rows),
        created: n(r.created),
        updated: n(r.updated),
        skipped: n(r.skipped),
        failed: n(r.failed),
        started_by: r.started_by,
        started_at: r.started_at,
        finished_at: r.finished_at,
    }
}

/// Recent runs, newest first: everyone's with `admin.integrations` (the
/// integrations' health), otherwise the actor's own with `admin.import`.
pub async fn runs(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
    limit: u64,
) -> Result<Vec<Run>> {
    let actor = policy::require_any(
        actor,
        &[Permission::AdminImport, Permission::AdminIntegrations],
    )?;
    let mut query = import_runs::Entity::find()
        .order_by_desc(import_runs::Column::Id)
        .limit(limit.clamp(1, 100));
    if !actor.has(Permission::AdminIntegrations) {
        query = query.filter(import_runs::Column::StartedBy.eq(actor.user_id));
    }
    Ok(query.all(db).await?.into_iter().map(run_view).collect())
}

/// One run of the actor's (or anyone's, with `admin.integrations`).
pub async fn run(db: &impl ConnectionTrait, actor: Option<&Actor>, id: i64) -> Result<Run> {
    Ok(run_view(own_run(db, actor, id).await?))
}

async fn own_run(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
    id: i64,
) -> Result<import_runs::Model> {
    let actor = policy::require_any(
        actor,
        &[Permission::AdminImport, Permission::AdminIntegrations],
    )?;
    import_runs::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|r| r.started_by == actor.user_id || actor.has(Permission::AdminIntegrations))
        .ok_or(Error::NotFound)
}

/// A run's error file (CSV; empty when no row was bad).
pub async fn errors_of(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
    id: i64,
) -> Result<String> {
    Ok(own_run(db, actor, id).await?.error_csv)
}
