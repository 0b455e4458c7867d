//! SMS through Twilio's Messages API: a form POST to
//! `{base}/2010-04-01/Accounts/{sid}/Messages.json` with basic auth. The base URL is
//! configurable, so tests talk to a local server that speaks the same protocol.

use serde::Deserialize;
use std::time::Duration;

pub const DEFAULT_BASE_URL: &str = "https://api.twilio.com";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SmsError {
    /// Twilio refused it for good (invalid number, unverified sender, …).
    #[error("refused for good: {0}")]
    Permanent(String),
    /// Throttled (429), Twilio unavailable (5xx) or unreachable: try again, at the
    /// earliest after `retry_after`.
    #[error("not sent for now: {message}")]
    Retryable {
        message: String,
        retry_after: Option<Duration>,
    },
}

/// Twilio's answer to an accepted message.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SmsReceipt {
    pub sid: String,
    pub status: String,
}

#[derive(Deserialize)]
struct TwilioError {
    code: Option<i64>,
    message: Option<String>,
}

pub struct Twilio {
    http: reqwest::Client,
    base_url: String,
    account_sid: String,
    auth_token: String,
    from: String,
}

impl std::fmt::Debug for Twilio {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the auth token.
        f.debug_struct("Twilio")
            .field("base_url", &self.base_url)
            .field("account_sid", &self.account_sid)
            .field("from", &self.from)
            .finish()
    }
}

impl Twilio {
    pub fn new(
        base_url: &str,
        account_sid: &str,
        auth_token: &str,
        from: &str,
    ) -> Result<Twilio, SmsError> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .build()
            .map_err(|e| SmsError::Permanent(format!("cannot build the HTTP client: {e}")))?;
        Ok(Twilio {
            http,
            base_url: base_url.trim_end_matches('/').to_owned(),
            account_sid: account_sid.to_owned(),
            auth_token: auth_token.to_owned(),
            from: from.to_owned(),
        })
    }

    /// Sends `body` to `to` (E.164).
    pub async fn send(&self, to: &str, body: &str) -> Result<SmsReceipt, SmsError> {
        let url = format!(
            "{}/2010-04-01/Accounts/{}/Messages.json",
            self.base_url, self.account_sid
        );
        let form = [("To", to), ("From", self.from.as_str()), ("Body", body)];
        let response = self
            .http
            .post(&url)
            .basic_auth(&self.account_sid, Some(&self.auth_token))
            .form(&form)
            .send()
            .await
            .map_err(|e| SmsError::Retryable {
                message: format!("Twilio {}", crate::http::why_unreachable(&e)),
                retry_after: None,
            })?;
        let status = response.status();
        let retry_after = crate::http::retry_after(&response);
        let text = response.text().await.unwrap_or_default();
        if status.is_success() {
            return serde_json::from_str(&text).map_err(|e| SmsError::Retryable {
                message: format!("unreadable Twilio answer: {e}"),
                retry_after: None,
            });
        }
        let detail = serde_json::from_str::<TwilioError>(&text).ok();
        let message = match detail {
            Some(TwilioError {
                code: Some(code),
                message: Some(m),
            }) => format!("Twilio {status}, error {code}: {m}"),
            _ => format!("Twilio {status}"),
        };
        if status.as_u16() == 429 || status.is_server_error() {
            Err(SmsError::Retryable {
                message,
                retry_after,
            })
        } else {
            Err(SmsError::Permanent(message))
        }
    }
}

/// The header Twilio signs its webhooks with.
pub const SIGNATURE_HEADER: &str = "x-twilio-signature";

/// Twilio's signature of a webhook: HMAC-SHA1 with the auth token over the full URL it
/// called followed by every POST parameter, sorted by name, as name and value without
/// separators; base64-encoded.
pub fn webhook_signature(auth_token: &str, url: &str, params: &[(String, String)]) -> String {
    use base64::Engine;
    use hmac::Mac;
    let digest = webhook_mac(auth_token, url, params).finalize().into_bytes();
    base64::engine::general_purpose::STANDARD.encode(digest)
}

fn webhook_mac(auth_token: &str, url: &str, params: &[(String, String)]) -> hmac::Hmac<sha1::Sha1> {
    use hmac::{KeyInit, Mac};
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    let mut mac = <hmac::Hmac<sha1::Sha1> as KeyInit>::new_from_slice(auth_token.as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(url.as_bytes());
    for (name, value) in sorted {
        mac.update(name.as_bytes());
        mac.update(value.as_bytes());
    }
    mac
}

impl Twilio {
    /// Whether `signature` is Twilio's for a webhook to `url` with `params`, compared in
    /// constant time.
    pub fn accepts_webhook(&self, url: &str, params: &[(String, String)], signature: &str) -> bool {
        use base64::Engine;
        use hmac::Mac;
        let Ok(given) = base64::engine::general_purpose::STANDARD.decode(signature.trim()) else {
            return false;
        };
        webhook_mac(&self.auth_token, url, params)
            .verify_slice(&given)
            .is_ok()
    }
}

#[cfg(test)]
mod signature_tests {
    use super::*;

    fn params() -> Vec<(String, String)> {
        [
            ("CallSid", "CA1234567890ABCDE"),
            ("Caller", "+12349013030"),
            ("Digits", "1234"),
            ("From", "+12349013030"),
            ("To", "+18005551212"),
        ]
        .iter()
        .rev()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
    }

    #[test]
    fn signs_as_twilio_documents_it() {
        // The example of Twilio's security documentation.
        let url = "https://mycompany.com/myapp.php?foo=1&bar=2";
        assert_eq!(
            webhook_signature("12345", url, &params()),
            "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
        );
    }

    #[test]
    fn a_changed_parameter_or_token_fails() {
        let twilio = Twilio::new("http://127.0.0.1:9", "AC1", "12345", "+4930").unwrap();
        let url = "https://mycompany.com/myapp.php?foo=1&bar=2";
        assert!(twilio.accepts_webhook(url, &params(), "0/KCTR6DLpKmkAf8muzZqo1nDgQ="));
        let mut changed = params();
        changed[0].1 = "+18005551213".into();
        assert!(!twilio.accepts_webhook(url, &changed, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="));
        assert!(!twilio.accepts_webhook(url, &params(), "not base64!"));
        let other = Twilio::new("http://127.0.0.1:9", "AC1", "54321", "+4930").unwrap();
        assert!(!other.accepts_webhook(url, &params(), "0/KCTR6DLpKmkAf8muzZqo1nDgQ="));
    }
}
