//! AskPro's domain, free of I/O: the tenant model and its file format, statutory
//! holidays, the availability engine and the registry of runtime settings.
//!
//! Everything here is deterministic given its inputs (including "now"), so it can be
//! unit-tested, property-tested and benchmarked without a database.

pub mod availability;
pub mod holidays;
pub mod hours;
pub mod settings;
pub mod slug;
pub mod tenant;

pub use availability::{AvailabilityRequest, BusySpan, Slot, SlotRejection, StaffCalendar};
pub use hours::{Interval, WeeklyHours};
pub use slug::Slug;
pub use tenant::{BookingRules, Branch, Company, Formality, Service, Staff, Tenant, TenantError};
