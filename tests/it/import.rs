//! CSV import: encodings, mapping, dry run, all or nothing, skipping bad
//! rows, duplicates, every kind, permissions and one run per kind at a
//! time — on both engines.

use std::collections::BTreeSet;
use tandem_domain::testing::db_test;

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use tandem_domain::{
    access::builtin::BuiltinRole,
    entities::{
        contacts, customers as customer_rows, leads as lead_rows, stock_levels, supplier_prices,
    },
    Db, Error,
    {
        integration::import::{self, Duplicates, Kind, Mapping, Options, Parsed},
        purchasing::purchase_orders::{self as purchasing, SupplierInput},
    },
};

use crate::{
    support::{actor, user_with, with_admin, BoxResult},
    world::{erp, field_of, stocked, Erp, Refused},
    TestResult,
};

fn mapping(pairs: &[(&str, &str)]) -> Mapping {
    pairs
        .iter()
        .map(|(f, h)| ((*f).to_owned(), (*h).to_owned()))
        .collect()
}

fn options(
    kind: Kind,
    mapping: Mapping,
    duplicates: Duplicates,
    skip_bad: bool,
    dry_run: bool,
) -> Options {
    Options {
        kind,
        mapping,
        duplicates,
        skip_bad,
        dry_run,
    }
}

async fn run(
    db: &Db,
    actor: &tandem_domain::access::Actor,
    parsed: &Parsed,
    options: &Options,
) -> Result<import::Report, Error> {
    let id = import::start(db, actor, "test.csv", parsed, options).await?;
    import::execute(db, actor, id, parsed, options, |_, _| {}).await
}

async fn customers(db: &Db) -> BoxResult<u64> {
    Ok(customer_rows::Entity::find().count(db).await?)
}

/// 10,000 customers, every 33rd row bad in one of four ways.
fn ten_thousand() -> (String, BTreeSet<u64>) {
    let mut csv = String::from("Name,Email,Credit limit,Owner\n");
    let mut bad = BTreeSet::new();
    for i in 0..10_000_u64 {
        let line = i + 2;
        let row = if i % 33 == 7 {
            bad.insert(line);
            match (i / 33) % 4 {
                0 => format!(",nameless{i}@example.com,100,\n"),
                1 => format!("Bad Mail {i},not-an-email,100,\n"),
                2 => format!("Bad Limit {i},limit{i}@example.com,lots,\n"),
                _ => format!("Bad Owner {i},owner{i}@example.com,100,ghost@example.com\n"),
            }
        } else {
            format!("Customer {i:05},c{i}@example.com,\"1,250.50\",\n")
        };
        csv.push_str(&row);
    }
    (csv, bad)
}

#[db_test]
async fn ten_thousand_rows_with_three_percent_bad_report_exactly_those_then_import_the_rest(
) -> TestResult {
    let (tdb, admin) = with_admin().await?;
    let db = &tdb.conn;
    let (csv, bad) = ten_thousand();
    assert_eq!(bad.len(), 303, "about 3 %");
    let parsed = import::parse(csv.as_bytes())?;
    assert_eq!(parsed.rows.len(), 10_000);
    let map = import::suggest(Kind::Customers, &parsed.headers, None);
    assert_eq!(
        map,
        mapping(&[
            ("credit_limit", "Credit limit"),
            ("email", "Email"),
            ("name", "Name"),
            ("owner_email", "Owner"),
        ])
    );
    let before = customers(db).await?;
    // Dry run: every bad row reported, by its line; nothing kept.
    let dry = run(
        db,
        &admin,
        &parsed,
        &options(Kind::Customers, map.clone(), Duplicates::Skip, false, true),
    )
    .await?;
    assert_eq!((dry.total, dry.failed, dry.created), (10_000, 303, 9_697));
    assert!(!dry.committed);
    assert_eq!(customers(db).await?, before);
    let error_file = import::errors_of(db, &admin, dry.run_id).await?;
    let mut reader = csv::Reader::from_reader(error_file.trim_start_matches('\u{feff}').as_bytes());
    let header = reader.headers()?.clone();
    assert_eq!(
        header.iter().collect::<Vec<_>>(),
        ["line", "Name", "Email", "Credit limit", "Owner", "error"]
    );
    let reported: BTreeSet<u64> = reader
        .records()
        .map(|r| r.map(|r| r[0].parse::<u64>().unwrap_or(0)))
        .collect::<Result<_, _>>()?;
    assert_eq!(reported, bad, "exactly the bad lines");
    let fields: BTreeSet<String> = dry.errors.iter().map(|e| e.field.clone()).collect();
    assert_eq!(
        fields,
        ["credit_limit", "email", "name", "owner_email"]
            .map(String::from)
            .into(),
    );
    // All or nothing (a bad row keeps everything out) is shown on a small
    // file in `duplicates_are_skipped_updated_or_created_as_chosen`.
    // Skipping bad rows imports the rest, with their amounts.
    let kept = run(
        db,
        &admin,
        &parsed,
        &options(Kind::Customers, map, Duplicates::Skip, true, false),
    )
    .await?;
    assert!(kept.committed);
    assert_eq!((kept.created, kept.failed), (9_697, 303));
    assert_eq!(customers(db).await?, before + 9_697);
    let one = customer_rows::Entity::find()
        .filter(customer_rows::Column::Name.eq("Customer 00042"))
        .one(db)
        .await?
        .ok_or("customer 42 missing")?;
    assert_eq!(one.credit_limit_minor, 125_050);
    assert_eq!(import::runs(db, &admin, 1).await?[0].status, "done");
    // The mapping is remembered for the next file of the kind.
    let remembered = import::remembered(db, Kind::Customers)
        .await?
        .ok_or("not remembered")?;
    assert_eq!(remembered.get("email").map(String::as_str), Some("Email"));
    Ok(())
}

#[db_test]
async fn gbk_and_utf8_files_with_or_without_bom_import_alike() -> TestResult {
    let (tdb, admin) = with_admin().await?;
    let db = &tdb.conn;
    let text = "名称,邮箱,备注\n上海贸易有限公司,sh@example.com,老客户\n北京科技,bj@example.com,\n";
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&gbk).is_err(), "really GBK bytes");
    let parsed = import::parse(&gbk)?;
    assert_eq!(parsed.encoding, "gbk");
    assert_eq!(parsed.headers, ["名称", "邮箱", "备注"]);
    let map = import::suggest(Kind::Customers, &parsed.headers, None);
    assert_eq!(
        map,
        mapping(&[("email", "邮箱"), ("name", "名称"), ("notes", "备注")])
    );
    let report = run(
        db,
        &admin,
        &parsed,
        &options(Kind::Customers, map, Duplicates::Skip, false, false),
    )
    .await?;
    assert_eq!((report.created, report.failed), (2, 0));
    let names: BTreeSet<String> = customer_rows::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert!(names.contains("上海贸易有限公司") && names.contains("北京科技"));
    // UTF-8 with a byte-order mark (Excel's "CSV UTF-8"), semicolons.
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice("Name;Email\nGroß & Söhne;gs@example.com\n".as_bytes());
    let parsed = import::parse(&bom)?;
    assert_eq!(parsed.encoding, "utf-8");
    assert_eq!(
        parsed.headers,
        ["Name", "Email"],
        "no BOM in the first header"
    );
    assert_eq!(
        parsed.rows,
        [vec!["Groß & Söhne".to_owned(), "gs@example.com".to_owned()]]
    );
    // Neither: refused with a clear message.
    let err = import::parse(&[0xFF, 0xFE, 0x00, 0x41, 0x81, 0x20]).refused()?;
    assert_eq!(field_of(&err), ["file"]);
    Ok(())
}

#[db_test]
async fn duplicates_are_skipped_updated_or_created_as_chosen() -> TestResult {
    let (tdb, admin) = with_admin().await?;
    let db = &tdb.conn;
    let first = import::parse(b"Name,Email,Notes\nAcme Trading,info@acme.example,first\n")?;
    let map = import::suggest(Kind::Customers, &first.headers, None);
    run(
        db,
        &admin,
        &first,
        &options(Kind::Customers, map.clone(), Duplicates::Skip, false, false),
    )
    .await?;
    // The same email under another name is the same customer.
    let again = import::parse(
        b"Name,Email,Notes\nACME Trading Co,INFO@acme.example,second\nNew One,new@example.com,\n",
    )?;
    let skip = run(
        db,
        &admin,
        &again,
        &options(Kind::Customers, map.clone(), Duplicates::Skip, false, false),
    )
    .await?;
    assert_eq!((skip.created, skip.skipped, skip.updated), (1, 1, 0));
    let update = run(
        db,
        &admin,
        &again,
        &options(
            Kind::Customers,
            map.clone(),
            Duplicates::Update,
            false,
            false,
        ),
    )
    .await?;
    assert_eq!((update.created, update.skipped, update.updated), (0, 0, 2));
    let acme = customer_rows::Entity::find()
        .filter(customer_rows::Column::EmailKey.eq("info@acme.example"))
        .all(db)
        .await?;
    assert_eq!(acme.len(), 1);
    assert_eq!(
        (acme[0].name.as_str(), acme[0].notes.as_str()),
        ("ACME Trading Co", "second")
    );
    let create = run(
        db,
        &admin,
        &again,
        &options(Kind::Customers, map, Duplicates::Create, false, false),
    )
    .await?;
    assert_eq!(create.created, 2);
    assert_eq!(customers(db).await?, 4);
    // Products: a SKU is one product; "create" reports the clash.
    let e = erp(db, admin.clone()).await?;
    stocked(db, &e, "SKU-1", 1000, 0).await?;
    let file = import::parse(b"SKU,Name,Price\nsku-1,Renamed,12.50\nSKU-2,Second,3\n")?;
    let map = import::suggest(Kind::Products, &file.headers, None);
    assert_eq!(map.get("list_price").map(String::as_str), Some("Price"));
    let created = run(
        db,
        &admin,
        &file,
        &options(
            Kind::Products,
            map.clone(),
            Duplicates::Create,
            false,
            false,
        ),
    )
    .await?;
    assert_eq!((created.failed, created.committed), (1, false));
    assert_eq!(created.errors[0].field, "sku");
    let updated = run(
        db,
        &admin,
        &file,
        &options(Kind::Products, map, Duplicates::Update, false, false),
    )
    .await?;
    assert_eq!((updated.updated, updated.created), (1, 1));
    Ok(())
}

/// A book to import into: the ERP's people and warehouses, products BOLT
/// (none in stock) and NUT (5 in the main warehouse), the supplier Bolt
/// Works and one imported customer, Contact Holder. Returns the ERP and
/// BOLT.
async fn import_book(db: &Db, admin: &tandem_domain::access::Actor) -> BoxResult<(Erp, i64)> {
    let e = erp(db, admin.clone()).await?;
    let bolt = stocked(db, &e, "BOLT", 100, 0).await?;
    stocked(db, &e, "NUT", 50, 5).await?;
    purchasing::create_supplier(
        db,
        admin,
        &SupplierInput {
            name: "Bolt Works".into(),
            currency: "EUR".into(),
            lead_time_days: 5,
            active: true,
            ..Default::default()
        },
    )
    .await?;
    let company = import::parse(b"Name\nContact Holder\n")?;
    run(
        db,
        admin,
        &company,
        &options(
            Kind::Customers,
            mapping(&[("name", "Name")]),
            Duplicates::Skip,
            false,
            false,
        ),
    )
    .await?;
    Ok((e, bolt))
}

#[db_test]
async fn contacts_import_onto_existing_customers_by_code() -> TestResult {
    let (tdb, admin) = with_admin().await?;
    let db = &tdb.conn;
    import_book(db, &admin).await?;
    let code = customer_rows::Entity::find()
        .one(db)
        .await?
        .ok_or("no customer")?
        .code;
    let file = format!(
        "Customer,Name,Email,Title\n{code},Mia Chen,mia@example.com,Buyer\nCUS-999999,Nobody,,\n"
    );
    let contacts_file = import::parse(file.as_bytes())?;
    let map = mapping(&[
        ("customer_code", "Customer"),
        ("name", "Name"),
        ("email", "Email"),
        ("title", "Title"),
    ]);
    let report = run(
        db,
        &admin,
        &contacts_file,
        &options(Kind::Contacts, map, Duplicates::Skip, true, false),
    )
    .await?;
    assert_eq!((report.created, report.failed), (1, 1));
    assert_eq!(report.errors[0].field, "customer_code");
    assert_eq!(contacts::Entity::find().count(db).await?, 1);
    Ok(())
}

#[db_test]
async fn leads_import_with_a_suggested_mapping_of_chinese_headers() -> TestResult {
    let (tdb, admin) = with_admin().await?;
    let db = &tdb.conn;
    import_book(db, &admin).await?;
    let leads_file = import::parse("姓名,公司,邮箱\n王伟,华东机械,ww@example.com\n".as_bytes())?;
    let map = import::suggest(Kind::Leads, &leads_file.headers, None);
    let report = run(
        db,
        &admin,
        &leads_file,
        &options(Kind::Leads, map, Duplicates::Skip, false, false),
    )
    .await?;
    assert_eq!(report.created, 1, "{report:?}");
    assert_eq!(lead_rows::Entity::find().count(db).await?, 1);
    Ok(())
}

#[db_test]
async fn opening_stock_adds_new_stock_and_sets_existing_stock_to_the_count() -> TestResult {
    let (tdb, admin) = with_admin().await?;
    let db = &tdb.conn;
    let (e, bolt) = import_book(db, &admin).await?;
    let stock_file = import::parse(
        b"SKU,Warehouse,Quantity\nBOLT,MAIN,40\nNUT,main,12\nBOLT,NOPE,1\nNUT,MAIN,-3\n",
    )?;
    let map = import::suggest(Kind::OpeningStock, &stock_file.headers, None);
    let report = run(
        db,
        &admin,
        &stock_file,
        &options(Kind::OpeningStock, map, Duplicates::Update, true, false),
    )
    .await?;
    assert_eq!((report.created, report.updated, report.failed), (1, 1, 2));
    let on_hand = |product: i64| async move {
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>(
            stock_levels::Entity::find_by_id((product, e.main))
                .one(db)
                .await?
                .map_or(0, |l| l.on_hand),
        )
    };
    assert_eq!(on_hand(bolt).await?, 40);
    let nut = tandem_domain::entities::products::Entity::find()
        .filter(tandem_domain::entities::products::Column::Sku.eq("NUT"))
        .one(db)
        .await?
        .ok_or("no nut")?
        .id;
    assert_eq!(on_hand(nut).await?, 12, "set to the counted 12");
    assert!(tandem_domain::inventory::stock::check_ledger(db)
        .await?
        .is_empty());
    Ok(())
}

#[db_test]
async fn supplier_prices_import_by_supplier_name_in_any_case() -> TestResult {
    let (tdb, admin) = with_admin().await?;
    let db = &tdb.conn;
    import_book(db, &admin).await?;
    let prices =
        import::parse(b"Supplier,SKU,Price,MOQ\nbolt works,BOLT,0.42,100\nGhost Ltd,BOLT,1,1\n")?;
    let map = import::suggest(Kind::SupplierPrices, &prices.headers, None);
    let report = run(
        db,
        &admin,
        &prices,
        &options(Kind::SupplierPrices, map, Duplicates::Update, true, false),
    )
    .await?;
    assert_eq!((report.created, report.failed), (1, 1));
    let price = supplier_prices::Entity::find()
        .one(db)
        .await?
        .ok_or("no price")?;
    assert_eq!((price.price_minor, price.min_quantity), (42, 100));
    Ok(())
}

#[db_test]
async fn imports_need_admin_import_and_the_kinds_permission_and_a_valid_mapping() -> TestResult {
    let (tdb, admin) = with_admin().await?;
    let db = &tdb.conn;
    let parsed = import::parse(b"Name\nX\n")?;
    let sales = user_with(db, &admin, "s@example.com", BuiltinRole::Sales).await?;
    let sales = actor(db, sales).await?;
    let opts = options(
        Kind::Customers,
        mapping(&[("name", "Name")]),
        Duplicates::Skip,
        false,
        true,
    );
    assert_eq!(
        import::start(db, &sales, "x.csv", &parsed, &opts)
            .await
            .refused()?,
        Error::Forbidden
    );
    let support = user_with(db, &admin, "t@example.com", BuiltinRole::Support).await?;
    assert_eq!(
        import::upload(db, &actor(db, support).await?, "x.csv", b"Name\nX\n")
            .await
            .refused()?,
        Error::Forbidden
    );
    let err = import::start(
        db,
        &admin,
        "x.csv",
        &parsed,
        &options(
            Kind::Customers,
            mapping(&[("email", "Email")]),
            Duplicates::Skip,
            false,
            true,
        ),
    )
    .await
    .refused()?;
    assert_eq!(field_of(&err), ["mapping.email", "mapping.name"]);
    let err = import::start(
        db,
        &admin,
        "x.csv",
        &parsed,
        &options(
            Kind::Customers,
            mapping(&[("name", "Name"), ("shoe_size", "Name")]),
            Duplicates::Skip,
            false,
            true,
        ),
    )
    .await
    .refused()?;
    assert_eq!(field_of(&err), ["mapping"]);
    // Uploads are the uploader's.
    let (id, read) = import::upload(db, &admin, "x.csv", b"Name\nX\n").await?;
    assert_eq!(read.rows.len(), 1);
    assert_eq!(import::uploaded(db, &admin, id).await?.0, "x.csv");
    let manager = user_with(db, &admin, "m@example.com", BuiltinRole::Manager).await?;
    assert_eq!(
        import::uploaded(db, &actor(db, manager).await?, id)
            .await
            .refused()?,
        Error::NotFound
    );
    Ok(())
}

#[db_test]
async fn one_import_per_kind_runs_at_a_time() -> TestResult {
    let (tdb, admin) = with_admin().await?;
    let db = &tdb.conn;
    let parsed = import::parse(b"Name,Email\nSame Co,same@example.com\n")?;
    let opts = options(
        Kind::Customers,
        mapping(&[("name", "Name"), ("email", "Email")]),
        Duplicates::Skip,
        false,
        false,
    );
    let starts: Vec<_> = (0..4)
        .map(|_| {
            let db = db.clone();
            let admin = admin.clone();
            let parsed = parsed.clone();
            let opts = opts.clone();
            tokio::spawn(
                async move { import::start(&db, &admin, "same.csv", &parsed, &opts).await },
            )
        })
        .collect();
    let mut started = Vec::new();
    let mut refused = 0;
    for start in starts {
        match start.await? {
            Ok(id) => started.push(id),
            Err(Error::Conflict(_)) => refused += 1,
            Err(other) => return Err(other.into()),
        }
    }
    assert_eq!((started.len(), refused), (1, 3));
    // Another kind may run meanwhile; the kind is free once the run ends.
    let leads = import::parse(b"Name\nL\n")?;
    import::start(
        db,
        &admin,
        "l.csv",
        &leads,
        &options(
            Kind::Leads,
            mapping(&[("name", "Name")]),
            Duplicates::Skip,
            false,
            true,
        ),
    )
    .await?;
    import::execute(db, &admin, started[0], &parsed, &opts, |_, _| {}).await?;
    let again = run(db, &admin, &parsed, &opts).await?;
    assert_eq!(again.skipped, 1, "the first import's row is there");
    assert_eq!(customers(db).await?, 1);
    Ok(())
}

/// Imports `file`, every row of which is bad, then the error file it
/// offers with `column` set to `fixed` in every row, as someone fixing it
/// in a spreadsheet would (every other cell as Tandem wrote it, defused):
/// every row imports the second time.
async fn fix_and_import_again(
    db: &Db,
    admin: &tandem_domain::access::Actor,
    kind: Kind,
    file: &str,
    map: &[(&str, &str)],
    column: &str,
    fixed: &str,
) -> TestResult {
    let parsed = import::parse(file.as_bytes())?;
    let rows = parsed.rows.len() as u64;
    let opts = options(kind, mapping(map), Duplicates::Skip, true, false);
    let first = run(db, admin, &parsed, &opts).await?;
    assert_eq!(
        (first.created, first.failed),
        (0, rows),
        "{kind:?}: {first:?}"
    );
    let written = import::errors_of(db, admin, first.run_id).await?;
    let text = written.strip_prefix('\u{feff}').ok_or("no BOM")?;
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers()?.clone();
    let at = header
        .iter()
        .position(|h| h == column)
        .ok_or("no such column")?;
    let mut out = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    out.write_record(&header)?;
    let mut defused = 0;
    for record in reader.records() {
        let mut cells: Vec<String> = record?.iter().map(str::to_owned).collect();
        defused += cells.iter().filter(|c| c.starts_with('\'')).count();
        if let Some(cell) = cells.get_mut(at) {
            *cell = fixed.to_owned();
        }
        out.write_record(&cells)?;
    }
    assert!(defused > 0, "{kind:?}: the error file defuses cells");
    let fixed_file = out.into_inner().map_err(|e| e.to_string())?;
    let again = import::parse(&fixed_file)?;
    let second = run(db, admin, &again, &opts).await?;
    assert_eq!(
        (second.created, second.failed),
        (rows, 0),
        "{kind:?}: {:?}",
        second.errors
    );
    Ok(())
}

/// Customers: a header and values a spreadsheet would run as formulas;
/// the owner is unknown, then left out.
#[db_test]
async fn a_fixed_customers_error_file_imports_the_values_as_they_were() -> TestResult {
    use tandem_domain::platform::normalize::normalize_phone;
    let (tdb, admin) = with_admin().await?;
    let db = &tdb.conn;
    fix_and_import_again(
        db,
        &admin,
        Kind::Customers,
        "Name,Phone,Address,@Notes,Owner\n\
         =Acme Trading,+49 30 1234567,@Home Street 1,-5 % off,ghost@example.com\n\
         @Bolt & Nut,+86 21 1234 5678,+Dock 4,=SUM(A1),ghost@example.com\n",
        &[
            ("name", "Name"),
            ("phone", "Phone"),
            ("address", "Address"),
            ("notes", "@Notes"),
            ("owner_email", "Owner"),
        ],
        "Owner",
        "",
    )
    .await?;
    for (name, tel, address, notes) in [
        (
            "=Acme Trading",
            "+49 30 1234567",
            "@Home Street 1",
            "-5 % off",
        ),
        ("@Bolt & Nut", "+86 21 1234 5678", "+Dock 4", "=SUM(A1)"),
    ] {
        let c = customer_rows::Entity::find()
            .filter(customer_rows::Column::Name.eq(name))
            .one(db)
            .await?
            .ok_or(format!("no customer {name}"))?;
        assert_eq!(
            (c.phone, c.address.as_str(), c.notes.as_str()),
            (normalize_phone(tel), address, notes)
        );
    }
    Ok(())
}

/// Contacts: the customer code was wrong.
#[db_test]
async fn a_fixed_contacts_error_file_imports_the_values_as_they_were() -> TestResult {
    use tandem_domain::platform::normalize::normalize_phone;
    let (tdb, admin) = with_admin().await?;
    let db = &tdb.conn;
    let holder = tandem_domain::crm::customers::create(
        db,
        &admin,
        &tandem_domain::crm::customers::CustomerInput {
            kind: "company".into(),
            name: "Contact Holder".into(),
            currency: "EUR".into(),
            payment_terms_days: 30,
            ..Default::default()
        },
    )
    .await?;
    fix_and_import_again(
        db,
        &admin,
        Kind::Contacts,
        "Customer,Name,Title,Email,Phone\n\
         CUS-999999,=Mia Chen,-Buyer-,mia@example.com,+49 30 7654321\n\
         CUS-999999,@Li Lei,+Head of QA,li@example.com,+86 10 8888 9999\n",
        &[
            ("customer_code", "Customer"),
            ("name", "Name"),
            ("title", "Title"),
            ("email", "Email"),
            ("phone", "Phone"),
        ],
        "Customer",
        &holder.code,
    )
    .await?;
    for (name, title, tel) in [
        ("=Mia Chen", "-Buyer-", "+49 30 7654321"),
        ("@Li Lei", "+Head of QA", "+86 10 8888 9999"),
    ] {
        let c = contacts::Entity::find()
            .filter(contacts::Column::Name.eq(name))
            .one(db)
            .await?
            .ok_or(format!("no contact {name}"))?;
        assert_eq!(
            (c.customer_id, c.title.as_str(), c.phone),
            (holder.id, title, normalize_phone(tel))
        );
    }
    Ok(())
}

/// Leads: the owner is unknown, then left out.
#[db_test]
async fn a_fixed_leads_error_file_imports_the_values_as_they_were() -> TestResult {
    use tandem_domain::platform::normalize::normalize_phone;
    let (tdb, admin) = with_admin().await?;
    let db = &tdb.conn;
    fix_and_import_again(
        db,
        &admin,
        Kind::Leads,
        "Name,Company,Email,Phone,Owner\n\
         =Wang Wei,+Huadong Machinery,ww@example.com,+86 21 5555 1234,ghost@example.com\n\
         -Li Na,@Nanjing Tools,ln@example.com,+86 25 6666 7777,ghost@example.com\n",
        &[
            ("name", "Name"),
            ("company", "Company"),
            ("email", "Email"),
            ("phone", "Phone"),
            ("owner_email", "Owner"),
        ],
        "Owner",
        "",
    )
    .await?;
    for (name, company, tel) in [
        ("=Wang Wei", "+Huadong Machinery", "+86 21 5555 1234"),
        ("-Li Na", "@Nanjing Tools", "+86 25 6666 7777"),
    ] {
        let l = lead_rows::Entity::find()
            .filter(lead_rows::Column::Name.eq(name))
            .one(db)
            .await?
            .ok_or(format!("no lead {name}"))?;
        assert_eq!(
            (l.company.as_str(), l.phone),
            (company, normalize_phone(tel))
        );
    }
    Ok(())
}

/// Products: SKUs may start with a dash; the price was not a number.
#[db_test]
async fn a_fixed_products_error_file_imports_the_values_as_they_were() -> TestResult {
    use tandem_domain::entities::products as product_rows;
    let (tdb, admin) = with_admin().await?;
    let db = &tdb.conn;
    fix_and_import_again(
        db,
        &admin,
        Kind::Products,
        "SKU,Name,Description,Category,Price,Cost\n\
         -P1,=SUM(A1) widget,@desc,+sale,lots,1.00\n\
         -P2,-Wide bolt,=1+1,@tools,lots,0.50\n",
        &[
            ("sku", "SKU"),
            ("name", "Name"),
            ("description", "Description"),
            ("category", "Category"),
            ("list_price", "Price"),
            ("cost_price", "Cost"),
        ],
        "Price",
        "12.50",
    )
    .await?;
    for (sku, name, description, category, cost) in [
        ("-P1", "=SUM(A1) widget", "@desc", "+sale", 100),
        ("-P2", "-Wide bolt", "=1+1", "@tools", 50),
    ] {
        let p = product_rows::Entity::find()
            .filter(product_rows::Column::Sku.eq(sku))
            .one(db)
            .await?
            .ok_or(format!("no product {sku}"))?;
        assert_eq!(
            (
                p.name.as_str(),
                p.description.as_str(),
                p.category.as_str(),
                p.list_price_minor,
                p.cost_price_minor
            ),
            (name, description, category, 1250, cost)
        );
    }
    Ok(())
}

/// The ERP and a product whose SKU starts with a dash, -BOLT (none in
/// stock); returns them.
async fn dashed_bolt(db: &Db, admin: &tandem_domain::access::Actor) -> BoxResult<(Erp, i64)> {
    let e = erp(db, admin.clone()).await?;
    let bolt = stocked(db, &e, "-BOLT", 100, 0).await?;
    Ok((e, bolt))
}

/// Opening stock: a SKU and a warehouse code starting with a dash; the
/// quantity was negative.
#[db_test]
async fn a_fixed_opening_stock_error_file_imports_the_values_as_they_were() -> TestResult {
    use tandem_domain::inventory::warehouses::{self, WarehouseInput};
    let (tdb, admin) = with_admin().await?;
    let db = &tdb.conn;
    let (e, bolt) = dashed_bolt(db, &admin).await?;
    let west = warehouses::create(
        db,
        &e.keeper,
        &WarehouseInput {
            code: "-WEST".into(),
            name: "West".into(),
            address: String::new(),
            active: true,
        },
    )
    .await?;
    fix_and_import_again(
        db,
        &admin,
        Kind::OpeningStock,
        "SKU,Warehouse,Quantity\n-BOLT,-WEST,-3\n",
        &[
            ("sku", "SKU"),
            ("warehouse", "Warehouse"),
            ("quantity", "Quantity"),
        ],
        "Quantity",
        "40",
    )
    .await?;
    let level = stock_levels::Entity::find_by_id((bolt, west.id))
        .one(db)
        .await?
        .ok_or("no stock level")?;
    assert_eq!(level.on_hand, 40);
    Ok(())
}

/// Supplier prices: a supplier named like a formula and a dashed SKU;
/// the price was not a number.
#[db_test]
async fn a_fixed_supplier_prices_error_file_imports_the_values_as_they_were() -> TestResult {
    use tandem_domain::entities::suppliers;
    let (tdb, admin) = with_admin().await?;
    let db = &tdb.conn;
    let (_, bolt) = dashed_bolt(db, &admin).await?;
    purchasing::create_supplier(
        db,
        &admin,
        &SupplierInput {
            name: "=Bolt Works".into(),
            currency: "EUR".into(),
            lead_time_days: 5,
            active: true,
            ..Default::default()
        },
    )
    .await?;
    fix_and_import_again(
        db,
        &admin,
        Kind::SupplierPrices,
        "Supplier,SKU,Price,MOQ\n=Bolt Works,-BOLT,lots,100\n",
        &[
            ("supplier", "Supplier"),
            ("sku", "SKU"),
            ("price", "Price"),
            ("min_quantity", "MOQ"),
        ],
        "Price",
        "0.42",
    )
    .await?;
    let supplier = suppliers::Entity::find()
        .filter(suppliers::Column::Name.eq("=Bolt Works"))
        .one(db)
        .await?
        .ok_or("no supplier")?;
    let price = supplier_prices::Entity::find()
        .filter(supplier_prices::Column::SupplierId.eq(supplier.id))
        .filter(supplier_prices::Column::ProductId.eq(bolt))
        .one(db)
        .await?
        .ok_or("no price")?;
    assert_eq!((price.price_minor, price.min_quantity), (42, 100));
    Ok(())
}

#[test]
fn a_cell_loses_only_the_quote_tandems_writer_put_there() -> TestResult {
    let parsed = import::parse(
        "Name,'@Phone,Note\n'=Acme,'+49 30 1234567,'plain\n''=x,' -1,'\n".as_bytes(),
    )?;
    assert_eq!(parsed.headers, ["Name", "@Phone", "Note"]);
    assert_eq!(
        parsed.rows,
        [["=Acme", "+49 30 1234567", "'plain"], ["'=x", "-1", "'"],]
    );
    Ok(())
}
