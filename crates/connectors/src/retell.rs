//! Retell AI's REST API: the calls we import and the agent and LLM settings we manage.
//!
//! Every request goes to a configurable base URL (default [`DEFAULT_BASE_URL`]) with
//! `Authorization: Bearer <api key>`. The endpoints, as documented in Retell's SDK 5.60:
//!
//! | Method | Endpoint |
//! |---|---|
//! | [`Retell::list_calls`], [`Retell::list_all_calls`] | `POST /v3/list-calls` |
//! | [`Retell::get_call`] | `GET /v2/get-call/{call_id}` |
//! | [`Retell::get_agent`] | `GET /get-agent/{agent_id}` |
//! | [`Retell::update_agent`] | `PATCH /update-agent/{agent_id}` (changes the latest draft) |
//! | [`Retell::publish_agent`] | `POST /publish-agent-version/{agent_id}` with `{}` |
//! | [`Retell::get_llm`] | `GET /get-retell-llm/{llm_id}` |
//! | [`Retell::update_llm`] | `PATCH /update-retell-llm/{llm_id}` |
//!
//! The v3 list leaves out transcripts and recordings, so importing means listing by time
//! window and then fetching each call with get-call. Calls, agents and LLMs stay raw
//! `serde_json::Value`s: Retell adds fields and enum values often, and we keep more than
//! we read.
//!
//! **Retries.** A [`RetellError::Retryable`] failure (429, 5xx, timeout, unreachable) is
//! tried again up to 3 more times, after 0.5 s, 1 s and 2 s (doubling, never more than
//! 8 s between two attempts; the same schedule as Retell's own SDKs). When the answer
//! carries `Retry-After`, the wait is at least that long, but never more than 60 s.
//! Every other failure returns at once. [`Retell::with_retries`] changes the count and the
//! first delay. Publishing is retried too: if a lost answer hid a publish that went
//! through, the repeat only publishes the identical draft once more.
//!
//! **Secrets.** The API key never appears in `Debug` output, logs or error messages: the
//! texts taken from Retell's answers are scrubbed of it as well.

use reqwest::Method;
use serde::{Deserialize, Deserializer};
use serde_json::{Value, json};
use std::collections::HashSet;
use std::time::Duration;

pub const DEFAULT_BASE_URL: &str = "https://api.retellai.com";
/// How many times a retryable failure is tried again, unless [`Retell::with_retries`] says otherwise.
pub const DEFAULT_MAX_RETRIES: u32 = 3;
/// How long one request may take, unless [`Retell::with_timeout`] says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// The wait before the first retry; it doubles for each further one.
pub const DEFAULT_BASE_DELAY: Duration = Duration::from_millis(500);
/// How many calls [`ListCalls::default`] asks for per page.
pub const DEFAULT_PAGE_SIZE: u32 = 100;

/// The longest wait our own doubling produces.
const MAX_BACKOFF: Duration = Duration::from_secs(8);
/// The longest wait at all, even when Retry-After asks for more: a stuck caller is worse
/// than one more refused attempt.
const MAX_WAIT: Duration = Duration::from_secs(60);
/// The upper end of the start-time window when none is given (year 2286, in ms).
const FAR_FUTURE_MS: i64 = 9_999_999_999_999;
/// How much of an error answer goes into an error message: enough for Retell's message,
/// not a whole HTML error page from a proxy.
const MAX_DETAIL_CHARS: usize = 300;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RetellError {
    /// The key is wrong, revoked or not allowed to do this (401, 403).
    #[error("not authorized by Retell: {0}")]
    Unauthorized(String),
    /// No such call, agent or LLM (404).
    #[error("not found at Retell: {0}")]
    NotFound(String),
    /// Retell refused the request for good (another 4xx, with Retell's message), or the
    /// request cannot be made at all (bad configuration, empty id).
    #[error("refused for good: {0}")]
    Permanent(String),
    /// Throttled (429), Retell unavailable (5xx), timed out or unreachable, and still so
    /// after the retries: try again later, at the earliest after `retry_after`.
    #[error("failed for now: {message}")]
    Retryable {
        message: String,
        retry_after: Option<Duration>,
    },
    /// Retell answered 2xx with something that is not the JSON we expect.
    #[error("unreadable Retell answer: {0}")]
    Invalid(String),
}

/// Which calls [`Retell::list_calls`] asks for, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListCalls {
    /// Calls of these agents only; empty means every agent of the account.
    pub agent_ids: Vec<String>,
    /// Lower end of the start time in ms since the epoch (Retell's `bt` range; whether it
    /// treats the ends as inclusive is not documented). `None` means from the beginning.
    pub start_after_ms: Option<i64>,
    /// Upper end of the start time in ms since the epoch; `None` means no limit.
    pub start_before_ms: Option<i64>,
    /// Calls per page (Retell does not document its default or maximum).
    pub limit: u32,
    /// The cursor from the previous page; `None` for the first page.
    pub pagination_key: Option<String>,
}

impl Default for ListCalls {
    fn default() -> ListCalls {
        // A hand-written default: a derived one would ask for pages of 0 calls.
        ListCalls {
            agent_ids: Vec::new(),
            start_after_ms: None,
            start_before_ms: None,
            limit: DEFAULT_PAGE_SIZE,
            pagination_key: None,
        }
    }
}

/// One page of `POST /v3/list-calls`. The items are the raw call objects, without
/// transcripts or recordings (v3 leaves them out; fetch them with [`Retell::get_call`]).
/// Missing or `null` fields read as empty, `false` and `None`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct CallPage {
    #[serde(deserialize_with = "null_as_default")]
    pub items: Vec<Value>,
    #[serde(deserialize_with = "null_as_default")]
    pub has_more: bool,
    pub pagination_key: Option<String>,
}

/// The client. Cheap to share by reference; one per API key.
pub struct Retell {
    http: reqwest::Client,
    base_url: String,
    api_key: String,
    max_retries: u32,
    base_delay: Duration,
}

impl std::fmt::Debug for Retell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the API key: whoever has it controls the account's agents.
        f.debug_struct("Retell")
            .field("base_url", &self.base_url)
            .field("api_key", &"***")
            .field("max_retries", &self.max_retries)
            .field("base_delay", &self.base_delay)
            .finish()
    }
}

impl Retell {
    /// A client for `base_url` (normally [`DEFAULT_BASE_URL`]) with the default retries.
    /// Fails with `Permanent` for a base URL that is not plain http(s) or an unusable key,
    /// so a configuration mistake shows at start-up rather than on the first call.
    pub fn new(base_url: &str, api_key: &str) -> Result<Retell, RetellError> {
        let base_url = checked_base_url(base_url)?;
        check_api_key(api_key)?;
        // The SDK's defaults: 60 s per request, 5 s to connect.
        let http = http_client(DEFAULT_TIMEOUT)?;
        Ok(Retell {
            http,
            base_url,
            api_key: api_key.to_owned(),
            max_retries: DEFAULT_MAX_RETRIES,
            base_delay: DEFAULT_BASE_DELAY,
        })
    }

    /// Gives up on each request after `timeout` (default 60 s, as Retell's SDKs) — a
    /// timeout is retryable, so an import against a Retell that never answers ends after
    /// about (retries + 1) × `timeout`.
    pub fn with_timeout(mut self, timeout: Duration) -> Result<Retell, RetellError> {
        self.http = http_client(timeout)?;
        Ok(self)
    }

    /// Retries a retryable failure up to `max_retries` more times, waiting `base_delay`
    /// before the first retry and doubling from there (at most 8 s, at least Retry-After).
    pub fn with_retries(mut self, max_retries: u32, base_delay: Duration) -> Retell {
        self.max_retries = max_retries;
        self.base_delay = base_delay;
        self
    }

    /// One page of calls: `POST /v3/list-calls`.
    pub async fn list_calls(&self, query: &ListCalls) -> Result<CallPage, RetellError> {
        let body = list_calls_body(query);
        self.request_json(Method::POST, "/v3/list-calls", Some(&body))
            .await
    }

    /// Every call `query` matches, oldest first, following the pagination cursor while
    /// Retell says there is more. `on_page` hears how many calls have arrived so far after
    /// each page. Stops when a page has more but no cursor we have not followed yet, so a
    /// misbehaving cursor cannot loop forever.
    pub async fn list_all_calls(
        &self,
        mut query: ListCalls,
        mut on_page: impl FnMut(usize),
    ) -> Result<Vec<Value>, RetellError> {
        let mut calls = Vec::new();
        let mut followed: HashSet<String> = query.pagination_key.iter().cloned().collect();
        loop {
            let page = self.list_calls(&query).await?;
            calls.extend(page.items);
            on_page(calls.len());
            if !page.has_more {
                return Ok(calls);
            }
            match page.pagination_key {
                Some(key) if !key.is_empty() && followed.insert(key.clone()) => {
                    query.pagination_key = Some(key);
                }
                _ => {
                    tracing::warn!(
                        calls = calls.len(),
                        "Retell says there are more calls but gives no new pagination key; stopping"
                    );
                    return Ok(calls);
                }
            }
        }
    }

    /// The full call, with transcripts and recording URLs: `GET /v2/get-call/{call_id}`.
    pub async fn get_call(&self, call_id: &str) -> Result<Value, RetellError> {
        let path = with_id("/v2/get-call", call_id, "call id")?;
        self.request_json(Method::GET, &path, None).await
    }

    /// The agent's latest version: `GET /get-agent/{agent_id}`.
    pub async fn get_agent(&self, agent_id: &str) -> Result<Value, RetellError> {
        let path = with_id("/get-agent", agent_id, "agent id")?;
        self.request_json(Method::GET, &path, None).await
    }

    /// Changes the fields in `patch` on the agent's latest draft and returns the agent:
    /// `PATCH /update-agent/{agent_id}`. Callers see the change live only after
    /// [`Retell::publish_agent`] (Retell does not document otherwise).
    pub async fn update_agent(&self, agent_id: &str, patch: &Value) -> Result<Value, RetellError> {
        let path = with_id("/update-agent", agent_id, "agent id")?;
        self.request_json(Method::PATCH, &path, Some(patch)).await
    }

    /// Publishes the agent's draft: `POST /publish-agent-version/{agent_id}` with `{}`.
    /// The answer's body is not needed and not read as JSON.
    pub async fn publish_agent(&self, agent_id: &str) -> Result<(), RetellError> {
        let path = with_id("/publish-agent-version", agent_id, "agent id")?;
        self.request(Method::POST, &path, Some(&json!({}))).await?;
        Ok(())
    }

    /// The Retell LLM (prompt, tools, model): `GET /get-retell-llm/{llm_id}`.
    pub async fn get_llm(&self, llm_id: &str) -> Result<Value, RetellError> {
        let path = with_id("/get-retell-llm", llm_id, "LLM id")?;
        self.request_json(Method::GET, &path, None).await
    }

    /// Changes the fields in `patch` on the Retell LLM and returns it:
    /// `PATCH /update-retell-llm/{llm_id}`.
    pub async fn update_llm(&self, llm_id: &str, patch: &Value) -> Result<Value, RetellError> {
        let path = with_id("/update-retell-llm", llm_id, "LLM id")?;
        self.request_json(Method::PATCH, &path, Some(patch)).await
    }

    /// Sends the request with retries and reads a 2xx answer as JSON.
    async fn request_json<T: serde::de::DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<T, RetellError> {
        let text = self.request(method, path, body).await?;
        serde_json::from_str(&text)
            .map_err(|e| RetellError::Invalid(self.redact(format!("{path}: {e}"))))
    }

    /// Sends the request, retrying retryable failures as the module doc describes, and
    /// returns the body of the 2xx answer.
    async fn request(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<String, RetellError> {
        let mut attempt: u32 = 1;
        loop {
            let (status, outcome) = self.attempt(method.clone(), path, body).await;
            match outcome {
                Err(RetellError::Retryable {
                    message,
                    retry_after,
                }) if attempt <= self.max_retries => {
                    let wait = wait_before_retry(self.base_delay, attempt - 1, retry_after);
                    tracing::warn!(
                        path,
                        attempt,
                        status,
                        wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                        error = %message,
                        "Retell request failed; retrying"
                    );
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                outcome => return outcome,
            }
        }
    }

    /// One try: the HTTP status when there was an answer (for the log), and the body of a
    /// 2xx answer or the classified failure, already scrubbed of the key.
    async fn attempt(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> (Option<u16>, Result<String, RetellError>) {
        let url = format!("{}{path}", self.base_url);
        let mut request = self.http.request(method, &url).bearer_auth(&self.api_key);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = match request.send().await {
            Ok(response) => response,
            Err(e) => return (None, Err(self.redact_error(transport_error(&e)))),
        };
        let status = response.status();
        let retry_after = crate::http::retry_after(&response);
        let outcome = match response.text().await {
            Ok(text) => classify(status, retry_after, text),
            // The answer broke off half-way: as good as no answer.
            Err(e) => Err(RetellError::Retryable {
                message: format!(
                    "Retell {status}, answer cut off: {}",
                    crate::error_chain(&e)
                ),
                retry_after,
            }),
        };
        (
            Some(status.as_u16()),
            outcome.map_err(|e| self.redact_error(e)),
        )
    }

    /// `text` without the API key, in case a server or proxy echoes it back.
    fn redact(&self, text: String) -> String {
        // new() refuses an empty key, so this never replaces every position.
        if self.api_key.is_empty() || !text.contains(&self.api_key) {
            return text;
        }
        text.replace(&self.api_key, "***")
    }

    fn redact_error(&self, error: RetellError) -> RetellError {
        match error {
            RetellError::Unauthorized(m) => RetellError::Unauthorized(self.redact(m)),
            RetellError::NotFound(m) => RetellError::NotFound(self.redact(m)),
            RetellError::Permanent(m) => RetellError::Permanent(self.redact(m)),
            RetellError::Invalid(m) => RetellError::Invalid(self.redact(m)),
            RetellError::Retryable {
                message,
                retry_after,
            } => RetellError::Retryable {
                message: self.redact(message),
                retry_after,
            },
        }
    }
}

/// The LLM behind an agent: `response_engine.llm_id` when `response_engine.type` is
/// `"retell-llm"`; `None` for conversation flows, custom LLMs or a malformed agent.
pub fn llm_id_of(agent: &Value) -> Option<String> {
    let engine = agent.get("response_engine")?;
    if engine.get("type")?.as_str()? != "retell-llm" {
        return None;
    }
    let llm_id = engine.get("llm_id")?.as_str()?;
    (!llm_id.is_empty()).then(|| llm_id.to_owned())
}

/// The base URL without a trailing slash, once it is known to be plain http(s), so that
/// appending an endpoint path always gives a valid URL.
fn checked_base_url(base_url: &str) -> Result<String, RetellError> {
    let trimmed = base_url.trim().trim_end_matches('/');
    let parsed = reqwest::Url::parse(trimmed)
        .map_err(|e| RetellError::Permanent(format!("invalid Retell base URL {trimmed:?}: {e}")))?;
    let plain = matches!(parsed.scheme(), "http" | "https")
        && parsed.query().is_none()
        && parsed.fragment().is_none();
    if !plain {
        return Err(RetellError::Permanent(format!(
            "Retell base URL {trimmed:?} must be http(s) without query or fragment"
        )));
    }
    Ok(trimmed.to_owned())
}

/// Refuses a key that would be rejected anyway or cannot go into a header, without ever
/// repeating the key.
fn check_api_key(api_key: &str) -> Result<(), RetellError> {
    if api_key.trim().is_empty() {
        return Err(RetellError::Permanent("the Retell API key is empty".into()));
    }
    if reqwest::header::HeaderValue::from_str(&format!("Bearer {api_key}")).is_err() {
        return Err(RetellError::Permanent(
            "the Retell API key contains characters not allowed in an HTTP header".into(),
        ));
    }
    Ok(())
}

/// `{prefix}/{id}` with the id as exactly one percent-encoded path segment. An empty,
/// `.` or `..` id would address another endpoint, so it is refused before any request.
fn with_id(prefix: &str, id: &str, what: &str) -> Result<String, RetellError> {
    if matches!(id, "" | "." | "..") {
        return Err(RetellError::Permanent(format!("invalid {what} {id:?}")));
    }
    Ok(format!("{prefix}/{}", encode_path_segment(id)))
}

/// Percent-encodes everything but RFC 3986's unreserved characters, so `/`, `?`, `#`,
/// `%` and spaces in an id cannot change which URL is requested.
fn encode_path_segment(segment: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut encoded = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push('%');
            encoded.push(char::from(HEX[usize::from(byte >> 4)]));
            encoded.push(char::from(HEX[usize::from(byte & 0x0F)]));
        }
    }
    encoded
}

/// The v3 request body: `{filter_criteria, limit, pagination_key?, sort_order}`.
fn list_calls_body(query: &ListCalls) -> Value {
    let mut filter = serde_json::Map::new();
    // No agent filter at all means every agent; an empty list might mean none.
    if !query.agent_ids.is_empty() {
        let agents = query
            .agent_ids
            .iter()
            .map(|agent_id| json!({ "agent_id": agent_id }))
            .collect();
        filter.insert("agent".into(), Value::Array(agents));
    }
    let lo = query.start_after_ms.unwrap_or(0);
    let hi = query.start_before_ms.unwrap_or(FAR_FUTURE_MS);
    filter.insert(
        "start_timestamp".into(),
        json!({ "type": "range", "op": "bt", "value": [lo, hi] }),
    );
    let mut body = serde_json::Map::new();
    body.insert("filter_criteria".into(), Value::Object(filter));
    body.insert("limit".into(), query.limit.into());
    if let Some(key) = &query.pagination_key {
        body.insert("pagination_key".into(), key.as_str().into());
    }
    // Oldest first, so an import can resume from the last start time it stored.
    body.insert("sort_order".into(), "ascending".into());
    Value::Object(body)
}

/// The wait before retry number `retry` (0 for the first): `base` doubled per retry, at
/// most 8 s, at least Retry-After, and at most 60 s in any case.
fn wait_before_retry(base: Duration, retry: u32, retry_after: Option<Duration>) -> Duration {
    let backoff = base
        .saturating_mul(2u32.saturating_pow(retry))
        .min(MAX_BACKOFF);
    backoff.max(retry_after.unwrap_or_default()).min(MAX_WAIT)
}

/// Sorts an answer into the body of a success or the error its status means.
fn classify(
    status: reqwest::StatusCode,
    retry_after: Option<Duration>,
    text: String,
) -> Result<String, RetellError> {
    if status.is_success() {
        return Ok(text);
    }
    let detail = error_detail(&text);
    let message = if detail.is_empty() {
        format!("Retell {status}")
    } else {
        format!("Retell {status}: {detail}")
    };
    Err(match status.as_u16() {
        401 | 403 => RetellError::Unauthorized(message),
        404 => RetellError::NotFound(message),
        429 | 500..=599 => RetellError::Retryable {
            message,
            retry_after,
        },
        _ => RetellError::Permanent(message),
    })
}

/// Retell's message from an error answer: the `message` (or `error_message`, `error`)
/// string of a JSON body, else the body itself, shortened.
fn error_detail(text: &str) -> String {
    let from_json = serde_json::from_str::<Value>(text).ok().and_then(|body| {
        ["message", "error_message", "error"]
            .iter()
            .find_map(|field| body.get(field)?.as_str().map(str::to_owned))
    });
    let detail = from_json.unwrap_or_else(|| text.trim().to_owned());
    if detail.chars().count() <= MAX_DETAIL_CHARS {
        return detail;
    }
    let mut shortened: String = detail.chars().take(MAX_DETAIL_CHARS).collect();
    shortened.push('…');
    shortened
}

/// No usable answer. A request that could not even be built will not get better by
/// waiting; everything else (refused connection, DNS, timeout) might.
fn transport_error(error: &reqwest::Error) -> RetellError {
    if error.is_builder() {
        return RetellError::Permanent(format!(
            "cannot build the request: {}",
            crate::error_chain(error)
        ));
    }
    let what = if error.is_timeout() {
        "timed out"
    } else {
        "unreachable"
    };
    RetellError::Retryable {
        message: format!("Retell {what}: {}", crate::error_chain(error)),
        retry_after: None,
    }
}

/// Reads `null` like a missing field: Retell's "optional" fields come either way.
fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_from_the_base_up_to_eight_seconds() {
        let waits: Vec<u64> = (0..7)
            .map(|retry| wait_before_retry(DEFAULT_BASE_DELAY, retry, None).as_millis() as u64)
            .collect();
        assert_eq!(waits, [500, 1000, 2000, 4000, 8000, 8000, 8000]);
        // A large retry count must not overflow.
        assert_eq!(
            wait_before_retry(DEFAULT_BASE_DELAY, u32::MAX, None),
            MAX_BACKOFF
        );
    }

    #[test]
    fn retry_after_lengthens_the_wait_but_never_beyond_a_minute() {
        let ms = Duration::from_millis;
        assert_eq!(
            wait_before_retry(ms(10), 0, Some(Duration::from_secs(1))),
            ms(1000)
        );
        // A shorter Retry-After does not shorten our own backoff.
        assert_eq!(wait_before_retry(ms(500), 2, Some(ms(100))), ms(2000));
        assert_eq!(
            wait_before_retry(ms(500), 0, Some(Duration::from_secs(3600))),
            MAX_WAIT
        );
    }

    #[test]
    fn new_clients_retry_three_times_from_half_a_second() {
        let retell = Retell::new(DEFAULT_BASE_URL, "key_abc").unwrap();
        assert_eq!(
            (retell.max_retries, retell.base_delay),
            (3, Duration::from_millis(500))
        );
        assert_eq!(retell.base_url, "https://api.retellai.com");
    }

    #[test]
    fn bad_configuration_is_refused_without_showing_the_key() {
        for base in ["not a url", "ftp://x", "https://x/?a=b", "mailto:a@b"] {
            assert!(
                matches!(Retell::new(base, "k"), Err(RetellError::Permanent(_))),
                "{base}"
            );
        }
        assert!(matches!(
            Retell::new(DEFAULT_BASE_URL, " "),
            Err(RetellError::Permanent(_))
        ));
        let error = Retell::new(DEFAULT_BASE_URL, "key_secret\n").unwrap_err();
        assert!(!error.to_string().contains("key_secret"), "{error}");
        // A path prefix and a trailing slash are fine.
        let retell = Retell::new("http://127.0.0.1:9/retell/", "k").unwrap();
        assert_eq!(retell.base_url, "http://127.0.0.1:9/retell");
    }

    #[test]
    fn ids_become_exactly_one_encoded_path_segment() {
        assert_eq!(
            with_id("/v2/get-call", "call_9f2A-x.~", "call id").unwrap(),
            "/v2/get-call/call_9f2A-x.~"
        );
        assert_eq!(
            with_id("/get-agent", "a/b?c#d%e f", "agent id").unwrap(),
            "/get-agent/a%2Fb%3Fc%23d%25e%20f"
        );
        assert_eq!(with_id("/x", "ä", "id").unwrap(), "/x/%C3%A4");
        for bad in ["", ".", ".."] {
            assert!(matches!(
                with_id("/x", bad, "id"),
                Err(RetellError::Permanent(_))
            ));
        }
    }

    #[test]
    fn the_list_body_uses_v3_filters_with_open_ends_filled_in() {
        let open = list_calls_body(&ListCalls::default());
        assert_eq!(
            open,
            json!({
                "filter_criteria": {
                    "start_timestamp": {"type": "range", "op": "bt", "value": [0, 9_999_999_999_999_i64]}
                },
                "limit": 100,
                "sort_order": "ascending"
            })
        );
        let narrow = list_calls_body(&ListCalls {
            agent_ids: vec!["agent_a".into(), "agent_b".into()],
            start_after_ms: Some(1_722_470_400_000),
            start_before_ms: Some(1_723_075_200_000),
            limit: 2,
            pagination_key: Some("cursor".into()),
        });
        assert_eq!(
            narrow,
            json!({
                "filter_criteria": {
                    "agent": [{"agent_id": "agent_a"}, {"agent_id": "agent_b"}],
                    "start_timestamp": {"type": "range", "op": "bt", "value": [1_722_470_400_000_i64, 1_723_075_200_000_i64]}
                },
                "limit": 2,
                "pagination_key": "cursor",
                "sort_order": "ascending"
            })
        );
    }

    #[test]
    fn a_call_page_reads_missing_and_null_fields_as_empty() {
        let page: CallPage =
            serde_json::from_str(r#"{"items":null,"has_more":null,"total":3}"#).unwrap();
        assert_eq!(page, CallPage::default());
        let page: CallPage = serde_json::from_str(
            r#"{"items":[{"call_id":"c1"}],"has_more":true,"pagination_key":"k"}"#,
        )
        .unwrap();
        assert_eq!(
            (
                page.items.len(),
                page.has_more,
                page.pagination_key.as_deref()
            ),
            (1, true, Some("k"))
        );
    }

    #[test]
    fn the_llm_id_comes_only_from_a_retell_llm_engine() {
        let agent = json!({"response_engine": {"type": "retell-llm", "llm_id": "llm_1"}});
        assert_eq!(llm_id_of(&agent).as_deref(), Some("llm_1"));
        for other in [
            json!({"response_engine": {"type": "conversation-flow", "conversation_flow_id": "f", "llm_id": "x"}}),
            json!({"response_engine": {"type": "retell-llm", "llm_id": ""}}),
            json!({"response_engine": {"type": "retell-llm"}}),
            json!({"response_engine": "retell-llm"}),
            json!([]),
        ] {
            assert_eq!(llm_id_of(&other), None, "{other}");
        }
    }

    #[test]
    fn error_answers_keep_retells_message_and_their_class() {
        let status = |code| reqwest::StatusCode::from_u16(code).unwrap();
        let body = r#"{"status":"error","message":"voice_speed out of range"}"#.to_owned();
        assert_eq!(
            classify(status(400), None, body.clone()),
            Err(RetellError::Permanent(
                "Retell 400 Bad Request: voice_speed out of range".into()
            ))
        );
        assert!(matches!(
            classify(status(403), None, body.clone()),
            Err(RetellError::Unauthorized(_))
        ));
        assert!(matches!(
            classify(status(404), None, String::new()),
            Err(RetellError::NotFound(m)) if m == "Retell 404 Not Found"
        ));
        assert_eq!(
            classify(
                status(503),
                Some(Duration::from_secs(2)),
                "<html>".repeat(100)
            ),
            Err(RetellError::Retryable {
                message: format!("Retell 503 Service Unavailable: {}…", &"<html>".repeat(50)),
                retry_after: Some(Duration::from_secs(2))
            })
        );
        assert_eq!(
            classify(status(204), None, String::new()),
            Ok(String::new())
        );
    }
}

fn http_client(timeout: Duration) -> Result<reqwest::Client, RetellError> {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(Duration::from_secs(5).min(timeout))
        .build()
        .map_err(|e| RetellError::Permanent(format!("cannot build the HTTP client: {e}")))
}
