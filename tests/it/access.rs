use tandem_domain::{
    auth::{builtin::BuiltinRole, Permission},
    services::{
        access::{self, RoleInput},
        audit::{self, AuditFilter},
        sessions::{self, StoredSession},
        users::{self, NewUser, UserFilter, UserPatch},
    },
    Error,
};

use crate::{
    support::{actor, meta, role_id, user_with, with_admin, PASSWORD},
    TestResult,
};

#[tokio::test]
async fn built_in_roles_exist_once_with_their_permissions() -> TestResult {
    let (db, admin) = with_admin().await?;
    access::ensure_builtin_roles(&db.conn).await?;
    let roles = access::list_roles(&db.conn, Some(&admin)).await?;
    assert_eq!(roles.len(), 5, "{roles:?}");
    let sales = roles
        .iter()
        .find(|r| r.builtin.as_deref() == Some("sales"))
        .ok_or("no sales role")?;
    assert!(sales.permissions.contains(&Permission::OrdersWrite));
    assert!(!sales.permissions.contains(&Permission::ProductsReadCost));
    Ok(())
}

#[tokio::test]
async fn a_role_change_applies_on_the_users_next_request() -> TestResult {
    let (db, admin) = with_admin().await?;
    let ann = user_with(&db.conn, &admin, "ann@example.com", BuiltinRole::Sales).await?;
    assert!(!actor(&db.conn, ann).await?.has(Permission::StockAdjust));
    let warehouse = role_id(&db.conn, BuiltinRole::Warehouse).await?;
    users::update(
        &db.conn,
        Some(&admin),
        ann,
        &UserPatch {
            email: "ann@example.com".into(),
            name: "Ann".into(),
            role_ids: vec![warehouse],
        },
    )
    .await?;
    let next = actor(&db.conn, ann).await?;
    assert!(next.has(Permission::StockAdjust));
    assert!(!next.has(Permission::OrdersWrite));
    Ok(())
}

#[tokio::test]
async fn deactivation_ends_sessions_and_the_actor() -> TestResult {
    let (db, admin) = with_admin().await?;
    let bo = user_with(&db.conn, &admin, "bo@example.com", BuiltinRole::Support).await?;
    let session = StoredSession {
        id: "session-of-bo".into(),
        user_id: Some(bo),
        data: "{}".into(),
        expires_at: chrono::Utc::now() + chrono::Duration::hours(1),
        client_addr: None,
        user_agent: None,
    };
    sessions::save(&db.conn, &session).await?;
    assert!(sessions::load(&db.conn, "session-of-bo").await?.is_some());
    users::set_active(&db.conn, Some(&admin), bo, false).await?;
    assert!(sessions::load(&db.conn, "session-of-bo").await?.is_none());
    assert!(access::resolve_actor(&db.conn, bo, meta("10.0.0.1"))
        .await?
        .is_none());
    users::set_active(&db.conn, Some(&admin), bo, true).await?;
    assert!(access::resolve_actor(&db.conn, bo, meta("10.0.0.1"))
        .await?
        .is_some());
    Ok(())
}

#[tokio::test]
async fn the_last_administrator_cannot_be_removed_in_any_way() -> TestResult {
    let (db, admin) = with_admin().await?;
    let admin_role = role_id(&db.conn, BuiltinRole::Admin).await?;
    let conflict = |r: Result<(), Error>| matches!(r, Err(Error::Conflict(_)));
    assert!(conflict(
        users::set_active(&db.conn, Some(&admin), admin.user_id, false).await
    ));
    assert!(conflict(
        users::update(
            &db.conn,
            Some(&admin),
            admin.user_id,
            &UserPatch {
                email: admin.email.clone(),
                name: "Root".into(),
                role_ids: vec![]
            }
        )
        .await
    ));
    assert!(conflict(
        access::delete_role(&db.conn, Some(&admin), admin_role).await
    ));
    assert!(conflict(
        access::set_role_permissions(
            &db.conn,
            Some(&admin),
            admin_role,
            &[Permission::AdminUsers]
        )
        .await
    ));
    // Nothing changed.
    assert!(actor(&db.conn, admin.user_id)
        .await?
        .has(Permission::AdminRoles));
    // With a second administrator the first may go.
    let second = user_with(&db.conn, &admin, "second@example.com", BuiltinRole::Admin).await?;
    users::set_active(&db.conn, Some(&admin), admin.user_id, false).await?;
    assert!(actor(&db.conn, second).await?.has(Permission::AdminUsers));
    Ok(())
}

#[tokio::test]
async fn two_concurrent_admin_removals_leave_one_administrator() -> TestResult {
    let (db, admin) = with_admin().await?;
    let second = user_with(&db.conn, &admin, "second@example.com", BuiltinRole::Admin).await?;
    let second_actor = actor(&db.conn, second).await?;
    let (a, b) = tokio::join!(
        users::set_active(&db.conn, Some(&second_actor), admin.user_id, false),
        users::set_active(&db.conn, Some(&admin), second, false),
    );
    assert!(
        a.is_ok() != b.is_ok(),
        "exactly one removal succeeds: {a:?} {b:?}"
    );
    let page = users::list(
        &db.conn,
        Some(if a.is_ok() { &second_actor } else { &admin }),
        &UserFilter {
            active: Some(true),
            per_page: 50,
            ..Default::default()
        },
    )
    .await?;
    assert_eq!(page.total, 1);
    Ok(())
}

#[tokio::test]
async fn roles_are_created_renamed_given_permissions_and_deleted_with_audit() -> TestResult {
    let (db, admin) = with_admin().await?;
    let id = access::create_role(
        &db.conn,
        Some(&admin),
        &RoleInput {
            name: "Sales lead".into(),
            description: "Leads the team".into(),
        },
        &[Permission::CustomersRead, Permission::CustomersReadAll],
    )
    .await?;
    let dup = access::create_role(
        &db.conn,
        Some(&admin),
        &RoleInput {
            name: "sales LEAD".into(),
            description: String::new(),
        },
        &[],
    )
    .await;
    assert!(matches!(dup, Err(Error::Validation(ref f)) if f.contains_key("name")));
    let blank = access::create_role(
        &db.conn,
        Some(&admin),
        &RoleInput {
            name: "  ".into(),
            description: String::new(),
        },
        &[],
    )
    .await;
    assert!(matches!(blank, Err(Error::Validation(ref f)) if f.contains_key("name")));
    access::update_role(
        &db.conn,
        Some(&admin),
        id,
        &RoleInput {
            name: "Team lead".into(),
            description: "Leads".into(),
        },
    )
    .await?;
    access::set_role_permissions(&db.conn, Some(&admin), id, &[Permission::OrdersRead]).await?;
    let (role, holders) = access::get_role(&db.conn, Some(&admin), id).await?;
    assert_eq!(
        (role.name.as_str(), role.permissions.as_slice()),
        ("Team lead", &[Permission::OrdersRead][..])
    );
    assert!(holders.is_empty());
    access::delete_role(&db.conn, Some(&admin), id).await?;
    assert!(matches!(
        access::get_role(&db.conn, Some(&admin), id).await,
        Err(Error::NotFound)
    ));
    let log = audit::list(
        &db.conn,
        Some(&admin),
        &AuditFilter {
            entity: Some("role".into()),
            per_page: 100,
            ..Default::default()
        },
    )
    .await?;
    let actions: Vec<_> = log.items.iter().map(|e| e.action.as_str()).collect();
    for expected in [
        "role.created",
        "role.updated",
        "role.permissions_changed",
        "role.deleted",
    ] {
        assert!(
            actions.contains(&expected),
            "{expected} missing from {actions:?}"
        );
    }
    let change = log
        .items
        .iter()
        .find(|e| e.action == "role.permissions_changed")
        .ok_or("no change")?;
    assert!(change
        .before_json
        .as_deref()
        .unwrap_or_default()
        .contains("customers.read_all"));
    assert!(change
        .after_json
        .as_deref()
        .unwrap_or_default()
        .contains("orders.read"));
    Ok(())
}

#[tokio::test]
async fn users_are_validated_listed_and_filtered() -> TestResult {
    let (db, admin) = with_admin().await?;
    let sales = role_id(&db.conn, BuiltinRole::Sales).await?;
    let bad = users::create(
        &db.conn,
        Some(&admin),
        &NewUser {
            email: "not-an-email".into(),
            name: "X".into(),
            password: None,
            role_ids: vec![],
        },
    )
    .await;
    assert!(matches!(bad, Err(Error::Validation(ref f)) if f.contains_key("email")));
    let weak = users::create(
        &db.conn,
        Some(&admin),
        &NewUser {
            email: "w@example.com".into(),
            name: "W".into(),
            password: Some("password123".into()),
            role_ids: vec![],
        },
    )
    .await;
    assert!(matches!(weak, Err(Error::Validation(ref f)) if f.contains_key("password")));
    let (id, generated) = users::create(
        &db.conn,
        Some(&admin),
        &NewUser {
            email: "Gen@Example.com".into(),
            name: "<script>alert(1)</script>".into(),
            password: None,
            role_ids: vec![sales],
        },
    )
    .await?;
    let generated = generated.ok_or("a password should have been generated")?;
    tandem_domain::services::auth::login(
        &db.conn,
        "gen@example.com",
        &generated,
        &meta("10.0.0.8"),
        &Default::default(),
    )
    .await?;
    let dup = users::create(
        &db.conn,
        Some(&admin),
        &NewUser {
            email: "GEN@example.com".into(),
            name: "Again".into(),
            password: None,
            role_ids: vec![],
        },
    )
    .await;
    assert!(matches!(dup, Err(Error::Validation(ref f)) if f.contains_key("email")));
    let found = users::list(
        &db.conn,
        Some(&admin),
        &UserFilter {
            search: Some("script".into()),
            per_page: 10,
            ..Default::default()
        },
    )
    .await?;
    assert_eq!(
        found.items.iter().map(|u| u.id).collect::<Vec<_>>(),
        vec![id]
    );
    let by_role = users::list(
        &db.conn,
        Some(&admin),
        &UserFilter {
            role_id: Some(sales),
            per_page: 10,
            ..Default::default()
        },
    )
    .await?;
    assert_eq!(by_role.total, 1);
    let paged = users::list(
        &db.conn,
        Some(&admin),
        &UserFilter {
            per_page: 1,
            page: 2,
            ..Default::default()
        },
    )
    .await?;
    assert_eq!((paged.total, paged.items.len()), (2, 1));
    Ok(())
}

#[tokio::test]
async fn services_refuse_actors_without_the_permission() -> TestResult {
    let (db, admin) = with_admin().await?;
    let ann = user_with(&db.conn, &admin, "ann@example.com", BuiltinRole::Sales).await?;
    let ann = actor(&db.conn, ann).await?;
    assert!(matches!(
        users::list(&db.conn, Some(&ann), &UserFilter::default()).await,
        Err(Error::Forbidden)
    ));
    assert!(matches!(
        users::list(&db.conn, None, &UserFilter::default()).await,
        Err(Error::Unauthenticated)
    ));
    assert!(matches!(
        access::create_role(
            &db.conn,
            Some(&ann),
            &RoleInput {
                name: "X".into(),
                description: String::new()
            },
            &[]
        )
        .await,
        Err(Error::Forbidden)
    ));
    assert!(matches!(
        audit::list(&db.conn, Some(&ann), &AuditFilter::default()).await,
        Err(Error::Forbidden)
    ));
    // A user cannot grant themselves anything through the services.
    let sales = role_id(&db.conn, BuiltinRole::Sales).await?;
    assert!(matches!(
        access::set_role_permissions(&db.conn, Some(&ann), sales, &[Permission::AdminUsers]).await,
        Err(Error::Forbidden)
    ));
    let _ = PASSWORD;
    Ok(())
}
