//! Sessions, sign-in and sign-out, CSRF and security headers, over HTTP.

use std::time::Duration;
use tandem_domain::testing::db_test;

use axum::http::StatusCode;
use sea_orm::EntityTrait;
use sha2::{Digest, Sha256};
use tandem_domain::{
    access::builtin::BuiltinRole,
    entities::sessions,
    {access::roles as access, access::users},
};
use tandem_server::router::RouterConfig;

use crate::{
    support::{TestApp, ADMIN_EMAIL, PASSWORD},
    TestResult,
};

const STATUS: &str = "/api/system/status";
const FORM: Option<&str> = Some("application/x-www-form-urlencoded");

#[db_test]
async fn signing_in_issues_a_new_session_id() -> TestResult {
    let app = TestApp::new().await?;
    // A session that exists before sign-in (the visitor changed language, say).
    let before = app
        .send(
            "POST",
            "/api/auth/login",
            None,
            FORM,
            "email=x%40example.com&password=wrong-password",
        )
        .await?;
    assert_eq!(before.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fixed = "tandem_session=attacker-chosen-value";
    let reply = app
        .send(
            "POST",
            "/api/auth/login",
            Some(fixed),
            FORM,
            &format!(
                "email={}&password={PASSWORD}",
                ADMIN_EMAIL.replace('@', "%40")
            ),
        )
        .await?;
    assert_eq!(reply.status, StatusCode::OK);
    let cookie = reply.session_cookie().ok_or("no cookie")?;
    assert_ne!(cookie, fixed);
    let set_cookie = reply
        .headers
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_lowercase();
    assert!(set_cookie.contains("httponly"), "{set_cookie}");
    assert!(set_cookie.contains("samesite=lax"), "{set_cookie}");
    assert_eq!(
        app.send("POST", STATUS, Some(&cookie), FORM, "")
            .await?
            .status,
        StatusCode::OK
    );
    // Two sign-ins give two different sessions.
    let second = app.login(ADMIN_EMAIL, PASSWORD).await?;
    assert_ne!(second, cookie);
    Ok(())
}

#[db_test]
async fn wrong_passwords_and_unknown_emails_get_the_same_answer() -> TestResult {
    let app = TestApp::new().await?;
    let unknown = app
        .send(
            "POST",
            "/api/auth/login",
            None,
            FORM,
            "email=ghost%40example.com&password=whatever-12345",
        )
        .await?;
    let wrong = app
        .send(
            "POST",
            "/api/auth/login",
            None,
            FORM,
            &format!(
                "email={}&password=whatever-12345",
                ADMIN_EMAIL.replace('@', "%40")
            ),
        )
        .await?;
    assert_eq!(unknown.status, wrong.status);
    assert_eq!(unknown.body, wrong.body);
    Ok(())
}

#[db_test]
async fn logout_ends_the_session_on_the_server() -> TestResult {
    let app = TestApp::new().await?;
    let cookie = app.login(ADMIN_EMAIL, PASSWORD).await?;
    assert_eq!(
        app.send("POST", "/api/auth/logout", Some(&cookie), FORM, "")
            .await?
            .status,
        StatusCode::OK
    );
    // Replaying the old cookie does not work: the session is gone from the database.
    assert_eq!(
        app.send("POST", STATUS, Some(&cookie), FORM, "")
            .await?
            .status,
        StatusCode::UNAUTHORIZED
    );
    Ok(())
}

#[db_test]
async fn deactivation_and_role_changes_apply_on_the_next_request() -> TestResult {
    let app = TestApp::new().await?;
    let admin = app.admin().await?;
    let sales = app.login_as(BuiltinRole::Sales).await?;
    let roles = app
        .send("POST", "/api/admin/roles/list", Some(&sales), FORM, "")
        .await?;
    assert_eq!(roles.status, StatusCode::FORBIDDEN);
    let (email, _) = tandem_domain::demo::demo_user(BuiltinRole::Sales);
    let page = users::list(
        &app.db.conn,
        &admin,
        &users::UserFilter {
            search: Some(email.clone()),
            per_page: 5,
            ..Default::default()
        },
    )
    .await?;
    let user = page.items.first().ok_or("no demo sales user")?;
    let admin_role = access::builtin_role_id(&app.db.conn, BuiltinRole::Admin)
        .await?
        .ok_or("no admin role")?;
    users::update(
        &app.db.conn,
        &admin,
        user.id,
        &users::UserPatch {
            email: email.clone(),
            name: user.name.clone(),
            role_ids: vec![admin_role],
        },
    )
    .await?;
    assert_eq!(
        app.send("POST", "/api/admin/roles/list", Some(&sales), FORM, "")
            .await?
            .status,
        StatusCode::OK
    );
    users::set_active(&app.db.conn, &admin, user.id, false).await?;
    assert_eq!(
        app.send("POST", STATUS, Some(&sales), FORM, "")
            .await?
            .status,
        StatusCode::UNAUTHORIZED
    );
    Ok(())
}

#[db_test]
async fn state_changing_requests_from_another_origin_are_refused() -> TestResult {
    let app = TestApp::new().await?;
    let cookie = app.login(ADMIN_EMAIL, PASSWORD).await?;
    let request = axum::http::Request::post(STATUS)
        .header("host", "localhost")
        .header("origin", "https://evil.example")
        .header("cookie", &cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::empty())?;
    let response = tower::ServiceExt::oneshot(app.router.clone(), request).await?;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    // No Origin and no Referer: refused too.
    let request = axum::http::Request::post(STATUS)
        .header("host", "localhost")
        .header("cookie", &cookie)
        .body(axum::body::Body::empty())?;
    let response = tower::ServiceExt::oneshot(app.router.clone(), request).await?;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    Ok(())
}

#[db_test]
async fn pages_carry_security_headers_and_a_nonce_based_csp() -> TestResult {
    let app = TestApp::new().await?;
    let page = app.get("/login", None).await?;
    assert_eq!(page.status, StatusCode::OK);
    let header = |name: &str| {
        page.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert!(!header("referrer-policy").is_empty());
    let csp = header("content-security-policy");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("'nonce-"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    // The nonce in the header is the one on the page's inline script.
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .ok_or("no nonce")?;
    assert!(
        page.body.contains(&format!("nonce=\"{nonce}\"")),
        "the hydration script carries the nonce"
    );
    Ok(())
}

#[db_test]
async fn user_supplied_names_are_rendered_as_text() -> TestResult {
    let app = TestApp::new().await?;
    let admin = app.admin().await?;
    users::create(
        &app.db.conn,
        &admin,
        &users::NewUser {
            email: "xss@example.com".into(),
            name: "<script>alert(1)</script>".into(),
            password: Some(PASSWORD.into()),
            role_ids: vec![],
        },
    )
    .await?;
    let cookie = app.login("xss@example.com", PASSWORD).await?;
    let page = app.get("/account", Some(&cookie)).await?;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.body.contains("<script>alert(1)</script>"),
        "the name is escaped"
    );
    assert!(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    Ok(())
}

#[db_test]
async fn a_session_older_than_its_absolute_lifetime_ends() -> TestResult {
    // A lifetime already over when the session starts: the next request finds it expired.
    let app = TestApp::with_absolute_lifetime(chrono::Duration::seconds(-1)).await?;
    let cookie = app.login(ADMIN_EMAIL, PASSWORD).await?;
    assert_eq!(
        app.send("POST", STATUS, Some(&cookie), FORM, "")
            .await?
            .status,
        StatusCode::UNAUTHORIZED
    );
    // A normal lifetime keeps the session.
    let app = TestApp::new().await?;
    let cookie = app.login(ADMIN_EMAIL, PASSWORD).await?;
    assert_eq!(
        app.send("POST", STATUS, Some(&cookie), FORM, "")
            .await?
            .status,
        StatusCode::OK
    );
    Ok(())
}

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

async fn status_of(
    app: &TestApp,
    cookie: &str,
) -> Result<StatusCode, Box<dyn std::error::Error + Send + Sync>> {
    Ok(app
        .send("POST", STATUS, Some(cookie), FORM, "")
        .await?
        .status)
}

#[db_test]
async fn the_database_holds_only_a_hash_of_the_session_id_and_it_signs_nobody_in() -> TestResult {
    let app = TestApp::new().await?;
    let cookie = app.login(ADMIN_EMAIL, PASSWORD).await?;
    let id = cookie
        .strip_prefix("tandem_session=")
        .ok_or("not the session cookie")?;
    let rows = sessions::Entity::find().all(&app.db.conn).await?;
    assert!(
        rows.iter()
            .all(|row| row.id != id && !row.data.contains(id)),
        "the cookie's value is stored nowhere"
    );
    let row = rows
        .iter()
        .find(|row| row.id == sha256_hex(id))
        .ok_or("no row under the hash of the id")?;
    assert_eq!(status_of(&app, &cookie).await?, StatusCode::OK);
    // Whoever copies the table (or a backup of it) cannot sign in with it:
    // not with the stored value, nor with any id-shaped part of it.
    for stolen in [
        row.id.clone(),
        row.id.chars().take(22).collect(),
        row.id.chars().skip(42).collect(),
    ] {
        assert_eq!(
            status_of(&app, &format!("tandem_session={stolen}")).await?,
            StatusCode::UNAUTHORIZED,
            "{stolen}"
        );
    }
    Ok(())
}

#[db_test]
async fn my_sessions_show_handles_and_end_the_right_session() -> TestResult {
    let app = TestApp::new().await?;
    let here = app.login(ADMIN_EMAIL, PASSWORD).await?;
    let there = app.login(ADMIN_EMAIL, PASSWORD).await?;
    let reply = app
        .send("POST", "/api/account/sessions", Some(&here), FORM, "")
        .await?;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let listed: Vec<serde_json::Value> = serde_json::from_str(&reply.body)?;
    assert_eq!(listed.len(), 2, "{listed:?}");
    let id_of = |cookie: &str| cookie.trim_start_matches("tandem_session=").to_owned();
    for session in &listed {
        let handle = session["handle"].as_str().ok_or("no handle")?;
        assert!(!handle.is_empty());
        assert!(!handle.contains(&id_of(&here)) && !handle.contains(&id_of(&there)));
        assert!(
            !reply.body.contains(&id_of(&here)),
            "the page never sees an id"
        );
    }
    let current: Vec<&serde_json::Value> = listed.iter().filter(|s| s["current"] == true).collect();
    assert_eq!(current.len(), 1, "this browser's session is marked");
    assert!(sha256_hex(&id_of(&here)).starts_with(current[0]["handle"].as_str().unwrap_or("-")));
    let other = listed
        .iter()
        .find(|s| s["current"] == false)
        .and_then(|s| s["handle"].as_str())
        .ok_or("no other session")?;
    let ended = app
        .send(
            "POST",
            "/api/account/sessions/end",
            Some(&here),
            Some("application/json"),
            &format!(r#"{{"handle":"{other}"}}"#),
        )
        .await?;
    assert_eq!(ended.status, StatusCode::OK, "{}", ended.body);
    assert_eq!(status_of(&app, &there).await?, StatusCode::UNAUTHORIZED);
    assert_eq!(status_of(&app, &here).await?, StatusCode::OK);
    Ok(())
}

#[db_test]
async fn a_session_in_use_outlives_its_idle_timeout_and_an_idle_one_ends() -> TestResult {
    let app = TestApp::with_router_config(
        chrono::Duration::days(7),
        &RouterConfig {
            session_idle: time::Duration::seconds(3),
            ..RouterConfig::local()
        },
    )
    .await?;
    let cookie = app.login(ADMIN_EMAIL, PASSWORD).await?;
    // Used every second for twice the idle timeout: still signed in.
    for second in 1..=6 {
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert_eq!(
            status_of(&app, &cookie).await?,
            StatusCode::OK,
            "signed out after {second} s of use"
        );
    }
    // Then left alone for longer than the idle timeout: signed out.
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(status_of(&app, &cookie).await?, StatusCode::UNAUTHORIZED);
    Ok(())
}

#[db_test]
async fn use_never_extends_the_absolute_lifetime() -> TestResult {
    let app = TestApp::with_router_config(
        chrono::Duration::seconds(3),
        &RouterConfig {
            session_idle: time::Duration::seconds(2),
            ..RouterConfig::local()
        },
    )
    .await?;
    let cookie = app.login(ADMIN_EMAIL, PASSWORD).await?;
    assert_eq!(status_of(&app, &cookie).await?, StatusCode::OK);
    let mut statuses = Vec::new();
    for _ in 0..6 {
        tokio::time::sleep(Duration::from_millis(900)).await;
        statuses.push(status_of(&app, &cookie).await?);
    }
    // Kept alive by use at first, then ended by the absolute limit however active.
    assert_eq!(statuses.first(), Some(&StatusCode::OK), "{statuses:?}");
    assert_eq!(
        statuses.last(),
        Some(&StatusCode::UNAUTHORIZED),
        "{statuses:?}"
    );
    Ok(())
}
