//! The one booking service: availability, booking, cancelling, rescheduling and reading
//! appointments, whoever asks (API, phone, CLI, Cal.com). Every change writes the
//! appointment and its audit entry in one transaction; the database refuses overlaps.

mod attendance;
mod availability;
mod book;
mod change;
mod read;
mod view;

pub use availability::{AvailabilityQuery, MAX_DAYS, SlotView};
pub(crate) use availability::{engine_for, service_times, staff_calendar};
pub(crate) use book::read_back as read_back_row;
pub(crate) use book::validate_customer;
pub use book::{BookOutcome, BookRequest, Customer};
pub use read::{AppointmentQuery, Bound};
pub use view::AppointmentView;

/// Who asked for a change, and from where: recorded in the audit log and as the
/// appointment's source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// `api`, `phone`, `cli`, `web`, `calcom` or `system`.
    pub kind: &'static str,
    /// The token label, the call id, the operator's user name, …
    pub origin: Option<String>,
}

impl Actor {
    pub fn api(token_label: impl Into<String>) -> Actor {
        Actor {
            kind: "api",
            origin: Some(token_label.into()),
        }
    }
    pub fn phone(call_id: impl Into<String>) -> Actor {
        Actor {
            kind: "phone",
            origin: Some(call_id.into()),
        }
    }
    /// A signed-in user of the web dashboard, by e-mail address.
    pub fn web(email: impl Into<String>) -> Actor {
        Actor {
            kind: "web",
            origin: Some(email.into()),
        }
    }
    pub fn cli(user: Option<String>) -> Actor {
        Actor {
            kind: "cli",
            origin: user,
        }
    }
}
