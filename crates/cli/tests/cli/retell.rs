//! `askpro retell …` against a local server that answers like Retell's REST API
//! (`shared/reference/retell-api.md` §4): paginated v3 call lists, get-call, agents and
//! LLMs, and a 429 with Retry-After on the first list request.

use crate::common::{Backend, RETELL_KEY, TestApp};
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use serde_json::{Value, json};
use std::process::Output;
use std::sync::{Arc, Mutex};

#[derive(Default)]
struct Fake {
    agent: Value,
    llm: Value,
    calls: Vec<Value>,
    agent_patches: Vec<Value>,
    llm_patches: Vec<Value>,
    publishes: usize,
    list_requests: usize,
}

type Shared = Arc<Mutex<Fake>>;

/// Every Retell endpoint wants the bearer key; anything else is a 401.
async fn require_key(request: Request, next: Next) -> Response {
    if authorized(request.headers()) {
        next.run(request).await
    } else {
        refuse()
    }
}

fn authorized(headers: &HeaderMap) -> bool {
    headers.get("authorization").and_then(|v| v.to_str().ok())
        == Some(&format!("Bearer {RETELL_KEY}"))
}

fn refuse() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        Json(json!({ "message": "Invalid API key" })),
    )
        .into_response()
}

async fn list_calls(State(fake): State<Shared>, Json(body): Json<Value>) -> Response {
    let mut fake = fake.lock().unwrap();
    fake.list_requests += 1;
    if fake.list_requests == 1 {
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", "1")],
            "slow down",
        )
            .into_response();
    }
    let from: usize = body["pagination_key"]
        .as_str()
        .and_then(|k| k.parse().ok())
        .unwrap_or(0);
    // v3 items leave out transcripts.
    // The v3 range filter on the start, as the client sends it.
    let lo = body["filter_criteria"]["start_timestamp"]["value"][0]
        .as_i64()
        .unwrap_or(0);
    let items: Vec<Value> = fake
        .calls
        .iter()
        .filter(|c| c["start_timestamp"].as_i64().unwrap_or(0) >= lo)
        .skip(from)
        .take(2)
        .map(|c| {
            let mut item = c.clone();
            item.as_object_mut().unwrap().remove("transcript");
            item
        })
        .collect();
    let next = from + items.len();
    let has_more = next
        < fake
            .calls
            .iter()
            .filter(|c| c["start_timestamp"].as_i64().unwrap_or(0) >= lo)
            .count();
    Json(json!({ "items": items, "has_more": has_more, "pagination_key": has_more.then(|| next.to_string()) })).into_response()
}

async fn get_call(State(fake): State<Shared>, Path(id): Path<String>) -> Response {
    let fake = fake.lock().unwrap();
    match fake.calls.iter().find(|c| c["call_id"] == id.as_str()) {
        Some(call) => Json(call.clone()).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Json(json!({ "message": "Call not found" })),
        )
            .into_response(),
    }
}

async fn get_agent(State(fake): State<Shared>) -> Response {
    Json(fake.lock().unwrap().agent.clone()).into_response()
}

fn merge(target: &mut Value, patch: &Value) {
    for (k, v) in patch.as_object().unwrap() {
        target[k] = v.clone();
    }
}

async fn update_agent(State(fake): State<Shared>, Json(body): Json<Value>) -> Response {
    let mut fake = fake.lock().unwrap();
    merge(&mut fake.agent, &body);
    fake.agent_patches.push(body);
    Json(fake.agent.clone()).into_response()
}

async fn get_llm(State(fake): State<Shared>) -> Response {
    Json(fake.lock().unwrap().llm.clone()).into_response()
}

async fn update_llm(State(fake): State<Shared>, Json(body): Json<Value>) -> Response {
    let mut fake = fake.lock().unwrap();
    merge(&mut fake.llm, &body);
    fake.llm_patches.push(body);
    Json(fake.llm.clone()).into_response()
}

async fn publish(State(fake): State<Shared>) -> Response {
    fake.lock().unwrap().publishes += 1;
    StatusCode::OK.into_response()
}

/// Starts the fake Retell with the example salon's agent and three calls.
async fn fake_retell(webhook_url: &str) -> (String, Shared) {
    let calls = (1..=3)
        .map(|n| json!({
            "call_id": format!("imported-{n}"), "call_type": "phone_call", "agent_id": "agent_5f2c", "agent_version": 1,
            "call_status": "ended", "direction": "inbound", "from_number": "+4915112345678", "to_number": "+493012345678",
            "start_timestamp": 1_795_000_000_000_i64 + n * 600_000, "end_timestamp": 1_795_000_060_000_i64 + n * 600_000,
            "disconnection_reason": "user_hangup", "transcript": format!("Agent: Guten Tag.\nUser: Anruf {n}.\n"),
            "call_analysis": { "call_summary": format!("Anruf {n}"), "call_successful": true }
        }))
        .collect();
    let fake = Arc::new(Mutex::new(Fake {
        agent: json!({ "agent_id": "agent_5f2c", "webhook_url": webhook_url, "voice_speed": 1.0,
                       "response_engine": { "type": "retell-llm", "llm_id": "llm_salon" } }),
        llm: json!({ "llm_id": "llm_salon", "general_prompt": "Du bist ein Assistent.", "general_tools": [] }),
        calls,
        ..Fake::default()
    }));
    let app = Router::new()
        .route("/v3/list-calls", post(list_calls))
        .route("/v2/get-call/{id}", get(get_call))
        .route("/get-agent/{id}", get(get_agent))
        .route("/update-agent/{id}", patch(update_agent))
        .route("/get-retell-llm/{id}", get(get_llm))
        .route("/update-retell-llm/{id}", patch(update_llm))
        .route("/publish-agent-version/{id}", post(publish))
        .layer(axum::middleware::from_fn(require_key))
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, fake)
}

/// Runs `askpro ARGS` with the Retell settings, off the runtime thread the fakes need.
async fn askpro(t: &TestApp, retell: &str, key: &str, args: &[&str]) -> Output {
    let mut command = crate::askpro_command();
    command
        // On the clock of the server it talks to, which tests move by hand.
        .env("ASKPRO_NOW", t.app.now().to_string())
        .arg("--database-url")
        .arg(&t.db.url)
        .args(args)
        .env_remove("ASKPRO_CONFIG")
        .env("ASKPRO_LOG", "error")
        .env("ASKPRO_RETELL_BASE_URL", retell)
        .env("ASKPRO_RETELL_API_KEY", key)
        .env("ASKPRO_PUBLIC_URL", &t.base);
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

fn json_of(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "askpro failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[tokio::test]
async fn imported_calls_are_stored_once_with_transcripts_despite_throttling() {
    let t = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let (retell, fake) = fake_retell(&t.url("/webhooks/retell")).await;
    let args = [
        "--json",
        "retell",
        "import-calls",
        "--since",
        "2026-01-01T00:00:00Z",
    ];
    let first = json_of(&askpro(&t, &retell, RETELL_KEY, &args).await);
    assert_eq!(
        first,
        json!({ "fetched": 3, "new": 3, "updated": 0, "unchanged": 0 })
    );
    // The first list request was throttled and retried; two pages followed.
    assert_eq!(fake.lock().unwrap().list_requests, 3);
    let again = json_of(&askpro(&t, &retell, RETELL_KEY, &args).await);
    assert_eq!(
        again,
        json!({ "fetched": 3, "new": 0, "updated": 0, "unchanged": 3 })
    );
    let (status, call) = t.get("/calls/imported-2").await;
    assert_eq!(status, 200, "{call}");
    assert_eq!(call["transcript"], "Agent: Guten Tag.\nUser: Anruf 2.\n");
    assert_eq!(call["summary"], "Anruf 2");
    assert_eq!(call["branch"], "mitte");
    let refused = askpro(&t, &retell, "wrong-key", &args).await;
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("Invalid API key") && !stderr.contains("wrong-key"),
        "{stderr}"
    );
}

#[tokio::test]
async fn the_prompt_is_shown_as_a_difference_then_pushed_with_the_tools() {
    let t = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let (retell, fake) = fake_retell(&t.url("/webhooks/retell")).await;
    let args = [
        "--json",
        "retell",
        "update-prompt",
        "--company-id",
        "salon-sonnenschein",
        "--template",
        "dialect-robust,slow-speech",
    ];
    let mut dry = args.to_vec();
    dry.push("--dry-run");
    let preview = json_of(&askpro(&t, &retell, RETELL_KEY, &dry).await);
    assert_eq!(preview["pushed"], false);
    let diff: Vec<&str> = preview["diff"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    assert!(diff.contains(&"- Du bist ein Assistent."), "{diff:?}");
    assert!(
        diff.iter()
            .any(|l| l.starts_with("+ Du bist die Telefonassistenz von Salon Sonnenschein")),
        "{diff:?}"
    );
    assert!(fake.lock().unwrap().llm_patches.is_empty());
    let pushed = json_of(&askpro(&t, &retell, RETELL_KEY, &args).await);
    assert_eq!(pushed["pushed"], true);
    {
        let fake = fake.lock().unwrap();
        assert_eq!(fake.llm_patches.len(), 1);
        assert_eq!(fake.publishes, 1);
        let prompt = fake.llm["general_prompt"].as_str().unwrap();
        assert!(
            prompt.contains("Sonnabend") && prompt.contains("Torstraße 1, 10119 Berlin"),
            "{prompt}"
        );
        let tools = fake.llm["general_tools"].as_array().unwrap();
        assert_eq!(tools.len(), 6);
        assert_eq!(
            tools[2]["url"],
            format!("{}/retell/functions/book_appointment", t.base)
        );
    }
    let unchanged = json_of(&askpro(&t, &retell, RETELL_KEY, &args).await);
    assert_eq!(unchanged["changed_lines"], 0);
    assert_eq!(fake.lock().unwrap().llm_patches.len(), 1);
    let unknown = askpro(
        &t,
        &retell,
        RETELL_KEY,
        &[
            "retell",
            "update-prompt",
            "--company-id",
            "salon-sonnenschein",
            "--template",
            "dialekt",
        ],
    )
    .await;
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("dialekt"));
}

#[tokio::test]
async fn voice_and_call_limits_are_pushed_to_the_agent() {
    let t = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let (retell, fake) = fake_retell("https://old.example/webhook").await;
    json_of(
        &askpro(
            &t,
            &retell,
            RETELL_KEY,
            &[
                "--json",
                "config",
                "set",
                "retell.call_timeout=300",
                "--company-id",
                "salon-sonnenschein",
            ],
        )
        .await,
    );
    let out = json_of(
        &askpro(
            &t,
            &retell,
            RETELL_KEY,
            &[
                "--json",
                "retell",
                "update-voice",
                "--company-id",
                "salon-sonnenschein",
                "--speed",
                "0.9",
                "--responsiveness",
                "0.8",
            ],
        )
        .await,
    );
    assert_eq!(out["pushed"], true);
    let (first_patch, publishes) = {
        let fake = fake.lock().unwrap();
        (fake.agent_patches[0].clone(), fake.publishes)
    };
    assert_eq!(
        first_patch,
        json!({ "voice_speed": 0.9, "responsiveness": 0.8, "max_call_duration_ms": 300_000,
                "end_call_after_silence_ms": 30_000, "webhook_url": t.url("/webhooks/retell") })
    );
    assert_eq!(publishes, 1);
    let wrong = askpro(
        &t,
        &retell,
        RETELL_KEY,
        &[
            "retell",
            "update-voice",
            "--company-id",
            "salon-sonnenschein",
            "--speed",
            "3",
        ],
    )
    .await;
    assert!(!wrong.status.success());
    assert!(
        String::from_utf8_lossy(&wrong.stderr)
            .contains("`voice_speed` must be from 0.5 to 2, not 3")
    );
    assert_eq!(fake.lock().unwrap().agent_patches.len(), 1);
}

#[tokio::test]
async fn the_webhook_check_finds_a_wrong_url_and_a_refused_signature() {
    let t = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let (retell, fake) = fake_retell(&t.url("/webhooks/retell")).await;
    let args = [
        "--json",
        "retell",
        "verify-webhook",
        "--company-id",
        "salon-sonnenschein",
    ];
    let ok = json_of(&askpro(&t, &retell, RETELL_KEY, &args).await);
    assert_eq!(ok[0]["ok"], true, "{ok}");
    assert_eq!(ok[1]["ok"], true, "{ok}");
    // As the runbook calls it, without a company: every company with an agent.
    let all = json_of(
        &askpro(
            &t,
            &retell,
            RETELL_KEY,
            &["--json", "retell", "verify-webhook"],
        )
        .await,
    );
    assert_eq!(all.as_array().unwrap().len(), 2, "{all}");
    assert_eq!(all[0]["company"], "salon-sonnenschein");
    fake.lock().unwrap().agent["webhook_url"] = json!("https://old.example/webhook");
    let wrong = askpro(&t, &retell, RETELL_KEY, &args).await;
    assert_eq!(wrong.status.code(), Some(1));
    let checks: Value = serde_json::from_slice(&wrong.stdout).unwrap();
    assert_eq!(checks[0]["ok"], false);
    assert!(
        checks[0]["detail"]
            .as_str()
            .unwrap()
            .contains("https://old.example/webhook")
    );
    // Nothing of the self-test was stored as a call.
    let (_, calls) = t.get("/calls").await;
    assert_eq!(calls["calls"].as_array().unwrap().len(), 0);
}

/// Posts a signed Retell request to the test server.
async fn signed(t: &TestApp, path: &str, body: &Value) -> u16 {
    let text = body.to_string();
    let now = crate::common::now_ms();
    t.client
        .post(t.url(path))
        .header("content-type", "application/json")
        .header(
            "x-retell-signature",
            askpro_app::voice::signature::sign(RETELL_KEY, text.as_bytes(), now),
        )
        .body(text)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn paused_webhooks_are_stored_then_merged_in_order_and_measured() {
    let t = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let (retell, _) = fake_retell(&t.url("/webhooks/retell")).await;
    let paused = json_of(
        &askpro(
            &t,
            &retell,
            RETELL_KEY,
            &["--json", "webhook", "pause", "--duration", "5"],
        )
        .await,
    );
    assert!(paused["paused_until"].is_string(), "{paused}");
    let call = json!({ "call_id": "c-paused", "agent_id": "agent_5f2c", "to_number": "+493012345678",
                       "from_number": "+4915112345678", "call_status": "ongoing", "start_timestamp": 1_795_000_000_000_i64 });
    let mut ended = call.clone();
    ended["call_status"] = json!("ended");
    ended["end_timestamp"] = json!(1_795_000_090_000_i64);
    for event in [
        json!({ "event": "call_started", "call": call }),
        json!({ "event": "call_ended", "call": ended.clone() }),
        json!({ "event": "call_ended", "call": ended }),
    ] {
        assert_eq!(signed(&t, "/webhooks/retell", &event).await, 204);
    }
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    // Accepted and stored, not merged while paused.
    let (_, calls) = t.get("/calls").await;
    assert_eq!(calls["calls"].as_array().unwrap().len(), 0, "{calls}");
    assert_eq!(
        askpro_store::calls::pending_events(&t.app.db, 10)
            .await
            .unwrap()
            .len(),
        2
    );
    // The backlog shows beside the job queues and in the metrics.
    let monitor = askpro(
        &t,
        &retell,
        RETELL_KEY,
        &["--json", "queue", "monitor", "retell-webhooks"],
    )
    .await;
    let queues: Value = serde_json::from_slice(&monitor.stdout).unwrap();
    assert_eq!(queues[0]["queue"], "retell-webhooks", "{queues}");
    assert_eq!(queues[0]["pending"], 2, "{queues}");
    t.app.clock.advance(jiff::SignedDuration::from_secs(30));
    let metrics = t.client.get(t.url("/metrics")).send().await.unwrap();
    let metrics = metrics.text().await.unwrap();
    assert!(
        metrics.contains("askpro_retell_events_waiting 2\n"),
        "{metrics}"
    );
    assert!(
        metrics.contains("askpro_retell_merge_lag_seconds 30\n"),
        "{metrics}"
    );
    let resumed = json_of(
        &askpro(
            &t,
            &retell,
            RETELL_KEY,
            &["--json", "webhook", "pause", "--duration", "0"],
        )
        .await,
    );
    assert_eq!(resumed["merged_now"], 2);
    let (_, one) = t.get("/calls/c-paused").await;
    assert_eq!(
        (one["status"].as_str(), one["duration_ms"].as_i64()),
        (Some("ended"), Some(90_000)),
        "{one}"
    );
    let duplicates = json_of(
        &askpro(
            &t,
            &retell,
            RETELL_KEY,
            &["--json", "webhook", "check-duplicates", "--last-hour"],
        )
        .await,
    );
    assert_eq!(
        duplicates["deliveries"],
        json!([{ "event": "call_ended", "call_id": "c-paused", "extra_deliveries": 1 }])
    );
    // A function call, then the timings of both kinds.
    let function = json!({ "name": "list_services", "args": {}, "call": call });
    assert_eq!(
        signed(&t, "/retell/functions/list_services", &function).await,
        200
    );
    let timings = json_of(
        &askpro(
            &t,
            &retell,
            RETELL_KEY,
            &["--json", "webhook", "measure-performance"],
        )
        .await,
    );
    let rows = timings.as_array().unwrap();
    assert_eq!(rows[0]["what"], "webhooks");
    assert_eq!(rows[0]["count"], 2);
    assert_eq!(rows[1]["what"], "function list_services");
    assert_eq!(rows[1]["count"], 1);
    assert!(rows[1]["p99_ms"].as_i64().is_some());
    let unknown = askpro(
        &t,
        &retell,
        RETELL_KEY,
        &["schedule", "run-now", "--command", "fax:send"],
    )
    .await;
    assert!(
        String::from_utf8_lossy(&unknown.stderr)
            .contains("unknown scheduled task `fax:send`; tasks: retell:import-calls")
    );
    let scheduled = json_of(
        &askpro(
            &t,
            &retell,
            RETELL_KEY,
            &[
                "--json",
                "schedule",
                "run-now",
                "--command",
                "retell:import-calls",
            ],
        )
        .await,
    );
    assert_eq!(
        scheduled["fetched"], 0,
        "the fake's calls are older than an hour: {scheduled}"
    );
}
