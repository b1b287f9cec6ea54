//! Session storage: the table keeps only a hash of each session id, every
//! lookup and deletion goes through it, a session ended while a request is
//! in flight stays ended, and backups carry no sessions — on both engines.

use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::json;
use sha2::{Digest, Sha256};
use tandem_domain::testing::db_test;
use tandem_domain::{
    entities::{sessions as session_rows, users},
    testing::TestDb,
    {
        access::sessions::{self, StoredSession},
        access::sign_in as auth,
        integration::backup,
    },
};

use crate::{
    support::{with_admin, BoxResult, PASSWORD},
    TestResult,
};

fn session(id: &str, user_id: i64) -> StoredSession {
    StoredSession {
        id: id.into(),
        user_id: Some(user_id),
        data: "{}".into(),
        expires_at: chrono::Utc::now() + chrono::Duration::hours(1),
        client_addr: Some("10.0.0.1".into()),
        user_agent: Some("test-agent".into()),
    }
}

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
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

#[db_test]
async fn a_session_is_stored_under_the_hash_of_its_id_only() -> TestResult {
    let (db, admin) = with_admin().await?;
    let id = "the-cookie-value-0123456789";
    assert!(sessions::create(&db.conn, &session(id, admin.user_id)).await?);
    let rows = session_rows::Entity::find().all(&db.conn).await?;
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row.id, sha256_hex(id));
    assert_eq!(row.id, sessions::storage_key(id));
    assert!(!row.data.contains(id));
    let loaded = sessions::load(&db.conn, id)
        .await?
        .ok_or("not found by its id")?;
    assert_eq!(
        (loaded.id.as_str(), loaded.user_id),
        (id, Some(admin.user_id))
    );
    // What the table holds opens nothing.
    assert!(sessions::load(&db.conn, &row.id).await?.is_none());
    // Written and ended through the id.
    let mut changed = session(id, admin.user_id);
    changed.data = r#"{"tandem.touched_at":1}"#.into();
    sessions::save(&db.conn, &changed).await?;
    assert_eq!(
        sessions::load(&db.conn, id).await?.map(|s| s.data),
        Some(changed.data.clone())
    );
    assert_eq!(session_rows::Entity::find().count(&db.conn).await?, 1);
    // The account page's handle names the session without being its id.
    let listed = sessions::list_mine(&db.conn, &admin, Some(id)).await?;
    assert_eq!(listed.len(), 1);
    assert!(listed[0].current);
    assert_eq!(listed[0].handle, sessions::handle(id));
    assert!(row.id.starts_with(&listed[0].handle));
    assert!(!id.contains(&listed[0].handle));
    sessions::end_mine(&db.conn, &admin, &listed[0].handle).await?;
    assert!(sessions::load(&db.conn, id).await?.is_none());
    sessions::create(&db.conn, &session(id, admin.user_id)).await?;
    sessions::delete(&db.conn, id).await?;
    assert_eq!(session_rows::Entity::find().count(&db.conn).await?, 0);
    Ok(())
}

#[db_test]
async fn a_session_ended_while_a_request_is_in_flight_stays_ended() -> TestResult {
    let (db, admin) = with_admin().await?;
    let id = "in-flight-session";
    sessions::create(&db.conn, &session(id, admin.user_id)).await?;
    // A request has read the session; the user signs out meanwhile; the
    // request then writes the session back (its idle expiry moved on).
    let read = sessions::load(&db.conn, id).await?.ok_or("no session")?;
    sessions::delete(&db.conn, id).await?;
    sessions::save(&db.conn, &read).await?;
    assert!(sessions::load(&db.conn, id).await?.is_none());
    assert_eq!(session_rows::Entity::find().count(&db.conn).await?, 0);
    Ok(())
}

#[db_test]
async fn a_password_change_ends_the_other_sessions_and_keeps_this_one() -> TestResult {
    let (db, admin) = with_admin().await?;
    sessions::create(&db.conn, &session("this-browser", admin.user_id)).await?;
    sessions::create(&db.conn, &session("other-browser", admin.user_id)).await?;
    auth::change_password(
        &db.conn,
        &admin,
        PASSWORD,
        "green-teapot-hums-43",
        Some("this-browser"),
    )
    .await?;
    assert!(sessions::load(&db.conn, "this-browser").await?.is_some());
    assert!(sessions::load(&db.conn, "other-browser").await?.is_none());
    Ok(())
}

#[db_test]
async fn backups_carry_no_sessions_and_older_backups_with_them_still_restore() -> TestResult {
    let (db, admin) = with_admin().await?;
    let id = "live-session-cookie-value";
    sessions::create(&db.conn, &session(id, admin.user_id)).await?;
    let mut file = Vec::new();
    let sums = backup::write(&db.conn, &admin, &mut file).await?;
    assert!(sums.iter().all(|t| t.table != "sessions"), "{sums:?}");
    assert!(sums.iter().any(|t| t.table == "users"));
    let text = gunzip(&file)?;
    assert!(!text.contains("\"sessions\""), "no sessions table");
    assert!(!text.contains(id) && !text.contains(&sessions::storage_key(id)));

    // It restores, and the copy signs nobody in.
    let fresh = TestDb::empty().await?;
    backup::restore(&fresh.conn, file.as_slice(), |_| {}).await?;
    assert_eq!(session_rows::Entity::find().count(&fresh.conn).await?, 0);
    assert!(users::Entity::find().count(&fresh.conn).await? >= 1);
    assert!(sessions::load(&fresh.conn, id).await?.is_none());

    // A backup made before sessions were left out: they are read past.
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let mut trailer: serde_json::Value =
        serde_json::from_str(&lines.pop().ok_or("an empty backup")?)?;
    let tables = trailer["tables"].as_u64().ok_or("no table count")?;
    trailer["tables"] = json!(tables + 1);
    let row = json!({
        "id": id,
        "user_id": admin.user_id,
        "data": "{}",
        "expires_at": "2999-01-01T00:00:00+00:00",
        "client_addr": null,
        "user_agent": null,
        "created_at": "2026-01-01T00:00:00+00:00",
        "updated_at": "2026-01-01T00:00:00+00:00",
    })
    .to_string();
    lines.push(
        json!({
            "table": "sessions",
            "columns": ["id", "user_id", "data", "expires_at", "client_addr",
                        "user_agent", "created_at", "updated_at"],
        })
        .to_string(),
    );
    lines.push(row.clone());
    lines.push(
        json!({"end": "sessions", "rows": 1, "sha256": sha256_hex(&format!("{row}\n"))})
            .to_string(),
    );
    lines.push(trailer.to_string());
    let old = gzip(&lines.join("\n"))?;
    let target = TestDb::empty().await?;
    let restored = backup::restore(&target.conn, old.as_slice(), |_| {}).await?;
    assert!(restored.tables.iter().all(|t| t.table != "sessions"));
    assert_eq!(session_rows::Entity::find().count(&target.conn).await?, 0);
    assert!(sessions::load(&target.conn, id).await?.is_none());
    assert_eq!(backup::checksums(&target.conn).await?, sums);
    Ok(())
}
