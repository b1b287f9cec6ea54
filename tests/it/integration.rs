//! Integration and data: webhook endpoints, fan-out, leases, backoff and
//! replay; backup and restore with equal tables — on both engines.

use std::collections::{HashMap, HashSet};
use tandem_domain::testing::db_test;

use chrono::{Duration, SubsecRound, Utc};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use tandem_domain::{
    access::builtin::BuiltinRole,
    db,
    entities::{outbox, webhook_deliveries},
    messages,
    testing::TestDb,
    Db, Error,
    {
        crm::customers::{self, CustomerInput},
        integration::backup,
        integration::webhooks::{self, EndpointInput, Failure, Outcome, Targets},
        inventory::stock,
        sales::orders,
        sales::shipments,
    },
};

use crate::{
    support::{actor, user_with, with_admin, BoxResult},
    world::{customer, erp, field_of, line, quote, stocked, Erp, Refused},
    TestResult,
};

fn endpoint(name: &str, types: &[&str]) -> EndpointInput {
    EndpointInput {
        name: name.into(),
        url: format!("https://hooks.example.com/{name}"),
        event_types: types.iter().map(|t| (*t).to_owned()).collect(),
        active: true,
    }
}

/// What a portal without `TANDEM_WEBHOOK_ALLOW_NETS` lets endpoints reach.
fn public() -> Targets {
    Targets::public_only()
}

/// A confirmed order for a new customer: its outbox events are written.
async fn confirmed_order(db: &Db, e: &Erp, sku: &str) -> BoxResult<i64> {
    let p = stocked(db, e, sku, 1250, 10).await?;
    let c = customer(db, &e.ana, &format!("{sku} Ltd"), 0).await?;
    let o = orders::create(db, &e.ana, &quote(c, e.main, vec![line(p, 2)])).await?;
    orders::confirm(db, &e.ana, o.id).await?;
    Ok(o.id)
}

async fn deliveries_of(db: &Db, endpoint: i64) -> BoxResult<Vec<webhook_deliveries::Model>> {
    Ok(webhook_deliveries::Entity::find()
        .filter(webhook_deliveries::Column::EndpointId.eq(endpoint))
        .all(db)
        .await?)
}

#[db_test]
async fn webhook_endpoints_need_admin_and_valid_input_and_show_the_secret_once() -> TestResult {
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let sales = user_with(db, &admin, "s@example.com", BuiltinRole::Sales).await?;
    let sales = actor(db, sales).await?;
    let now = Utc::now();
    let err = webhooks::create(db, &sales, &endpoint("shop", &["*"]), &public(), now)
        .await
        .refused()?;
    assert_eq!(err, Error::Forbidden);
    let bad = EndpointInput {
        name: String::new(),
        url: "javascript:alert(1)".into(),
        event_types: vec![],
        active: true,
    };
    let err = webhooks::create(db, &admin, &bad, &public(), now)
        .await
        .refused()?;
    assert_eq!(field_of(&err), ["event_types", "name", "url"]);
    let err = webhooks::create(
        db,
        &admin,
        &endpoint("x", &["order.exploded"]),
        &public(),
        now,
    )
    .await
    .refused()?;
    assert_eq!(field_of(&err), ["event_types"]);
    let created = webhooks::create(
        db,
        &admin,
        &endpoint("shop", &["order.confirmed"]),
        &public(),
        now,
    )
    .await?;
    assert!(created.secret.starts_with("whsec_") && created.secret.len() > 40);
    let rotated = webhooks::rotate_secret(db, &admin, created.endpoint.id, now).await?;
    assert_ne!(rotated, created.secret);
    let mut change = endpoint("shop", &["order.shipped", "order.confirmed"]);
    change.active = false;
    let updated =
        webhooks::update(db, &admin, created.endpoint.id, &change, &public(), now).await?;
    assert_eq!(
        updated.event_types,
        ["order.confirmed", "order.shipped"],
        "sorted"
    );
    assert!(!updated.active);
    assert_eq!(webhooks::list(db, &admin).await?.len(), 1);
    webhooks::delete(db, &admin, created.endpoint.id).await?;
    assert!(webhooks::list(db, &admin).await?.is_empty());
    assert_eq!(
        webhooks::get(db, &admin, created.endpoint.id)
            .await
            .refused()?,
        Error::NotFound
    );
    Ok(())
}

/// Addresses an endpoint may not have, with the message the url field
/// gets. Every notation of an internal address that a URL parser reads is
/// here (decimal, octal, hex, short forms, IPv4-mapped and NAT64 IPv6,
/// percent-encoded and Unicode look-alike names).
const HOSTILE: &[(&str, &str)] = &[
    // Not http(s), no host, no port.
    ("ftp://hooks.example.com/x", messages::WEBHOOK_URL_INVALID),
    ("file:///etc/passwd", messages::WEBHOOK_URL_INVALID),
    (
        "gopher://127.0.0.1:6379/_INFO",
        messages::WEBHOOK_URL_INVALID,
    ),
    ("javascript:alert(1)", messages::WEBHOOK_URL_INVALID),
    ("http://:8080/x", messages::WEBHOOK_URL_INVALID),
    (
        "https://hooks.example.com:0/x",
        messages::WEBHOOK_URL_INVALID,
    ),
    // Credentials in the address.
    (
        "https://user:secret@hooks.example.com/x",
        messages::WEBHOOK_URL_CREDENTIALS,
    ),
    (
        "https://token@hooks.example.com/x",
        messages::WEBHOOK_URL_CREDENTIALS,
    ),
    (
        "http://hooks.example.com:80@127.0.0.1/",
        messages::WEBHOOK_URL_CREDENTIALS,
    ),
    // Loopback, in every notation.
    ("http://127.0.0.1/", messages::WEBHOOK_URL_INTERNAL),
    (
        "  http://127.0.0.1:3000/api  ",
        messages::WEBHOOK_URL_INTERNAL,
    ),
    ("http://127.1/", messages::WEBHOOK_URL_INTERNAL),
    ("http://2130706433/", messages::WEBHOOK_URL_INTERNAL),
    ("http://0x7f.1/", messages::WEBHOOK_URL_INTERNAL),
    ("http://0x7f000001/", messages::WEBHOOK_URL_INTERNAL),
    ("http://0177.0.0.1/", messages::WEBHOOK_URL_INTERNAL),
    ("http://017700000001/", messages::WEBHOOK_URL_INTERNAL),
    ("http://127.0.0.1./", messages::WEBHOOK_URL_INTERNAL),
    (
        "http://127.0.0.1\\@hooks.example.com/",
        messages::WEBHOOK_URL_INTERNAL,
    ),
    ("http://[::1]/", messages::WEBHOOK_URL_INTERNAL),
    (
        "http://[0:0:0:0:0:0:0:1]:8080/",
        messages::WEBHOOK_URL_INTERNAL,
    ),
    ("http://[::ffff:127.0.0.1]/", messages::WEBHOOK_URL_INTERNAL),
    ("http://[::ffff:7f00:1]/", messages::WEBHOOK_URL_INTERNAL),
    (
        "http://[64:ff9b::127.0.0.1]/",
        messages::WEBHOOK_URL_INTERNAL,
    ),
    ("http://localhost/", messages::WEBHOOK_URL_INTERNAL),
    ("http://LOCALHOST:3000/", messages::WEBHOOK_URL_INTERNAL),
    ("http://localhost./", messages::WEBHOOK_URL_INTERNAL),
    ("http://admin.localhost/", messages::WEBHOOK_URL_INTERNAL),
    ("http://%6c%6fcalhost/", messages::WEBHOOK_URL_INTERNAL),
    (
        "http://\u{24db}\u{24de}\u{24d2}\u{24d0}\u{24db}\u{24d7}\u{24de}\u{24e2}\u{24e3}/",
        messages::WEBHOOK_URL_INTERNAL,
    ),
    (
        "http://\u{ff11}\u{ff12}\u{ff17}.\u{ff10}.\u{ff10}.\u{ff11}/",
        messages::WEBHOOK_URL_INTERNAL,
    ),
    (
        "http://127\u{3002}0\u{3002}0\u{3002}1/",
        messages::WEBHOOK_URL_INTERNAL,
    ),
    // Unspecified.
    ("http://0.0.0.0/", messages::WEBHOOK_URL_INTERNAL),
    ("http://0/", messages::WEBHOOK_URL_INTERNAL),
    ("http://[::]/", messages::WEBHOOK_URL_INTERNAL),
    // Private.
    ("http://10.0.0.1/", messages::WEBHOOK_URL_INTERNAL),
    ("http://172.16.0.1/", messages::WEBHOOK_URL_INTERNAL),
    ("http://172.31.255.254/", messages::WEBHOOK_URL_INTERNAL),
    ("http://192.168.1.1/", messages::WEBHOOK_URL_INTERNAL),
    ("http://0xc0a80101/", messages::WEBHOOK_URL_INTERNAL),
    ("http://[fc00::1]/", messages::WEBHOOK_URL_INTERNAL),
    ("http://[fd12:3456::1]/", messages::WEBHOOK_URL_INTERNAL),
    // Link-local and cloud metadata.
    (
        "http://169.254.169.254/latest/meta-data/",
        messages::WEBHOOK_URL_INTERNAL,
    ),
    ("http://0xa9fea9fe/", messages::WEBHOOK_URL_INTERNAL),
    (
        "http://[::ffff:169.254.169.254]/",
        messages::WEBHOOK_URL_INTERNAL,
    ),
    ("http://[fd00:ec2::254]/", messages::WEBHOOK_URL_INTERNAL),
    (
        "http://metadata.google.internal/computeMetadata/v1/",
        messages::WEBHOOK_URL_INTERNAL,
    ),
    ("http://100.100.100.200/", messages::WEBHOOK_URL_INTERNAL),
    ("http://192.0.0.192/", messages::WEBHOOK_URL_INTERNAL),
    ("http://[fe80::1]/", messages::WEBHOOK_URL_INTERNAL),
    ("http://[fe80::1%25eth0]/", messages::WEBHOOK_URL_INVALID),
    // Carrier-grade NAT, broadcast, multicast, documentation, reserved.
    ("http://100.64.0.1/", messages::WEBHOOK_URL_INTERNAL),
    ("http://255.255.255.255/", messages::WEBHOOK_URL_INTERNAL),
    ("http://224.0.0.251/", messages::WEBHOOK_URL_INTERNAL),
    ("http://[ff02::1]/", messages::WEBHOOK_URL_INTERNAL),
    ("http://192.0.2.10/", messages::WEBHOOK_URL_INTERNAL),
    ("http://198.51.100.7/", messages::WEBHOOK_URL_INTERNAL),
    ("http://203.0.113.9/", messages::WEBHOOK_URL_INTERNAL),
    ("http://[2001:db8::1]/", messages::WEBHOOK_URL_INTERNAL),
    ("http://198.18.0.1/", messages::WEBHOOK_URL_INTERNAL),
    ("http://240.0.0.1/", messages::WEBHOOK_URL_INTERNAL),
];

/// Addresses an endpoint may have: public ones, in any form.
const PUBLIC: &[&str] = &[
    "https://hooks.example.com/tandem",
    "https://hooks.example.com./x",
    "http://localhost.example.com/x",
    "http://93.184.215.14/x",
    "http://8.8.8.8:8080/x",
    "https://172.32.0.1/x",
    "http://100.128.0.1/x",
    "http://192.169.0.1/x",
    "https://[2606:4700:4700::1111]/x",
    "http://[64:ff9b::808:808]/x",
    "http://[::ffff:8.8.8.8]/x",
];

#[db_test]
async fn webhook_endpoints_refuse_internal_and_hostile_addresses() -> TestResult {
    let (db, admin) = with_admin().await?;
    let db = &db.conn;
    let now = Utc::now();
    assert!(HOSTILE.len() >= 30);
    let kept = webhooks::create(db, &admin, &endpoint("kept", &["*"]), &public(), now).await?;
    for (url, expected) in HOSTILE {
        let mut input = endpoint("hostile", &["*"]);
        input.url = (*url).to_owned();
        let err = webhooks::create(db, &admin, &input, &public(), now)
            .await
            .refused()?;
        let Error::Validation(fields) = &err else {
            return Err(format!("{url:?}: {err:?}").into());
        };
        assert_eq!(field_of(&err), ["url"], "{url:?}");
        let message = fields.get("url").map(String::as_str).unwrap_or_default();
        assert_eq!(message, *expected, "{url:?}");
        // Changing an endpoint's address is refused alike.
        let err = webhooks::update(db, &admin, kept.endpoint.id, &input, &public(), now)
            .await
            .refused()?;
        assert_eq!(field_of(&err), ["url"], "{url:?}");
    }
    let endpoints = webhooks::list(db, &admin).await?;
    assert_eq!(endpoints.len(), 1, "nothing hostile was stored");
    assert_eq!(endpoints[0].url, "https://hooks.example.com/kept");
    for url in PUBLIC {
        let mut input = endpoint("public", &["*"]);
        input.url = (*url).to_owned();
        webhooks::create(db, &admin, &input, &public(), now).await?;
    }
    // The operator's networks open exactly themselves.
    let allowing = Targets::allowing(vec![
        "10.1.0.0/16".parse::<webhooks::Net>()?,
        "127.0.0.0/8".parse::<webhooks::Net>()?,
        "::1/128".parse::<webhooks::Net>()?,
    ]);
    for url in [
        "http://10.1.2.3/x",
        "http://127.0.0.1:9000/x",
        "http://localhost:9000/x",
        "http://[::1]/x",
    ] {
        let mut input = endpoint("internal", &["*"]);
        input.url = url.to_owned();
        webhooks::create(db, &admin, &input, &allowing, now).await?;
    }
    for url in [
        "http://10.2.0.1/x",
        "http://169.254.169.254/",
        "http://192.168.1.1/",
        "http://user:pw@10.1.2.3/",
    ] {
        let mut input = endpoint("internal", &["*"]);
        input.url = url.to_owned();
        let err = webhooks::create(db, &admin, &input, &allowing, now)
            .await
            .refused()?;
        assert_eq!(field_of(&err), ["url"], "{url:?}");
    }
    Ok(())
}

#[db_test]
async fn the_delivery_log_keeps_a_short_reason_for_each_failure() -> TestResult {
    let (tdb, admin) = with_admin().await?;
    let db = &tdb.conn;
    let e = erp(db, admin.clone()).await?;
    let hook = webhooks::create(
        db,
        &admin,
        &endpoint("reasons", &["order.confirmed"]),
        &public(),
        Utc::now() - Duration::seconds(5),
    )
    .await?;
    confirmed_order(db, &e, "REASON").await?;
    let mut now = Utc::now();
    webhooks::fan_out(db, now, 100).await?;
    let none = HashMap::new();
    for (failure, reason, status) in [
        (Failure::Status(500), "HTTP 500", Some(500)),
        (Failure::Status(307), "HTTP 307", Some(307)),
        (Failure::TimedOut, messages::WEBHOOK_TIMED_OUT, None),
        (Failure::Refused, messages::WEBHOOK_REFUSED, None),
        (Failure::NotAllowed, messages::WEBHOOK_NOT_ALLOWED, None),
        (Failure::Unresolved, messages::WEBHOOK_UNRESOLVED, None),
        (
            Failure::Connection,
            messages::WEBHOOK_CONNECTION_FAILED,
            None,
        ),
    ] {
        let due = webhooks::claim(db, "r", now, 10, 10, &none).await?;
        assert_eq!(due.len(), 1);
        webhooks::record(db, due[0].delivery_id, "r", &Outcome::Failed(failure), now).await?;
        let log = webhooks::deliveries(db, &admin, hook.endpoint.id, None, 1, 50).await?;
        assert_eq!(log.items[0].last_error, reason);
        assert_eq!(log.items[0].last_status_code, status);
        now += webhooks::BACKOFF_CAP + Duration::seconds(1);
    }
    // A row written before reasons were short (an answer's start, with
    // control characters) is shown cleaned and cut short.
    webhook_deliveries::Entity::update_many()
        .col_expr(
            webhook_deliveries::Column::LastError,
            sea_orm::sea_query::Expr::value(format!(
                "secret=hunter2\u{1b}[2J\r\n<html>{}",
                "x".repeat(480)
            )),
        )
        .filter(webhook_deliveries::Column::EndpointId.eq(hook.endpoint.id))
        .exec(db)
        .await?;
    let log = webhooks::deliveries(db, &admin, hook.endpoint.id, None, 1, 50).await?;
    let shown = &log.items[0].last_error;
    assert!(shown.chars().count() <= 60, "{shown}");
    assert!(!shown.chars().any(char::is_control), "{shown:?}");
    Ok(())
}

#[db_test]
async fn events_fan_out_once_per_subscribed_endpoint_even_from_racing_relays() -> TestResult {
    let (tdb, admin) = with_admin().await?;
    let db = &tdb.conn;
    let e = erp(db, admin.clone()).await?;
    let before = Utc::now() - Duration::seconds(5);
    // Registered before the events: hears them (by their type).
    let confirmed = webhooks::create(
        db,
        &admin,
        &endpoint("confirmed", &["order.confirmed"]),
        &public(),
        before,
    )
    .await?;
    let every = webhooks::create(db, &admin, &endpoint("every", &["*"]), &public(), before).await?;
    let mut off = endpoint("off", &["*"]);
    off.active = false;
    let off = webhooks::create(db, &admin, &off, &public(), before).await?;
    let mut orders = Vec::new();
    for i in 0..3 {
        orders.push(confirmed_order(db, &e, &format!("FAN-{i}")).await?);
    }
    // Registered after them: hears none of them.
    let late =
        webhooks::create(db, &admin, &endpoint("late", &["*"]), &public(), Utc::now()).await?;
    let events = outbox::Entity::find().count(db).await?;
    assert!(events >= 6, "stock and order events were written: {events}");
    // Four relays fan out at once.
    let runs: Vec<_> = (0..4)
        .map(|_| {
            let conn = db.clone();
            tokio::spawn(async move { webhooks::fan_out(&conn, Utc::now(), 3).await })
        })
        .collect();
    for run in runs {
        run.await??;
    }
    while webhooks::fan_out(db, Utc::now(), 3).await? > 0 {}
    let unpublished = outbox::Entity::find()
        .filter(outbox::Column::PublishedAt.is_null())
        .count(db)
        .await?;
    assert_eq!(unpublished, 0);
    let confirmed_rows = deliveries_of(db, confirmed.endpoint.id).await?;
    assert_eq!(confirmed_rows.len(), 3, "one per confirmed order");
    assert!(confirmed_rows
        .iter()
        .all(|d| d.event_type == "order.confirmed" && d.status == webhooks::PENDING));
    let every_rows = deliveries_of(db, every.endpoint.id).await?;
    assert_eq!(every_rows.len() as u64, events, "every event, once");
    let distinct: HashSet<i64> = every_rows.iter().map(|d| d.outbox_id).collect();
    assert_eq!(distinct.len(), every_rows.len());
    assert!(deliveries_of(db, off.endpoint.id).await?.is_empty());
    assert!(deliveries_of(db, late.endpoint.id).await?.is_empty());
    let health = webhooks::health(db, &admin).await?;
    assert_eq!(health.outbox_backlog, 0);
    assert_eq!(health.pending, events + 3);
    Ok(())
}

#[db_test]
async fn a_delivery_is_leased_to_one_relay_at_a_time_and_slots_are_shared() -> TestResult {
    let (tdb, admin) = with_admin().await?;
    let db = &tdb.conn;
    let e = erp(db, admin.clone()).await?;
    let before = Utc::now() - Duration::seconds(5);
    let a = webhooks::create(db, &admin, &endpoint("a", &["*"]), &public(), before).await?;
    let b = webhooks::create(db, &admin, &endpoint("b", &["*"]), &public(), before).await?;
    for i in 0..3 {
        confirmed_order(db, &e, &format!("LEASE-{i}")).await?;
    }
    while webhooks::fan_out(db, Utc::now(), 100).await? > 0 {}
    let total = webhook_deliveries::Entity::find().count(db).await? as usize;
    let now = Utc::now();
    // Six relays claim at once, two slots per endpoint each.
    let runs: Vec<_> = (0..6)
        .map(|i| {
            let conn = db.clone();
            tokio::spawn(async move {
                webhooks::claim(&conn, &format!("relay-{i}"), now, 100, 2, &HashMap::new()).await
            })
        })
        .collect();
    let mut seen = HashSet::new();
    for run in runs {
        let claimed = run.await??;
        let mut per: HashMap<i64, usize> = HashMap::new();
        for due in claimed {
            assert!(seen.insert(due.delivery_id), "claimed twice");
            *per.entry(due.endpoint_id).or_default() += 1;
        }
        assert!(per.values().all(|n| *n <= 2), "at most 2 per endpoint");
    }
    assert!(!seen.is_empty() && seen.len() <= 6 * 2 * 2);
    // Busy slots count: a relay with 2 in flight to `a` gets none of a's.
    let busy = HashMap::from([(a.endpoint.id, 2)]);
    let more = webhooks::claim(db, "relay-x", now, 100, 2, &busy).await?;
    assert!(more.iter().all(|d| d.endpoint_id == b.endpoint.id));
    // Leases end: after a minute the unrecorded ones are free again.
    let later = now + webhooks::LEASE + Duration::seconds(1);
    let again = webhooks::claim(db, "relay-y", later, 1000, 1000, &HashMap::new()).await?;
    assert_eq!(again.len(), total);
    // The body is the event, signed with the endpoint's secret.
    let due = &again[0];
    let body: serde_json::Value = serde_json::from_str(&due.body)?;
    assert_eq!(body["id"], due.event_id);
    assert_eq!(body["type"], due.event_type.as_str());
    Ok(())
}

#[db_test]
async fn failed_attempts_back_off_give_up_and_can_be_replayed() -> TestResult {
    let (tdb, admin) = with_admin().await?;
    let db = &tdb.conn;
    let e = erp(db, admin.clone()).await?;
    let hook = webhooks::create(
        db,
        &admin,
        &endpoint("flaky", &["order.confirmed"]),
        &public(),
        Utc::now() - Duration::seconds(5),
    )
    .await?;
    confirmed_order(db, &e, "FLAKY").await?;
    // Microseconds: what PostgreSQL keeps.
    let mut now = Utc::now().trunc_subsecs(6);
    webhooks::fan_out(db, now, 100).await?;
    let none = HashMap::new();
    let fail = Outcome::Failed(Failure::Status(503));
    let due = webhooks::claim(db, "r", now, 10, 10, &none).await?;
    assert_eq!(due.len(), 1);
    let id = due[0].delivery_id;
    webhooks::record(db, id, "r", &fail, now).await?;
    // Not due again for 30 s, then due.
    assert!(
        webhooks::claim(db, "r", now + Duration::seconds(29), 10, 10, &none)
            .await?
            .is_empty()
    );
    let log = webhooks::deliveries(db, &admin, hook.endpoint.id, None, 1, 50).await?;
    assert_eq!(log.items[0].attempts, 1);
    assert_eq!(log.items[0].last_status_code, Some(503));
    assert_eq!(log.items[0].last_error, "HTTP 503");
    assert_eq!(log.items[0].next_attempt_at, now + Duration::seconds(30));
    // A relay whose lease was taken over does not record.
    now += Duration::seconds(31);
    let due = webhooks::claim(db, "r", now, 10, 10, &none).await?;
    assert_eq!(due.len(), 1);
    webhooks::record(db, id, "someone-else", &fail, now).await?;
    assert_eq!(deliveries_of(db, hook.endpoint.id).await?[0].attempts, 1);
    webhooks::record(db, id, "r", &fail, now).await?;
    // Keep failing until it is given up.
    for _ in 2..webhooks::MAX_ATTEMPTS {
        now += webhooks::BACKOFF_CAP + Duration::seconds(1);
        let due = webhooks::claim(db, "r", now, 10, 10, &none).await?;
        assert_eq!(due.len(), 1);
        webhooks::record(db, id, "r", &fail, now).await?;
    }
    let row = &deliveries_of(db, hook.endpoint.id).await?[0];
    assert_eq!(
        (row.status.as_str(), row.attempts),
        (webhooks::FAILED, webhooks::MAX_ATTEMPTS)
    );
    assert!(
        webhooks::claim(db, "r", now + Duration::days(30), 10, 10, &none)
            .await?
            .is_empty(),
        "given up"
    );
    let health = webhooks::health(db, &admin).await?;
    assert_eq!(health.failed, 1);
    assert_eq!(
        health.failing_endpoints,
        [(hook.endpoint.id, "flaky".to_owned())]
    );
    let failed = webhooks::deliveries(db, &admin, hook.endpoint.id, Some("failed"), 1, 50).await?;
    assert_eq!(failed.total, 1);
    assert_eq!(
        field_of(
            &webhooks::deliveries(db, &admin, hook.endpoint.id, Some("lost"), 1, 50)
                .await
                .refused()?
        ),
        ["status"]
    );
    // Replay: due at once, then delivered.
    let replayed = webhooks::replay(db, &admin, id, now).await?;
    assert_eq!(replayed.status, webhooks::PENDING);
    let due = webhooks::claim(db, "r", now, 10, 10, &none).await?;
    assert_eq!(due.len(), 1);
    webhooks::record(db, id, "r", &Outcome::Delivered { status_code: 204 }, now).await?;
    let row = &deliveries_of(db, hook.endpoint.id).await?[0];
    assert_eq!(row.status, webhooks::DELIVERED);
    assert_eq!(row.delivered_at, Some(now));
    let health = webhooks::health(db, &admin).await?;
    assert!(health.failing_endpoints.is_empty());
    assert_eq!(
        webhooks::replay(db, &e.ana, id, now).await.refused()?,
        Error::Forbidden
    );
    Ok(())
}

fn gzip(text: &str) -> BoxResult<Vec<u8>> {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(text.as_bytes())?;
    Ok(gz.finish()?)
}

fn gunzip(bytes: &[u8]) -> BoxResult<String> {
    use std::io::Read;
    let mut text = String::new();
    flate2::read::GzDecoder::new(bytes).read_to_string(&mut text)?;
    Ok(text)
}

/// Data in many tables, with text that tests the encoding.
async fn varied_data(db: &Db, e: &Erp) -> BoxResult<()> {
    customers::create(
        db,
        &e.ana,
        &CustomerInput {
            kind: "company".into(),
            name: "上海 \"引号\" 'quotes', commas\nand a new line 🚀".into(),
            currency: "CNY".into(),
            payment_terms_days: 45,
            credit_limit_minor: 9_000_000_000_000,
            notes: "=SUM(A1) \\ back\\slash \t tab".into(),
            ..Default::default()
        },
    )
    .await?;
    for i in 0..3 {
        let order = confirmed_order(db, e, &format!("BK-{i}")).await?;
        if i > 0 {
            let s = shipments::create(db, &e.keeper, order, &[]).await?;
            shipments::ship(db, &e.keeper, s.id, "DHL", "TRK").await?;
        }
    }
    webhooks::create(
        db,
        &e.admin,
        &endpoint("backup", &["*"]),
        &public(),
        Utc::now() - Duration::seconds(5),
    )
    .await?;
    webhooks::fan_out(db, Utc::now(), 1000).await?;
    Ok(())
}

#[db_test]
async fn a_backup_restores_into_an_empty_database_with_every_table_equal() -> TestResult {
    let (tdb, admin) = with_admin().await?;
    let db = &tdb.conn;
    let e = erp(db, admin.clone()).await?;
    varied_data(db, &e).await?;
    let mut file = Vec::new();
    let written = backup::write(db, &admin, &mut file).await?;
    let original = backup::checksums(db).await?;
    assert_eq!(written, original);
    let filled = original.iter().filter(|t| t.rows > 0).count();
    assert!(filled >= 20, "only {filled} tables have rows");

    // Into a database with no tables at all.
    let fresh = TestDb::empty().await?;
    let mut seen = 0;
    let restored = backup::restore(&fresh.conn, file.as_slice(), |n| seen = n).await?;
    assert_eq!(restored.tables, original);
    assert_eq!(seen, original.iter().map(|t| t.rows).sum::<u64>());
    assert_eq!(backup::checksums(&fresh.conn).await?, original);
    // The restored portal works: new ids follow the restored ones (the
    // actors are the same users, with the same ids, in the copy).
    confirmed_order(&fresh.conn, &e, "AFTER-RESTORE").await?;
    assert!(stock::check_ledger(&fresh.conn).await?.is_empty());

    // Into a migrated, empty database too; never into one with data.
    let migrated = TestDb::new().await?;
    backup::restore(&migrated.conn, file.as_slice(), |_| {}).await?;
    assert_eq!(backup::checksums(&migrated.conn).await?, original);
    let err = backup::restore(&migrated.conn, file.as_slice(), |_| {})
        .await
        .refused()?;
    assert_eq!(field_of(&err), ["file"]);
    Ok(())
}

#[db_test]
async fn a_damaged_or_truncated_backup_is_refused_and_restores_nothing() -> TestResult {
    let (tdb, admin) = with_admin().await?;
    let db = &tdb.conn;
    let e = erp(db, admin.clone()).await?;
    varied_data(db, &e).await?;
    let mut file = Vec::new();
    backup::write(db, &admin, &mut file).await?;
    let text = gunzip(&file)?;
    // One character changed inside a customer row.
    let damaged = text.replacen("commas", "kommas", 1);
    assert_ne!(damaged, text);
    let target = TestDb::empty().await?;
    let err = backup::restore(&target.conn, gzip(&damaged)?.as_slice(), |_| {})
        .await
        .refused()?;
    assert_eq!(field_of(&err), ["file"], "{err:?}");
    let users = tandem_domain::entities::users::Entity::find()
        .count(&target.conn)
        .await?;
    assert_eq!(users, 0, "nothing restored");
    // Cut off before its last line.
    let cut: String = text
        .lines()
        .take(text.lines().count() - 1)
        .collect::<Vec<_>>()
        .join("\n");
    let err = backup::restore(&target.conn, gzip(&cut)?.as_slice(), |_| {})
        .await
        .refused()?;
    assert_eq!(field_of(&err), ["file"]);
    // Not a backup at all.
    let err = backup::restore(&target.conn, b"name,email\n".as_slice(), |_| {})
        .await
        .refused()?;
    assert_eq!(field_of(&err), ["file"]);
    // And the intact one still restores there afterwards.
    backup::restore(&target.conn, file.as_slice(), |_| {}).await?;
    Ok(())
}

#[db_test]
async fn a_backup_taken_while_orders_are_written_is_one_consistent_snapshot() -> TestResult {
    let (tdb, admin) = with_admin().await?;
    let db = tdb.conn.clone();
    let e = erp(&db, admin.clone()).await?;
    let p = stocked(&db, &e, "SNAP", 100, 10_000).await?;
    let c = customer(&db, &e.ana, "Snapshot Ltd", 0).await?;
    // SQLite: the backup reads through the read-only pool, as the server's
    // download does, so the one writer keeps writing.
    let reader = if tandem_domain::testing::engine_name() == "sqlite" {
        db::connect_reader(&tdb.url, &db).await?
    } else {
        db.clone()
    };
    let writer = {
        let db = db.clone();
        let ana = e.ana.clone();
        let main = e.main;
        tokio::spawn(async move {
            for _ in 0..30 {
                let o = orders::create(&db, &ana, &quote(c, main, vec![line(p, 3)])).await?;
                orders::confirm(&db, &ana, o.id).await?;
            }
            Ok::<_, Error>(())
        })
    };
    let mut file = Vec::new();
    backup::write(&reader, &admin, &mut file).await?;
    writer.await??;
    let fresh = TestDb::empty().await?;
    backup::restore(&fresh.conn, file.as_slice(), |_| {}).await?;
    // Ledger and levels agree in the copy: no half-written order in it.
    assert!(stock::check_ledger(&fresh.conn).await?.is_empty());
    Ok(())
}

#[db_test]
async fn backups_and_full_exports_need_admin_backups_and_leave_secrets_out() -> TestResult {
    let (tdb, admin) = with_admin().await?;
    let db = &tdb.conn;
    let e = erp(db, admin.clone()).await?;
    varied_data(db, &e).await?;
    let mut sink = Vec::new();
    assert_eq!(
        backup::write(db, &e.manager, &mut sink).await.refused()?,
        Error::Forbidden
    );
    assert_eq!(
        backup::export_csv(db, &e.manager, "customers", &mut sink)
            .await
            .refused()?,
        Error::Forbidden
    );
    let kinds = backup::export_kinds(db, &admin).await?;
    assert!(kinds.iter().any(|k| k == "customers"));
    assert!(!kinds.iter().any(|k| k == "sessions"));
    assert_eq!(
        backup::export_csv(db, &admin, "sessions", &mut sink)
            .await
            .refused()?,
        Error::NotFound
    );
    let mut csv = Vec::new();
    let rows = backup::export_csv(db, &admin, "customers", &mut csv).await?;
    assert_eq!(rows, 4);
    assert!(csv.starts_with(&[0xEF, 0xBB, 0xBF]), "BOM for spreadsheets");
    let mut reader = csv::Reader::from_reader(&csv[3..]);
    let headers = reader.headers()?.clone();
    let notes = headers
        .iter()
        .position(|h| h == "notes")
        .ok_or("no notes")?;
    let name = headers.iter().position(|h| h == "name").ok_or("no name")?;
    let records: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>()?;
    let odd = records
        .iter()
        .find(|r| r[name].starts_with("上海"))
        .ok_or("customer missing")?;
    assert_eq!(
        &odd[name],
        "上海 \"引号\" 'quotes', commas\nand a new line 🚀"
    );
    assert_eq!(
        &odd[notes], "'=SUM(A1) \\ back\\slash \t tab",
        "formula defused"
    );
    let mut users = Vec::new();
    backup::export_csv(db, &admin, "users", &mut users).await?;
    let users = String::from_utf8(users)?;
    assert!(!users.contains("password_hash") && !users.contains("$argon2"));
    let mut hooks = Vec::new();
    backup::export_csv(db, &admin, "webhook_endpoints", &mut hooks).await?;
    assert!(!String::from_utf8(hooks)?.contains("whsec_"));
    Ok(())
}
