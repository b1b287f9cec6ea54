//! Redirect targets named by the request (`/login?next=…`) stay on this
//! site: after signing in, and at once for a visitor already signed in.

use axum::http::{header, StatusCode};
use tandem_app::auth::types::safe_next;
use tandem_domain::testing::db_test;

use crate::{
    support::{TestApp, ADMIN_EMAIL, PASSWORD},
    TestResult,
};

/// Targets a browser could read as another site, hidden in every way the
/// issue and its reviewers named.
const HOSTILE: &[&str] = &[
    "/\t/evil.example",
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "https://evil.example/",
    "/%09/evil.example",
    "/%2F%2Fevil.example",
    "/%2f/evil.example",
    "/%5Cevil.example",
    "/%252F%252Fevil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "/ /evil.example",
    "/@evil.example",
    "/%00/evil.example",
    "javascript:alert(1)",
];

/// Percent-encodes every byte but unreserved ones, as a query value.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn location(reply: &crate::support::Reply) -> String {
    reply
        .headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[db_test]
async fn a_signed_in_visitor_to_the_sign_in_page_is_sent_only_to_this_site() -> TestResult {
    let app = TestApp::new().await?;
    let cookie = app.login(ADMIN_EMAIL, PASSWORD).await?;
    // The request of the report, byte for byte.
    let reply = app
        .get("/login?next=%2F%09%2Fevil.example", Some(&cookie))
        .await?;
    assert_eq!(reply.status, StatusCode::FOUND, "{}", reply.body);
    assert_eq!(location(&reply), "/");
    for target in HOSTILE {
        let reply = app
            .get(&format!("/login?next={}", encode(target)), Some(&cookie))
            .await?;
        assert_eq!(reply.status, StatusCode::FOUND, "{target:?}");
        assert_eq!(location(&reply), "/", "{target:?}");
    }
    for target in ["/customers?page=2", "/orders/5#x"] {
        let reply = app
            .get(&format!("/login?next={}", encode(target)), Some(&cookie))
            .await?;
        assert_eq!(location(&reply), target);
    }
    Ok(())
}

#[db_test]
async fn signing_in_answers_only_a_target_on_this_site() -> TestResult {
    let app = TestApp::new().await?;
    let sign_in = |next: &str| {
        format!(
            "email={}&password={PASSWORD}&next={}",
            encode(ADMIN_EMAIL),
            encode(next)
        )
    };
    for target in HOSTILE {
        let reply = app
            .send(
                "POST",
                "/api/auth/login",
                None,
                Some("application/x-www-form-urlencoded"),
                &sign_in(target),
            )
            .await?;
        assert_eq!(reply.status, StatusCode::OK, "{target:?}: {}", reply.body);
        let next: String = serde_json::from_str(&reply.body)?;
        assert_eq!(next, "/", "{target:?}");
    }
    let reply = app
        .send(
            "POST",
            "/api/auth/login",
            None,
            Some("application/x-www-form-urlencoded"),
            &sign_in("/customers?page=2"),
        )
        .await?;
    let next: String = serde_json::from_str(&reply.body)?;
    assert_eq!(next, "/customers?page=2");
    Ok(())
}

/// Every combination of a few pieces an attacker builds targets from, read
/// by a WHATWG URL parser the way a browser reads a `Location` header: what
/// `safe_next` lets through never leaves the origin.
#[test]
fn nothing_safe_next_follows_leaves_the_origin() -> TestResult {
    const PIECES: &[&str] = &[
        "/",
        "\\",
        "%2F",
        "%2f",
        "%5C",
        "%09",
        "%0A",
        "%00",
        "%20",
        "%25",
        "%252F",
        "\t",
        "\n",
        " ",
        "@",
        ":",
        "evil.example",
        "http:",
        "?",
        "#",
        ".",
        "..",
        "\u{3000}",
        "\u{FF0F}",
    ];
    let base = url::Url::parse("https://tandem.example/here/page")?;
    let mut followed = 0;
    let mut checked = 0;
    let mut target = String::new();
    for a in PIECES {
        for b in PIECES {
            for c in PIECES {
                for d in ["", "evil.example", "/x"] {
                    target.clear();
                    target.push_str(a);
                    target.push_str(b);
                    target.push_str(c);
                    target.push_str(d);
                    checked += 1;
                    let next = safe_next(Some(&target));
                    if next != "/" {
                        followed += 1;
                        assert_eq!(next, target);
                    }
                    let url = base.join(&next)?;
                    assert_eq!(url.origin(), base.origin(), "{target:?} went to {url}");
                    assert!(
                        url.username().is_empty() && url.password().is_none(),
                        "{target:?}"
                    );
                }
            }
        }
    }
    assert!(checked > 40_000);
    assert!(
        followed > 100,
        "local paths are still followed ({followed})"
    );
    Ok(())
}
