use std::{
    io::{Read, Write},
    net::{TcpListener, TcpStream},
    process::{Command, Output, Stdio},
    time::{Duration, Instant},
};
use tandem_domain::testing::db_test;

use tandem_domain::testing::TestDb;

use crate::TestResult;

fn tandem() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tandem"));
    command
        .env_remove("DATABASE_URL")
        .env_remove("TANDEM_ADDR")
        .env_remove("TANDEM_METRICS_ADDR")
        .env_remove("TANDEM_METRICS_TOKEN")
        .env("TANDEM_LOG", "warn")
        .stdin(Stdio::null());
    command
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).trim().to_owned()
}

fn free_port() -> Result<u16, std::io::Error> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A minimal HTTP GET, so the test needs no client library.
fn http_get(port: u16, path: &str) -> Option<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    Some(response)
}

#[tokio::test]
async fn an_unparsable_database_url_is_one_clear_line() -> TestResult {
    let output = tandem()
        .arg("migrate")
        .env("DATABASE_URL", "nonsense://here")
        .output()?;
    assert!(!output.status.success());
    let message = stderr(&output);
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(message.contains("DATABASE_URL"), "{message}");
    assert!(!message.contains("panicked"), "{message}");
    Ok(())
}

#[tokio::test]
async fn an_unreachable_database_is_one_clear_line() -> TestResult {
    let output = tandem()
        .arg("migrate")
        .env("DATABASE_URL", "postgres://tandem:pw@127.0.0.1:1/tandem")
        .output()?;
    assert!(!output.status.success());
    let message = stderr(&output);
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(
        message.contains("cannot connect to the database"),
        "{message}"
    );
    assert!(
        !message.contains(":pw@"),
        "the password is never printed: {message}"
    );
    Ok(())
}

#[db_test]
async fn a_port_in_use_is_one_clear_line() -> TestResult {
    let db = TestDb::empty().await?;
    let taken = TcpListener::bind("127.0.0.1:0")?;
    let addr = taken.local_addr()?;
    let output = tandem()
        .arg("serve")
        .env("DATABASE_URL", &db.url)
        .env("TANDEM_ADDR", addr.to_string())
        .output()?;
    assert!(!output.status.success());
    let message = stderr(&output);
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(
        message.contains(&format!("cannot listen on {addr}")),
        "{message}"
    );
    Ok(())
}

#[db_test]
async fn a_guessable_metrics_token_is_one_clear_line_that_does_not_show_it() -> TestResult {
    let db = TestDb::empty().await?;
    let port = free_port()?;
    let output = tandem()
        .arg("serve")
        .env("DATABASE_URL", &db.url)
        .env("TANDEM_ADDR", format!("127.0.0.1:{port}"))
        .env("TANDEM_METRICS_TOKEN", "hunter2-short")
        .output()?;
    assert!(!output.status.success());
    let message = stderr(&output);
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(message.contains("TANDEM_METRICS_TOKEN"), "{message}");
    assert!(!message.contains("hunter2"), "{message}");
    Ok(())
}

#[db_test]
async fn seed_demo_is_idempotent_and_its_backup_restores_equal() -> TestResult {
    let db = TestDb::empty().await?;
    let migrate = tandem()
        .arg("migrate")
        .env("DATABASE_URL", &db.url)
        .output()?;
    assert!(migrate.status.success(), "{}", stderr(&migrate));
    let first = tandem()
        .arg("seed-demo")
        .env("DATABASE_URL", &db.url)
        .output()?;
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(String::from_utf8_lossy(&first.stdout).contains("demo data created"));
    let second = tandem()
        .arg("seed-demo")
        .env("DATABASE_URL", &db.url)
        .output()?;
    assert!(second.status.success(), "{}", stderr(&second));
    assert!(String::from_utf8_lossy(&second.stdout).contains("already present"));
    // The demo data through `tandem backup` and `tandem restore` into a
    // database with no tables: every table's rows and checksum equal.
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("demo.jsonl.gz");
    let backup = tandem()
        .arg("backup")
        .arg(&file)
        .env("DATABASE_URL", &db.url)
        .output()?;
    assert!(backup.status.success(), "{}", stderr(&backup));
    assert!(String::from_utf8_lossy(&backup.stdout).contains("backed up"));
    let target = TestDb::empty().await?;
    let restore = tandem()
        .arg("restore")
        .arg(&file)
        .env("DATABASE_URL", &target.url)
        .output()?;
    assert!(restore.status.success(), "{}", stderr(&restore));
    assert!(String::from_utf8_lossy(&restore.stdout).contains("every table matches its checksum"));
    let original = tandem_domain::integration::backup::checksums(&db.conn).await?;
    assert!(original.iter().filter(|t| t.rows > 0).count() > 30);
    assert_eq!(
        tandem_domain::integration::backup::checksums(&target.conn).await?,
        original
    );
    // A second restore into the now full database is refused, clearly.
    let again = tandem()
        .arg("restore")
        .arg(&file)
        .env("DATABASE_URL", &target.url)
        .output()?;
    assert!(!again.status.success());
    assert!(stderr(&again).contains("not empty"), "{}", stderr(&again));
    Ok(())
}

#[db_test]
async fn serve_migrates_answers_and_exits_zero_on_sigterm() -> TestResult {
    let db = TestDb::empty().await?;
    let port = free_port()?;
    let metrics_port = free_port()?;
    let mut child = tandem()
        .env("DATABASE_URL", &db.url)
        .env("TANDEM_ADDR", format!("127.0.0.1:{port}"))
        .env("TANDEM_METRICS_ADDR", format!("127.0.0.1:{metrics_port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut ready = false;
    while Instant::now() < deadline {
        if http_get(port, "/readyz").is_some_and(|r| r.starts_with("HTTP/1.1 200")) {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    if !ready {
        child.kill()?;
        return Err("tandem (no subcommand) did not become ready".into());
    }
    // Start-up applied the migrations.
    assert!(tandem_domain::db::pending_migrations(&db.conn)
        .await?
        .is_empty());
    // `/metrics` only on the separate metrics address (no token is set).
    let metrics = http_get(metrics_port, "/metrics").unwrap_or_default();
    assert!(metrics.contains("http_requests_total"), "{metrics}");
    let public = http_get(port, "/metrics").unwrap_or_default();
    assert!(public.starts_with("HTTP/1.1 404"), "{public}");
    assert!(!public.contains("http_requests_total"));

    let killed = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status()?;
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = child.try_wait()? {
            assert!(status.success(), "exit status after SIGTERM: {status}");
            break;
        }
        if Instant::now() > deadline {
            child.kill()?;
            return Err("tandem did not stop after SIGTERM".into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

#[db_test]
async fn create_admin_prints_a_generated_password_once_and_refuses_a_duplicate() -> TestResult {
    let db = TestDb::empty().await?;
    let created = tandem()
        .args(["create-admin", "--email", "ops@example.com"])
        .env("DATABASE_URL", &db.url)
        .env_remove("TANDEM_ADMIN_PASSWORD")
        .output()?;
    assert!(created.status.success(), "{}", stderr(&created));
    let stdout = String::from_utf8_lossy(&created.stdout).into_owned();
    let password = stdout
        .rsplit(": ")
        .next()
        .map(str::trim)
        .ok_or("no password printed")?;
    assert_eq!(password.len(), 16, "{stdout}");
    let id = tandem_domain::access::sign_in::login(
        &db.conn,
        "ops@example.com",
        password,
        &Default::default(),
        &Default::default(),
    )
    .await?;
    let actor = tandem_domain::access::roles::resolve_actor(&db.conn, id, Default::default())
        .await?
        .ok_or("inactive")?;
    assert!(actor.has(tandem_domain::access::Permission::AdminRoles));
    let again = tandem()
        .args(["create-admin", "--email", "OPS@example.com"])
        .env("DATABASE_URL", &db.url)
        .output()?;
    assert!(!again.status.success());
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );
    Ok(())
}

#[db_test]
async fn import_reads_a_gbk_file_reports_bad_rows_and_imports_the_rest_when_asked() -> TestResult {
    use sea_orm::{EntityTrait, PaginatorTrait};
    let db = TestDb::new().await?;
    tandem_domain::access::sign_in::create_admin(
        &db.conn,
        "root@example.com",
        "Root",
        Some("blue-kettle-sings-42".into()),
    )
    .await?;
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("客户.csv");
    let (bytes, _, _) = encoding_rs::GBK
        .encode("名称,邮箱\n上海贸易,sh@example.com\n,nameless@example.com\n北京科技,not-an-email\n广州物流,gz@example.com\n");
    std::fs::write(&file, &bytes)?;
    let import = |extra: &[&str]| {
        let mut command = tandem();
        command
            .arg("import")
            .arg("customers")
            .arg(&file)
            .args(["--as", "root@example.com"])
            .args(extra)
            .env("DATABASE_URL", &db.url);
        command.output()
    };
    let dry = import(&["--dry-run"])?;
    let out = String::from_utf8_lossy(&dry.stdout).into_owned();
    assert!(!dry.status.success(), "bad rows: exit status 1");
    assert!(
        out.contains("dry run, nothing changed: 4 rows (gbk encoded), 2 created"),
        "{out}"
    );
    assert!(
        out.contains("line 3: name:") && out.contains("line 4: email:"),
        "{out}"
    );
    let errors = dir.path().join("客户.errors.csv");
    let text = std::fs::read_to_string(&errors)?;
    assert_eq!(
        text.lines().count(),
        3,
        "header and the two bad rows: {text}"
    );
    let customers = || tandem_domain::entities::customers::Entity::find().count(&db.conn);
    assert_eq!(customers().await?, 0);
    let strict = import(&[])?;
    assert!(!strict.status.success());
    assert!(String::from_utf8_lossy(&strict.stdout).contains("nothing imported"));
    assert_eq!(customers().await?, 0);
    let kept = import(&["--skip-bad"])?;
    assert!(String::from_utf8_lossy(&kept.stdout).contains("imported: 4 rows"));
    assert_eq!(customers().await?, 2);
    // An unknown user or kind is one clear line.
    let nobody = tandem()
        .args(["import", "customers"])
        .arg(&file)
        .args(["--as", "ghost@example.com"])
        .env("DATABASE_URL", &db.url)
        .output()?;
    assert!(
        stderr(&nobody).contains("--as ghost@example.com"),
        "{}",
        stderr(&nobody)
    );
    Ok(())
}
