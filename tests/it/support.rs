//! Builders that create test data through the services.

use tandem_domain::{
    access::{builtin::BuiltinRole, Actor, RequestMeta},
    testing::TestDb,
    Db,
    {access::roles as access, access::sign_in as auth, access::users},
};

pub type BoxResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

pub const PASSWORD: &str = "blue-kettle-sings-42";

/// A fresh database with built-in roles and one administrator; returns the admin actor.
pub async fn with_admin() -> BoxResult<(TestDb, Actor)> {
    let db = TestDb::new().await?;
    auth::create_admin(&db.conn, "root@example.com", "Root", Some(PASSWORD.into())).await?;
    let id = auth::login(
        &db.conn,
        "root@example.com",
        PASSWORD,
        &meta("10.0.0.1"),
        &Default::default(),
    )
    .await?;
    let admin = actor(&db.conn, id).await?;
    Ok((db, admin))
}

pub fn meta(addr: &str) -> RequestMeta {
    RequestMeta {
        client_addr: Some(addr.into()),
        user_agent: Some("test-agent".into()),
    }
}

pub async fn actor(db: &Db, user_id: i64) -> BoxResult<Actor> {
    Ok(access::resolve_actor(db, user_id, meta("10.0.0.1"))
        .await?
        .ok_or("user is not active")?)
}

pub async fn role_id(db: &Db, role: BuiltinRole) -> BoxResult<i64> {
    Ok(access::builtin_role_id(db, role)
        .await?
        .ok_or("missing built-in role")?)
}

/// Creates a user with the given built-in role and the shared password.
pub async fn user_with(db: &Db, admin: &Actor, email: &str, role: BuiltinRole) -> BoxResult<i64> {
    let role = role_id(db, role).await?;
    let (id, _) = users::create(
        db,
        admin,
        &users::NewUser {
            email: email.into(),
            name: format!("User {email}"),
            password: Some(PASSWORD.into()),
            role_ids: vec![role],
        },
    )
    .await?;
    Ok(id)
}
