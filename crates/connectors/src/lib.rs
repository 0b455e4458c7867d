//! Clients for the services AskPro talks to, each at a configurable address, each with
//! typed errors that say whether trying again can help.

pub mod calcom;
mod http;
pub mod retell;
pub mod slack;
pub mod smtp;
pub mod twilio;

/// An error and its causes in one line: reqwest's own message alone ("error sending
/// request") hides whether it was DNS, a refused connection or TLS.
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
