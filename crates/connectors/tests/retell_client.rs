//! The Retell client against a local server that speaks Retell's REST API as documented:
//! Bearer auth, `POST /v3/list-calls` with v3 filters and an opaque pagination cursor,
//! `GET /v2/get-call/{id}` with transcripts, agent and Retell-LLM reads and patches, and
//! publishing. Some call ids make it misbehave: throttled once, or failing every time.

use askpro_connectors::retell::{CallPage, ListCalls, Retell, RetellError, llm_id_of};
use axum::Router;
use axum::extract::{Json, Path, Request, State};
use axum::http::StatusCode;
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const KEY: &str = "key_live_7Hq2mZ";
const AGENT: &str = "agent_abc";
const LLM: &str = "llm_123";

#[derive(Clone, Default)]
struct Fake {
    state: Arc<Mutex<FakeState>>,
}

#[derive(Default)]
struct FakeState {
    /// Requests per raw (still percent-encoded) path, counted before the key is checked.
    hits: HashMap<String, usize>,
    /// Every JSON body received, with its path.
    bodies: Vec<(String, Value)>,
    agents: HashMap<String, Value>,
    llms: HashMap<String, Value>,
}

impl Fake {
    fn hits(&self, path: &str) -> usize {
        self.state
            .lock()
            .unwrap()
            .hits
            .get(path)
            .copied()
            .unwrap_or(0)
    }

    fn bodies(&self, path: &str) -> Vec<Value> {
        let state = self.state.lock().unwrap();
        state
            .bodies
            .iter()
            .filter(|(p, _)| p == path)
            .map(|(_, body)| body.clone())
            .collect()
    }

    fn record(&self, path: String, body: &Value) {
        self.state.lock().unwrap().bodies.push((path, body.clone()));
    }
}

/// Five calls of our agent, one of another agent, as the full get-call objects.
fn full_calls() -> Vec<Value> {
    let mut calls: Vec<Value> = (1..=5)
        .map(|n| {
            json!({
                "call_id": format!("call_{n}"),
                "agent_id": AGENT,
                "agent_version": 3,
                "call_type": "phone_call",
                "call_status": "ended",
                "direction": "inbound",
                "from_number": "+4915112345678",
                "to_number": "+4930111",
                "start_timestamp": n * 1000,
                "end_timestamp": n * 1000 + 500,
                "transcript": format!("Agent: Praxis Dr. Berg, guten Tag.\nUser: Termin Nummer {n}, bitte.\n"),
                "recording_url": format!("https://recordings.example/call_{n}.wav"),
            })
        })
        .collect();
    calls.push(json!({
        "call_id": "call_other",
        "agent_id": "agent_other",
        "agent_version": 1,
        "call_type": "web_call",
        "call_status": "ended",
        "access_token": "t",
        "start_timestamp": 2500,
        "transcript": "Agent: Hallo.\n",
    }));
    calls
}

fn error(status: StatusCode, message: &str) -> Response {
    (
        status,
        Json(json!({ "status": "error", "message": message })),
    )
        .into_response()
}

/// Counts every request, then checks the Bearer key. The 401 echoes the presented key,
/// which Retell is not documented to do; the fake does it so the tests can show the
/// client scrubs a key from whatever a server says.
async fn auth(State(fake): State<Fake>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    *fake.state.lock().unwrap().hits.entry(path).or_default() += 1;
    let presented = request
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    if presented != format!("Bearer {KEY}") {
        return error(
            StatusCode::UNAUTHORIZED,
            &format!("Invalid API key in header {presented:?}"),
        );
    }
    next.run(request).await
}

/// v3 list-calls: filters by `agent` and the `start_timestamp` range, sorts ascending,
/// pages with an opaque cursor, and leaves out transcripts and recordings like v3 does.
async fn list_calls(State(fake): State<Fake>, Json(body): Json<Value>) -> Response {
    fake.record("/v3/list-calls".into(), &body);
    let filter = &body["filter_criteria"];
    let agents: Vec<&str> = filter["agent"]
        .as_array()
        .map(|a| a.iter().filter_map(|x| x["agent_id"].as_str()).collect())
        .unwrap_or_default();
    let range = &filter["start_timestamp"];
    if range["type"] != "range" || range["op"] != "bt" {
        return error(
            StatusCode::BAD_REQUEST,
            "start_timestamp must be a bt range",
        );
    }
    let (Some(lo), Some(hi)) = (range["value"][0].as_i64(), range["value"][1].as_i64()) else {
        return error(StatusCode::BAD_REQUEST, "range needs two numbers");
    };
    let Some(limit) = body["limit"].as_u64().filter(|&l| l > 0) else {
        return error(StatusCode::BAD_REQUEST, "limit must be positive");
    };
    let mut matching: Vec<Value> = full_calls()
        .into_iter()
        .filter(|c| agents.is_empty() || agents.contains(&c["agent_id"].as_str().unwrap()))
        .filter(|c| (lo..=hi).contains(&c["start_timestamp"].as_i64().unwrap()))
        .collect();
    matching.sort_by_key(|c| c["start_timestamp"].as_i64());
    if body["sort_order"] == "descending" {
        matching.reverse();
    }
    // The cursor is "after:<call_id>", opaque to the client.
    let start = match body["pagination_key"].as_str() {
        None => 0,
        Some(key) => match matching
            .iter()
            .position(|c| Some(c["call_id"].as_str().unwrap()) == key.strip_prefix("after:"))
        {
            Some(i) => i + 1,
            None => return error(StatusCode::BAD_REQUEST, "unknown pagination_key"),
        },
    };
    let page: Vec<Value> = matching
        .iter()
        .skip(start)
        .take(limit as usize)
        .map(|c| {
            let mut item = c.clone();
            let object = item.as_object_mut().unwrap();
            object.remove("transcript");
            object.remove("recording_url");
            item
        })
        .collect();
    let has_more = start + page.len() < matching.len();
    let pagination_key = page
        .last()
        .filter(|_| has_more)
        .map(|c| format!("after:{}", c["call_id"].as_str().unwrap()));
    Json(json!({ "items": page, "has_more": has_more, "pagination_key": pagination_key }))
        .into_response()
}

async fn get_call(State(fake): State<Fake>, Path(id): Path<String>) -> Response {
    match id.as_str() {
        "call_throttled" => {
            if fake.hits("/v2/get-call/call_throttled") == 1 {
                return (
                    StatusCode::TOO_MANY_REQUESTS,
                    [("retry-after", "1")],
                    Json(json!({"status": "error", "message": "Rate limit exceeded"})),
                )
                    .into_response();
            }
            Json(json!({"call_id": "call_throttled", "agent_id": AGENT, "transcript": "Agent: Hallo.\n"}))
                .into_response()
        }
        "call_broken" => error(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error"),
        _ => match full_calls().into_iter().find(|c| c["call_id"] == id) {
            Some(call) => Json(call).into_response(),
            None => error(StatusCode::NOT_FOUND, "Call not found"),
        },
    }
}

async fn get_agent(State(fake): State<Fake>, Path(id): Path<String>) -> Response {
    match fake.state.lock().unwrap().agents.get(&id) {
        Some(agent) => Json(agent.clone()).into_response(),
        None => error(StatusCode::NOT_FOUND, "Agent not found"),
    }
}

/// Merges the patch into the agent's draft, refusing out-of-range values like Retell.
async fn update_agent(
    State(fake): State<Fake>,
    Path(id): Path<String>,
    Json(patch): Json<Value>,
) -> Response {
    fake.record(format!("/update-agent/{id}"), &patch);
    if let Some(speed) = patch.get("voice_speed").and_then(Value::as_f64)
        && !(0.5..=2.0).contains(&speed)
    {
        return error(
            StatusCode::BAD_REQUEST,
            "voice_speed must be between 0.5 and 2",
        );
    }
    let mut state = fake.state.lock().unwrap();
    let Some(agent) = state.agents.get_mut(&id) else {
        return error(StatusCode::NOT_FOUND, "Agent not found");
    };
    merge(agent, &patch);
    agent["is_published"] = json!(false);
    Json(agent.clone()).into_response()
}

async fn publish_agent(
    State(fake): State<Fake>,
    Path(id): Path<String>,
    // The extractor answers 415 unless the client says application/json.
    Json(body): Json<Value>,
) -> Response {
    fake.record(format!("/publish-agent-version/{id}"), &body);
    let mut state = fake.state.lock().unwrap();
    let Some(agent) = state.agents.get_mut(&id) else {
        return error(StatusCode::NOT_FOUND, "Agent not found");
    };
    agent["is_published"] = json!(true);
    agent["version"] = json!(agent["version"].as_i64().unwrap_or(0) + 1);
    // An empty 200: the client must not insist on a JSON answer here.
    StatusCode::OK.into_response()
}

async fn get_llm(State(fake): State<Fake>, Path(id): Path<String>) -> Response {
    match fake.state.lock().unwrap().llms.get(&id) {
        Some(llm) => Json(llm.clone()).into_response(),
        None => error(StatusCode::NOT_FOUND, "LLM not found"),
    }
}

async fn update_llm(
    State(fake): State<Fake>,
    Path(id): Path<String>,
    Json(patch): Json<Value>,
) -> Response {
    fake.record(format!("/update-retell-llm/{id}"), &patch);
    let mut state = fake.state.lock().unwrap();
    let Some(llm) = state.llms.get_mut(&id) else {
        return error(StatusCode::NOT_FOUND, "LLM not found");
    };
    merge(llm, &patch);
    Json(llm.clone()).into_response()
}

fn merge(target: &mut Value, patch: &Value) {
    for (field, value) in patch.as_object().unwrap() {
        target[field] = value.clone();
    }
}

async fn start_fake() -> (String, Fake) {
    let fake = Fake::default();
    {
        let mut state = fake.state.lock().unwrap();
        state.agents.insert(
            AGENT.into(),
            json!({
                "agent_id": AGENT,
                "agent_name": "Praxis Dr. Berg",
                "version": 3,
                "is_published": true,
                "voice_id": "11labs-Adrian",
                "voice_speed": 1.0,
                "language": "en-US",
                "response_engine": {"type": "retell-llm", "llm_id": LLM, "version": 3},
            }),
        );
        state.llms.insert(
            LLM.into(),
            json!({
                "llm_id": LLM,
                "version": 3,
                "model": "gpt-4.1",
                "general_prompt": "You are a receptionist.",
                "begin_message": null,
            }),
        );
    }
    let app = Router::new()
        .route("/v3/list-calls", post(list_calls))
        .route("/v2/get-call/{id}", get(get_call))
        .route("/get-agent/{id}", get(get_agent))
        .route("/update-agent/{id}", patch(update_agent))
        .route("/publish-agent-version/{id}", post(publish_agent))
        .route("/get-retell-llm/{id}", get(get_llm))
        .route("/update-retell-llm/{id}", patch(update_llm))
        .layer(from_fn_with_state(fake.clone(), auth))
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, fake)
}

/// A client with short waits, so only Retry-After can make a test slow.
fn client(base: &str) -> Retell {
    Retell::new(base, KEY)
        .unwrap()
        .with_retries(3, Duration::from_millis(10))
}

fn assert_no_key(error: &RetellError, key: &str) {
    assert!(!error.to_string().contains(key), "{error}");
    assert!(!format!("{error:?}").contains(key), "{error:?}");
}

fn ids(calls: &[Value]) -> Vec<&str> {
    calls
        .iter()
        .map(|c| c["call_id"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn list_all_calls_follows_the_cursor_through_every_page_in_order() {
    let (base, fake) = start_fake().await;
    let query = ListCalls {
        agent_ids: vec![AGENT.into()],
        limit: 2,
        ..ListCalls::default()
    };
    let mut progress = Vec::new();
    let calls = client(&base)
        .list_all_calls(query, |so_far| progress.push(so_far))
        .await
        .unwrap();
    assert_eq!(
        ids(&calls),
        ["call_1", "call_2", "call_3", "call_4", "call_5"]
    );
    assert_eq!(progress, [2, 4, 5]);
    // v3 items come without transcripts; get-call has them.
    assert!(calls.iter().all(|c| c.get("transcript").is_none()));
    let sent = fake.bodies("/v3/list-calls");
    assert_eq!(sent.len(), 3);
    assert_eq!(
        sent[0],
        json!({
            "filter_criteria": {
                "agent": [{"agent_id": AGENT}],
                "start_timestamp": {"type": "range", "op": "bt", "value": [0, 9_999_999_999_999_i64]}
            },
            "limit": 2,
            "sort_order": "ascending"
        })
    );
    let keys: Vec<&Value> = sent.iter().map(|b| &b["pagination_key"]).collect();
    assert_eq!(
        keys,
        [&Value::Null, &json!("after:call_2"), &json!("after:call_4")]
    );
}

#[tokio::test]
async fn list_calls_sends_the_time_window_and_returns_one_page() {
    let (base, _fake) = start_fake().await;
    let page: CallPage = client(&base)
        .list_calls(&ListCalls {
            start_after_ms: Some(2000),
            start_before_ms: Some(4000),
            limit: 10,
            ..ListCalls::default()
        })
        .await
        .unwrap();
    // No agent filter: the other agent's call at 2500 is in the window too.
    assert_eq!(
        ids(&page.items),
        ["call_2", "call_other", "call_3", "call_4"]
    );
    assert!(!page.has_more);
    assert_eq!(page.pagination_key, None);
}

#[tokio::test]
async fn get_call_returns_the_full_call_with_its_transcript() {
    let (base, _fake) = start_fake().await;
    let call = client(&base).get_call("call_3").await.unwrap();
    assert_eq!(call["call_id"], "call_3");
    assert_eq!(
        call["transcript"],
        "Agent: Praxis Dr. Berg, guten Tag.\nUser: Termin Nummer 3, bitte.\n"
    );
    assert_eq!(
        call["recording_url"],
        "https://recordings.example/call_3.wav"
    );
}

#[tokio::test]
async fn an_unknown_call_is_not_found_at_once_without_retries() {
    let (base, fake) = start_fake().await;
    let error = client(&base).get_call("call_missing").await.unwrap_err();
    assert_eq!(
        error,
        RetellError::NotFound("Retell 404 Not Found: Call not found".into())
    );
    assert_eq!(fake.hits("/v2/get-call/call_missing"), 1);
}

#[tokio::test]
async fn an_id_is_sent_as_one_encoded_path_segment_and_an_empty_one_not_at_all() {
    let (base, fake) = start_fake().await;
    let retell = client(&base);
    let error = retell
        .get_call("../get-agent/agent_abc?x")
        .await
        .unwrap_err();
    assert!(matches!(error, RetellError::NotFound(_)), "{error:?}");
    assert_eq!(fake.hits("/v2/get-call/..%2Fget-agent%2Fagent_abc%3Fx"), 1);
    assert_eq!(fake.hits("/get-agent/agent_abc"), 0);
    let before = fake.state.lock().unwrap().hits.values().sum::<usize>();
    for bad in ["", ".."] {
        let error = retell.get_agent(bad).await.unwrap_err();
        assert!(matches!(error, RetellError::Permanent(_)), "{error:?}");
    }
    let after = fake.state.lock().unwrap().hits.values().sum::<usize>();
    assert_eq!(before, after);
}

#[tokio::test]
async fn a_wrong_key_is_unauthorized_and_never_shown() {
    let (base, fake) = start_fake().await;
    let wrong_key = "key_wrong_Zx81";
    let retell = Retell::new(&base, wrong_key)
        .unwrap()
        .with_retries(3, Duration::from_millis(10));
    let error = retell.get_agent(AGENT).await.unwrap_err();
    // The fake echoed the key; the client replaced it.
    assert_eq!(
        error,
        RetellError::Unauthorized(
            "Retell 401 Unauthorized: Invalid API key in header \"Bearer ***\"".into()
        )
    );
    assert_no_key(&error, wrong_key);
    assert_eq!(fake.hits("/get-agent/agent_abc"), 1, "401 is not retried");
    let error = retell.list_calls(&ListCalls::default()).await.unwrap_err();
    assert!(matches!(error, RetellError::Unauthorized(_)), "{error:?}");
    assert_no_key(&error, wrong_key);
}

#[tokio::test]
async fn update_agent_sends_exactly_the_patch_and_returns_the_merged_agent() {
    let (base, fake) = start_fake().await;
    let retell = client(&base);
    let patch = json!({
        "voice_speed": 1.05,
        "language": "de-DE",
        "webhook_events": ["call_started", "call_ended", "call_analyzed"],
    });
    let updated = retell.update_agent(AGENT, &patch).await.unwrap();
    assert_eq!(fake.bodies("/update-agent/agent_abc"), [patch]);
    assert_eq!(
        (
            &updated["voice_speed"],
            &updated["language"],
            &updated["voice_id"]
        ),
        (&json!(1.05), &json!("de-DE"), &json!("11labs-Adrian"))
    );
    let read_back = retell.get_agent(AGENT).await.unwrap();
    assert_eq!(read_back, updated);
    assert_eq!(read_back["is_published"], false);
}

#[tokio::test]
async fn publish_agent_posts_an_empty_object_and_accepts_an_empty_answer() {
    let (base, fake) = start_fake().await;
    let retell = client(&base);
    retell.publish_agent(AGENT).await.unwrap();
    assert_eq!(fake.bodies("/publish-agent-version/agent_abc"), [json!({})]);
    let agent = retell.get_agent(AGENT).await.unwrap();
    assert_eq!(
        (&agent["version"], &agent["is_published"]),
        (&json!(4), &json!(true))
    );
    let error = retell.publish_agent("agent_gone").await.unwrap_err();
    assert!(matches!(error, RetellError::NotFound(_)), "{error:?}");
}

#[tokio::test]
async fn the_agents_llm_is_found_read_and_patched() {
    let (base, fake) = start_fake().await;
    let retell = client(&base);
    let agent = retell.get_agent(AGENT).await.unwrap();
    let llm_id = llm_id_of(&agent).unwrap();
    assert_eq!(llm_id, LLM);
    let patch = json!({"general_prompt": "Du bist die Rezeption der Praxis Dr. Berg.", "begin_message": "Praxis Dr. Berg, guten Tag."});
    let updated = retell.update_llm(&llm_id, &patch).await.unwrap();
    assert_eq!(fake.bodies("/update-retell-llm/llm_123"), [patch]);
    assert_eq!(updated["model"], "gpt-4.1");
    let read_back = retell.get_llm(&llm_id).await.unwrap();
    assert_eq!(
        read_back["general_prompt"],
        "Du bist die Rezeption der Praxis Dr. Berg."
    );
    assert_eq!(read_back["begin_message"], "Praxis Dr. Berg, guten Tag.");
}

#[tokio::test]
async fn a_refused_patch_is_permanent_with_retells_message_and_not_retried() {
    let (base, fake) = start_fake().await;
    let error = client(&base)
        .update_agent(AGENT, &json!({"voice_speed": 5}))
        .await
        .unwrap_err();
    assert_eq!(
        error,
        RetellError::Permanent(
            "Retell 400 Bad Request: voice_speed must be between 0.5 and 2".into()
        )
    );
    assert_eq!(fake.hits("/update-agent/agent_abc"), 1);
}

#[tokio::test]
async fn a_throttled_request_is_retried_after_retry_after_and_succeeds() {
    let (base, fake) = start_fake().await;
    // 10 ms base delay: the wait can only reach a second through Retry-After.
    let started = Instant::now();
    let call = client(&base).get_call("call_throttled").await.unwrap();
    let elapsed = started.elapsed();
    assert_eq!(call["transcript"], "Agent: Hallo.\n");
    assert_eq!(fake.hits("/v2/get-call/call_throttled"), 2);
    assert!(elapsed >= Duration::from_millis(990), "{elapsed:?}");
}

#[tokio::test]
async fn a_persistent_server_error_ends_retryable_after_the_configured_attempts() {
    let (base, fake) = start_fake().await;
    let path = "/v2/get-call/call_broken";
    let retell = Retell::new(&base, KEY)
        .unwrap()
        .with_retries(2, Duration::from_millis(5));
    let error = retell.get_call("call_broken").await.unwrap_err();
    assert_eq!(
        error,
        RetellError::Retryable {
            message: "Retell 500 Internal Server Error: Internal server error".into(),
            retry_after: None
        }
    );
    assert_no_key(&error, KEY);
    assert_eq!(fake.hits(path), 3, "one attempt and two retries");
    let no_retries = Retell::new(&base, KEY)
        .unwrap()
        .with_retries(0, Duration::from_millis(5));
    no_retries.get_call("call_broken").await.unwrap_err();
    assert_eq!(fake.hits(path), 4);
}

#[tokio::test]
async fn an_unreachable_server_is_retryable() {
    // A port that was just free: nothing listens there.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let retell = Retell::new(&base, KEY)
        .unwrap()
        .with_retries(1, Duration::from_millis(5));
    let error = retell.get_agent(AGENT).await.unwrap_err();
    assert!(
        matches!(&error, RetellError::Retryable { message, retry_after: None } if message.starts_with("Retell unreachable")),
        "{error:?}"
    );
    assert_no_key(&error, KEY);
}

#[tokio::test]
async fn a_non_json_success_is_invalid() {
    // A maintenance page with 200 cannot be read as an agent.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = Router::new().route(
        "/get-agent/{id}",
        get(|| async { "<html>maintenance</html>" }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let error = client(&base).get_agent(AGENT).await.unwrap_err();
    assert!(matches!(error, RetellError::Invalid(_)), "{error:?}");
}

#[tokio::test]
async fn debug_output_never_shows_the_key() {
    let retell = Retell::new("https://api.retellai.com", KEY).unwrap();
    let shown = format!("{retell:?}");
    assert!(!shown.contains(KEY), "{shown}");
    assert!(shown.contains("https://api.retellai.com"), "{shown}");
}
