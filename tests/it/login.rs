use tandem_domain::testing::db_test;
use tandem_domain::{
    access::builtin::BuiltinRole,
    Error,
    {
        access::audit::{self, AuditFilter},
        access::sign_in::{self as auth, LoginPolicy, LOGIN_FAILED},
        access::users,
    },
};

use crate::{
    support::{meta, user_with, with_admin, PASSWORD},
    TestResult,
};

fn form_message(err: &Error) -> Option<&str> {
    match err {
        Error::Validation(fields) => fields.get("form").map(String::as_str),
        _ => None,
    }
}

#[db_test]
async fn unknown_email_and_wrong_password_fail_with_the_same_message() -> TestResult {
    let (db, admin) = with_admin().await?;
    user_with(&db.conn, &admin, "ann@example.com", BuiltinRole::Sales).await?;
    let policy = LoginPolicy::default();
    let unknown = auth::login(
        &db.conn,
        "nobody@example.com",
        PASSWORD,
        &meta("10.0.0.2"),
        &policy,
    )
    .await
    .err()
    .ok_or("unknown email signed in")?;
    let wrong = auth::login(
        &db.conn,
        "ann@example.com",
        "not-the-password",
        &meta("10.0.0.2"),
        &policy,
    )
    .await
    .err()
    .ok_or("wrong password signed in")?;
    assert_eq!(form_message(&unknown), Some(LOGIN_FAILED));
    assert_eq!(form_message(&wrong), form_message(&unknown));
    // Email matching ignores case and surrounding spaces.
    auth::login(
        &db.conn,
        "  ANN@example.COM ",
        PASSWORD,
        &meta("10.0.0.2"),
        &policy,
    )
    .await?;
    Ok(())
}

#[db_test]
async fn five_failures_lock_the_account_even_for_the_right_password_and_it_is_audited() -> TestResult
{
    let (db, admin) = with_admin().await?;
    let ann = user_with(&db.conn, &admin, "ann@example.com", BuiltinRole::Sales).await?;
    let policy = LoginPolicy::default();
    for _ in 0..5 {
        assert!(auth::login(
            &db.conn,
            "ann@example.com",
            "wrong-password-x",
            &meta("10.0.0.3"),
            &policy
        )
        .await
        .is_err());
    }
    let locked = auth::login(
        &db.conn,
        "ann@example.com",
        PASSWORD,
        &meta("10.0.0.3"),
        &policy,
    )
    .await;
    assert_eq!(
        locked.err().as_ref().and_then(form_message),
        Some(LOGIN_FAILED),
        "locked accounts refuse the right password"
    );
    let info = users::get(&db.conn, &admin, ann).await?;
    assert!(info.locked_until.is_some());
    let log = audit::list(
        &db.conn,
        &admin,
        &AuditFilter {
            action: Some("user.locked".into()),
            per_page: 50,
            ..Default::default()
        },
    )
    .await?;
    assert_eq!(log.total, 1);
    // An administrator's password reset unlocks, and that is audited too.
    users::reset_password(&db.conn, &admin, ann, Some("fresh-kettle-sings-7".into())).await?;
    auth::login(
        &db.conn,
        "ann@example.com",
        "fresh-kettle-sings-7",
        &meta("10.0.0.3"),
        &policy,
    )
    .await?;
    let log = audit::list(
        &db.conn,
        &admin,
        &AuditFilter {
            action: Some("user.unlocked".into()),
            per_page: 50,
            ..Default::default()
        },
    )
    .await?;
    assert_eq!(log.total, 1);
    Ok(())
}

#[db_test]
async fn an_expired_lock_lets_the_user_in_and_records_the_unlock() -> TestResult {
    let (db, admin) = with_admin().await?;
    user_with(&db.conn, &admin, "bo@example.com", BuiltinRole::Sales).await?;
    let policy = LoginPolicy {
        lock_for: chrono::Duration::milliseconds(300),
        ..Default::default()
    };
    for _ in 0..5 {
        let _ = auth::login(
            &db.conn,
            "bo@example.com",
            "wrong-password-x",
            &meta("10.0.0.4"),
            &policy,
        )
        .await;
    }
    assert!(auth::login(
        &db.conn,
        "bo@example.com",
        PASSWORD,
        &meta("10.0.0.4"),
        &policy
    )
    .await
    .is_err());
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    auth::login(
        &db.conn,
        "bo@example.com",
        PASSWORD,
        &meta("10.0.0.4"),
        &policy,
    )
    .await?;
    let log = audit::list(
        &db.conn,
        &admin,
        &AuditFilter {
            action: Some("user.unlocked".into()),
            per_page: 50,
            ..Default::default()
        },
    )
    .await?;
    assert_eq!(log.total, 1);
    Ok(())
}

#[db_test]
async fn a_client_address_with_too_many_failures_is_throttled_before_checking_passwords(
) -> TestResult {
    let (db, _admin) = with_admin().await?;
    let policy = LoginPolicy {
        address_limit: 3,
        ..Default::default()
    };
    for i in 0..3 {
        let err = auth::login(
            &db.conn,
            &format!("ghost{i}@example.com"),
            "whatever-123",
            &meta("10.9.9.9"),
            &policy,
        )
        .await
        .err()
        .ok_or("signed in")?;
        assert!(matches!(err, Error::Validation(_)));
    }
    let throttled = auth::login(
        &db.conn,
        "root@example.com",
        PASSWORD,
        &meta("10.9.9.9"),
        &policy,
    )
    .await;
    assert!(
        matches!(throttled, Err(Error::RateLimited { .. })),
        "{throttled:?}"
    );
    // Another address is not affected.
    auth::login(
        &db.conn,
        "root@example.com",
        PASSWORD,
        &meta("10.9.9.10"),
        &policy,
    )
    .await?;
    Ok(())
}

#[db_test]
async fn concurrent_failures_are_all_counted() -> TestResult {
    let (db, admin) = with_admin().await?;
    let cy = user_with(&db.conn, &admin, "cy@example.com", BuiltinRole::Sales).await?;
    let policy = LoginPolicy {
        lock_after: 100,
        ..Default::default()
    };
    let attempts: Vec<_> = (0..6)
        .map(|i| {
            let conn = db.conn.clone();
            tokio::spawn(async move {
                auth::login(
                    &conn,
                    "cy@example.com",
                    "wrong-password-x",
                    &meta(&format!("10.1.0.{i}")),
                    &policy,
                )
                .await
            })
        })
        .collect();
    for attempt in attempts {
        assert!(attempt.await?.is_err());
    }
    let user = users::get(&db.conn, &admin, cy).await?;
    let row = <tandem_domain::entities::users::Entity as sea_orm::EntityTrait>::find_by_id(user.id)
        .one(&db.conn)
        .await?
        .ok_or("gone")?;
    assert_eq!(row.failed_logins, 6);
    Ok(())
}

#[db_test]
async fn inactive_users_cannot_sign_in() -> TestResult {
    let (db, admin) = with_admin().await?;
    let dee = user_with(&db.conn, &admin, "dee@example.com", BuiltinRole::Support).await?;
    users::set_active(&db.conn, &admin, dee, false).await?;
    let refused = auth::login(
        &db.conn,
        "dee@example.com",
        PASSWORD,
        &meta("10.0.0.5"),
        &LoginPolicy::default(),
    )
    .await;
    assert_eq!(
        refused.err().as_ref().and_then(form_message),
        Some(LOGIN_FAILED)
    );
    Ok(())
}

#[db_test]
async fn changing_ones_password_checks_the_current_one_and_the_policy() -> TestResult {
    let (db, admin) = with_admin().await?;
    let err = auth::change_password(
        &db.conn,
        &admin,
        "wrong-current-1",
        "another-fine-pass",
        None,
    )
    .await;
    assert!(matches!(err, Err(Error::Validation(ref f)) if f.contains_key("current_password")));
    let err = auth::change_password(&db.conn, &admin, PASSWORD, "short", None).await;
    assert!(matches!(err, Err(Error::Validation(ref f)) if f.contains_key("new_password")));
    auth::change_password(&db.conn, &admin, PASSWORD, "another-fine-pass", None).await?;
    auth::login(
        &db.conn,
        "root@example.com",
        "another-fine-pass",
        &meta("10.0.0.6"),
        &LoginPolicy::default(),
    )
    .await?;
    Ok(())
}
