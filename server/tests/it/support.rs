//! An in-process app with a fresh database, an administrator, and helpers
//! to sign in and call it like a browser on the same origin.

use axum::{
    body::Body,
    http::{header, HeaderMap, Request, StatusCode},
    Router,
};
use http_body_util::BodyExt;
use tandem_app::ssr::AppState;
use tandem_domain::{
    access::builtin::BuiltinRole,
    testing::TestDb,
    {access::rate_limit::PublicLimits, access::roles as access, access::sign_in as auth, demo},
};
use tandem_server::{
    config::ServeArgs,
    router::{self, RouterConfig},
    serve,
};
use tower::ServiceExt;

pub type BoxResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

pub const ADMIN_EMAIL: &str = "root@example.com";
pub const PASSWORD: &str = "blue-kettle-sings-42";

/// A response, read whole.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    /// The session cookie this response sets, as `name=value`.
    pub fn session_cookie(&self) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("tandem_session="))
            .and_then(|c| c.split(';').next())
            .map(str::to_owned)
    }
}

/// A fresh database with the administrator and the demo company (a copy of
/// one seeded per test process).
pub async fn admin_and_demo() -> BoxResult<TestDb> {
    TestDb::from_template("admin_demo", |conn| async move {
        auth::create_admin(&conn, ADMIN_EMAIL, "Root", Some(PASSWORD.into())).await?;
        demo::seed(&conn).await?;
        Ok(())
    })
    .await
}

/// Longest a test waits for one whole answer (headers and body). The
/// slowest request of the suite takes a few seconds; past this the request
/// is stuck, and the test fails naming it instead of holding up the run.
pub const ANSWER_WITHIN: std::time::Duration = std::time::Duration::from_secs(120);

/// Sends `request` to `router` and reads the whole answer, within
/// [`ANSWER_WITHIN`].
pub async fn answer(
    router: &Router,
    request: Request<Body>,
) -> BoxResult<(StatusCode, HeaderMap, axum::body::Bytes)> {
    let what = format!("{} {}", request.method(), request.uri());
    let exchange = async {
        let response = router.clone().oneshot(request).await?;
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await?.to_bytes();
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>((status, headers, bytes))
    };
    tokio::time::timeout(ANSWER_WITHIN, exchange)
        .await
        .map_err(|_| format!("{what} did not answer within {ANSWER_WITHIN:?}"))?
}

/// Sends `copies` copies of one keyed API `POST` at once, each in a task
/// of its own, and returns every answer's status and body.
pub async fn race_posts(
    router: &Router,
    path: &str,
    token: &str,
    key: &str,
    body: &str,
    copies: usize,
) -> BoxResult<Vec<(StatusCode, String)>> {
    let mut tasks = Vec::new();
    for _ in 0..copies {
        let router = router.clone();
        let request = Request::builder()
            .method("POST")
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json")
            .header("idempotency-key", key)
            .body(Body::from(body.to_owned()))?;
        tasks.push(tokio::spawn(async move {
            let (status, _, bytes) = answer(&router, request).await?;
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>((
                status,
                String::from_utf8_lossy(&bytes).into_owned(),
            ))
        }));
    }
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await??);
    }
    Ok(answers)
}

pub struct TestApp {
    pub router: Router,
    pub db: TestDb,
}

impl TestApp {
    /// A fresh app with built-in roles, an administrator and the demo users.
    pub async fn new() -> BoxResult<Self> {
        Self::with_absolute_lifetime(chrono::Duration::days(7)).await
    }

    /// The same, with a chosen absolute session lifetime.
    pub async fn with_absolute_lifetime(session_absolute: chrono::Duration) -> BoxResult<Self> {
        Self::build(session_absolute, PublicLimits::off()).await
    }

    /// The same, with these rate limits for anonymous requests. Elsewhere
    /// they are off: the role matrix signs in hundreds of times from one
    /// address.
    pub async fn with_limits(limits: PublicLimits) -> BoxResult<Self> {
        Self::build(chrono::Duration::days(7), limits).await
    }

    /// The same, with a chosen absolute session lifetime and router
    /// settings (session idle timeout, metrics token), no rate limits.
    pub async fn with_router_config(
        session_absolute: chrono::Duration,
        config: &RouterConfig,
    ) -> BoxResult<Self> {
        Self::build_with(session_absolute, PublicLimits::off(), config).await
    }

    /// The same, with these rate limits and router settings (trusted proxies).
    pub async fn with_limits_and_config(
        limits: PublicLimits,
        config: &RouterConfig,
    ) -> BoxResult<Self> {
        Self::build_with(chrono::Duration::days(7), limits, config).await
    }

    async fn build(session_absolute: chrono::Duration, limits: PublicLimits) -> BoxResult<Self> {
        Self::build_with(session_absolute, limits, &RouterConfig::local()).await
    }

    async fn build_with(
        session_absolute: chrono::Duration,
        limits: PublicLimits,
        config: &RouterConfig,
    ) -> BoxResult<Self> {
        let db = admin_and_demo().await?;
        let args = ServeArgs::from_env()?;
        let state = AppState {
            db: db.conn.clone(),
            reader: tandem_domain::db::connect_reader(&db.url, &db.conn).await?,
            leptos_options: serve::leptos_options(&args),
            login_policy: Default::default(),
            session_absolute,
            limits: std::sync::Arc::new(limits),
            webhook_targets: args.webhook_targets(),
        };
        let router = router::build(state, config);
        Ok(Self { router, db })
    }

    /// Sends a request as a same-origin browser would.
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        cookie: Option<&str>,
        content_type: Option<&str>,
        body: &str,
    ) -> BoxResult<Reply> {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, "localhost")
            .header(header::ORIGIN, "http://localhost")
            .header(header::ACCEPT_LANGUAGE, "en");
        if method == "GET" {
            request = request.header(header::ACCEPT, "text/html,application/xhtml+xml");
        }
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        if let Some(content_type) = content_type {
            request = request.header(header::CONTENT_TYPE, content_type);
        }
        let request = request.body(Body::from(body.to_owned()))?;
        let (status, headers, bytes) = answer(&self.router, request).await?;
        Ok(Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        })
    }

    /// Calls the REST API as another system would: a bearer token, JSON,
    /// no cookie and no `Origin`.
    pub async fn api(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&str>,
        idempotency_key: Option<&str>,
    ) -> BoxResult<Reply> {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, "localhost")
            .header(header::ACCEPT, "application/json");
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        if body.is_some() {
            request = request.header(header::CONTENT_TYPE, "application/json");
        }
        if let Some(key) = idempotency_key {
            request = request.header("Idempotency-Key", key);
        }
        let request = request.body(Body::from(body.unwrap_or_default().to_owned()))?;
        let (status, headers, bytes) = answer(&self.router, request).await?;
        Ok(Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        })
    }

    /// A new API token for `email` with `permissions` (all the owner's when none).
    pub async fn token(&self, email: &str, permissions: Option<&[&str]>) -> BoxResult<String> {
        let input = tandem_domain::access::api_tokens::TokenInput {
            user_id: None,
            name: format!("test {email}"),
            permissions: permissions.map(|p| p.iter().map(|c| (*c).to_owned()).collect()),
            expires_at: None,
        };
        Ok(tandem_domain::access::api_tokens::create_for_email(
            &self.db.conn,
            email,
            &input,
            chrono::Utc::now(),
        )
        .await?
        .secret)
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> BoxResult<Reply> {
        self.send("GET", path, cookie, None, "").await
    }

    /// Signs in through the login server function; returns the session cookie.
    pub async fn login(&self, email: &str, password: &str) -> BoxResult<String> {
        let body = format!("email={}&password={}", email.replace('@', "%40"), password);
        let reply = self
            .send(
                "POST",
                "/api/auth/login",
                None,
                Some("application/x-www-form-urlencoded"),
                &body,
            )
            .await?;
        if reply.status != StatusCode::OK {
            return Err(format!("login as {email} failed: {} {}", reply.status, reply.body).into());
        }
        Ok(reply
            .session_cookie()
            .ok_or("no session cookie after login")?)
    }

    /// Signs in as the demo user of a built-in role.
    pub async fn login_as(&self, role: BuiltinRole) -> BoxResult<String> {
        let (email, password) = demo::demo_user(role);
        self.login(&email, &password).await
    }

    /// The administrator actor, for calling services directly.
    pub async fn admin(&self) -> BoxResult<tandem_domain::access::Actor> {
        let id = auth::login(
            &self.db.conn,
            ADMIN_EMAIL,
            PASSWORD,
            &Default::default(),
            &Default::default(),
        )
        .await?;
        Ok(access::resolve_actor(&self.db.conn, id, Default::default())
            .await?
            .ok_or("admin inactive")?)
    }
}
