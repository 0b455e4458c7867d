//! The apology to a customer whose booking was removed as a duplicate: what happened,
//! that it is our fault, and the nearest free times to book instead.

use crate::App;
use crate::notify::{AppointmentMail, html_letter};
use askpro_connectors::smtp::OutgoingMail;
use askpro_core::tenant::Formality;
use askpro_store::jobs::Job;
use askpro_worker::{Handler, HandlerFuture, JobError};

/// The letter's text, in the company's form of address.
pub(crate) fn apology_text(
    name: &str,
    service_name: &str,
    when: &str,
    alternatives: &[String],
    company_name: &str,
    formality: Formality,
) -> String {
    let du = formality == Formality::Du;
    let greeting = if du {
        format!("Hallo {},", name.split_whitespace().next().unwrap_or(name))
    } else {
        format!("Guten Tag {name},")
    };
    let (yours, you) = if du { ("dein", "dich") } else { ("Ihr", "Sie") };
    let mut lines = vec![
        greeting,
        String::new(),
        format!(
            "leider wurde {yours} Termin für {service_name} am {when} versehentlich doppelt vergeben. Wir mussten ihn deshalb absagen und bitten {you} vielmals um Entschuldigung."
        ),
    ];
    if alternatives.is_empty() {
        let call = if du {
            "Ruf uns gern an"
        } else {
            "Rufen Sie uns gern an"
        };
        lines.push(format!(
            "{call}, dann finden wir gemeinsam einen neuen Termin."
        ));
    } else {
        let offer = if du {
            "Diese Termine sind noch frei – ruf uns einfach an oder antworte auf diese E-Mail:"
        } else {
            "Diese Termine sind noch frei – rufen Sie uns einfach an oder antworten Sie auf diese E-Mail:"
        };
        lines.push(String::new());
        lines.push(offer.to_owned());
        lines.extend(alternatives.iter().map(|a| format!("– {a}")));
    }
    lines.extend([String::new(), "Viele Grüße".into(), company_name.to_owned()]);
    lines.join("\n")
}

/// Sends a queued apology; its payload holds the whole letter.
pub struct ApologyMail {
    pub app: App,
}

impl Handler for ApologyMail {
    fn run<'a>(&'a self, job: &'a Job) -> HandlerFuture<'a> {
        Box::pin(self.send(job))
    }
}

impl ApologyMail {
    async fn send(&self, job: &Job) -> Result<(), JobError> {
        let payload: serde_json::Value = serde_json::from_str(&job.payload)
            .map_err(|e| JobError::Permanent(format!("payload is not JSON: {e}")))?;
        let field = |name: &str| {
            payload[name]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| JobError::Permanent(format!("payload lacks `{name}`")))
        };
        let (company_id, slug, to) = (field("company_id")?, field("company")?, field("to")?);
        let (subject, text) = (field("subject")?, field("text")?);
        let model = self
            .app
            .company(&slug)
            .await
            .map_err(|e| JobError::Retryable(e.to_string()))?;
        let company = &model.tenant().company;
        let outgoing = OutgoingMail {
            message_id: format!("<{}@askpro>", job.id),
            from: format!(
                "{} <{}>",
                company.name.replace(['<', '>', '"'], ""),
                self.app.mail_from
            ),
            reply_to: Some(company.email.clone()),
            to,
            subject,
            // A report comes with its own HTML; an apology is a plain letter.
            html: Some(
                payload["html"]
                    .as_str()
                    .map_or_else(|| html_letter(&text), str::to_owned),
            ),
            text,
            ics: None,
        };
        let mailer = AppointmentMail {
            app: self.app.clone(),
        };
        let (transport, _) = mailer
            .deliver_and_store(job, &company_id, &slug, outgoing)
            .await?;
        tracing::info!(job_id = %job.id, company = %slug, transport, "apology e-mail delivered");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_apology_names_the_booking_and_offers_alternatives_in_the_right_form() {
        let alternatives = vec!["Mittwoch, 2. Dezember, um 10 Uhr".to_owned()];
        let sie = apology_text(
            "Eva Schulz",
            "Haarschnitt",
            "Dienstag, 1. Dezember, um 9 Uhr",
            &alternatives,
            "Salon Sonne",
            Formality::Sie,
        );
        assert!(sie.starts_with("Guten Tag Eva Schulz,"), "{sie}");
        assert!(
            sie.contains("Ihr Termin für Haarschnitt am Dienstag, 1. Dezember, um 9 Uhr"),
            "{sie}"
        );
        assert!(sie.contains("– Mittwoch, 2. Dezember, um 10 Uhr"), "{sie}");
        let du = apology_text(
            "Eva Schulz",
            "Haarschnitt",
            "Dienstag",
            &[],
            "Salon Sonne",
            Formality::Du,
        );
        assert!(
            du.starts_with("Hallo Eva,")
                && du.contains("bitten dich")
                && du.contains("Ruf uns gern an"),
            "{du}"
        );
    }
}
