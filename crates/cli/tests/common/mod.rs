//! Shared test support: a fresh database per test (an SQLite file, or a new PostgreSQL
//! database when `ASKPRO_TEST_POSTGRES_URL` is set) and the real server on port 0.
#![allow(dead_code)]

use askpro_app::{Actor, App, Clock};
use askpro_core::Tenant;
use askpro_server::{ServerConfig, ServerState};
use askpro_store::Db;
use std::path::Path;

pub mod smtp;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub const PG_ENV: &str = "ASKPRO_TEST_POSTGRES_URL";
pub const OPERATOR_TOKEN: &str = "test-operator-token";
/// The Retell API key the test server checks signatures with.
pub const RETELL_KEY: &str = "test-retell-key";
/// Monday 30 November 2026, 08:00 in Berlin: every test's "now". Tests run on a clock
/// frozen here (in process) or starting here (`ASKPRO_NOW` for the binary), never on
/// today's date, so they pass whatever day they run.
pub const NOW: &str = "2026-11-30T07:00:00Z";
/// `request` carrying `body` signed with [`RETELL_KEY`] now, as Retell sends webhooks and
/// function calls.
pub fn signed_by_retell(request: reqwest::RequestBuilder, body: String) -> reqwest::RequestBuilder {
    let signature = askpro_app::voice::signature::sign(RETELL_KEY, body.as_bytes(), now_ms());
    request
        .header("content-type", "application/json")
        .header("x-retell-signature", signature)
        .body(body)
}

/// Pairs of booked appointments of one staff member that overlap: zero, always.
pub const OVERLAPS: &str = "SELECT COUNT(*) FROM appointments a JOIN appointments b ON a.staff_id = b.staff_id \
    AND a.id < b.id AND a.status = 'booked' AND b.status = 'booked' \
    AND a.blocked_from < b.blocked_until AND b.blocked_from < a.blocked_until";
pub const EXAMPLE: &str = include_str!("../../../../examples/salon-sonnenschein.toml");

/// [`NOW`] as an instant.
pub fn now() -> jiff::Timestamp {
    NOW.parse().expect("NOW is an RFC 3339 instant")
}

/// [`NOW`] in Unix milliseconds, as the store takes instants.
pub fn now_ms() -> i64 {
    now().as_millisecond()
}

/// `ASKPRO_NOW` for the `askpro` processes a test starts: the system clock moved so
/// that it read [`NOW`] when this test binary started. One shift for every process, so
/// a server and the commands run against it agree to the millisecond.
pub fn binary_now() -> String {
    format!("{:+}ms", binary_shift_ms())
}

/// The shift of the system clock behind [`binary_now`], for stand-ins that stamp times.
pub fn binary_shift_ms() -> i64 {
    static SHIFT: std::sync::LazyLock<i64> =
        std::sync::LazyLock::new(|| now_ms() - jiff::Timestamp::now().as_millisecond());
    *SHIFT
}

/// A clock standing at [`NOW`] until a test moves it.
pub fn frozen_clock() -> Clock {
    Clock::frozen(now())
}

/// The PostgreSQL admin URL, or `None` (and a note on stderr) when those tests are skipped.
pub fn postgres_url() -> Option<String> {
    match std::env::var(PG_ENV) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            eprintln!(
                "skipped: {PG_ENV} is not set, so the PostgreSQL variant of this test did not run"
            );
            None
        }
    }
}

/// A database that exists for one test and is removed afterwards.
pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    drop_pg: Option<(String, String)>,
}

impl TestDb {
    pub async fn new(backend: Backend) -> Option<TestDb> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("askpro.db").display());
                Some(TestDb {
                    url,
                    _dir: Some(dir),
                    drop_pg: None,
                })
            }
            Backend::Postgres => {
                let admin = postgres_url()?;
                let name = format!("askpro_t_{}", uuid::Uuid::new_v4().simple());
                let mut conn = sqlx_admin(&admin).await;
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(&mut conn)
                    .await
                    .expect("create test database");
                let url = with_database(&admin, &name);
                Some(TestDb {
                    url,
                    _dir: None,
                    drop_pg: Some((admin, name)),
                })
            }
        }
    }

    pub async fn connect(&self) -> Db {
        let db = Db::connect(&self.url)
            .await
            .expect("connect to test database");
        db.migrate().await.expect("migrate test database");
        db
    }
}

async fn sqlx_admin(url: &str) -> sqlx::PgConnection {
    use sqlx::Connection;
    sqlx::PgConnection::connect(url)
        .await
        .expect("connect to PostgreSQL (ASKPRO_TEST_POSTGRES_URL)")
}

/// The same server URL with another database name.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let prefix = base.rsplit_once('/').map_or(base, |(p, _)| p);
    match query {
        Some(q) => format!("{prefix}/{name}?{q}"),
        None => format!("{prefix}/{name}"),
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin, name)) = self.drop_pg.take() {
            // Drop runs inside the test's runtime: use a thread with its own.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                runtime.block_on(async {
                    let mut conn = sqlx_admin(&admin).await;
                    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                    )))
                    .execute(&mut conn)
                    .await;
                });
            })
            .join();
        }
    }
}

/// A running server with the example company applied.
pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub app: App,
    pub db: TestDb,
    pub backend: Backend,
    /// The webhook merger, as `serve` runs it; stops when the test ends.
    _loops: askpro_app::background::Running,
}

impl TestApp {
    /// `None` when the backend is not available (PostgreSQL without its URL).
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        let db = TestDb::new(backend).await?;
        let app = App::with_clock(db.connect().await, frozen_clock());
        Some(TestApp::serve(app, db, backend).await)
    }

    /// The same with Twilio at `twilio_base` (account `AC123`, token `secret`, sender
    /// `+4930111`) for the server, its loops and `app`.
    pub async fn spawn_with_sms(backend: Backend, twilio_base: &str) -> Option<TestApp> {
        let db = TestDb::new(backend).await?;
        let twilio =
            askpro_connectors::twilio::Twilio::new(twilio_base, "AC123", "secret", "+4930111")
                .expect("Twilio client");
        let app = App::with_clock(db.connect().await, frozen_clock()).with_sms(Some(twilio));
        Some(TestApp::serve(app, db, backend).await)
    }

    /// The same with a requests' and a background pool of these sizes, as `serve` has.
    pub async fn spawn_with_pools(
        backend: Backend,
        requests: askpro_store::PoolOptions,
        background: askpro_store::PoolOptions,
    ) -> Option<TestApp> {
        let db = TestDb::new(backend).await?;
        let (front, back) = Db::connect_split(&db.url, requests, background)
            .await
            .expect("connect to test database");
        front.migrate().await.expect("migrate test database");
        let app = App::with_clock(front, frozen_clock()).with_background_db(back);
        Some(TestApp::serve(app, db, backend).await)
    }

    /// The same with an API rate limit of `per_minute` requests per token or client.
    pub async fn spawn_with_rate_limit(backend: Backend, per_minute: u32) -> Option<TestApp> {
        let db = TestDb::new(backend).await?;
        let app = App::with_clock(db.connect().await, frozen_clock());
        Some(TestApp::serve_limited(app, db, backend, per_minute).await)
    }

    async fn serve(app: App, db: TestDb, backend: Backend) -> TestApp {
        let limit = askpro_server::DEFAULT_RATE_LIMIT_PER_MINUTE;
        TestApp::serve_limited(app, db, backend, limit).await
    }

    async fn serve_limited(app: App, db: TestDb, backend: Backend, per_minute: u32) -> TestApp {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_env("ASKPRO_TEST_LOG"))
            .with_test_writer()
            .try_init();
        apply(&app, EXAMPLE).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind port 0");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let config = ServerConfig {
            operator_token: Some(OPERATOR_TOKEN.into()),
            body_limit: 64 * 1024,
            metrics_public: true,
            retell_api_keys: vec![RETELL_KEY.into()],
            twilio_webhook_url: None,
            web: askpro_web::WebConfig::default(),
            rate_limit_per_minute: per_minute,
        };
        let loops = askpro_app::background::start(
            &app,
            askpro_app::background::Loops {
                merger: true,
                waitlist: true,
                ..Default::default()
            },
        );
        let state = ServerState::new(app.clone(), config);
        tokio::spawn(askpro_server::serve(
            listener,
            state,
            std::future::pending(),
        ));
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(200)
            .build()
            .expect("client");
        TestApp {
            base,
            client,
            app,
            db,
            backend,
            _loops: loops,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn company_url(&self, path: &str) -> String {
        self.url(&format!("/api/v1/companies/salon-sonnenschein{path}"))
    }

    pub async fn get(&self, path: &str) -> (u16, serde_json::Value) {
        self.send(
            self.client
                .get(self.company_url(path))
                .bearer_auth(OPERATOR_TOKEN),
        )
        .await
    }

    pub async fn post(&self, path: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
        self.send(
            self.client
                .post(self.company_url(path))
                .bearer_auth(OPERATOR_TOKEN)
                .json(&body),
        )
        .await
    }

    pub async fn send(&self, request: reqwest::RequestBuilder) -> (u16, serde_json::Value) {
        let response = request.send().await.expect("request reaches the server");
        let status = response.status().as_u16();
        let text = response.text().await.expect("body");
        let json = serde_json::from_str(&text)
            .unwrap_or_else(|_| panic!("body is not JSON (status {status}): {text}"));
        (status, json)
    }

    /// `GET /metrics` as text.
    pub async fn metrics_text(&self) -> String {
        let response = self.client.get(self.url("/metrics")).send().await;
        response
            .expect("metrics answer")
            .text()
            .await
            .expect("metrics text")
    }

    pub async fn book(&self, staff: &str, start: &str) -> (u16, serde_json::Value) {
        self.post("/appointments", booking(staff, start)).await
    }
}

/// A booking body for the Mitte branch's Damenhaarschnitt.
pub fn booking(staff: &str, start: &str) -> serde_json::Value {
    serde_json::json!({
        "branch": "mitte", "service": "damenhaarschnitt", "staff": staff, "start": start,
        "customer": { "name": "Eva Schmidt", "phone": "+4915112345678", "email": "eva@example.org" }
    })
}

pub async fn apply(app: &App, text: &str) {
    let tenant = Tenant::from_toml(text).expect("valid tenant");
    app.apply_tenant(&tenant, &Actor::cli(Some("test".into())))
        .await
        .expect("apply tenant");
}

pub fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

/// Runs an async test body once per backend.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_sqlite() {
                super::$name($crate::common::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_postgres() {
                super::$name($crate::common::Backend::Postgres).await
            }
        }
    )*};
}

/// Runs a worker over the e-mail queue of `app` until `done` says so, at most `patience`.
pub async fn work_emails(app: &App, patience: std::time::Duration, done: impl AsyncFn() -> bool) {
    use std::time::{Duration, Instant};
    let config = askpro_worker::WorkerConfig {
        queues: vec!["emails".into()],
        poll: Duration::from_millis(20),
        ..Default::default()
    };
    let (stop, rx) = tokio::sync::watch::channel(false);
    let registry = askpro_app::notify::registry(app);
    let worker = tokio::spawn(
        askpro_worker::Worker::new(app.db.clone(), app.clock.clone(), registry, config).run(rx),
    );
    let started = Instant::now();
    while !done().await && started.elapsed() < patience {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    stop.send(true).unwrap();
    worker.await.unwrap();
}

/// `tenant` keeping `service`'s appointments in Cal.com event type `event_type`, the
/// staff `users` mapped to Cal.com users of their slug, and a `[calcom]` section that
/// reads its key from `key_env`.
pub fn with_calcom(
    tenant: &str,
    mappings: &[(&str, i64)],
    users: &[&str],
    base_url: &str,
    key_env: &str,
) -> String {
    let mut text = tenant.to_owned();
    for (service, event_type) in mappings {
        let line = format!("slug = \"{service}\"");
        text = text.replacen(
            &line,
            &format!("{line}\ncalcom_event_type_id = {event_type}"),
            1,
        );
    }
    for user in users {
        let line = format!("slug = \"{user}\"");
        text = text.replacen(&line, &format!("{line}\ncalcom_username = \"{user}\""), 1);
    }
    format!("{text}\n[calcom]\napi_key_env = \"{key_env}\"\nbase_url = \"{base_url}\"\n")
}

/// Runs a worker over the SMS queue of `app` until `count` texts were sent (at most
/// 10 s); the texts sent, oldest first.
pub async fn work_texts(app: &App, count: usize) -> Vec<askpro_store::sms::Sms> {
    use std::time::{Duration, Instant};
    let config = askpro_worker::WorkerConfig {
        queues: vec!["sms".into()],
        poll: Duration::from_millis(20),
        ..Default::default()
    };
    let (stop, rx) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(
        askpro_worker::Worker::new(
            app.db.clone(),
            app.clock.clone(),
            askpro_app::notify::registry(app),
            config,
        )
        .run(rx),
    );
    let started = Instant::now();
    while askpro_store::sms::recent(&app.db, 50).await.unwrap().len() < count
        && started.elapsed() < Duration::from_secs(10)
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    stop.send(true).unwrap();
    worker.await.unwrap();
    let mut sent = askpro_store::sms::recent(&app.db, 50).await.unwrap();
    sent.sort_by_key(|s| s.created_at);
    sent
}
