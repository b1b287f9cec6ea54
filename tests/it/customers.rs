use tandem_domain::testing::db_test;
use tandem_domain::{
    access::builtin::BuiltinRole,
    Error,
    {
        access::audit::{self, AuditFilter},
        crm::customers::{self, ContactInput, CustomerFilter, CustomerInput},
    },
};

use crate::{
    support::{actor, user_with, with_admin},
    TestResult,
};

fn company(name: &str) -> CustomerInput {
    CustomerInput {
        kind: "company".into(),
        name: name.into(),
        currency: "EUR".into(),
        payment_terms_days: 30,
        ..Default::default()
    }
}

#[db_test]
async fn bad_input_reports_every_field_and_writes_nothing() -> TestResult {
    let (db, admin) = with_admin().await?;
    let bad = CustomerInput {
        kind: "alien".into(),
        name: " ".into(),
        email: "nope".into(),
        phone: "12".into(),
        currency: "euro".into(),
        credit_limit_minor: -1,
        payment_terms_days: 999,
        tags: vec!["a,b".into()],
        ..Default::default()
    };
    let Err(Error::Validation(fields)) = customers::create(&db.conn, &admin, &bad).await else {
        return Err("invalid input was accepted".into());
    };
    for field in [
        "kind",
        "name",
        "email",
        "phone",
        "currency",
        "credit_limit",
        "payment_terms_days",
        "tags",
    ] {
        assert!(
            fields.contains_key(field),
            "{field} missing from {fields:?}"
        );
    }
    let page = customers::list(
        &db.conn,
        &admin,
        &CustomerFilter {
            per_page: 10,
            ..Default::default()
        },
    )
    .await?;
    assert_eq!(page.total, 0);
    Ok(())
}

#[db_test]
async fn customers_get_readable_codes_that_stay_unique_under_concurrency() -> TestResult {
    let (db, admin) = with_admin().await?;
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let conn = db.conn.clone();
            let admin = admin.clone();
            tokio::spawn(async move {
                customers::create(&conn, &admin, &company(&format!("Firm {i}"))).await
            })
        })
        .collect();
    let mut codes = Vec::new();
    for task in tasks {
        codes.push(task.await??.code);
    }
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), 8);
    assert!(
        codes.iter().all(|c| c.starts_with("CUS-") && c.len() == 10),
        "{codes:?}"
    );
    Ok(())
}

#[db_test]
async fn sales_users_see_their_own_customers_and_managers_see_all() -> TestResult {
    let (db, admin) = with_admin().await?;
    let ann = actor(
        &db.conn,
        user_with(&db.conn, &admin, "ann@example.com", BuiltinRole::Sales).await?,
    )
    .await?;
    let bob = actor(
        &db.conn,
        user_with(&db.conn, &admin, "bob@example.com", BuiltinRole::Sales).await?,
    )
    .await?;
    let boss = actor(
        &db.conn,
        user_with(&db.conn, &admin, "boss@example.com", BuiltinRole::Manager).await?,
    )
    .await?;
    let annes = customers::create(&db.conn, &ann, &company("Anne's Client")).await?;
    customers::create(&db.conn, &bob, &company("Bob's Client")).await?;
    let all = CustomerFilter {
        per_page: 50,
        ..Default::default()
    };
    assert_eq!(customers::list(&db.conn, &ann, &all).await?.total, 1);
    assert_eq!(customers::list(&db.conn, &boss, &all).await?.total, 2);
    assert!(matches!(
        customers::get(&db.conn, &bob, annes.id).await,
        Err(Error::NotFound)
    ));
    assert!(matches!(
        customers::update(
            &db.conn,
            &bob,
            annes.id,
            &company("Stolen"),
            &tandem_domain::sales::stats::OrderSummaries
        )
        .await,
        Err(Error::NotFound)
    ));
    // A sales user may not hand a customer to someone else.
    let handed = CustomerInput {
        owner_id: Some(bob.user_id),
        ..company("Gift")
    };
    assert!(matches!(
        customers::create(&db.conn, &ann, &handed).await,
        Err(Error::Forbidden)
    ));
    // A support user reads every customer but writes none.
    let sue = actor(
        &db.conn,
        user_with(&db.conn, &admin, "sue@example.com", BuiltinRole::Support).await?,
    )
    .await?;
    assert_eq!(customers::list(&db.conn, &sue, &all).await?.total, 2);
    assert!(matches!(
        customers::create(&db.conn, &sue, &company("X")).await,
        Err(Error::Forbidden)
    ));
    Ok(())
}

#[db_test]
async fn likely_duplicates_are_found_by_email_phone_tax_id_and_similar_name() -> TestResult {
    let (db, admin) = with_admin().await?;
    let acme = customers::create(
        &db.conn,
        &admin,
        &CustomerInput {
            email: "Sales@Acme.example".into(),
            phone: "+49 30 1234567".into(),
            tax_id: "DE 123.456.789".into(),
            ..company("ACME Trading GmbH")
        },
    )
    .await?;
    customers::create(&db.conn, &admin, &company("Globex")).await?;
    let reasons = |input: CustomerInput| {
        let conn = db.conn.clone();
        let admin = admin.clone();
        async move {
            let found = customers::find_duplicates(&conn, &admin, &input, None).await?;
            Ok::<_, Error>(
                found
                    .into_iter()
                    .find(|d| d.id == acme.id)
                    .map(|d| d.reasons)
                    .unwrap_or_default(),
            )
        }
    };
    assert_eq!(
        reasons(CustomerInput {
            email: "sales@acme.EXAMPLE".into(),
            ..company("Other")
        })
        .await?,
        vec!["email"]
    );
    assert_eq!(
        reasons(CustomerInput {
            phone: "030 1234567".into(),
            ..company("Other")
        })
        .await?,
        vec!["phone"]
    );
    assert_eq!(
        reasons(CustomerInput {
            tax_id: "de123456789".into(),
            ..company("Other")
        })
        .await?,
        vec!["tax_id"]
    );
    assert_eq!(reasons(company("Acme Tradng Ltd")).await?, vec!["name"]);
    assert!(reasons(company("Initech")).await?.is_empty());
    // Editing a customer does not report itself.
    let own = customers::find_duplicates(&db.conn, &admin, &company("ACME Trading"), Some(acme.id))
        .await?;
    assert!(own.iter().all(|d| d.id != acme.id));
    Ok(())
}

#[db_test]
async fn archived_customers_leave_the_list_and_come_back_with_audit() -> TestResult {
    let (db, admin) = with_admin().await?;
    let c = customers::create(&db.conn, &admin, &company("Sleepy Co")).await?;
    customers::set_archived(&db.conn, &admin, c.id, true).await?;
    let active = CustomerFilter {
        per_page: 10,
        ..Default::default()
    };
    assert_eq!(customers::list(&db.conn, &admin, &active).await?.total, 0);
    let with_archived = CustomerFilter {
        include_archived: true,
        per_page: 10,
        ..Default::default()
    };
    assert_eq!(
        customers::list(&db.conn, &admin, &with_archived)
            .await?
            .total,
        1
    );
    customers::set_archived(&db.conn, &admin, c.id, false).await?;
    assert_eq!(customers::list(&db.conn, &admin, &active).await?.total, 1);
    let log = audit::list(
        &db.conn,
        &admin,
        &AuditFilter {
            entity: Some("customer".into()),
            per_page: 20,
            ..Default::default()
        },
    )
    .await?;
    let actions: Vec<_> = log.items.iter().map(|e| e.action.as_str()).collect();
    for expected in ["customer.created", "customer.archived", "customer.restored"] {
        assert!(actions.contains(&expected), "{actions:?}");
    }
    Ok(())
}

#[db_test]
async fn companies_have_contacts_and_people_do_not() -> TestResult {
    let (db, admin) = with_admin().await?;
    let firm = customers::create(&db.conn, &admin, &company("Contacts Inc")).await?;
    let person = customers::create(
        &db.conn,
        &admin,
        &CustomerInput {
            kind: "person".into(),
            ..company("Pat Doe")
        },
    )
    .await?;
    let contact = ContactInput {
        name: "Chris Buyer".into(),
        title: "Purchasing".into(),
        email: "chris@contacts.example".into(),
        phone: "+1 555 0100 22".into(),
    };
    let added = customers::add_contact(&db.conn, &admin, firm.id, &contact).await?;
    assert_eq!(added.phone.as_deref(), Some("+1555010022"));
    assert!(matches!(
        customers::add_contact(&db.conn, &admin, person.id, &contact).await,
        Err(Error::Validation(_))
    ));
    let bad = ContactInput {
        name: String::new(),
        email: "x".into(),
        ..Default::default()
    };
    assert!(
        matches!(customers::add_contact(&db.conn, &admin, firm.id, &bad).await, Err(Error::Validation(ref f)) if f.contains_key("name") && f.contains_key("email"))
    );
    assert_eq!(
        customers::contacts_of(&db.conn, &admin, firm.id)
            .await?
            .len(),
        1
    );
    customers::remove_contact(&db.conn, &admin, added.id).await?;
    assert!(customers::contacts_of(&db.conn, &admin, firm.id)
        .await?
        .is_empty());
    Ok(())
}

#[db_test]
async fn exact_keys_are_found_first_however_many_names_share_the_first_characters() -> TestResult {
    use tandem_domain::integration::import::{self, Duplicates, Kind, Options};
    let (db, admin) = with_admin().await?;
    // 250 customers whose names share their first characters, imported.
    let mut file = String::from("Name\n");
    for i in 0..250 {
        file.push_str(&format!("Acme {i:03}\n"));
    }
    let parsed = import::parse(file.as_bytes())?;
    let options = Options {
        kind: Kind::Customers,
        mapping: [("name".to_owned(), "Name".to_owned())].into(),
        duplicates: Duplicates::Create,
        skip_bad: false,
        dry_run: false,
    };
    let run = import::start(&db.conn, &admin, "acme.csv", &parsed, &options).await?;
    let report = import::execute(&db.conn, &admin, run, &parsed, &options, |_, _| {}).await?;
    assert_eq!(report.created, 250);
    // Then one customer with the same email and phone, one with the same
    // tax id, under unrelated names.
    let both = customers::create(
        &db.conn,
        &admin,
        &CustomerInput {
            email: "billing@zeta.example".into(),
            phone: "+49 40 5550000".into(),
            ..company("Zeta Holdings")
        },
    )
    .await?;
    let tax = customers::create(
        &db.conn,
        &admin,
        &CustomerInput {
            tax_id: "DE 999 888 777".into(),
            ..company("Ypsilon Trading")
        },
    )
    .await?;
    let input = CustomerInput {
        email: "Billing@Zeta.example".into(),
        phone: "040 5550000".into(),
        tax_id: "de999888777".into(),
        ..company("ACME 100")
    };
    let found = customers::find_duplicates(&db.conn, &admin, &input, None).await?;
    let shown: Vec<(String, Vec<&str>)> = found
        .iter()
        .map(|d| (d.name.clone(), d.reasons.clone()))
        .collect();
    // Exact keys first (most in common first), then the same name, then
    // the most similar names, ties by id, capped.
    assert_eq!(
        found.len(),
        tandem_domain::crm::duplicates::SHOWN,
        "{shown:?}"
    );
    assert_eq!(found[0].id, both.id, "{shown:?}");
    assert_eq!(found[0].reasons, ["email", "phone"]);
    assert_eq!(found[1].id, tax.id, "{shown:?}");
    assert_eq!(found[1].reasons, ["tax_id"]);
    assert_eq!(
        (found[2].name.as_str(), found[2].reasons.clone()),
        ("Acme 100", vec!["name"])
    );
    let similar: Vec<&str> = found[3..].iter().map(|d| d.name.as_str()).collect();
    assert_eq!(
        similar,
        ["Acme 101", "Acme 102", "Acme 103", "Acme 104", "Acme 105", "Acme 106", "Acme 107"]
    );
    // The same answer every time.
    assert_eq!(
        customers::find_duplicates(&db.conn, &admin, &input, None).await?,
        found
    );
    // An exact key alone, with a name hundreds of others start like, comes first.
    let by_email = customers::find_duplicates(
        &db.conn,
        &admin,
        &CustomerInput {
            email: "billing@zeta.example".into(),
            ..company("Acme")
        },
        None,
    )
    .await?;
    assert_eq!(by_email.first().map(|d| d.id), Some(both.id));
    Ok(())
}

#[db_test]
async fn a_duplicate_check_refuses_overlong_input_before_any_work() -> TestResult {
    let (db, admin) = with_admin().await?;
    customers::create(&db.conn, &admin, &company(&"a".repeat(200))).await?;
    let huge = "ab".repeat(1 << 20);
    for (input, field) in [
        (company(&huge), "name"),
        (company(&"a".repeat(201)), "name"),
        (
            CustomerInput {
                email: format!("{}@example.com", "e".repeat(250)),
                ..company("Acme")
            },
            "email",
        ),
        (
            CustomerInput {
                phone: format!("+49 {}", "1".repeat(40)),
                ..company("Acme")
            },
            "phone",
        ),
        (
            CustomerInput {
                tax_id: "DE".repeat(31),
                ..company("Acme")
            },
            "tax_id",
        ),
    ] {
        let started = std::time::Instant::now();
        let refused = customers::find_duplicates(&db.conn, &admin, &input, None).await;
        let fields = match refused {
            Err(Error::Validation(fields)) => fields,
            other => return Err(format!("{field}: not refused: {other:?}").into()),
        };
        assert!(fields.contains_key(field), "{field}: {fields:?}");
        assert!(
            started.elapsed() < std::time::Duration::from_millis(500),
            "{field}: took {:?}",
            started.elapsed()
        );
        // The import's exact lookup refuses it as well.
        assert!(matches!(
            customers::find_same(&db.conn, &admin, &input).await,
            Err(Error::Validation(_))
        ));
    }
    // The longest name a customer may have is still checked.
    let longest = customers::find_duplicates(
        &db.conn,
        &admin,
        &company(&format!("  {}  ", "a".repeat(200))),
        None,
    )
    .await?;
    assert_eq!(longest.len(), 1);
    Ok(())
}

#[db_test]
async fn a_lead_with_the_same_email_is_found_however_many_leads_share_the_name_start() -> TestResult
{
    use tandem_domain::{
        crm::leads::{self, LeadInput},
        integration::import::{self, Duplicates, Kind, Options},
    };
    let (db, admin) = with_admin().await?;
    let mut file = String::from("Name\n");
    for i in 0..250 {
        file.push_str(&format!("Wang {i:03}\n"));
    }
    let parsed = import::parse(file.as_bytes())?;
    let options = Options {
        kind: Kind::Leads,
        mapping: [("name".to_owned(), "Name".to_owned())].into(),
        duplicates: Duplicates::Create,
        skip_bad: false,
        dry_run: false,
    };
    let run = import::start(&db.conn, &admin, "wang.csv", &parsed, &options).await?;
    let report = import::execute(&db.conn, &admin, run, &parsed, &options, |_, _| {}).await?;
    assert_eq!(report.created, 250);
    let same = leads::create(
        &db.conn,
        &admin,
        &LeadInput {
            // Named to sort after the similar names (the old check sorted by
            // name and kept ten).
            name: "Zhou Min".into(),
            email: "ln@example.com".into(),
            source: "web".into(),
            ..Default::default()
        },
    )
    .await?;
    let input = LeadInput {
        name: "Wang 100".into(),
        email: "LN@example.com".into(),
        ..Default::default()
    };
    let found = leads::find_duplicates(&db.conn, &admin, &input, None).await?;
    assert_eq!(
        found.first().map(|d| (d.kind, d.id, d.reasons.clone())),
        Some(("lead", same.id, vec!["email"]))
    );
    assert_eq!(found.get(1).map(|d| d.name.as_str()), Some("Wang 100"));
    assert!(found.len() <= tandem_domain::crm::duplicates::SHOWN);
    // A huge name is refused before any work.
    let huge = LeadInput {
        name: "x".repeat(1 << 21),
        ..Default::default()
    };
    assert!(matches!(
        leads::find_duplicates(&db.conn, &admin, &huge, None).await,
        Err(Error::Validation(_))
    ));
    Ok(())
}
