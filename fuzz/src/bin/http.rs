//! The whole HTTP surface on any request: the API's extractors (JSON bodies, queries,
//! paths, tokens), Retell's and Cal.com's webhook doors and Retell's function calls
//! (signed with the right key when the input asks for it, so the payloads behind the
//! signature check are reached too), Twilio's door and the dashboard's forms. One server
//! state on a SQLite file with the example salon, kept across inputs like a long-running
//! server. The property: no panic and no 5xx, whatever arrives.
//!
//! Input: byte 0 picks the method, byte 1 the door, byte 2 the headers (operator token,
//! signatures, content type); up to the first newline the rest of the path, after it the
//! body.

use askpro_app::{Actor, App, Clock};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request};
use hmac::{KeyInit, Mac};
use std::net::SocketAddr;
use tower::ServiceExt;

const OPERATOR: &str = "fuzz-operator-token";
const RETELL_KEY: &str = "fuzz-retell-key";
const CALCOM_SECRET: &str = "fuzz-calcom-secret";
const NOW: &str = "2026-11-30T07:00:00Z";
const METHODS: [Method; 6] = [
    Method::GET,
    Method::POST,
    Method::PUT,
    Method::PATCH,
    Method::DELETE,
    Method::HEAD,
];
/// Where requests go; the input's path continues from here.
const DOORS: [&str; 16] = [
    "/api/v1/companies/salon-sonnenschein/appointments",
    "/api/v1/companies/salon-sonnenschein/",
    "/api/v1/companies/",
    "/api/v1/",
    "/retell/functions/check_availability",
    "/retell/functions/book_appointment",
    "/retell/functions/",
    "/webhooks/retell",
    "/webhooks/calcom/salon-sonnenschein",
    "/webhooks/twilio/",
    "/api/v1/privacy/",
    "/firmen/salon-sonnenschein/",
    "/anmelden",
    "/betrieb",
    "/",
    "/healthz",
];
const CONTENT_TYPES: [Option<&str>; 4] = [
    Some("application/json"),
    Some("application/x-www-form-urlencoded"),
    None,
    Some("text/plain"),
];

struct Harness {
    runtime: tokio::runtime::Runtime,
    router: axum::Router,
    _dir: tempfile::TempDir,
}

fn harness() -> Harness {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = format!("sqlite://{}/fuzz.db", dir.path().display());
    let router = runtime.block_on(async {
        let db = askpro_store::Db::connect(&url).await.expect("SQLite");
        db.migrate().await.expect("migrations");
        let app = App::with_clock(db, Clock::frozen(NOW.parse().expect("an instant")));
        app.secrets.set("FUZZ_CALCOM_WHSEC", CALCOM_SECRET);
        let example = include_str!("../../../examples/salon-sonnenschein.toml");
        let tenant = format!(
            "{example}\n[calcom]\napi_key_env = \"FUZZ_CALCOM_KEY\"\nbase_url = \"http://127.0.0.1:9\"\n\
             webhook_secret_env = \"FUZZ_CALCOM_WHSEC\"\n"
        );
        let tenant = askpro_core::tenant::Tenant::from_toml(&tenant).expect("the example loads");
        app.apply_tenant(&tenant, &Actor::cli(Some("fuzz".into())))
            .await
            .expect("the example applies");
        let config = askpro_server::ServerConfig {
            operator_token: Some(OPERATOR.into()),
            body_limit: 64 * 1024,
            metrics_public: true,
            retell_api_keys: vec![RETELL_KEY.into()],
            twilio_webhook_url: None,
            web: askpro_web::WebConfig::default(),
            rate_limit_per_minute: 0,
        };
        askpro_server::router(askpro_server::ServerState::new(app, config))
    });
    Harness {
        runtime,
        router,
        _dir: dir,
    }
}

fn calcom_signature(body: &[u8]) -> String {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(CALCOM_SECRET.as_bytes())
        .expect("any key length");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// The request the input describes, or `None` when it is no valid HTTP request at all.
fn request(data: &[u8]) -> Option<Request<Body>> {
    let [method, door, flags, rest @ ..] = data else {
        return None;
    };
    let split = rest.iter().position(|b| *b == b'\n').unwrap_or(rest.len());
    let (tail, body) = (&rest[..split], rest.get(split + 1..).unwrap_or_default());
    let path = format!(
        "{}{}",
        DOORS[usize::from(*door) % DOORS.len()],
        std::str::from_utf8(tail).ok()?
    );
    let mut builder = Request::builder()
        .method(METHODS[usize::from(*method) % METHODS.len()].clone())
        .uri(path);
    if flags & 1 != 0 {
        builder = builder.header("authorization", format!("Bearer {OPERATOR}"));
    }
    if flags & 2 != 0 {
        let now: jiff::Timestamp = NOW.parse().ok()?;
        let signed = askpro_app::voice::signature::sign(RETELL_KEY, body, now.as_millisecond());
        builder = builder.header("x-retell-signature", signed);
    }
    if flags & 4 != 0 {
        builder = builder.header("x-cal-signature-256", calcom_signature(body));
    }
    if let Some(content_type) = CONTENT_TYPES[usize::from(flags >> 3) % CONTENT_TYPES.len()] {
        builder = builder.header("content-type", content_type);
    }
    let mut request = builder.body(Body::from(body.to_vec())).ok()?;
    let peer = SocketAddr::from(([127, 0, 0, 1], 40_000));
    request.extensions_mut().insert(ConnectInfo(peer));
    Some(request)
}

/// Made in the fuzzed process itself, on its first input: AFL++ forks the process it
/// starts, and a fork keeps none of the threads SQLite's connections run on — a server
/// state made before the fork would wait on them forever.
static HARNESS: std::sync::OnceLock<Harness> = std::sync::OnceLock::new();

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let harness = HARNESS.get_or_init(harness);
        let Some(request) = request(data) else {
            return;
        };
        let described = format!("{} {}", request.method(), request.uri());
        let response = harness
            .runtime
            .block_on(harness.router.clone().oneshot(request))
            .expect("the router is infallible");
        let status = response.status();
        let body = harness
            .runtime
            .block_on(axum::body::to_bytes(response.into_body(), 1 << 20))
            .unwrap_or_default();
        assert!(
            !status.is_server_error(),
            "{described} answered {status}: {}",
            String::from_utf8_lossy(&body)
        );
    });
}
