//! `askpro retell …` against the Retell stand-in (`askpro_standins::retell`), which
//! answers like Retell's REST API (`shared/reference/retell-api.md` §4): paginated v3
//! call lists, get-call, agents and LLMs, and a 429 with Retry-After on the first list.

use crate::common::{Backend, RETELL_KEY, TestApp};
use askpro_standins::retell::FakeRetell;
use serde_json::{Value, json};
use std::process::Output;

/// Starts the Retell stand-in with the example salon's agent and three calls; its first
/// list request is throttled.
pub async fn fake_retell(webhook_url: &str) -> (String, FakeRetell) {
    let fake = FakeRetell::start(RETELL_KEY).await.unwrap();
    fake.add_agent(
        "agent_5f2c",
        "llm_salon",
        webhook_url,
        "Du bist ein Assistent.",
    );
    for n in 1..=3_i64 {
        fake.add_call(json!({
            "call_id": format!("imported-{n}"), "call_type": "phone_call", "agent_id": "agent_5f2c", "agent_version": 1,
            "call_status": "ended", "direction": "inbound", "from_number": "+4915112345678", "to_number": "+493012345678",
            "start_timestamp": 1_795_000_000_000_i64 + n * 600_000, "end_timestamp": 1_795_000_060_000_i64 + n * 600_000,
            "disconnection_reason": "user_hangup", "transcript": format!("Agent: Guten Tag.\nUser: Anruf {n}.\n"),
            "call_analysis": { "call_summary": format!("Anruf {n}"), "call_successful": true }
        }));
    }
    fake.state().throttle_first_list = true;
    (fake.base_url.clone(), fake)
}

/// Runs `askpro ARGS` with the Retell settings, off the runtime thread the fakes need.
pub async fn askpro(t: &TestApp, retell: &str, key: &str, args: &[&str]) -> Output {
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

pub fn json_of(output: &Output) -> Value {
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
    assert_eq!(fake.state().list_requests, 3);
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
    assert!(fake.state().llm_patches.is_empty());
    let pushed = json_of(&askpro(&t, &retell, RETELL_KEY, &args).await);
    assert_eq!(pushed["pushed"], true);
    {
        let state = fake.state();
        assert_eq!(state.llm_patches.len(), 1);
        assert_eq!(state.publishes, 1);
        let prompt = state.llms[0]["general_prompt"].as_str().unwrap();
        assert!(
            prompt.contains("Sonnabend") && prompt.contains("Torstraße 1, 10119 Berlin"),
            "{prompt}"
        );
        let tools = state.llms[0]["general_tools"].as_array().unwrap();
        // Ten functions and Retell's transfer tool for Schwabing, the branch with a number.
        assert_eq!(tools.len(), 11);
        assert_eq!(tools[10]["name"], "transfer_to_schwabing");
        assert_eq!(
            tools[2]["url"],
            format!("{}/retell/functions/book_appointment", t.base)
        );
    }
    let unchanged = json_of(&askpro(&t, &retell, RETELL_KEY, &args).await);
    assert_eq!(unchanged["changed_lines"], 0);
    assert_eq!(fake.state().llm_patches.len(), 1);
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
        let state = fake.state();
        (state.agent_patches[0].clone(), state.publishes)
    };
    assert_eq!(
        first_patch,
        json!({ "voice_speed": 0.9, "responsiveness": 0.8, "max_call_duration_ms": 300_000,
                "end_call_after_silence_ms": 30_000, "webhook_url": t.url("/webhooks/retell"),
                "webhook_events": ["call_started", "call_ended", "call_analyzed", "transfer_started",
                                   "transfer_bridged", "transfer_cancelled", "transfer_ended"] })
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
    assert_eq!(fake.state().agent_patches.len(), 1);
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
    fake.edit_agent(
        "agent_5f2c",
        &json!({ "webhook_url": "https://old.example/webhook" }),
    );
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
