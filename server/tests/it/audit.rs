//! The audit log page offers every audited record type, labelled in English
//! and Chinese.

use axum::{
    body::Body,
    http::{header, Request, StatusCode},
};
use tandem_domain::access::audit::RECORD_TYPES;
use tandem_domain::testing::db_test;

use crate::{
    support::{BoxResult, TestApp, ADMIN_EMAIL, PASSWORD},
    TestResult,
};

/// The `audit_type` labels of a locale file of the app.
fn labels(locale: &str) -> BoxResult<serde_json::Map<String, serde_json::Value>> {
    let path = format!(
        "{}/../app/locales/{locale}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path)?)?;
    Ok(json
        .get("audit_type")
        .and_then(serde_json::Value::as_object)
        .cloned()
        .ok_or("the locale has no audit_type labels")?)
}

#[db_test]
async fn the_record_type_filter_offers_every_audited_type_in_both_languages() -> TestResult {
    let app = TestApp::new().await?;
    let cookie = app.login(ADMIN_EMAIL, PASSWORD).await?;
    for (locale, accept) in [("en", "en"), ("zh", "zh-CN,zh;q=0.9")] {
        let labels = labels(locale)?;
        let request = Request::get("/admin/audit?entity=shipment")
            .header(header::HOST, "localhost")
            .header(header::ACCEPT, "text/html")
            .header(header::ACCEPT_LANGUAGE, accept)
            .header(header::COOKIE, cookie.as_str())
            .body(Body::empty())?;
        let (status, _, bytes) = crate::support::answer(&app.router, request).await?;
        assert_eq!(status, StatusCode::OK, "{locale}");
        let body = String::from_utf8_lossy(&bytes).into_owned();
        for kind in RECORD_TYPES {
            let label = labels
                .get(*kind)
                .and_then(serde_json::Value::as_str)
                .ok_or_else(|| format!("{kind} has no {locale} label"))?;
            let at = body
                .find(&format!(r#"value="{kind}""#))
                .ok_or_else(|| format!("{kind} is not offered ({locale})"))?;
            let option = body[at..].split("</option>").next().unwrap_or_default();
            assert!(
                option.contains(label),
                "{kind} is not labelled {label:?} ({locale}): {option}"
            );
        }
        // The chosen type stays chosen.
        let chosen = body
            .find(r#"value="shipment""#)
            .map(|at| body[at..].split('>').next().unwrap_or_default())
            .unwrap_or_default();
        assert!(chosen.contains("selected"), "{chosen}");
    }
    Ok(())
}
