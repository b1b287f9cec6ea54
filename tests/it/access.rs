use std::collections::{BTreeMap, BTreeSet};
use tandem_domain::testing::db_test;

use tandem_domain::{
    access::{
        builtin::BuiltinRole,
        policy::{self, Grant, GrantSubject},
        Actor, Permission,
    },
    messages, Db, Error,
    {
        access::api_tokens::{self, TokenInput},
        access::audit::{self, AuditFilter},
        access::roles::{self as access, RoleInput},
        access::sessions::{self, StoredSession},
        access::users::{self, NewUser, UserFilter, UserPatch},
    },
};

use crate::{
    support::{actor, meta, role_id, user_with, with_admin, BoxResult, PASSWORD},
    TestResult,
};

#[db_test]
async fn built_in_roles_exist_once_with_their_permissions() -> TestResult {
    let (db, admin) = with_admin().await?;
    access::ensure_builtin_roles(&db.conn).await?;
    let roles = access::list_roles(&db.conn, &admin).await?;
    assert_eq!(roles.len(), 5, "{roles:?}");
    let sales = roles
        .iter()
        .find(|r| r.builtin.as_deref() == Some("sales"))
        .ok_or("no sales role")?;
    assert!(sales.permissions.contains(&Permission::OrdersWrite));
    assert!(!sales.permissions.contains(&Permission::ProductsReadCost));
    Ok(())
}

#[db_test]
async fn a_role_change_applies_on_the_users_next_request() -> TestResult {
    let (db, admin) = with_admin().await?;
    let ann = user_with(&db.conn, &admin, "ann@example.com", BuiltinRole::Sales).await?;
    assert!(!actor(&db.conn, ann).await?.has(Permission::StockAdjust));
    let warehouse = role_id(&db.conn, BuiltinRole::Warehouse).await?;
    users::update(
        &db.conn,
        &admin,
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

#[db_test]
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
    assert!(sessions::create(&db.conn, &session).await?);
    assert!(sessions::load(&db.conn, "session-of-bo").await?.is_some());
    users::set_active(&db.conn, &admin, bo, false).await?;
    assert!(sessions::load(&db.conn, "session-of-bo").await?.is_none());
    assert!(access::resolve_actor(&db.conn, bo, meta("10.0.0.1"))
        .await?
        .is_none());
    users::set_active(&db.conn, &admin, bo, true).await?;
    assert!(access::resolve_actor(&db.conn, bo, meta("10.0.0.1"))
        .await?
        .is_some());
    Ok(())
}

#[db_test]
async fn the_last_administrator_cannot_be_removed_in_any_way() -> TestResult {
    let (db, admin) = with_admin().await?;
    let admin_role = role_id(&db.conn, BuiltinRole::Admin).await?;
    let conflict = |r: Result<(), Error>| matches!(r, Err(Error::Conflict(_)));
    assert!(conflict(
        users::set_active(&db.conn, &admin, admin.user_id, false).await
    ));
    // Their own roles and their own role are beyond their reach anyway.
    assert_eq!(
        users::update(
            &db.conn,
            &admin,
            admin.user_id,
            &UserPatch {
                email: admin.email.clone(),
                name: "Root".into(),
                role_ids: vec![]
            }
        )
        .await,
        Err(Error::field("form", messages::OWN_ROLES))
    );
    assert_eq!(
        access::delete_role(&db.conn, &admin, admin_role).await,
        Err(Error::field("form", messages::OWN_ROLE))
    );
    assert_eq!(
        access::set_role_permissions(&db.conn, &admin, admin_role, &[Permission::AdminUsers]).await,
        Err(Error::field("form", messages::OWN_ROLE))
    );
    // Nothing changed.
    assert!(actor(&db.conn, admin.user_id)
        .await?
        .has(Permission::AdminRoles));
    // With a second administrator the first may go.
    let second = user_with(&db.conn, &admin, "second@example.com", BuiltinRole::Admin).await?;
    users::set_active(&db.conn, &admin, admin.user_id, false).await?;
    assert!(actor(&db.conn, second).await?.has(Permission::AdminUsers));
    Ok(())
}

#[db_test]
async fn two_concurrent_admin_removals_leave_one_administrator() -> TestResult {
    let (db, admin) = with_admin().await?;
    let second = user_with(&db.conn, &admin, "second@example.com", BuiltinRole::Admin).await?;
    let second_actor = actor(&db.conn, second).await?;
    let (a, b) = tokio::join!(
        users::set_active(&db.conn, &second_actor, admin.user_id, false),
        users::set_active(&db.conn, &admin, second, false),
    );
    assert!(
        a.is_ok() != b.is_ok(),
        "exactly one removal succeeds: {a:?} {b:?}"
    );
    let page = users::list(
        &db.conn,
        if a.is_ok() { &second_actor } else { &admin },
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

#[db_test]
async fn roles_are_created_renamed_given_permissions_and_deleted_with_audit() -> TestResult {
    let (db, admin) = with_admin().await?;
    let id = access::create_role(
        &db.conn,
        &admin,
        &RoleInput {
            name: "Sales lead".into(),
            description: "Leads the team".into(),
        },
        &[Permission::CustomersRead, Permission::CustomersReadAll],
    )
    .await?;
    let dup = access::create_role(
        &db.conn,
        &admin,
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
        &admin,
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
        &admin,
        id,
        &RoleInput {
            name: "Team lead".into(),
            description: "Leads".into(),
        },
    )
    .await?;
    access::set_role_permissions(&db.conn, &admin, id, &[Permission::OrdersRead]).await?;
    let (role, holders) = access::get_role(&db.conn, &admin, id).await?;
    assert_eq!(
        (role.name.as_str(), role.permissions.as_slice()),
        ("Team lead", &[Permission::OrdersRead][..])
    );
    assert!(holders.is_empty());
    access::delete_role(&db.conn, &admin, id).await?;
    assert!(matches!(
        access::get_role(&db.conn, &admin, id).await,
        Err(Error::NotFound)
    ));
    let log = audit::list(
        &db.conn,
        &admin,
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

#[db_test]
async fn users_are_validated_listed_and_filtered() -> TestResult {
    let (db, admin) = with_admin().await?;
    let sales = role_id(&db.conn, BuiltinRole::Sales).await?;
    let bad = users::create(
        &db.conn,
        &admin,
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
        &admin,
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
        &admin,
        &NewUser {
            email: "Gen@Example.com".into(),
            name: "<script>alert(1)</script>".into(),
            password: None,
            role_ids: vec![sales],
        },
    )
    .await?;
    let generated = generated.ok_or("a password should have been generated")?;
    tandem_domain::access::sign_in::login(
        &db.conn,
        "gen@example.com",
        &generated,
        &meta("10.0.0.8"),
        &Default::default(),
    )
    .await?;
    let dup = users::create(
        &db.conn,
        &admin,
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
        &admin,
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
        &admin,
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
        &admin,
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

#[db_test]
async fn services_refuse_actors_without_the_permission() -> TestResult {
    let (db, admin) = with_admin().await?;
    let ann = user_with(&db.conn, &admin, "ann@example.com", BuiltinRole::Sales).await?;
    let ann = actor(&db.conn, ann).await?;
    assert!(matches!(
        users::list(&db.conn, &ann, &UserFilter::default()).await,
        Err(Error::Forbidden)
    ));
    assert!(matches!(
        access::create_role(
            &db.conn,
            &ann,
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
        audit::list(&db.conn, &ann, &AuditFilter::default()).await,
        Err(Error::Forbidden)
    ));
    // A user cannot grant themselves anything through the services.
    let sales = role_id(&db.conn, BuiltinRole::Sales).await?;
    assert!(matches!(
        access::set_role_permissions(&db.conn, &ann, sales, &[Permission::AdminUsers]).await,
        Err(Error::Forbidden)
    ));
    let _ = PASSWORD;
    Ok(())
}

/// Every `admin.*` permission of the catalogue.
fn admin_permissions() -> Vec<Permission> {
    Permission::ALL
        .iter()
        .copied()
        .filter(|p| p.code().starts_with("admin."))
        .collect()
}

/// Every subset of `items`, the empty one included.
fn subsets(items: &[Permission]) -> Vec<Vec<Permission>> {
    (0..1_u32 << items.len())
        .map(|mask| {
            items
                .iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, p)| *p)
                .collect()
        })
        .collect()
}

/// Asserts that `got` was refused: `Forbidden` for an actor without the
/// area's permission at all, otherwise the grant rule's `message`.
fn assert_refused<T: std::fmt::Debug>(
    what: &str,
    got: Result<T, Error>,
    held: &[Permission],
    area: Permission,
    message: &str,
) {
    let expected = if held.contains(&area) {
        Error::field("form", message)
    } else {
        Error::Forbidden
    };
    match got {
        Ok(value) => panic!("{what} with {held:?} was allowed: {value:?}"),
        Err(error) => assert_eq!(error, expected, "{what} with {held:?}"),
    }
}

async fn new_role(db: &Db, by: &Actor, name: &str, permissions: &[Permission]) -> BoxResult<i64> {
    Ok(access::create_role(
        db,
        by,
        &RoleInput {
            name: name.into(),
            description: String::new(),
        },
        permissions,
    )
    .await?)
}

async fn new_user(db: &Db, by: &Actor, email: &str, role_ids: Vec<i64>) -> BoxResult<i64> {
    let (id, _) = users::create(
        db,
        by,
        &NewUser {
            email: email.into(),
            name: email.into(),
            password: Some(PASSWORD.into()),
            role_ids,
        },
    )
    .await?;
    Ok(id)
}

fn patch(email: &str, role_ids: Vec<i64>) -> UserPatch {
    UserPatch {
        email: email.into(),
        name: email.into(),
        role_ids,
    }
}

fn role_ids_of(user: &users::UserInfo) -> Vec<i64> {
    user.roles.iter().map(|(id, _)| *id).collect()
}

/// Mallory, whose own role is set to each subset of the admin
/// permissions in turn, and what she aims at: Victor (no roles), a spare
/// role nobody holds, the Admin role and the administrator.
struct Attack {
    root: Actor,
    admin_role: i64,
    own_role: i64,
    spare: i64,
    mallory: i64,
    victor: i64,
}

async fn attack(db: &Db, root: Actor) -> BoxResult<Attack> {
    let admin_role = role_id(db, BuiltinRole::Admin).await?;
    let own_role = new_role(db, &root, "Mallory's role", &[]).await?;
    let spare = new_role(db, &root, "Spare", &[]).await?;
    let mallory = new_user(db, &root, "mallory@example.com", vec![own_role]).await?;
    let victor = new_user(db, &root, "victor@example.com", vec![]).await?;
    Ok(Attack {
        root,
        admin_role,
        own_role,
        spare,
        mallory,
        victor,
    })
}

/// One attempt of the attack: Mallory holding `held`, round `n`, and
/// `bigger`, a role holding one permission more than she does.
struct Round<'a> {
    t: &'a Attack,
    by: &'a Actor,
    held: &'a [Permission],
    n: usize,
    beyond: &'a [Permission],
    bigger: i64,
}

/// Themselves: the Admin role, or every permission through their role.
async fn refuses_raising_ones_own_grants(db: &Db, r: &Round<'_>) {
    let with_admin = patch("mallory@example.com", vec![r.t.own_role, r.t.admin_role]);
    assert_refused(
        "giving oneself the Admin role",
        users::update(db, r.by, r.t.mallory, &with_admin).await,
        r.held,
        Permission::AdminUsers,
        messages::OWN_ROLES,
    );
    assert_refused(
        "giving one's own role every permission",
        access::set_role_permissions(db, r.by, r.t.own_role, Permission::ALL).await,
        r.held,
        Permission::AdminRoles,
        messages::OWN_ROLE,
    );
}

/// A role with more than they hold: created, filled or given.
async fn refuses_grants_beyond_ones_own(db: &Db, r: &Round<'_>) {
    let more = RoleInput {
        name: format!("More {}", r.n),
        description: String::new(),
    };
    assert_refused(
        "creating a role beyond one's own",
        access::create_role(db, r.by, &more, r.beyond).await,
        r.held,
        Permission::AdminRoles,
        messages::GRANT_BEYOND_OWN,
    );
    assert_refused(
        "giving a role nobody holds every permission",
        access::set_role_permissions(db, r.by, r.t.spare, Permission::ALL).await,
        r.held,
        Permission::AdminRoles,
        messages::GRANT_BEYOND_OWN,
    );
    let bigger = patch("victor@example.com", vec![r.bigger]);
    assert_refused(
        "giving someone a role beyond one's own",
        users::update(db, r.by, r.t.victor, &bigger).await,
        r.held,
        Permission::AdminUsers,
        messages::GRANT_BEYOND_OWN,
    );
    let admin = patch("victor@example.com", vec![r.t.admin_role]);
    assert_refused(
        "giving someone the Admin role",
        users::update(db, r.by, r.t.victor, &admin).await,
        r.held,
        Permission::AdminUsers,
        messages::GRANT_BEYOND_OWN,
    );
}

/// What holds more than they do: the Admin role, the administrator.
async fn refuses_touching_what_holds_more(db: &Db, r: &Round<'_>) {
    use Permission::{AdminIntegrations, AdminRoles, AdminUsers};
    let (admin_role, root) = (r.t.admin_role, r.t.root.user_id);
    let renamed = RoleInput {
        name: format!("Renamed {}", r.n),
        description: String::new(),
    };
    assert_refused(
        "renaming the Admin role",
        access::update_role(db, r.by, admin_role, &renamed).await,
        r.held,
        AdminRoles,
        messages::ROLE_BEYOND_OWN,
    );
    assert_refused(
        "cutting the Admin role down",
        access::set_role_permissions(db, r.by, admin_role, r.held).await,
        r.held,
        AdminRoles,
        messages::ROLE_BEYOND_OWN,
    );
    assert_refused(
        "deleting the Admin role",
        access::delete_role(db, r.by, admin_role).await,
        r.held,
        AdminRoles,
        messages::ROLE_BEYOND_OWN,
    );
    assert_refused(
        "deactivating the administrator",
        users::set_active(db, r.by, root, false).await,
        r.held,
        AdminUsers,
        messages::USER_BEYOND_OWN,
    );
    let as_root = TokenInput {
        user_id: Some(root),
        name: format!("as root {}", r.n),
        permissions: None,
        expires_at: None,
    };
    assert_refused(
        "a token acting as the administrator",
        api_tokens::create(db, r.by, &as_root, chrono::Utc::now()).await,
        r.held,
        AdminIntegrations,
        messages::USER_BEYOND_OWN,
    );
}

/// The attempts that hash a password (slow, so not made for every subset).
async fn refuses_passwords_beyond_ones_own(db: &Db, r: &Round<'_>) {
    let password: Option<String> = Some("another-kettle-9".into());
    assert_refused(
        "setting the administrator's password",
        users::reset_password(db, r.by, r.t.root.user_id, password).await,
        r.held,
        Permission::AdminUsers,
        messages::USER_BEYOND_OWN,
    );
    let sock = NewUser {
        email: format!("sock{}@example.com", r.n),
        name: "Sock".into(),
        password: Some(PASSWORD.into()),
        role_ids: vec![r.bigger],
    };
    assert_refused(
        "creating a user with a role beyond one's own",
        users::create(db, r.by, &sock).await,
        r.held,
        Permission::AdminUsers,
        messages::GRANT_BEYOND_OWN,
    );
}

/// What they hold, they may give to others and take back.
async fn gives_and_takes_back_what_one_holds(
    db: &Db,
    r: &Round<'_>,
    attacker: &Actor,
) -> TestResult {
    if r.held.contains(&Permission::AdminRoles) {
        let within = new_role(db, attacker, &format!("Within {}", r.n), r.held).await?;
        access::set_role_permissions(db, r.by, within, &[]).await?;
        access::delete_role(db, r.by, within).await?;
    }
    if r.held.contains(&Permission::AdminUsers) {
        let victor = r.t.victor;
        users::update(
            db,
            r.by,
            victor,
            &patch("victor@example.com", vec![r.t.own_role]),
        )
        .await?;
        users::update(db, r.by, victor, &patch("victor@example.com", vec![])).await?;
    }
    Ok(())
}

/// Nothing beyond the attacker's reach changed, and the administrator
/// still signs in with their password.
async fn nothing_beyond_reach_changed(db: &Db, t: &Attack) -> TestResult {
    let root = &t.root;
    let root_now = users::get(db, root, t.root.user_id).await?;
    assert_eq!(role_ids_of(&root_now), vec![t.admin_role]);
    assert!(root_now.active);
    assert!(users::get(db, root, t.victor).await?.roles.is_empty());
    assert_eq!(
        role_ids_of(&users::get(db, root, t.mallory).await?),
        vec![t.own_role]
    );
    let (admin_now, _) = access::get_role(db, root, t.admin_role).await?;
    assert_eq!(
        (admin_now.name.as_str(), admin_now.permissions.len()),
        ("Admin", Permission::ALL.len())
    );
    let (spare_now, _) = access::get_role(db, root, t.spare).await?;
    assert!(spare_now.permissions.is_empty());
    assert!(api_tokens::list(db, root).await?.is_empty());
    tandem_domain::access::sign_in::login(
        db,
        &t.root.email,
        PASSWORD,
        &meta("10.0.0.9"),
        &Default::default(),
    )
    .await?;
    Ok(())
}

#[db_test]
async fn no_admin_permission_alone_or_combined_grants_more_than_it_holds() -> TestResult {
    let (test_db, root) = with_admin().await?;
    let db = &test_db.conn;
    let t = attack(db, root).await?;
    let admin = admin_permissions();
    assert!(admin.len() >= 7, "{admin:?}");
    for (n, held) in subsets(&admin).into_iter().enumerate() {
        access::set_role_permissions(db, &t.root, t.own_role, &held).await?;
        let attacker = actor(db, t.mallory).await?;
        assert_eq!(
            attacker.permissions,
            held.iter().copied().collect::<BTreeSet<_>>()
        );
        let mut beyond = held.clone();
        beyond.push(Permission::CustomersRead);
        let bigger = new_role(db, &t.root, &format!("Bigger {n}"), &beyond).await?;
        let by = &attacker;
        let round = Round {
            t: &t,
            by,
            held: &held,
            n,
            beyond: &beyond,
            bigger,
        };
        refuses_raising_ones_own_grants(db, &round).await;
        refuses_grants_beyond_ones_own(db, &round).await;
        refuses_touching_what_holds_more(db, &round).await;
        if held.len() <= 2 || held.len() == admin.len() {
            refuses_passwords_beyond_ones_own(db, &round).await;
        }
        gives_and_takes_back_what_one_holds(db, &round, &attacker).await?;
        access::delete_role(db, &t.root, bigger).await?;
    }
    nothing_beyond_reach_changed(db, &t).await
}

#[db_test]
async fn an_administrator_gives_roles_to_others_but_never_to_themselves() -> TestResult {
    let (test_db, root) = with_admin().await?;
    let db = &test_db.conn;
    let admin_role = role_id(db, BuiltinRole::Admin).await?;
    let sales_role = role_id(db, BuiltinRole::Sales).await?;
    let ann = user_with(db, &root, "ann@example.com", BuiltinRole::Sales).await?;
    // Others: any role, a new role with any permissions, a password.
    users::update(
        db,
        &root,
        ann,
        &patch("ann@example.com", vec![sales_role, admin_role]),
    )
    .await?;
    assert!(actor(db, ann).await?.has(Permission::AdminRoles));
    let auditor = new_role(db, &root, "Auditor", &[Permission::AdminAudit]).await?;
    access::set_role_permissions(
        db,
        &root,
        auditor,
        &[Permission::AdminAudit, Permission::ReportsView],
    )
    .await?;
    users::reset_password(db, &root, ann, Some("fresh-kettle-sings-7".into())).await?;
    // Themselves: their own name and their role's name, yes; their roles
    // and their role's permissions, no.
    users::update(
        db,
        &root,
        root.user_id,
        &patch(&root.email, vec![admin_role]),
    )
    .await?;
    let admins = RoleInput {
        name: "Administrators".into(),
        description: String::new(),
    };
    access::update_role(db, &root, admin_role, &admins).await?;
    assert_eq!(
        users::update(
            db,
            &root,
            root.user_id,
            &patch(&root.email, vec![admin_role, auditor])
        )
        .await,
        Err(Error::field("form", messages::OWN_ROLES))
    );
    assert_eq!(
        access::set_role_permissions(
            db,
            &root,
            admin_role,
            &[Permission::AdminUsers, Permission::AdminRoles]
        )
        .await,
        Err(Error::field("form", messages::OWN_ROLE))
    );
    // Another administrator may: nobody is stuck with their roles.
    let ann_actor = actor(db, ann).await?;
    users::update(
        db,
        &ann_actor,
        root.user_id,
        &patch(&root.email, vec![admin_role, auditor]),
    )
    .await?;
    assert_eq!(
        role_ids_of(&users::get(db, &root, root.user_id).await?).len(),
        2
    );
    // An actor limited to fewer permissions than their roles give (as an
    // API token is) grants only what the limit leaves.
    let mut limited = root.clone();
    limited.permissions = BTreeSet::from([Permission::AdminUsers]);
    let bo = new_user(db, &root, "bo@example.com", vec![]).await?;
    assert_eq!(
        users::update(db, &limited, bo, &patch("bo@example.com", vec![sales_role])).await,
        Err(Error::field("form", messages::GRANT_BEYOND_OWN))
    );
    assert_eq!(
        users::reset_password(db, &limited, ann, None).await,
        Err(Error::field("form", messages::USER_BEYOND_OWN))
    );
    Ok(())
}

#[db_test]
async fn a_demoted_administrator_grants_nothing_with_a_stale_actor_even_concurrently() -> TestResult
{
    let (test_db, root) = with_admin().await?;
    let db = &test_db.conn;
    let admin_role = role_id(db, BuiltinRole::Admin).await?;
    let deputy_role = new_role(db, &root, "Deputy", Permission::ALL).await?;
    let deputy = new_user(db, &root, "deputy@example.com", vec![deputy_role]).await?;
    let vic = new_user(db, &root, "vic@example.com", vec![]).await?;
    // Demoted after their request began: what they held then counts for nothing.
    let stale = actor(db, deputy).await?;
    access::set_role_permissions(db, &root, deputy_role, &[Permission::AdminUsers]).await?;
    assert_eq!(
        users::update(db, &stale, vic, &patch("vic@example.com", vec![admin_role])).await,
        Err(Error::field("form", messages::GRANT_BEYOND_OWN))
    );
    // Demoted while granting: the grant either came first or is refused.
    for round in 0..5 {
        access::set_role_permissions(db, &root, deputy_role, Permission::ALL).await?;
        users::update(db, &root, vic, &patch("vic@example.com", vec![])).await?;
        let deputy_actor = actor(db, deputy).await?;
        let demote = [Permission::AdminUsers];
        let give = patch("vic@example.com", vec![admin_role]);
        let (demoted, granted) = tokio::join!(
            access::set_role_permissions(db, &root, deputy_role, &demote),
            users::update(db, &deputy_actor, vic, &give),
        );
        demoted?;
        let vic_roles = role_ids_of(&users::get(db, &root, vic).await?);
        match granted {
            Ok(()) => {
                assert_eq!(vic_roles, vec![admin_role], "round {round}");
                let log = audit::list(
                    db,
                    &root,
                    &AuditFilter {
                        page: 1,
                        per_page: 20,
                        ..Default::default()
                    },
                )
                .await?;
                let newest = |action: &str, id: i64| {
                    log.items
                        .iter()
                        .filter(|e| e.action == action)
                        .filter(|e| e.entity_id.as_deref() == Some(id.to_string().as_str()))
                        .map(|e| e.id)
                        .max()
                };
                let grant = newest("user.updated", vic).ok_or("no grant audited")?;
                let demotion =
                    newest("role.permissions_changed", deputy_role).ok_or("no demotion audited")?;
                assert!(
                    grant < demotion,
                    "round {round}: granted after the demotion"
                );
            }
            Err(error) => {
                assert_eq!(
                    error,
                    Error::field("form", messages::GRANT_BEYOND_OWN),
                    "round {round}"
                );
                assert!(vic_roles.is_empty(), "round {round}");
            }
        }
    }
    Ok(())
}

#[db_test]
async fn the_audit_filter_offers_every_audited_type_and_filters_by_each() -> TestResult {
    let (test_db, admin) = with_admin().await?;
    let db = &test_db.conn;
    tandem_domain::demo::seed(db).await?;
    let offered = audit::record_types(&admin)?;
    // The demo's daily business is mostly these, and each is offered.
    for kind in [
        "order", "shipment", "invoice", "ticket", "customer", "user", "role",
    ] {
        assert!(offered.contains(&kind), "{kind} is not offered");
        let filter = AuditFilter {
            entity: Some(kind.into()),
            page: 1,
            per_page: 200,
            ..Default::default()
        };
        let found = audit::list(db, &admin, &filter).await?;
        assert!(found.total > 0, "no {kind} entries");
        assert!(
            found.items.iter().all(|e| e.entity == kind),
            "the {kind} filter returned other records"
        );
    }
    // Every kind of record in the log can be chosen.
    let mut page = 1;
    loop {
        let filter = AuditFilter {
            page,
            per_page: 200,
            ..Default::default()
        };
        let found = audit::list(db, &admin, &filter).await?;
        for event in &found.items {
            assert!(
                offered.contains(&event.entity.as_str()),
                "{} ({}) cannot be filtered for",
                event.entity,
                event.action
            );
        }
        if found.items.len() < 200 || page >= 500 {
            break;
        }
        page += 1;
    }
    // Only auditors see the list.
    let ann = user_with(db, &admin, "ann@example.com", BuiltinRole::Sales).await?;
    assert_eq!(
        audit::record_types(&actor(db, ann).await?),
        Err(Error::Forbidden)
    );
    Ok(())
}

/// Each role's permissions, as the roles list shows them.
async fn permissions_by_role(
    db: &Db,
    by: &Actor,
) -> BoxResult<BTreeMap<i64, BTreeSet<Permission>>> {
    Ok(access::list_roles(db, by)
        .await?
        .into_iter()
        .map(|r| (r.id, r.permissions.into_iter().collect()))
        .collect())
}

/// `set` with `item` added, or removed when present: one check box clicked.
fn toggled<T: Ord + Copy>(set: &BTreeSet<T>, item: T) -> BTreeSet<T> {
    let mut next = set.clone();
    if !next.remove(&item) {
        next.insert(item);
    }
    next
}

/// What an offer should say, given what `policy::may_grant` says of the save.
fn as_offered(outcome: Result<(), Error>) -> Option<String> {
    match outcome {
        Ok(()) => None,
        Err(Error::Validation(fields)) => fields.get("form").cloned(),
        Err(other) => Some(format!("{other:?}")),
    }
}

/// What a save of an offered (`None`) or withheld choice should get.
fn as_saved(withheld: &Option<String>) -> Result<(), Error> {
    match withheld {
        None => Ok(()),
        Some(message) => Err(Error::field("form", message.clone())),
    }
}

/// Mallory holds a partial administrator's role (users, roles, customers
/// and orders); the other roles: one within her reach, an empty one, one
/// beyond it and the Admin role. Victor holds the role within reach, the
/// boss the Admin role.
struct Forms {
    root: Actor,
    attacker: Actor,
    held: [Permission; 4],
    admin_role: i64,
    partial: i64,
    within: i64,
    empty: i64,
    beyond: i64,
    mallory: i64,
    victor: i64,
    boss: i64,
    /// Each role's permissions, as the roles list shows them.
    by_role: BTreeMap<i64, BTreeSet<Permission>>,
}

impl Forms {
    /// What the roles `ids` give together.
    fn perms_of(&self, ids: &BTreeSet<i64>) -> BTreeSet<Permission> {
        ids.iter()
            .filter_map(|id| self.by_role.get(id))
            .flatten()
            .copied()
            .collect()
    }
}

async fn forms(db: &Db, root: Actor) -> BoxResult<Forms> {
    use Permission::{AdminRoles, AdminUsers, CustomersRead, OrdersRead, StockAdjust};
    let admin_role = role_id(db, BuiltinRole::Admin).await?;
    let held = [AdminUsers, AdminRoles, CustomersRead, OrdersRead];
    let partial = new_role(db, &root, "Partial admin", &held).await?;
    let within = new_role(db, &root, "Customers only", &[CustomersRead]).await?;
    let empty = new_role(db, &root, "Empty", &[]).await?;
    let beyond = new_role(db, &root, "Orders and stock", &[OrdersRead, StockAdjust]).await?;
    let mallory = new_user(db, &root, "mallory@example.com", vec![partial]).await?;
    let victor = new_user(db, &root, "victor@example.com", vec![within]).await?;
    let boss = new_user(db, &root, "boss@example.com", vec![admin_role]).await?;
    let attacker = actor(db, mallory).await?;
    let by_role = permissions_by_role(db, &root).await?;
    Ok(Forms {
        root,
        attacker,
        held,
        admin_role,
        partial,
        within,
        empty,
        beyond,
        mallory,
        victor,
        boss,
        by_role,
    })
}

/// A user's roles form: a new user, one within reach, one beyond,
/// themselves, with the email each is saved under.
fn role_subjects(f: &Forms) -> [(Option<i64>, &'static str); 4] {
    [
        (None, ""),
        (Some(f.victor), "victor@example.com"),
        (Some(f.boss), "boss@example.com"),
        (Some(f.mallory), "mallory@example.com"),
    ]
}

#[db_test]
async fn each_role_offered_says_what_saving_that_role_alone_gets() -> TestResult {
    let (test_db, root) = with_admin().await?;
    let db = &test_db.conn;
    let f = forms(db, root).await?;
    let by = &f.attacker;
    for (subject, email) in role_subjects(&f) {
        let theirs: BTreeSet<i64> = match subject {
            Some(id) => role_ids_of(&users::get(db, &f.root, id).await?)
                .into_iter()
                .collect(),
            None => BTreeSet::new(),
        };
        let offers = access::role_offers(db, by, subject).await?;
        assert_eq!(
            offers.iter().map(|o| o.choice.0).collect::<BTreeSet<_>>(),
            f.by_role.keys().copied().collect::<BTreeSet<_>>(),
            "every role is shown for {subject:?}"
        );
        for offer in &offers {
            let role = offer.choice.0;
            let next = toggled(&theirs, role);
            let grant = Grant {
                subject: GrantSubject::User,
                before: f.perms_of(&theirs),
                after: f.perms_of(&next),
                own: subject == Some(f.mallory),
            };
            let what = format!("role {} for {subject:?}", offer.choice.1);
            assert_eq!(
                offer.withheld,
                as_offered(policy::may_grant(&f.attacker.permissions, &grant)),
                "{what}"
            );
            assert_eq!(offer.grantable(), offer.withheld.is_none(), "{what}");
            // The save that ticks or unticks it alone, then back as it was.
            let saved = match subject {
                Some(id) => {
                    let roles = next.iter().copied().collect();
                    users::update(db, by, id, &patch(email, roles)).await
                }
                None => {
                    let new = NewUser {
                        email: format!("new-{role}@example.com"),
                        name: "New".into(),
                        password: Some(PASSWORD.into()),
                        role_ids: vec![role],
                    };
                    users::create(db, by, &new).await.map(|_| ())
                }
            };
            assert_eq!(saved, as_saved(&offer.withheld), "saving {what}");
            if let Some(id) = subject {
                let roles = theirs.iter().copied().collect();
                users::update(db, &f.root, id, &patch(email, roles)).await?;
            }
        }
    }
    Ok(())
}

#[db_test]
async fn a_partial_administrator_is_offered_only_the_roles_within_their_reach() -> TestResult {
    let (test_db, root) = with_admin().await?;
    let db = &test_db.conn;
    let f = forms(db, root).await?;
    let mut offered: BTreeMap<Option<i64>, Vec<(i64, Option<String>)>> = BTreeMap::new();
    for (subject, _) in role_subjects(&f) {
        let offers = access::role_offers(db, &f.attacker, subject).await?;
        offered.insert(
            subject,
            offers
                .into_iter()
                .map(|o| (o.choice.0, o.withheld))
                .collect(),
        );
    }
    // Within reach: what the attacker holds, given or taken; nothing more.
    let beyond_own = Some(messages::GRANT_BEYOND_OWN.to_owned());
    for subject in [None, Some(f.victor)] {
        let says = |role: i64| {
            offered[&subject]
                .iter()
                .find(|(id, _)| *id == role)
                .map(|(_, withheld)| withheld.clone())
        };
        for grantable in [f.partial, f.within, f.empty] {
            assert_eq!(says(grantable), Some(None), "{grantable} for {subject:?}");
        }
        for withheld in [f.admin_role, f.beyond] {
            assert_eq!(says(withheld), Some(beyond_own.clone()), "{subject:?}");
        }
    }
    // Someone holding more, and themselves: shown, none changeable.
    for (subject, message) in [
        (f.boss, messages::USER_BEYOND_OWN),
        (f.mallory, messages::OWN_ROLES),
    ] {
        assert!(offered[&Some(subject)]
            .iter()
            .all(|(_, withheld)| withheld.as_deref() == Some(message)));
    }
    Ok(())
}

#[db_test]
async fn each_permission_offered_says_what_saving_that_permission_alone_gets() -> TestResult {
    let (test_db, root) = with_admin().await?;
    let db = &test_db.conn;
    let f = forms(db, root).await?;
    let by = &f.attacker;
    // A role's matrix: a new role, one within reach, one beyond, their own.
    for (subject, own) in [
        (None, false),
        (Some(f.within), false),
        (Some(f.admin_role), false),
        (Some(f.partial), true),
    ] {
        let before = subject
            .and_then(|id| f.by_role.get(&id).cloned())
            .unwrap_or_default();
        let offers = access::permission_offers(db, by, subject).await?;
        assert_eq!(
            offers.iter().map(|o| o.choice).collect::<Vec<_>>(),
            Permission::ALL.to_vec()
        );
        for offer in &offers {
            let after = toggled(&before, offer.choice);
            let grant = Grant {
                subject: GrantSubject::Role,
                before: before.clone(),
                after: after.clone(),
                own,
            };
            let what = format!("{:?} on {subject:?}", offer.choice);
            assert_eq!(
                offer.withheld,
                as_offered(policy::may_grant(&f.attacker.permissions, &grant)),
                "{what}"
            );
            let after: Vec<Permission> = after.into_iter().collect();
            let saved = match subject {
                Some(id) => access::set_role_permissions(db, by, id, &after).await,
                None => {
                    let input = RoleInput {
                        name: format!("New {}", offer.choice.code()),
                        description: String::new(),
                    };
                    access::create_role(db, by, &input, &after)
                        .await
                        .map(|_| ())
                }
            };
            assert_eq!(saved, as_saved(&offer.withheld), "saving {what}");
            if let Some(id) = subject {
                let back: Vec<Permission> = before.iter().copied().collect();
                access::set_role_permissions(db, &f.root, id, &back).await?;
            }
        }
        let grantable: BTreeSet<Permission> = offers
            .iter()
            .filter(|o| o.grantable())
            .map(|o| o.choice)
            .collect();
        let expected: BTreeSet<Permission> = match subject {
            Some(id) if id == f.admin_role || id == f.partial => BTreeSet::new(),
            _ => f.held.into_iter().collect(),
        };
        assert_eq!(grantable, expected, "{subject:?}");
    }
    Ok(())
}

/// An offer is advice: a save is judged afresh. Demoted after the form
/// loaded, the attacker may no longer take Victor's role away, and the
/// form now says so.
#[db_test]
async fn a_save_after_the_form_loaded_is_judged_on_the_grants_held_then() -> TestResult {
    use Permission::AdminUsers;
    let (test_db, root) = with_admin().await?;
    let db = &test_db.conn;
    let f = forms(db, root).await?;
    let by = &f.attacker;
    let before_demotion = access::role_offers(db, by, Some(f.victor)).await?;
    assert!(before_demotion
        .iter()
        .any(|o| o.choice.0 == f.within && o.grantable()));
    access::set_role_permissions(db, &f.root, f.partial, &[AdminUsers]).await?;
    assert_eq!(
        users::update(db, by, f.victor, &patch("victor@example.com", vec![])).await,
        Err(Error::field("form", messages::USER_BEYOND_OWN))
    );
    let after_demotion = access::role_offers(db, by, Some(f.victor)).await?;
    assert!(after_demotion
        .iter()
        .all(|o| o.withheld.as_deref() == Some(messages::USER_BEYOND_OWN)));
    assert_eq!(
        role_ids_of(&users::get(db, &f.root, f.victor).await?),
        vec![f.within]
    );
    Ok(())
}

#[db_test]
async fn the_access_offers_need_the_forms_permission_and_an_existing_record() -> TestResult {
    let (test_db, root) = with_admin().await?;
    let db = &test_db.conn;
    let ann = user_with(db, &root, "ann@example.com", BuiltinRole::Sales).await?;
    let ann_actor = actor(db, ann).await?;
    assert_eq!(
        access::role_offers(db, &ann_actor, Some(ann)).await,
        Err(Error::Forbidden)
    );
    assert_eq!(
        access::permission_offers(db, &ann_actor, None).await,
        Err(Error::Forbidden)
    );
    for missing in [0, -1, i64::MIN, i64::MAX, 999_999] {
        assert_eq!(
            access::role_offers(db, &root, Some(missing)).await,
            Err(Error::NotFound),
            "user {missing}"
        );
        assert_eq!(
            access::permission_offers(db, &root, Some(missing)).await,
            Err(Error::NotFound),
            "role {missing}"
        );
    }
    // A full administrator may give anyone else any role, never change their own.
    let for_ann = access::role_offers(db, &root, Some(ann)).await?;
    assert!(!for_ann.is_empty() && for_ann.iter().all(|o| o.grantable()));
    let own = access::role_offers(db, &root, Some(root.user_id)).await?;
    assert!(own
        .iter()
        .all(|o| o.withheld.as_deref() == Some(messages::OWN_ROLES)));
    let admin_role = role_id(db, BuiltinRole::Admin).await?;
    let own_role = access::permission_offers(db, &root, Some(admin_role)).await?;
    assert!(own_role
        .iter()
        .all(|o| o.withheld.as_deref() == Some(messages::OWN_ROLE)));
    // An actor limited to fewer permissions than their roles give (as an
    // API token is) is offered only what the limit leaves.
    let mut limited = root.clone();
    limited.permissions = BTreeSet::from([Permission::AdminUsers, Permission::AdminRoles]);
    let grantable: BTreeSet<Permission> = access::permission_offers(db, &limited, None)
        .await?
        .into_iter()
        .filter(|o| o.grantable())
        .map(|o| o.choice)
        .collect();
    assert_eq!(grantable, limited.permissions);
    let sales = role_id(db, BuiltinRole::Sales).await?;
    let roles = access::role_offers(db, &limited, None).await?;
    assert!(roles.iter().any(|o| o.choice.0 == sales && !o.grantable()));
    Ok(())
}
