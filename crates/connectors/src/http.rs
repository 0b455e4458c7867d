//! What the HTTP clients share: reading an answer's `Retry-After`, and saying why a
//! request got no answer.

use std::time::Duration;

/// The `Retry-After` of an answer, when it gives seconds.
pub(crate) fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    let value = response.headers().get("retry-after")?.to_str().ok()?;
    value.trim().parse().ok().map(Duration::from_secs)
}

/// Why a request got no answer, in words an operator acts on: a service that accepted
/// the connection and went silent ("did not answer in time") is told apart from one that
/// cannot be reached at all.
pub(crate) fn why_unreachable(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        format!("did not answer in time (timed out): {error}")
    } else {
        format!("unreachable: {error}")
    }
}
