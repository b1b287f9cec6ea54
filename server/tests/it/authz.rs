//! The authorization matrix: every server function, called anonymously and
//! as each built-in role, answers as the catalogue says.

use axum::http::StatusCode;
use tandem_app::authz::server_fns;
use tandem_domain::access::builtin::BuiltinRole;
use tandem_domain::testing::db_test;

use crate::{support::TestApp, TestResult};

#[test]
fn every_registered_server_function_declares_its_access() {
    let declared: Vec<&str> = server_fns().iter().map(|f| f.path).collect();
    let registered: Vec<String> = server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_owned())
        .collect();
    assert!(!registered.is_empty(), "no server functions registered");
    for path in &registered {
        assert!(
            declared.contains(&path.as_str()),
            "server function {path} declares no access (tandem_app::authz!)"
        );
    }
    for path in &declared {
        assert!(
            registered.iter().any(|r| r == path),
            "authz! declares {path}, which is not a server function"
        );
    }
}

#[db_test]
async fn every_server_function_answers_each_role_as_the_catalogue_says() -> TestResult {
    let app = TestApp::new().await?;
    let mut failures = Vec::new();
    // One session per role for the whole matrix; only the calls that may
    // end the session they are given get a fresh one each.
    let mut sessions = Vec::new();
    for role in BuiltinRole::ALL {
        sessions.push((role, app.login_as(role).await?));
    }
    for spec in server_fns() {
        let anonymous = app
            .send(
                "POST",
                spec.path,
                None,
                Some(spec.content_type),
                spec.sample,
            )
            .await?;
        let expected_anonymous = if spec.access == tandem_app::authz::Access::Public {
            "allowed"
        } else {
            "401"
        };
        let got = match anonymous.status {
            StatusCode::UNAUTHORIZED => "401",
            StatusCode::FORBIDDEN => "403",
            _ => "allowed",
        };
        if got != expected_anonymous {
            failures.push(format!(
                "{} anonymous: expected {expected_anonymous}, got {} {}",
                spec.path, anonymous.status, anonymous.body
            ));
        }
        for (role, session) in &sessions {
            let role = *role;
            let fresh;
            let cookie = if crate::fuzz::ends_session(spec.path) {
                fresh = app.login_as(role).await?;
                &fresh
            } else {
                session
            };
            let reply = app
                .send(
                    "POST",
                    spec.path,
                    Some(cookie),
                    Some(spec.content_type),
                    spec.sample,
                )
                .await?;
            let expected = if spec.access.allows(&role.permissions()) {
                "allowed"
            } else {
                "403"
            };
            let got = match reply.status {
                StatusCode::UNAUTHORIZED => "401",
                StatusCode::FORBIDDEN => "403",
                status if status.is_server_error() => "5xx",
                _ => "allowed",
            };
            if got != expected {
                failures.push(format!(
                    "{} as {}: expected {expected}, got {} {}",
                    spec.path,
                    role.key(),
                    reply.status,
                    reply.body
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "authorization matrix mismatches:\n{}",
        failures.join("\n")
    );
    Ok(())
}

#[db_test]
async fn pages_redirect_anonymous_visitors_and_forbid_the_unpermitted() -> TestResult {
    let app = TestApp::new().await?;
    let anonymous = app.get("/admin/users?page=2", None).await?;
    assert!(anonymous.status.is_redirection(), "{}", anonymous.status);
    let location = anonymous
        .headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert_eq!(location, "/login?next=/admin/users%3Fpage%3D2");

    let sales = app.login_as(BuiltinRole::Sales).await?;
    let forbidden = app.get("/admin/users", Some(&sales)).await?;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    assert!(forbidden.body.contains("Not permitted"));
    let allowed = app.get("/customers", Some(&sales)).await?;
    assert_eq!(allowed.status, StatusCode::OK);
    // The navigation shows only what the role may open.
    assert!(allowed.body.contains(r#"href="/customers""#));
    assert!(!allowed.body.contains(r#"href="/admin""#));

    let admin = app
        .login(crate::support::ADMIN_EMAIL, crate::support::PASSWORD)
        .await?;
    let page = app.get("/admin/users", Some(&admin)).await?;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(r#"href="/admin""#));
    Ok(())
}

/// Server functions that read form text before they call the service:
/// a body whose fields do not parse, as (path, body).
const UNPARSABLE: &[(&str, &str)] = &[
    (
        "/api/campaigns/create",
        r#"{"form":{"name":"","channel":"","budget":"x","currency":"","starts_on":"","ends_on":""}}"#,
    ),
    (
        "/api/opportunities/create",
        r#"{"form":{"customer_id":1,"contact_id":null,"title":"X","amount":"lots","currency":"EUR","expected_close":"soon","stage_id":null,"probability":"x","owner_id":null}}"#,
    ),
    (
        "/api/activities/create",
        r#"{"form":{"kind":"","subject":"","body":"","due":"tomorrow-ish","done":false,"customer_id":1,"contact_id":null,"opportunity_id":null}}"#,
    ),
    (
        "/api/leads/convert",
        r#"{"id":1,"form":{"customer_id":null,"title":"X","amount":"lots","currency":"EUR","expected_close":"2027-01-01"}}"#,
    ),
    (
        "/api/products/create",
        r#"{"form":{"sku":"","name":"","description":"","category":"","unit":"","list_price":"x","cost_price":"x","tax_rate":"x","barcode":"","active":true}}"#,
    ),
    (
        "/api/orders/create",
        r#"{"form":{"customer_id":1,"warehouse_id":1,"ship_by":"never","notes":"","lines":[]}}"#,
    ),
    (
        "/api/reports/export",
        r#"{"query":{"kind":"sales_by_period","filter":{"kind":"","period":"","from":"x","to":"y","warehouse":null,"owner":null,"team":null,"segment":""},"grain":"x"},"headers":[],"total_label":"Total"}"#,
    ),
    (
        "/api/dashboards/board",
        r#"{"query":{"kind":"nonsense","period":"","from":"x","to":"y","warehouse":null,"owner":null,"team":null,"segment":""}}"#,
    ),
];

/// A caller who may not act is told so before any field error: anonymous
/// callers get 401 and roles without the declared access 403, whatever the
/// fields hold (validation must not answer for them).
#[db_test]
async fn permission_is_checked_before_the_fields_of_a_form_are_read() -> TestResult {
    let app = TestApp::new().await?;
    let specs = server_fns();
    let mut failures = Vec::new();
    let mut sessions = Vec::new();
    for role in BuiltinRole::ALL {
        sessions.push((role, app.login_as(role).await?));
    }
    for (path, body) in UNPARSABLE {
        let spec = specs
            .iter()
            .find(|s| s.path == *path)
            .ok_or(format!("{path} is not a declared server function"))?;
        let anonymous = app
            .send("POST", path, None, Some(spec.content_type), body)
            .await?;
        if anonymous.status != StatusCode::UNAUTHORIZED {
            failures.push(format!("{path} anonymous: {}", anonymous.status));
        }
        for (role, cookie) in &sessions {
            if spec.access.allows(&role.permissions()) {
                continue;
            }
            let reply = app
                .send("POST", path, Some(cookie), Some(spec.content_type), body)
                .await?;
            if reply.status != StatusCode::FORBIDDEN {
                failures.push(format!("{path} as {}: {}", role.key(), reply.status));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    Ok(())
}
