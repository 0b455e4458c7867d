//! AskPro's domain, free of I/O: the tenant model and its file format, statutory
//! holidays, the availability engine and the registry of runtime settings.
//!
//! Everything here is deterministic given its inputs (including "now"), so it can be
//! unit-tested, property-tested and benchmarked without a database. The one [`Clock`]
//! that supplies "now" to the rest of AskPro lives here too, so every layer reads the same.

pub mod availability;
pub mod clock;
pub mod holidays;
pub mod hours;
pub mod opening;
pub mod settings;
pub mod slug;
pub mod tenant;

pub use availability::{AvailabilityRequest, BusySpan, Slot, SlotRejection, StaffCalendar};
pub use clock::Clock;
pub use hours::{Interval, WeeklyHours};
pub use slug::Slug;
pub use tenant::{BookingRules, Branch, Company, Formality, Service, Staff, Tenant, TenantError};
