//! The voice agent's backend (Retell): signed webhooks merged into call records, and the
//! functions the agent calls during a call, answered in German it can say as it is.

mod answers;
mod calls;
mod context;
mod functions;
mod hours;
mod import;
mod in_flight;
mod manage;
mod merge;
mod merger;
mod message;
mod outcome;
pub mod signature;
mod tools;
mod transfer;
mod waitlist;
mod webhook;

pub use calls::CallView;
pub use context::CallContext;
pub use functions::{FUNCTIONS, VoiceError};
pub use import::ImportReport;
pub(crate) use in_flight::InFlight;
pub use merger::MergeReport;
pub use message::{TEAM_MESSAGE, TEAM_SMS, message_json};
pub use outcome::{Outcome, classify};
pub use tools::{tool_definitions, transfer_tool_name, transfer_tools};
pub use webhook::Accepted;

/// The event `askpro retell verify-webhook` sends: acknowledged, never stored.
pub const SELF_TEST_EVENT: &str = "askpro_selftest";
