//! Configuration by flags and environment variables (the README's table).

use std::{net::SocketAddr, path::PathBuf, str::FromStr, time::Duration};

use clap::{Args, Parser, Subcommand, ValueEnum};
use tandem_domain::integration::webhooks::{Net, Targets};

/// The `tandem` command line.
#[derive(Debug, Parser)]
#[command(name = "tandem", version, about = "Tandem: ERP and CRM in one portal")]
pub struct Cli {
    /// Settings every subcommand shares.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// What to do; `serve` (configured by the environment) when omitted.
    #[command(subcommand)]
    pub command: Option<Command>,
}

impl Cli {
    /// The subcommand, with a bare `tandem` meaning `tandem serve`.
    pub fn command_or_serve(&self) -> Result<Command, clap::Error> {
        match &self.command {
            Some(Command::Serve(args)) => Ok(Command::Serve(args.clone())),
            Some(Command::Migrate) => Ok(Command::Migrate),
            Some(Command::SeedDemo) => Ok(Command::SeedDemo),
            Some(Command::CreateAdmin(args)) => Ok(Command::CreateAdmin(args.clone())),
            Some(Command::SeedVolume(args)) => Ok(Command::SeedVolume(args.clone())),
            Some(Command::Seed(args)) => Ok(Command::Seed(args.clone())),
            Some(Command::Stats(args)) => Ok(Command::Stats(args.clone())),
            Some(Command::Check) => Ok(Command::Check),
            Some(Command::Token(args)) => Ok(Command::Token(args.clone())),
            Some(Command::Backup(args)) => Ok(Command::Backup(args.clone())),
            Some(Command::Restore(args)) => Ok(Command::Restore(args.clone())),
            Some(Command::Import(args)) => Ok(Command::Import(args.clone())),
            // The environment fills in `serve`'s settings.
            None => ServeArgs::from_env().map(|args| Command::Serve(Box::new(args))),
        }
    }
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the portal (the default).
    Serve(Box<ServeArgs>),
    /// Apply pending database migrations and exit.
    Migrate,
    /// Create the demo data (idempotent) and exit.
    SeedDemo,
    /// Create an administrator and exit (prints a generated password once).
    CreateAdmin(CreateAdminArgs),
    /// Load large volumes of CRM data for benchmarks (after the demo data),
    /// with a progress bar, and exit.
    SeedVolume(SeedVolumeArgs),
    /// Add sales volume for benchmarks on top of the demo data: customers
    /// and orders over three years with lines, shipments, invoices,
    /// payments and tickets in proportion (progress bar), then rebuild the
    /// order, product and customer summaries.
    Seed(SeedArgs),
    /// Check the dashboards' order, product and customer summaries against the
    /// orders (`check`, exit status 1 on a difference) or rebuild them
    /// from the orders (`rebuild`).
    Stats(StatsArgs),
    /// Recompute stock from the ledger and list any difference from the
    /// stored levels (exit status 1 when there is one). Never fixes.
    Check,
    /// API tokens: `tandem token create --email … --name …` prints a new
    /// token once.
    Token(TokenArgs),
    /// Write a consistent backup of the whole database to a file while the
    /// portal keeps running (gzip-compressed JSON lines, either engine).
    Backup(BackupArgs),
    /// Restore a backup made by `tandem backup` into an empty database
    /// (it runs the migrations itself), checking every table's checksum.
    Restore(BackupArgs),
    /// Import a CSV file (UTF-8 or GBK) of customers, contacts, leads,
    /// products, opening_stock or supplier_prices, acting as a user, with a
    /// progress bar; bad rows go to `<file>.errors.csv`. Exit status 1 when
    /// any row is bad.
    Import(ImportArgs),
}

/// Settings of `tandem import`.
#[derive(Clone, Debug, Args)]
pub struct ImportArgs {
    /// customers, contacts, leads, products, opening_stock or supplier_prices.
    pub kind: String,
    /// The CSV file; its first row names the columns.
    pub file: std::path::PathBuf,
    /// The user the import acts as (needs admin.import and the kind's
    /// write permission).
    #[arg(long = "as", value_name = "EMAIL")]
    pub as_email: String,
    /// Check every row and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Rows matching an existing record: skip, update or create.
    #[arg(long, default_value = "skip")]
    pub duplicates: String,
    /// Import the good rows even when some are bad (otherwise nothing is
    /// imported while any row is bad).
    #[arg(long)]
    pub skip_bad: bool,
    /// Column for a field, `field=Header` (repeat or comma-separate);
    /// otherwise the kind's last mapping, or the headers' names.
    #[arg(long, value_delimiter = ',')]
    pub map: Vec<String>,
}

/// Settings of `tandem backup` and `tandem restore`.
#[derive(Clone, Debug, Args)]
pub struct BackupArgs {
    /// The backup file.
    pub file: std::path::PathBuf,
}

/// Settings of `tandem token`.
#[derive(Clone, Debug, Args)]
pub struct TokenArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: TokenAction,
}

/// What `tandem token` does.
#[derive(Clone, Debug, Subcommand)]
pub enum TokenAction {
    /// Create a token for a user and print it once.
    Create(TokenCreateArgs),
}

/// Settings of `tandem token create`.
#[derive(Clone, Debug, Args)]
pub struct TokenCreateArgs {
    /// The owner's email: the token acts as this user.
    #[arg(long)]
    pub email: String,
    /// A name to tell the token apart ("web shop").
    #[arg(long)]
    pub name: String,
    /// Permission codes, comma-separated (`customers.read,orders.write`);
    /// all the owner holds when omitted.
    #[arg(long, value_delimiter = ',')]
    pub permissions: Option<Vec<String>>,
    /// Last day the token works (`2027-06-30`, through the end of that UTC
    /// day) or an RFC 3339 time; never expires when omitted.
    #[arg(long)]
    pub expires: Option<String>,
}

/// Settings of `tandem seed-volume`.
#[derive(Clone, Debug, Args)]
pub struct SeedVolumeArgs {
    /// How many customers to add.
    #[arg(long, default_value_t = 100_000)]
    pub customers: u64,
    /// How many activities to add (spread over all customers).
    #[arg(long, default_value_t = 1_000_000)]
    pub activities: u64,
}

/// Settings of `tandem seed`.
#[derive(Clone, Debug, Args)]
pub struct SeedArgs {
    /// How many customers to add.
    #[arg(long, default_value_t = 100_000)]
    pub customers: u64,
    /// How many orders to add (spread over the last three years).
    #[arg(long, default_value_t = 1_000_000)]
    pub orders: u64,
}

/// What `tandem stats` does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum StatsAction {
    /// Compare the summary with a recount; change nothing.
    Check,
    /// Replace the summary with a recount.
    Rebuild,
}

/// Settings of `tandem stats`.
#[derive(Clone, Debug, Args)]
pub struct StatsArgs {
    /// `check` or `rebuild`.
    #[arg(value_enum)]
    pub action: StatsAction,
}

/// Settings of `tandem create-admin`.
#[derive(Clone, Debug, Args)]
pub struct CreateAdminArgs {
    /// The administrator's email (their sign-in name).
    #[arg(long)]
    pub email: String,
    /// Display name.
    #[arg(long, default_value = "Administrator")]
    pub name: String,
    /// The password; generated and printed once when omitted.
    #[arg(long, env = "TANDEM_ADMIN_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
}

/// Settings every subcommand shares.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// The database: `sqlite://PATH?mode=rwc` (created when missing) or `postgres://USER:PASSWORD@HOST/DB`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://./data/tandem.db?mode=rwc",
        global = true
    )]
    pub database_url: String,
    /// Maximum database connections (default: 1 on SQLite, 10 on PostgreSQL).
    #[arg(long, env = "TANDEM_DB_POOL", global = true)]
    pub db_pool: Option<u32>,
    /// Log filter, in tracing's `EnvFilter` syntax (`info`, `tandem_server=debug,info`).
    #[arg(long, env = "TANDEM_LOG", default_value = "info", global = true)]
    pub log: String,
    /// Log format.
    #[arg(long, env = "TANDEM_LOG_FORMAT", value_enum, default_value_t = LogFormat::Human, global = true)]
    pub log_format: LogFormat,
}

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Readable lines for a terminal.
    Human,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Settings of `tandem serve`.
#[derive(Clone, Debug, Args)]
pub struct ServeArgs {
    /// The address to listen on.
    #[arg(long, env = "TANDEM_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
    /// The portal's public base URL, as browsers reach it (default: derived from the address).
    #[arg(long, env = "TANDEM_PUBLIC_URL")]
    pub public_url: Option<url::Url>,
    /// Mark cookies `Secure` (default: on when the public URL is https or TLS is configured).
    #[arg(long, env = "TANDEM_COOKIE_SECURE")]
    pub cookie_secure: Option<bool>,
    /// PEM certificate chain, to serve HTTPS without a reverse proxy (needs --tls-key).
    #[arg(long, env = "TANDEM_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key for --tls-cert.
    #[arg(long, env = "TANDEM_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Where the built front end (JS, WASM, CSS, public files) lives.
    #[arg(long, env = "TANDEM_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,
    /// Seconds a request may take before it is answered with 408.
    #[arg(long, env = "TANDEM_REQUEST_TIMEOUT", default_value_t = 30)]
    pub request_timeout: u64,
    /// Create the demo data at start-up (idempotent).
    #[arg(long, env = "TANDEM_SEED_DEMO", default_value_t = false)]
    pub seed_demo: bool,
    /// The first administrator's password (admin@localhost), used when no user exists yet.
    #[arg(long, env = "TANDEM_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<String>,
    /// Minutes without a request after which a session ends.
    #[arg(long, env = "TANDEM_SESSION_IDLE_MINUTES", default_value_t = 480)]
    pub session_idle_minutes: i64,
    /// Hours after sign-in after which a session ends, however active.
    #[arg(long, env = "TANDEM_SESSION_ABSOLUTE_HOURS", default_value_t = 168)]
    pub session_absolute_hours: i64,
    /// Consecutive failed sign-ins that lock an account.
    #[arg(long, env = "TANDEM_LOCKOUT_THRESHOLD", default_value_t = 5)]
    pub lockout_threshold: i32,
    /// Minutes a locked account stays locked.
    #[arg(long, env = "TANDEM_LOCKOUT_MINUTES", default_value_t = 15)]
    pub lockout_minutes: i64,
    /// Failed sign-ins from one client address within 15 minutes before it is refused for the rest of them.
    #[arg(long, env = "TANDEM_ADDRESS_LOGIN_LIMIT", default_value_t = 30)]
    pub address_login_limit: i32,
    /// Sign-in attempts (any outcome) per minute from one client address before 429.
    #[arg(long, env = "TANDEM_SIGN_IN_PER_MINUTE", default_value_t = 30)]
    pub sign_in_per_minute: u32,
    /// Anonymous reads of the help centre and rating pages per minute from one client address before 429.
    #[arg(long, env = "TANDEM_PUBLIC_READS_PER_MINUTE", default_value_t = 120)]
    pub public_reads_per_minute: u32,
    /// Bearer token `/metrics` requires (at least 16 characters); without it the portal's address does not serve `/metrics`.
    #[arg(long, env = "TANDEM_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// A second address serving only `/metrics` (to anyone who reaches it, unless a token is set), e.g. a private interface.
    #[arg(long, env = "TANDEM_METRICS_ADDR")]
    pub metrics_addr: Option<SocketAddr>,
    /// Networks webhooks may reach besides public addresses, comma-separated
    /// (`127.0.0.0/8,10.1.0.0/16,fd00::/8`); none by default.
    #[arg(long, env = "TANDEM_WEBHOOK_ALLOW_NETS")]
    pub webhook_allow_nets: Option<AllowNets>,
    /// Networks of the reverse proxies in front of Tandem, comma-separated
    /// (`10.0.0.0/8,fd00::/8`): a request from one of them is attributed to
    /// the address its `X-Forwarded-For` names; none by default.
    #[arg(long, env = "TANDEM_TRUSTED_PROXIES")]
    pub trusted_proxies: Option<AllowNets>,
}

/// The networks of `TANDEM_WEBHOOK_ALLOW_NETS` and `TANDEM_TRUSTED_PROXIES`:
/// CIDRs (or single addresses) separated by commas; empty items are
/// ignored, a malformed one stops the start.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AllowNets(pub Vec<Net>);

impl FromStr for AllowNets {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        text.split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(Net::from_str)
            .collect::<Result<Vec<_>, _>>()
            .map(Self)
    }
}

/// The shortest metrics token accepted: a short one could be guessed.
pub const METRICS_TOKEN_MIN_LEN: usize = 16;

impl ServeArgs {
    /// `serve`'s settings from the environment alone, as `tandem serve` would read them.
    pub fn from_env() -> Result<Self, clap::Error> {
        match Cli::try_parse_from(["tandem", "serve"])?.command {
            Some(Command::Serve(args)) => Ok(*args),
            _ => Err(clap::Error::new(clap::error::ErrorKind::MissingSubcommand)),
        }
    }

    /// The public URL: the configured one, or one derived from the address.
    pub fn public_url(&self) -> Result<url::Url, url::ParseError> {
        if let Some(url) = &self.public_url {
            return Ok(url.clone());
        }
        let scheme = if self.tls_cert.is_some() {
            "https"
        } else {
            "http"
        };
        url::Url::parse(&format!("{scheme}://{}/", self.addr))
    }

    /// Whether cookies must carry `Secure`.
    pub fn cookie_secure(&self) -> bool {
        self.cookie_secure.unwrap_or_else(|| {
            self.tls_cert.is_some()
                || self
                    .public_url
                    .as_ref()
                    .is_some_and(|url| url.scheme() == "https")
        })
    }

    /// Sign-in throttling and lockout.
    pub fn login_policy(&self) -> tandem_domain::access::sign_in::LoginPolicy {
        tandem_domain::access::sign_in::LoginPolicy {
            lock_after: self.lockout_threshold.max(1),
            lock_for: chrono::Duration::minutes(self.lockout_minutes.max(1)),
            address_limit: self.address_login_limit.max(1),
            address_window: chrono::Duration::minutes(15),
        }
    }

    /// The per-address rate limits of anonymous requests (the support form
    /// and ratings: 5 per 10 minutes).
    pub fn public_limits(&self) -> tandem_domain::access::rate_limit::PublicLimits {
        use tandem_domain::access::rate_limit::{Limiter, PublicLimits};
        let minute = Duration::from_secs(60);
        PublicLimits::new(
            Limiter::new(self.sign_in_per_minute, minute),
            Limiter::new(self.public_reads_per_minute, minute),
            Limiter::standard(),
        )
    }

    /// The request timeout.
    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.request_timeout.max(1))
    }

    /// The operator's metrics token: none when unset or empty, an error
    /// (naming the variable, never the value) when too short to be safe.
    pub fn metrics_token(&self) -> Result<Option<crate::metrics::MetricsToken>, String> {
        match self.metrics_token.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(token) if token.chars().count() < METRICS_TOKEN_MIN_LEN => Err(format!(
                "TANDEM_METRICS_TOKEN must be at least {METRICS_TOKEN_MIN_LEN} characters"
            )),
            Some(token) => Ok(crate::metrics::MetricsToken::new(token)),
        }
    }

    /// The addresses webhooks may reach: public ones and the allowed networks.
    pub fn webhook_targets(&self) -> Targets {
        Targets::allowing(
            self.webhook_allow_nets
                .as_ref()
                .map(|nets| nets.0.clone())
                .unwrap_or_default(),
        )
    }

    /// The networks of the reverse proxies whose `X-Forwarded-For` is believed.
    pub fn trusted_proxies(&self) -> Vec<Net> {
        self.trusted_proxies
            .as_ref()
            .map(|nets| nets.0.clone())
            .unwrap_or_default()
    }

    /// The webhook relay's settings.
    pub fn relay_config(&self) -> crate::webhooks::RelayConfig {
        crate::webhooks::RelayConfig {
            targets: self.webhook_targets(),
            ..Default::default()
        }
    }
}
