//! No-shows: a past appointment the customer did not come to is marked (and the mark
//! can be undone), for the no-show rate of `metrics customer-success`.

use super::book::read_back;
use super::{Actor, AppointmentView};
use crate::App;
use crate::error::{AppError, Result};
use askpro_store::appointments;
use askpro_store::audit::{self, AuditEntry};
use askpro_store::operations;

impl App {
    /// Marks appointment `id` as a no-show (`undo`: as attended again). Only an
    /// appointment that has started can be a no-show; marking twice changes nothing.
    pub async fn mark_no_show(
        &self,
        company: &str,
        id: &str,
        undo: bool,
        actor: &Actor,
    ) -> Result<AppointmentView> {
        let model = self.company(company).await?;
        let now = self.now_ms();
        let (from, to) = if undo {
            ("no_show", "booked")
        } else {
            ("booked", "no_show")
        };
        let mut tx = self.db.begin_write().await?;
        let before = appointments::get_for_update(&mut tx, model.id(), id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("unknown appointment `{id}`")))?;
        if before.status == to {
            return Ok(AppointmentView::from(&before));
        }
        if before.status != from {
            return Err(AppError::Conflict(format!(
                "appointment `{id}` is {} and cannot be marked {}",
                before.status,
                if undo { "as attended" } else { "a no-show" }
            )));
        }
        if before.starts_at > now {
            return Err(AppError::Invalid(format!(
                "appointment `{id}` has not started yet; only past appointments can be no-shows"
            )));
        }
        match operations::set_attendance(&mut tx, id, from, to, now).await {
            Err(askpro_store::StoreError::Overlap) => {
                return Err(AppError::Conflict(format!(
                    "appointment `{id}` cannot count as attended again: its time was booked by someone else since"
                )));
            }
            other => other?,
        };
        let after = read_back(&mut tx, model.id(), id).await?;
        audit::record(
            &mut tx,
            &AuditEntry {
                company_id: model.id(),
                entity: "appointment",
                entity_id: id,
                action: if undo { "undo_no_show" } else { "no_show" },
                actor: actor.kind,
                origin: actor.origin.as_deref(),
                before: Some(serde_json::json!({ "status": before.status })),
                after: Some(serde_json::json!({ "status": to })),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        tracing::info!(
            company = model.slug(),
            appointment_id = id,
            undo,
            "no-show marked"
        );
        Ok(after)
    }
}
