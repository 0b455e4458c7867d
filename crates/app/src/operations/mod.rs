//! The operators' toolkit behind the runbook: one diagnosis per company, the five
//! customer-success metrics, staff assignments, resource checks, the weekly report and
//! the prompt analysis. The CLI and `/metrics` only present what is computed here.

pub mod diagnose;
pub mod metrics;
pub mod optimize;
pub mod report;
pub mod resources;
pub mod staff;
mod transcript;

pub use diagnose::calls::percentile;
pub use diagnose::{Check, CheckStatus, Diagnosis, Outside};
pub use metrics::{CustomerSuccess, MetricsPeriod};
