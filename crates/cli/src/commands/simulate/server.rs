//! Talking to the running server as Retell does: signed webhooks and function calls,
//! with failures named so that a newcomer knows what to fix.

use anyhow::{Context, Result, anyhow, bail};
use askpro_app::voice::signature;
use askpro_core::Clock;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

use super::DEFAULT_URL;

/// Retell gives a function two minutes; a local server needing more is broken anyway.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The running server, the key its requests are signed with, and Retell's clock.
pub(super) struct Server {
    client: reqwest::Client,
    pub(super) base: String,
    key: String,
    pub(super) clock: Clock,
}

impl Server {
    pub(super) fn new(url: &str, key: String, clock: Clock) -> Result<Server> {
        let base = url.trim().trim_end_matches('/').to_owned();
        let parsed = reqwest::Url::parse(&base)
            .map_err(|e| anyhow!("--url `{base}` is not a URL ({e}); use e.g. {DEFAULT_URL}"))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            bail!("--url `{base}` must start with http:// or https://, e.g. {DEFAULT_URL}");
        }
        let client = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .build()
            .context("cannot set up the HTTP client")?;
        Ok(Server {
            client,
            base,
            key,
            clock,
        })
    }

    /// Delivers a call webhook; the server answers 204.
    pub(super) async fn webhook(&self, event: &str, call: &Value) -> Result<()> {
        let body = json!({ "event": event, "call": call });
        let reply = self.post("/webhooks/retell", &body).await?;
        if !reply.status.is_success() {
            bail!(
                "the server answered the {event} webhook with HTTP {}: {}",
                reply.status,
                reply.text.trim()
            );
        }
        Ok(())
    }

    /// Calls a function as the agent does; returns the answer and how long it took.
    pub(super) async fn function(
        &self,
        name: &str,
        args: &Value,
        call: &Value,
    ) -> Result<(Value, u64)> {
        let body = json!({ "name": name, "args": args, "call": call });
        let reply = self
            .post(&format!("/retell/functions/{name}"), &body)
            .await?;
        if !reply.status.is_success() {
            bail!(
                "the server answered the function {name} with HTTP {}: {}",
                reply.status,
                reply.text.trim()
            );
        }
        let answer = serde_json::from_str(&reply.text).map_err(|e| {
            anyhow!(
                "the function {name} answered, but not with JSON ({e}): {}",
                reply.text.trim()
            )
        })?;
        Ok((answer, reply.ms))
    }

    /// POSTs `body` signed as Retell signs: over the exact bytes sent, at this moment.
    async fn post(&self, path: &str, body: &Value) -> Result<Reply> {
        let bytes = body.to_string().into_bytes();
        let header = signature::sign(&self.key, &bytes, self.clock.now_ms());
        let started = Instant::now();
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .header("x-retell-signature", header)
            .body(bytes)
            .send()
            .await
            .map_err(|e| self.unreachable(&e))?;
        let status = response.status();
        let text = response.text().await.map_err(|e| {
            anyhow!(
                "the answer from {} broke off: {}",
                self.base,
                askpro_connectors::error_chain(&e)
            )
        })?;
        let ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        if status == reqwest::StatusCode::UNAUTHORIZED {
            return Err(self.refused(&text));
        }
        Ok(Reply { status, text, ms })
    }

    fn unreachable(&self, error: &reqwest::Error) -> anyhow::Error {
        anyhow!(
            "cannot reach the AskPro server at {} ({}); is `askpro serve` running there? \
             Point --url or ASKPRO_SIMULATE_URL at it",
            self.base,
            askpro_connectors::error_chain(error)
        )
    }

    /// A 401 with the server's reason; the key itself is never shown.
    fn refused(&self, body: &str) -> anyhow::Error {
        let error: Value = serde_json::from_str(body).unwrap_or(Value::Null);
        let message = error["error"]["message"]
            .as_str()
            .map_or_else(|| body.trim().to_owned(), str::to_owned);
        if error["error"]["code"] == "retell_not_configured" {
            anyhow!(
                "the server at {} refused the signature: it has no Retell API key ({message}). \
                 Start it with ASKPRO_RETELL_API_KEY set and sign with the same key",
                self.base
            )
        } else {
            anyhow!(
                "the server at {} refused the signature (HTTP 401: {message}); sign with the \
                 Retell API key the server was started with (--key or ASKPRO_RETELL_API_KEY)",
                self.base
            )
        }
    }
}

/// An answer of the server.
struct Reply {
    status: reqwest::StatusCode,
    text: String,
    ms: u64,
}
