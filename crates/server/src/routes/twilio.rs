//! Twilio's inbound message webhook: `POST /webhooks/twilio/sms`. A waiting customer
//! answers the SMS about their held slot with "JA" or "NEIN". The signature
//! (`X-Twilio-Signature`) is checked over the URL Twilio called and the form fields
//! before anything happens; the answer is TwiML with the reply Twilio texts back.

use crate::ServerState;
use crate::error::ApiError;
use crate::extract::RawBody;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

pub async fn sms(
    State(state): State<ServerState>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Response, ApiError> {
    let Some(twilio) = state.app.sms.clone() else {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "not_configured",
            "Twilio is not configured (ASKPRO_TWILIO_*), so text messages cannot be answered",
        ));
    };
    let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).map_err(|e| {
        ApiError::invalid(format!(
            "the body is not form data (application/x-www-form-urlencoded): {e}"
        ))
    })?;
    let url = signed_url(&state, &headers);
    let signature = headers
        .get("x-twilio-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !twilio.accepts_webhook(&url, &fields, signature) {
        tracing::warn!(%url, "Twilio webhook refused: wrong or missing signature");
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            format!("the X-Twilio-Signature does not match a request to {url}"),
        ));
    }
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| ApiError::invalid(format!("the form lacks `{name}`")))
    };
    let (from, text, sid) = (
        field("From")?,
        field("Body").unwrap_or(""),
        field("MessageSid")?,
    );
    let reply = state.app.answer_sms(from, text, sid).await?;
    let twiml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>{}</Message></Response>",
        xml_escape(&reply)
    );
    Ok(([(header::CONTENT_TYPE, "text/xml; charset=utf-8")], twiml).into_response())
}

/// The URL Twilio signed: the configured one (`ASKPRO_TWILIO_WEBHOOK_URL`, exactly as
/// entered in Twilio's console), else this request's own, as a proxy forwarded it.
fn signed_url(state: &ServerState, headers: &HeaderMap) -> String {
    if let Some(url) = &state.config.twilio_webhook_url {
        return url.clone();
    }
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let scheme = header("x-forwarded-proto").unwrap_or("http");
    let host = header("x-forwarded-host")
        .or_else(|| header("host"))
        .unwrap_or("localhost");
    format!("{scheme}://{host}/webhooks/twilio/sms")
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

#[cfg(test)]
mod tests {
    #[test]
    fn replies_are_escaped_for_xml() {
        assert_eq!(
            super::xml_escape("Müller & Söhne <Salon> \"1a\""),
            "Müller &amp; Söhne &lt;Salon&gt; &quot;1a&quot;"
        );
    }
}
