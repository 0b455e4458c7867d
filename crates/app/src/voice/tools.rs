//! The agent's tool definitions (Retell "custom" tools), generated from our functions:
//! name, what it does, where Retell sends it, and the JSON schema of its arguments.

use serde_json::{Value, json};

fn text(description: &str) -> Value {
    json!({ "type": "string", "description": description })
}

const WHEN: &str = "Zeitangabe so, wie der Anrufer sie sagt (z. B. \"nächsten Dienstag um Viertel drei\", \"Sonnabend vormittags\"), oder RFC 3339.";

/// (name, description, properties, required) of each function.
fn specs() -> Vec<(&'static str, &'static str, Value, Vec<&'static str>)> {
    vec![
        (
            "list_services",
            "Leistungen mit Dauer und den Mitarbeitenden, die sie anbieten.",
            json!({ "branch": text("Standort, falls genannt.") }),
            vec![],
        ),
        (
            "check_availability",
            "Bis zu drei freie Termine für eine Leistung, passend zur Zeitangabe; sonst die nächsten freien.",
            json!({ "service": text("Die gewünschte Leistung, wie der Anrufer sie nennt."), "when": text(WHEN),
                    "staff": text("Gewünschte Person, falls genannt."), "branch": text("Standort, falls genannt.") }),
            vec!["service"],
        ),
        (
            "book_appointment",
            "Bucht einen Termin, nachdem der Anrufer Leistung, Zeit und Namen bestätigt hat.",
            json!({ "service": text("Die Leistung."), "start": text(WHEN), "staff": text("Gewünschte Person, falls genannt."),
                    "branch": text("Standort, falls genannt."), "customer_name": text("Vor- und Nachname des Anrufers."),
                    "customer_email": text("E-Mail-Adresse für die Bestätigung, falls genannt."),
                    "customer_phone": text("Telefonnummer, nur wenn sie von der Anrufernummer abweicht (E.164).") }),
            vec!["service", "start", "customer_name"],
        ),
        (
            "find_appointments",
            "Die anstehenden Termine des Anrufers, gefunden über seine Telefonnummer.",
            json!({ "customer_phone": text("Nur wenn der Termin unter einer anderen Nummer gebucht wurde (E.164).") }),
            vec![],
        ),
        (
            "cancel_appointment",
            "Sagt einen Termin des Anrufers ab.",
            json!({ "appointment_id": text("Id aus find_appointments, falls bekannt."), "when": text(WHEN),
                    "reason": text("Grund, falls genannt.") }),
            vec![],
        ),
        (
            "reschedule_appointment",
            "Verschiebt einen Termin des Anrufers; ist die neue Zeit belegt, bleibt der alte Termin.",
            json!({ "appointment_id": text("Id aus find_appointments, falls bekannt."),
                    "when_old": text("Der bisherige Termin, wie der Anrufer ihn nennt."), "new_start": text(WHEN) }),
            vec!["new_start"],
        ),
        (
            "get_opening_hours",
            "Öffnungszeiten eines Tages oder der kommenden Woche, mit Feiertagen und Schließtagen, und ob gerade geöffnet ist.",
            json!({ "branch": text("Standort, falls genannt."), "when": text("Tag, nach dem gefragt wird, wie der Anrufer ihn sagt; leer für die ganze Woche.") }),
            vec![],
        ),
        (
            "take_message",
            "Nimmt eine Nachricht oder Rückrufbitte für das Team auf, wenn der Anrufer etwas anderes als einen Termin möchte oder jemanden sprechen will.",
            json!({ "name": text("Name des Anrufers."), "concern": text("Das Anliegen in einem Satz."),
                    "phone": text("Rückrufnummer, nur wenn sie von der Anrufernummer abweicht (E.164)."),
                    "callback_when": text("Wann der Rückruf passt, wie der Anrufer es sagt."),
                    "urgent": { "type": "boolean", "description": "Ob es dringend ist." },
                    "branch": text("Standort, falls genannt.") }),
            vec!["name", "concern"],
        ),
        (
            "join_waitlist",
            "Setzt den Anrufer auf die Warteliste, wenn für seinen Wunsch nichts frei ist. Wird etwas frei, halten wir ihm den Termin und schicken eine SMS.",
            json!({ "service": text("Die gewünschte Leistung."),
                    "when": text("Der Zeitraum, wie der Anrufer ihn sagt, z. B. 'nächste Woche vormittags'."),
                    "name": text("Name des Anrufers."),
                    "staff": text("Mitarbeiter, falls gewünscht."),
                    "phone": text("Handynummer für die SMS, nur wenn sie von der Anrufernummer abweicht (E.164)."),
                    "branch": text("Standort, falls genannt.") }),
            vec!["service", "when", "name"],
        ),
        (
            "can_transfer",
            "Ob der Anrufer jetzt mit einer Person verbunden werden kann (Standort geöffnet und Nummer hinterlegt), und die Nummer.",
            json!({ "branch": text("Standort, falls genannt."), "reason": text("Warum der Anrufer jemanden sprechen möchte.") }),
            vec![],
        ),
    ]
}

/// Retell's built-in transfer tool for each branch with a `transfer_number`: the agent
/// uses it only after `can_transfer` said yes (the prompt says so).
pub fn transfer_tools(tenant: &askpro_core::Tenant) -> Vec<Value> {
    tenant
        .branches
        .iter()
        .filter_map(|b| {
            let number = b.transfer_number.as_ref()?;
            Some(json!({
                "type": "transfer_call",
                "name": transfer_tool_name(b.slug.as_str()),
                "description": format!("Verbindet den Anrufer mit dem Team von {}. Nur verwenden, nachdem can_transfer für diesen Standort ok war.", b.name),
                "transfer_destination": { "type": "predefined", "number": number },
                "transfer_option": { "type": "cold_transfer" },
            }))
        })
        .collect()
}

/// `transfer_to_mitte`: tool names allow letters, digits and underscores.
pub fn transfer_tool_name(branch: &str) -> String {
    format!("transfer_to_{}", branch.replace('-', "_"))
}

/// Retell custom tools pointing at `{public_url}/retell/functions/{name}`.
pub fn tool_definitions(public_url: &str) -> Vec<Value> {
    let base = public_url.trim_end_matches('/');
    specs()
        .into_iter()
        .map(|(name, description, properties, required)| {
            let changes = matches!(
                name,
                "book_appointment"
                    | "cancel_appointment"
                    | "reschedule_appointment"
                    | "take_message"
                    | "join_waitlist"
            );
            json!({
                "type": "custom",
                "name": name,
                "description": description,
                "url": format!("{base}/retell/functions/{name}"),
                "method": "POST",
                "parameters": { "type": "object", "properties": properties, "required": required },
                "speak_during_execution": changes,
                "execution_message_description": "Einen Moment bitte, ich trage das ein.",
                "speak_after_execution": true,
                "timeout_ms": 10_000,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::voice::FUNCTIONS;

    #[test]
    fn every_function_has_an_object_schema_and_its_url() {
        let tools = tool_definitions("https://askpro.example/");
        let names: Vec<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
        assert_eq!(names, FUNCTIONS);
        for tool in &tools {
            assert_eq!(tool["parameters"]["type"], "object");
            let name = tool["name"].as_str().unwrap();
            assert_eq!(
                tool["url"],
                format!("https://askpro.example/retell/functions/{name}")
            );
            for required in tool["parameters"]["required"].as_array().unwrap() {
                assert!(tool["parameters"]["properties"][required.as_str().unwrap()].is_object());
            }
        }
    }
}
