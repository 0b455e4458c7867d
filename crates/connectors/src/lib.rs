//! Clients for the services AskPro talks to, each at a configurable address, each with
//! typed errors that say whether trying again can help.

mod http;
pub mod retell;
pub mod slack;
pub mod smtp;
pub mod twilio;
