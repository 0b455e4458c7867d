//! A waiting customer's answer to the SMS about their held slot (Twilio's inbound message
//! webhook): "JA" takes the slot, "NEIN" passes it on. The reply is the text Twilio sends
//! back; it says what happened in the company's form of address.

use crate::App;
use crate::booking::Actor;
use crate::error::{AppError, Result};
use askpro_core::tenant::Formality;
use askpro_store::{appointments, waitlist};

/// What a customer's text means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    Yes,
    No,
    Unclear,
}

fn meaning(body: &str) -> Answer {
    let folded: String = body
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    match folded.split_whitespace().next() {
        Some("ja" | "jap" | "jo" | "yes" | "ok" | "okay" | "gerne" | "gern" | "passt" | "j") => {
            Answer::Yes
        }
        Some("nein" | "nee" | "ne" | "no" | "n") => Answer::No,
        _ => Answer::Unclear,
    }
}

fn say(formality: Formality, sie: String, du: String) -> String {
    match formality {
        Formality::Sie => sie,
        Formality::Du => du,
    }
}

impl App {
    /// Answers a text from `from` (E.164); `message_sid` is Twilio's id of it.
    pub async fn answer_sms(&self, from: &str, body: &str, message_sid: &str) -> Result<String> {
        let entries = waitlist::active_of_phone(&self.db, from).await?;
        let Some(held) = entries.iter().find(|e| e.status == "held") else {
            tracing::info!(message_sid, "text from a number without a held slot");
            return Ok("Für Ihre Nummer ist gerade kein Termin reserviert – vielleicht ist die Reservierung schon abgelaufen. Rufen Sie uns gern an, dann finden wir einen Termin.".into());
        };
        let slug = askpro_store::tenants::slug_of(&self.db, &held.company_id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("company `{}`", held.company_id)))?;
        let model = self.company(&slug).await?;
        let company = &model.tenant().company;
        let formality = company.formality;
        let actor = Actor {
            kind: "sms",
            origin: Some(message_sid.to_owned()),
        };
        match meaning(body) {
            Answer::Yes => match self.take_held_slot(&slug, &held.id, &actor).await {
                Ok(_) => {
                    let id = held.hold_appointment_id.as_deref().unwrap_or_default();
                    let row = appointments::get(&self.db, model.id(), id).await?;
                    let slot = row.as_ref().map(super::texts::slot_words).unwrap_or_default();
                    Ok(say(
                        formality,
                        format!("Danke! Ihr Termin ist gebucht: {slot}. Wir freuen uns auf Sie. {}", company.name),
                        format!("Danke! Dein Termin ist gebucht: {slot}. Wir freuen uns auf dich. {}", company.name),
                    ))
                }
                Err(AppError::Conflict(_)) => Ok(say(
                    formality,
                    "Leider ist die Reservierung abgelaufen und der Termin vergeben. Rufen Sie uns gern an, dann suchen wir einen anderen.".into(),
                    "Leider ist die Reservierung abgelaufen und der Termin vergeben. Ruf uns gern an, dann suchen wir einen anderen.".into(),
                )),
                Err(other) => Err(other),
            },
            Answer::No => {
                self.decline_held_slot(&slug, &held.id, &actor).await?;
                Ok(say(
                    formality,
                    "Alles klar, wir geben den Termin weiter. Danke für Ihre Rückmeldung!".into(),
                    "Alles klar, wir geben den Termin weiter. Danke für deine Rückmeldung!".into(),
                ))
            }
            Answer::Unclear => Ok(say(
                formality,
                "Bitte antworten Sie mit JA, um den reservierten Termin zu buchen, oder mit NEIN, wenn Sie ihn nicht brauchen.".into(),
                "Bitte antworte mit JA, um den reservierten Termin zu buchen, oder mit NEIN, wenn du ihn nicht brauchst.".into(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_read_by_their_first_word() {
        assert_eq!(meaning("JA"), Answer::Yes);
        assert_eq!(meaning(" Ja, bitte!"), Answer::Yes);
        assert_eq!(meaning("ok"), Answer::Yes);
        assert_eq!(meaning("Nein danke"), Answer::No);
        assert_eq!(meaning("nee"), Answer::No);
        assert_eq!(meaning("Wer ist da?"), Answer::Unclear);
        assert_eq!(meaning(""), Answer::Unclear);
        // "jain" is not a yes.
        assert_eq!(meaning("jain"), Answer::Unclear);
    }
}
