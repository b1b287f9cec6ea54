//! CSV export of lists: the list's filter and record scope, `reports.export`
//! on top, numbers written plain and formulas defused.

use axum::http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use tandem_domain::testing::db_test;
use tandem_domain::{
    access::{builtin::BuiltinRole, Actor},
    entities::users,
    {
        crm::customers,
        demo,
        integration::import::{self, Duplicates, Kind, Options},
        inventory::products::{self, ProductInput},
        inventory::warehouses::{self, WarehouseInput},
        sales::orders::{self, LineInput, OrderInput},
    },
};

use crate::{
    support::{BoxResult, TestApp},
    TestResult,
};

const JSON: &str = "application/json";

fn body(search: &str) -> String {
    format!(
        r#"{{"search":"{search}","include_archived":false,"segment":null,"tag":null,"owner_id":null,"sort":null,"headers":["Code","Name","Kind","Segment","Email","Phone","Owner","Archived"]}}"#
    )
}

/// The CSV's data lines (without the header), BOM removed.
fn lines(reply: &str) -> Result<Vec<String>, Box<dyn std::error::Error + Send + Sync>> {
    let view: serde_json::Value = serde_json::from_str(reply)?;
    let csv = view["csv"].as_str().ok_or("no csv")?;
    let csv = csv.trim_start_matches('\u{feff}');
    let mut all: Vec<String> = csv.lines().map(str::to_owned).collect();
    assert_eq!(
        all.first().map(String::as_str),
        Some("Code,Name,Kind,Segment,Email,Phone,Owner,Archived")
    );
    all.remove(0);
    assert_eq!(view["rows"].as_u64(), Some(all.len() as u64));
    assert_eq!(view["truncated"].as_bool(), Some(false));
    Ok(all)
}

#[db_test]
async fn a_list_export_holds_exactly_the_filtered_rows_the_user_may_see() -> TestResult {
    let app = TestApp::new().await?;
    let admin = app.admin().await?;
    let (sales_email, _) = demo::demo_user(BuiltinRole::Sales);
    let sales_id = users::Entity::find()
        .filter(users::Column::Email.eq(sales_email))
        .one(&app.db.conn)
        .await?
        .ok_or("no demo sales user")?
        .id;
    let company = |name: &str, owner: i64| customers::CustomerInput {
        kind: "company".into(),
        name: name.into(),
        currency: "EUR".into(),
        payment_terms_days: 30,
        owner_id: Some(owner),
        ..Default::default()
    };
    for (name, owner) in [
        ("Zexport Own One", sales_id),
        ("Zexport Own Two", sales_id),
        ("=Zexport Own Formula", sales_id),
        ("Zexport Other One", admin.user_id),
        ("Zexport Other Two", admin.user_id),
    ] {
        customers::create(&app.db.conn, &admin, &company(name, owner)).await?;
    }

    // Sales sees its own customers only, in the export as in the list.
    let sales = app.login_as(BuiltinRole::Sales).await?;
    let reply = app
        .send(
            "POST",
            "/api/customers/export",
            Some(&sales),
            Some(JSON),
            &body("Zexport"),
        )
        .await?;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let rows = lines(&reply.body)?;
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(rows.iter().all(|r| r.contains("Zexport Own")), "{rows:?}");
    // A name a spreadsheet would run as a formula is written defused.
    assert!(
        rows.iter().any(|r| r.contains(",'=Zexport Own Formula,")),
        "{rows:?}"
    );

    // A manager sees everyone's.
    let manager = app.login_as(BuiltinRole::Manager).await?;
    let reply = app
        .send(
            "POST",
            "/api/customers/export",
            Some(&manager),
            Some(JSON),
            &body("Zexport"),
        )
        .await?;
    let rows = lines(&reply.body)?;
    assert_eq!(rows.len(), 5, "{rows:?}");

    // Support may read every customer but not export.
    let support = app.login_as(BuiltinRole::Support).await?;
    let reply = app
        .send(
            "POST",
            "/api/customers/export",
            Some(&support),
            Some(JSON),
            &body("Zexport"),
        )
        .await?;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.body);
    let listed = app
        .send(
            "POST",
            "/api/customers/list",
            Some(&support),
            Some("application/x-www-form-urlencoded"),
            "search=Zexport&include_archived=false&page=1",
        )
        .await?;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);

    // Signed out: nothing.
    let reply = app
        .send(
            "POST",
            "/api/customers/export",
            None,
            Some(JSON),
            &body("Zexport"),
        )
        .await?;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{}", reply.body);
    Ok(())
}

#[db_test]
async fn admins_download_a_backup_and_full_exports_and_nobody_else_does() -> TestResult {
    use axum::{
        body::Body,
        http::{header, Request},
    };
    use http_body_util::BodyExt;
    use sea_orm::PaginatorTrait;
    use tower::ServiceExt;

    use crate::support::{ADMIN_EMAIL, PASSWORD};

    let app = TestApp::new().await?;
    let admin = app.login(ADMIN_EMAIL, PASSWORD).await?;
    let manager = app.login_as(BuiltinRole::Manager).await?;
    for path in ["/admin/files/backup", "/admin/files/export/customers"] {
        assert_eq!(app.get(path, None).await?.status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            app.get(path, Some(&manager)).await?.status,
            StatusCode::FORBIDDEN,
            "a manager lacks admin.backups"
        );
    }
    // The backup is asked for as a browser would (accepting gzip), to see
    // that it is not compressed a second time; the CSV as plain text.
    let fetch = |path: &'static str| {
        let router = app.router.clone();
        let cookie = admin.clone();
        async move {
            let mut request = Request::get(path)
                .header(header::HOST, "localhost")
                .header(header::COOKIE, cookie);
            if path.ends_with("/backup") {
                request = request.header(header::ACCEPT_ENCODING, "gzip");
            }
            let response = router.oneshot(request.body(Body::empty())?).await?;
            let status = response.status();
            let headers = response.headers().clone();
            let bytes = response.into_body().collect().await?.to_bytes();
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>((status, headers, bytes))
        }
    };
    let (status, headers, bytes) = fetch("/admin/files/backup").await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/gzip");
    assert!(
        headers.get(header::CONTENT_ENCODING).is_none(),
        "not gzipped twice"
    );
    assert!(headers[header::CONTENT_DISPOSITION]
        .to_str()?
        .starts_with("attachment; filename=\"tandem-backup-"));
    // The download restores, every table matching its checksum.
    let target = tandem_domain::testing::TestDb::empty().await?;
    let restored =
        tandem_domain::integration::backup::restore(&target.conn, bytes.as_ref(), |_| {}).await?;
    let users = restored
        .tables
        .iter()
        .find(|t| t.table == "users")
        .ok_or("no users table")?;
    assert!(users.rows > 5);

    let (status, headers, bytes) = fetch("/admin/files/export/customers").await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    let text = String::from_utf8(bytes.to_vec())?;
    let text = text.strip_prefix('\u{feff}').ok_or("no BOM")?;
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert!(reader.headers()?.iter().any(|h| h == "name"));
    let rows = reader.records().count() as u64;
    let customers = tandem_domain::entities::customers::Entity::find()
        .count(&app.db.conn)
        .await?;
    assert_eq!(rows, customers, "every customer, past any record scope");
    assert_eq!(
        fetch("/admin/files/export/sessions").await?.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        fetch("/admin/files/export/nope").await?.0,
        StatusCode::NOT_FOUND
    );
    Ok(())
}

/// Texts a spreadsheet runs as a formula (or shifts into one).
const HOSTILE: &[&str] = &[
    "=HYPERLINK(\"http://evil.example\",\"x\")",
    "+SUM(1,2)",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    " =1+1",
    "\u{FF1D}1+1",
    "\u{FF20}SUM(A1)",
];

/// The cells of a CSV file (BOM first) that a spreadsheet would run as
/// formulas, and all its cells.
fn live_and_all(
    csv_text: &str,
) -> Result<(Vec<String>, Vec<String>), Box<dyn std::error::Error + Send + Sync>> {
    const TRIGGERS: &[char] = &[
        '=', '+', '-', '@', '\t', '\r', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}',
    ];
    let text = csv_text.strip_prefix('\u{feff}').ok_or("no BOM")?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut all = Vec::new();
    for record in reader.records() {
        all.extend(record?.iter().map(str::to_owned));
    }
    let number = |c: &str| {
        let unsigned = c.strip_prefix('-').unwrap_or(c);
        let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, "0"));
        [whole, fraction]
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|ch| ch.is_ascii_digit()))
    };
    let live = all
        .iter()
        .filter(|c| {
            !number(c.as_str()) && (c.starts_with(TRIGGERS) || c.trim_start().starts_with(TRIGGERS))
        })
        .cloned()
        .collect();
    Ok((live, all))
}

fn assert_defused(what: &str, csv_text: &str, expected: &[&str]) -> TestResult {
    let (live, all) = live_and_all(csv_text)?;
    assert!(live.is_empty(), "{what}: live formulas {live:?}");
    for text in expected {
        let defused = format!("'{text}");
        assert!(
            all.contains(&defused),
            "{what}: {defused:?} missing from {all:?}"
        );
    }
    Ok(())
}

/// A fresh app whose customer is named `HOSTILE[0]` (notes `HOSTILE[1]`)
/// and has a confirmed order; the admin actor and a signed-in admin's
/// cookie.
async fn hostile_app() -> BoxResult<(TestApp, Actor, String)> {
    use crate::support::{ADMIN_EMAIL, PASSWORD};

    let app = TestApp::new().await?;
    let admin = app.admin().await?;
    let cookie = app.login(ADMIN_EMAIL, PASSWORD).await?;
    let customer = customers::CustomerInput {
        kind: "company".into(),
        name: HOSTILE[0].into(),
        notes: HOSTILE[1].into(),
        currency: "EUR".into(),
        payment_terms_days: 30,
        ..Default::default()
    };
    let customer = customers::create(&app.db.conn, &admin, &customer).await?;
    let warehouse = WarehouseInput {
        code: "CSVW".into(),
        name: "CSV warehouse".into(),
        address: String::new(),
        active: true,
    };
    let warehouse = warehouses::create(&app.db.conn, &admin, &warehouse).await?;
    let product = ProductInput {
        sku: "CSV-HOSTILE".into(),
        name: "Hostile widget".into(),
        unit: "pcs".into(),
        list_price_minor: 1_000,
        cost_price_minor: Some(500),
        tax_rate_bp: 1900,
        active: true,
        ..Default::default()
    };
    let product = products::create(&app.db.conn, &admin, &product).await?;
    let order = OrderInput {
        customer_id: customer.id,
        warehouse_id: warehouse.id,
        lines: vec![LineInput {
            product_id: product.id,
            quantity: 1,
            ..Default::default()
        }],
        ..Default::default()
    };
    let order = orders::create(&app.db.conn, &admin, &order).await?;
    orders::confirm(&app.db.conn, &admin, order.id).await?;
    Ok((app, admin, cookie))
}

/// Eight column headers for the reader to choose, all hostile.
fn hostile_headers() -> Vec<&'static str> {
    HOSTILE.iter().cycle().take(8).copied().collect()
}

/// Posts `body` to the export at `path` with `cookie`; the answer, which
/// must be 200.
async fn export(
    app: &TestApp,
    cookie: &str,
    path: &str,
    body: serde_json::Value,
) -> BoxResult<String> {
    let reply = app
        .send("POST", path, Some(cookie), Some(JSON), &body.to_string())
        .await?;
    assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.body);
    Ok(reply.body)
}

#[db_test]
async fn a_list_export_defuses_hostile_headers_and_names() -> TestResult {
    let (app, _, cookie) = hostile_app().await?;
    // The reader's headers, and the customer's name.
    let headers = hostile_headers();
    let reply = export(
        &app,
        &cookie,
        "/api/customers/export",
        serde_json::json!({
            "search": "hyperlink", "include_archived": false, "segment": null, "tag": null,
            "owner_id": null, "sort": null, "headers": &headers,
        }),
    )
    .await?;
    let view: serde_json::Value = serde_json::from_str(&reply)?;
    let csv_text = view["csv"].as_str().ok_or("no csv")?;
    let mut expected = headers.clone();
    expected.push(HOSTILE[0]);
    assert_defused("list export", csv_text, &expected)
}

#[db_test]
async fn an_analysis_export_defuses_hostile_labels_and_names() -> TestResult {
    let (app, admin, cookie) = hostile_app().await?;
    // The customer as a column, and hostile labels.
    let definition = format!(
        "source=orders&rows=owner&columns=customer&measure=count&owner={}",
        admin.user_id
    );
    let reply = export(
        &app,
        &cookie,
        "/api/pivot/export",
        serde_json::json!({
            "definition": definition, "row_header": HOSTILE[2], "total_label": HOSTILE[3],
        }),
    )
    .await?;
    let csv_text: String = serde_json::from_str(&reply)?;
    assert_defused("analysis", &csv_text, &[HOSTILE[0], HOSTILE[2], HOSTILE[3]])
}

#[db_test]
async fn a_report_export_defuses_hostile_headers_labels_and_names() -> TestResult {
    let (app, admin, cookie) = hostile_app().await?;
    // The reader's headers and total label.
    let reply = export(
        &app,
        &cookie,
        "/api/reports/export",
        serde_json::json!({
            "query": {
                "kind": "sales_by_customer", "grain": "",
                "filter": {
                    "kind": "", "period": "", "from": "", "to": "", "warehouse": null,
                    "owner": admin.user_id, "team": null, "segment": "",
                },
            },
            "headers": &hostile_headers(), "total_label": HOSTILE[5],
        }),
    )
    .await?;
    let csv_text: String = serde_json::from_str(&reply)?;
    // The customer's name, the first header (the same text), the total label.
    assert_defused("report", &csv_text, &[HOSTILE[0], HOSTILE[0], HOSTILE[5]])
}

/// A customer import file whose headers are all hostile, with one bad row
/// (`=1+1`, not an email) of hostile values.
fn hostile_import() -> String {
    let mut file = String::from("Name,Email");
    let mut row = String::from("\"=1+1\",not-an-email");
    for h in HOSTILE {
        let quoted = format!(",\"{}\"", h.replace('"', "\"\""));
        file.push_str(&quoted);
        row.push_str(&quoted);
    }
    file.push('\n');
    file.push_str(&row);
    file.push('\n');
    file
}

#[db_test]
async fn an_import_error_file_defuses_hostile_headers_and_values() -> TestResult {
    let (app, admin, cookie) = hostile_app().await?;
    let parsed = import::parse(hostile_import().as_bytes())?;
    let options = Options {
        kind: Kind::Customers,
        mapping: [("name", "Name"), ("email", "Email")]
            .into_iter()
            .map(|(f, h)| (f.to_owned(), h.to_owned()))
            .collect(),
        duplicates: Duplicates::Skip,
        skip_bad: false,
        dry_run: true,
    };
    let run = import::start(&app.db.conn, &admin, "bad.csv", &parsed, &options).await?;
    import::execute(&app.db.conn, &admin, run, &parsed, &options, |_, _| {}).await?;
    let reply = app
        .get(&format!("/admin/files/import-errors/{run}"), Some(&cookie))
        .await?;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let trimmed: Vec<&str> = HOSTILE.iter().map(|h| h.trim()).collect();
    let mut expected = trimmed.clone();
    expected.push("=1+1");
    assert_defused("import error file", &reply.body, &expected)
}

#[db_test]
async fn the_full_customer_export_defuses_hostile_names_and_notes() -> TestResult {
    let (app, _, cookie) = hostile_app().await?;
    let reply = app
        .get("/admin/files/export/customers", Some(&cookie))
        .await?;
    assert_eq!(reply.status, StatusCode::OK);
    assert_defused("full export", &reply.body, &[HOSTILE[0], HOSTILE[1]])
}
