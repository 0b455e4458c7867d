//! The application layer's one error type. Each variant maps to one HTTP status and
//! one CLI exit, so callers never guess from a message.

use askpro_core::settings::SettingError;
use askpro_core::{SlotRejection, TenantError};
use askpro_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A company, branch, service, staff member or appointment that does not exist
    /// (or belongs to someone else).
    #[error("{0}")]
    NotFound(String),
    /// The request is understood but not acceptable: names the field and the problem.
    #[error("{0}")]
    Invalid(String),
    #[error("the slot is not available: {0}")]
    SlotUnavailable(SlotRejection),
    #[error("{0}")]
    Conflict(String),
    #[error("this Idempotency-Key was already used with a different request")]
    IdempotencyKeyReused,
    #[error(transparent)]
    Tenant(#[from] TenantError),
    #[error(transparent)]
    Setting(#[from] SettingError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Cal.com could not be asked, or refused.
    #[error(transparent)]
    Calendar(#[from] askpro_connectors::calcom::CalcomError),
}

impl AppError {
    /// The database was busy or away: the same request can succeed a little later.
    pub fn is_transient(&self) -> bool {
        matches!(self, AppError::Store(e) if e.is_transient())
    }
}

pub type Result<T> = std::result::Result<T, AppError>;
