//! AskPro's application services on top of the store: the one booking service (the
//! only code that creates, moves or cancels appointments), applying tenant files,
//! runtime settings and API tokens. [`App`] is the context every entry point shares
//! (HTTP server, CLI, later the worker); there is no global state.

mod context;
mod error;
mod model;
mod time;

pub mod accounts;
pub mod background;
pub mod booking;
pub mod calendar;
mod leases;
pub mod notify;
pub mod operations;
pub mod privacy;
pub mod secrets;
pub mod settings;
pub mod tenant;
pub mod tokens;
pub mod voice;
pub mod waitlist;

pub use askpro_core::Clock;
pub use booking::{Actor, AppointmentView};
pub use context::{App, DEFAULT_MAIL_FROM};
pub use error::AppError;
pub use model::CompanyModel;
pub use time::{format_local, parse_instant};
