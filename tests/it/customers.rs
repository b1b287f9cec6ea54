use tandem_domain::{
    auth::builtin::BuiltinRole,
    services::{
        audit::{self, AuditFilter},
        customers::{self, ContactInput, CustomerFilter, CustomerInput},
    },
    Error,
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

#[tokio::test]
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
    let Err(Error::Validation(fields)) = customers::create(&db.conn, Some(&admin), &bad).await
    else {
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
        Some(&admin),
        &CustomerFilter {
            per_page: 10,
            ..Default::default()
        },
    )
    .await?;
    assert_eq!(page.total, 0);
    Ok(())
}

#[tokio::test]
async fn customers_get_readable_codes_that_stay_unique_under_concurrency() -> TestResult {
    let (db, admin) = with_admin().await?;
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let conn = db.conn.clone();
            let admin = admin.clone();
            tokio::spawn(async move {
                customers::create(&conn, Some(&admin), &company(&format!("Firm {i}"))).await
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

#[tokio::test]
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
    let annes = customers::create(&db.conn, Some(&ann), &company("Anne's Client")).await?;
    customers::create(&db.conn, Some(&bob), &company("Bob's Client")).await?;
    let all = CustomerFilter {
        per_page: 50,
        ..Default::default()
    };
    assert_eq!(customers::list(&db.conn, Some(&ann), &all).await?.total, 1);
    assert_eq!(customers::list(&db.conn, Some(&boss), &all).await?.total, 2);
    assert!(matches!(
        customers::get(&db.conn, Some(&bob), annes.id).await,
        Err(Error::NotFound)
    ));
    assert!(matches!(
        customers::update(&db.conn, Some(&bob), annes.id, &company("Stolen")).await,
        Err(Error::NotFound)
    ));
    // A sales user may not hand a customer to someone else.
    let handed = CustomerInput {
        owner_id: Some(bob.user_id),
        ..company("Gift")
    };
    assert!(matches!(
        customers::create(&db.conn, Some(&ann), &handed).await,
        Err(Error::Forbidden)
    ));
    // A support user reads every customer but writes none.
    let sue = actor(
        &db.conn,
        user_with(&db.conn, &admin, "sue@example.com", BuiltinRole::Support).await?,
    )
    .await?;
    assert_eq!(customers::list(&db.conn, Some(&sue), &all).await?.total, 2);
    assert!(matches!(
        customers::create(&db.conn, Some(&sue), &company("X")).await,
        Err(Error::Forbidden)
    ));
    Ok(())
}

#[tokio::test]
async fn likely_duplicates_are_found_by_email_phone_tax_id_and_similar_name() -> TestResult {
    let (db, admin) = with_admin().await?;
    let acme = customers::create(
        &db.conn,
        Some(&admin),
        &CustomerInput {
            email: "Sales@Acme.example".into(),
            phone: "+49 30 1234567".into(),
            tax_id: "DE 123.456.789".into(),
            ..company("ACME Trading GmbH")
        },
    )
    .await?;
    customers::create(&db.conn, Some(&admin), &company("Globex")).await?;
    let reasons = |input: CustomerInput| {
        let conn = db.conn.clone();
        let admin = admin.clone();
        async move {
            let found = customers::find_duplicates(&conn, Some(&admin), &input, None).await?;
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
    let own = customers::find_duplicates(
        &db.conn,
        Some(&admin),
        &company("ACME Trading"),
        Some(acme.id),
    )
    .await?;
    assert!(own.iter().all(|d| d.id != acme.id));
    Ok(())
}

#[tokio::test]
async fn archived_customers_leave_the_list_and_come_back_with_audit() -> TestResult {
    let (db, admin) = with_admin().await?;
    let c = customers::create(&db.conn, Some(&admin), &company("Sleepy Co")).await?;
    customers::set_archived(&db.conn, Some(&admin), c.id, true).await?;
    let active = CustomerFilter {
        per_page: 10,
        ..Default::default()
    };
    assert_eq!(
        customers::list(&db.conn, Some(&admin), &active)
            .await?
            .total,
        0
    );
    let with_archived = CustomerFilter {
        include_archived: true,
        per_page: 10,
        ..Default::default()
    };
    assert_eq!(
        customers::list(&db.conn, Some(&admin), &with_archived)
            .await?
            .total,
        1
    );
    customers::set_archived(&db.conn, Some(&admin), c.id, false).await?;
    assert_eq!(
        customers::list(&db.conn, Some(&admin), &active)
            .await?
            .total,
        1
    );
    let log = audit::list(
        &db.conn,
        Some(&admin),
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

#[tokio::test]
async fn companies_have_contacts_and_people_do_not() -> TestResult {
    let (db, admin) = with_admin().await?;
    let firm = customers::create(&db.conn, Some(&admin), &company("Contacts Inc")).await?;
    let person = customers::create(
        &db.conn,
        Some(&admin),
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
    let added = customers::add_contact(&db.conn, Some(&admin), firm.id, &contact).await?;
    assert_eq!(added.phone.as_deref(), Some("+1555010022"));
    assert!(matches!(
        customers::add_contact(&db.conn, Some(&admin), person.id, &contact).await,
        Err(Error::Validation(_))
    ));
    let bad = ContactInput {
        name: String::new(),
        email: "x".into(),
        ..Default::default()
    };
    assert!(
        matches!(customers::add_contact(&db.conn, Some(&admin), firm.id, &bad).await, Err(Error::Validation(ref f)) if f.contains_key("name") && f.contains_key("email"))
    );
    assert_eq!(
        customers::contacts_of(&db.conn, Some(&admin), firm.id)
            .await?
            .len(),
        1
    );
    customers::remove_contact(&db.conn, Some(&admin), added.id).await?;
    assert!(customers::contacts_of(&db.conn, Some(&admin), firm.id)
        .await?
        .is_empty());
    Ok(())
}
