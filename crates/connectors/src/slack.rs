//! Alerts to Slack through an incoming webhook: a JSON POST of `{"text": …}`.

use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlackError {
    /// The webhook is gone or the payload refused (404 no_service, 400 invalid_payload, …).
    #[error("refused for good: {0}")]
    Permanent(String),
    /// Throttled (429) or Slack unavailable: try again later.
    #[error("not posted for now: {message}")]
    Retryable {
        message: String,
        retry_after: Option<Duration>,
    },
}

pub struct Slack {
    http: reqwest::Client,
    webhook_url: String,
}

impl std::fmt::Debug for Slack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The webhook URL is a secret: whoever has it can post.
        f.write_str("Slack { webhook_url: *** }")
    }
}

impl Slack {
    pub fn new(webhook_url: &str) -> Result<Slack, SlackError> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| SlackError::Permanent(format!("cannot build the HTTP client: {e}")))?;
        Ok(Slack {
            http,
            webhook_url: webhook_url.to_owned(),
        })
    }

    pub async fn post(&self, text: &str) -> Result<(), SlackError> {
        let response = self
            .http
            .post(&self.webhook_url)
            .json(&serde_json::json!({ "text": text }))
            .send()
            .await
            .map_err(|e| SlackError::Retryable {
                message: format!("Slack {}", crate::http::why_unreachable(&e.without_url())),
                retry_after: None,
            })?;
        let status = response.status();
        let retry_after = crate::http::retry_after(&response);
        let body = response.text().await.unwrap_or_default();
        match status.as_u16() {
            200..=299 => Ok(()),
            429 | 500..=599 => Err(SlackError::Retryable {
                message: format!("Slack {status}: {body}"),
                retry_after,
            }),
            _ => Err(SlackError::Permanent(format!("Slack {status}: {body}"))),
        }
    }
}
