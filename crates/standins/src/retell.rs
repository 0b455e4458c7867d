//! A Retell stand-in: the REST endpoints AskPro uses (`shared/reference/retell-api.md`
//! §4) on a local port — v3 call lists with pagination and filters, get-call, agents and
//! their Retell LLMs, publishing — behind the Bearer key. Faults: the first list request
//! throttled (429 with `Retry-After`), or every request left unanswered (`hang`).

use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// What the stand-in holds; tests read and change it through [`FakeRetell::state`].
#[derive(Debug, Default)]
pub struct RetellState {
    pub key: String,
    /// Agents by id (the agent object as Retell returns it).
    pub agents: Vec<Value>,
    /// Retell LLMs (`llm_id`, `general_prompt`, `general_tools`).
    pub llms: Vec<Value>,
    /// Calls, in the order they started (with transcripts; lists leave them out).
    pub calls: Vec<Value>,
    pub agent_patches: Vec<Value>,
    pub llm_patches: Vec<Value>,
    pub publishes: usize,
    pub list_requests: usize,
    /// Answer the first list request with 429 and `Retry-After: 1`.
    pub throttle_first_list: bool,
    /// Calls per page of a list (Retell's own default is larger).
    pub page_size: usize,
    /// Added to the system clock for `last_modification_timestamp`, so that a test on
    /// another date sees agents and LLMs change at its own "now".
    pub shift_ms: i64,
}

impl RetellState {
    fn now_ms(&self) -> i64 {
        let system = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        system.saturating_add(self.shift_ms)
    }
}

#[derive(Clone)]
struct Shared {
    state: Arc<Mutex<RetellState>>,
    hang: Arc<AtomicBool>,
}

/// A running stand-in; it stops when the test's runtime ends.
#[derive(Clone)]
pub struct FakeRetell {
    pub base_url: String,
    shared: Shared,
}

impl FakeRetell {
    /// Starts on a free local port, accepting `key`.
    pub async fn start(key: &str) -> std::io::Result<FakeRetell> {
        let shared = Shared {
            state: Arc::new(Mutex::new(RetellState {
                key: key.to_owned(),
                page_size: 2,
                ..RetellState::default()
            })),
            hang: Arc::new(AtomicBool::new(false)),
        };
        let app = Router::new()
            .route("/v3/list-calls", post(list_calls))
            .route("/v2/get-call/{id}", get(get_call))
            .route("/get-agent/{id}", get(get_agent))
            .route("/update-agent/{id}", patch(update_agent))
            .route("/get-retell-llm/{id}", get(get_llm))
            .route("/update-retell-llm/{id}", patch(update_llm))
            .route("/publish-agent-version/{id}", post(publish))
            .layer(axum::middleware::from_fn_with_state(shared.clone(), gate))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base_url = format!("http://{}", listener.local_addr()?);
        tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, app).await {
                tracing::warn!(%error, "Retell stand-in stopped");
            }
        });
        Ok(FakeRetell { base_url, shared })
    }

    /// The state, to read or change. Do not hold it across an `.await`.
    pub fn state(&self) -> MutexGuard<'_, RetellState> {
        self.shared
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Adds an agent using a Retell LLM with `prompt`, delivering to `webhook_url`.
    pub fn add_agent(&self, agent_id: &str, llm_id: &str, webhook_url: &str, prompt: &str) {
        let mut state = self.state();
        state.agents.push(json!({
            "agent_id": agent_id, "webhook_url": webhook_url, "voice_speed": 1.0,
            "voice_id": "11labs-Anna", "language": "de-DE",
            "response_engine": { "type": "retell-llm", "llm_id": llm_id },
        }));
        state
            .llms
            .push(json!({ "llm_id": llm_id, "general_prompt": prompt, "general_tools": [] }));
    }

    /// The agent `agent_id` as it stands.
    pub fn agent(&self, agent_id: &str) -> Option<Value> {
        self.state()
            .agents
            .iter()
            .find(|a| a["agent_id"] == agent_id)
            .cloned()
    }

    /// The LLM `llm_id` as it stands.
    pub fn llm(&self, llm_id: &str) -> Option<Value> {
        self.state()
            .llms
            .iter()
            .find(|l| l["llm_id"] == llm_id)
            .cloned()
    }

    /// Changes fields of an agent, as someone in Retell's dashboard would.
    pub fn edit_agent(&self, agent_id: &str, fields: &Value) {
        let mut state = self.state();
        if let Some(agent) = state.agents.iter_mut().find(|a| a["agent_id"] == agent_id) {
            merge(agent, fields);
        }
    }

    /// Adds a call Retell knows about.
    pub fn add_call(&self, call: Value) {
        self.state().calls.push(call);
    }

    /// From now on no request gets an answer (the connection stays open), or answers
    /// come again.
    pub fn hang(&self, hang: bool) {
        self.shared.hang.store(hang, Ordering::SeqCst);
    }
}

/// Every endpoint wants the Bearer key; a hanging stand-in answers nothing.
async fn gate(State(shared): State<Shared>, request: Request, next: Next) -> Response {
    if shared.hang.load(Ordering::SeqCst) {
        std::future::pending::<()>().await;
    }
    let key = shared
        .state
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .key
        .clone();
    if authorized(request.headers(), &key) {
        next.run(request).await
    } else {
        (
            StatusCode::UNAUTHORIZED,
            Json(json!({ "message": "Invalid API key" })),
        )
            .into_response()
    }
}

fn authorized(headers: &HeaderMap, key: &str) -> bool {
    headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(&format!("Bearer {key}"))
}

fn lock(shared: &Shared) -> MutexGuard<'_, RetellState> {
    shared
        .state
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn not_found(what: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(json!({ "message": format!("{what} not found") })),
    )
        .into_response()
}

/// Whether `call` passes the v3 `filter_criteria` (agents and the start range).
fn matches(call: &Value, filter: &Value) -> bool {
    if let Some(agents) = filter["agent"].as_array()
        && !agents.iter().any(|a| a["agent_id"] == call["agent_id"])
    {
        return false;
    }
    let start = call["start_timestamp"].as_i64().unwrap_or(0);
    let range = &filter["start_timestamp"]["value"];
    let lo = range[0].as_i64().unwrap_or(i64::MIN);
    let hi = range[1].as_i64().unwrap_or(i64::MAX);
    (lo..=hi).contains(&start)
}

async fn list_calls(State(shared): State<Shared>, Json(body): Json<Value>) -> Response {
    let mut state = lock(&shared);
    state.list_requests += 1;
    if state.throttle_first_list && state.list_requests == 1 {
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
    let page = body["limit"]
        .as_u64()
        .map_or(state.page_size, |l| (l as usize).min(state.page_size))
        .max(1);
    let filter = &body["filter_criteria"];
    let all: Vec<&Value> = state.calls.iter().filter(|c| matches(c, filter)).collect();
    let items: Vec<Value> = all
        .iter()
        .skip(from)
        .take(page)
        .map(|c| {
            // v3 list items leave out transcripts.
            let mut item = (*c).clone();
            if let Some(fields) = item.as_object_mut() {
                fields.remove("transcript");
            }
            item
        })
        .collect();
    let next = from + items.len();
    let has_more = next < all.len();
    Json(json!({ "items": items, "has_more": has_more, "pagination_key": has_more.then(|| next.to_string()) }))
        .into_response()
}

async fn get_call(State(shared): State<Shared>, Path(id): Path<String>) -> Response {
    match lock(&shared)
        .calls
        .iter()
        .find(|c| c["call_id"] == id.as_str())
    {
        Some(call) => Json(call.clone()).into_response(),
        None => not_found("Call"),
    }
}

async fn get_agent(State(shared): State<Shared>, Path(id): Path<String>) -> Response {
    match lock(&shared)
        .agents
        .iter()
        .find(|a| a["agent_id"] == id.as_str())
    {
        Some(agent) => Json(agent.clone()).into_response(),
        None => not_found("Agent"),
    }
}

fn merge(target: &mut Value, patch: &Value) {
    if let (Some(target), Some(patch)) = (target.as_object_mut(), patch.as_object()) {
        for (k, v) in patch {
            target.insert(k.clone(), v.clone());
        }
    }
}

async fn update_agent(
    State(shared): State<Shared>,
    Path(id): Path<String>,
    Json(body): Json<Value>,
) -> Response {
    let mut state = lock(&shared);
    state.agent_patches.push(body.clone());
    match state
        .agents
        .iter_mut()
        .find(|a| a["agent_id"] == id.as_str())
    {
        Some(agent) => {
            merge(agent, &body);
            Json(agent.clone()).into_response()
        }
        None => not_found("Agent"),
    }
}

async fn get_llm(State(shared): State<Shared>, Path(id): Path<String>) -> Response {
    match lock(&shared)
        .llms
        .iter()
        .find(|l| l["llm_id"] == id.as_str())
    {
        Some(llm) => Json(llm.clone()).into_response(),
        None => not_found("LLM"),
    }
}

async fn update_llm(
    State(shared): State<Shared>,
    Path(id): Path<String>,
    Json(body): Json<Value>,
) -> Response {
    let mut state = lock(&shared);
    state.llm_patches.push(body.clone());
    let now = state.now_ms();
    match state.llms.iter_mut().find(|l| l["llm_id"] == id.as_str()) {
        Some(llm) => {
            merge(llm, &body);
            llm["last_modification_timestamp"] = json!(now);
            Json(llm.clone()).into_response()
        }
        None => not_found("LLM"),
    }
}

async fn publish(State(shared): State<Shared>) -> Response {
    lock(&shared).publishes += 1;
    StatusCode::OK.into_response()
}
