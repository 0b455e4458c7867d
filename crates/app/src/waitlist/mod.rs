//! The waiting list: when nothing free fits what a caller wants, they join it with a range
//! ("nächste Woche vormittags"). When a slot in their range frees up, the first of them
//! gets it held (see [`hold`]) for `waitlist.hold_minutes`, told by SMS or e-mail, and
//! takes it by answering "JA", by calling, or through the API. Entries, holds and their
//! ends are audited like appointments.

mod entry;
mod hold;
mod reply;
mod texts;

pub use entry::{JoinRequest, WaitlistView, WindowSpec};
pub use hold::SweepReport;
pub(crate) use hold::Want;
pub(crate) use texts::{HOLD_MAIL, HOLD_SMS, HoldText};

use crate::booking::Actor;

/// The background sweep's actor in the audit log.
pub(crate) fn system() -> Actor {
    Actor {
        kind: "system",
        origin: Some("waitlist".into()),
    }
}
