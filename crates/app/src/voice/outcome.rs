//! What a call achieved, from what its functions did: booked, moved, cancelled, a
//! message for the team, transferred, information only, or abandoned. The first that
//! applies wins, in that order: a call that booked and also asked the opening hours
//! was a booking.

use askpro_store::calls::FunctionCallRow;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Booked,
    Moved,
    Cancelled,
    /// The caller joined the waiting list.
    Waitlist,
    Message,
    Transferred,
    Information,
    Abandoned,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Booked => "booked",
            Outcome::Moved => "moved",
            Outcome::Cancelled => "cancelled",
            Outcome::Waitlist => "waitlist",
            Outcome::Message => "message",
            Outcome::Transferred => "transferred",
            Outcome::Information => "information",
            Outcome::Abandoned => "abandoned",
        }
    }
}

/// Functions that only tell the caller something.
const ASKING: [&str; 4] = [
    "list_services",
    "check_availability",
    "find_appointments",
    "get_opening_hours",
];

/// The outcome of a call with these answered functions, its end reason and Retell's
/// own verdict.
pub fn classify(
    functions: &[FunctionCallRow],
    disconnection_reason: Option<&str>,
    call_successful: Option<bool>,
) -> Outcome {
    let did = |name: &str| functions.iter().any(|f| f.name == name && f.ok == 1);
    if did("book_appointment") {
        Outcome::Booked
    } else if did("reschedule_appointment") {
        Outcome::Moved
    } else if did("cancel_appointment") {
        Outcome::Cancelled
    } else if functions
        .iter()
        .any(|f| f.name == "join_waitlist" && f.ok == 1 && f.answer.contains("waitlist_entry"))
    {
        Outcome::Waitlist
    } else if did("take_message") {
        Outcome::Message
    } else if matches!(
        disconnection_reason,
        Some("call_transfer" | "transfer_bridged")
    ) {
        Outcome::Transferred
    } else if call_successful == Some(true)
        || functions
            .iter()
            .any(|f| ASKING.contains(&f.name.as_str()) && f.ok == 1)
    {
        Outcome::Information
    } else {
        Outcome::Abandoned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answered(name: &str, ok: bool) -> FunctionCallRow {
        FunctionCallRow {
            id: name.into(),
            call_id: "c".into(),
            company_id: None,
            name: name.into(),
            args: "{}".into(),
            dedup_key: None,
            answer: "{}".into(),
            ok: i64::from(ok),
            duration_ms: 1,
            created_at: 0,
        }
    }

    #[test]
    fn joining_the_waiting_list_is_its_own_outcome() {
        let mut joined = answered("join_waitlist", true);
        joined.answer = r#"{"ok":true,"waitlist_entry":{"id":"w1"}}"#.into();
        let asked = [answered("check_availability", true), joined.clone()];
        assert_eq!(classify(&asked, None, None), Outcome::Waitlist);
        // A booking made after all outranks it.
        let booked = [joined, answered("book_appointment", true)];
        assert_eq!(classify(&booked, None, None), Outcome::Booked);
    }

    #[test]
    fn the_strongest_deed_names_the_call() {
        let booked = [
            answered("get_opening_hours", true),
            answered("book_appointment", true),
        ];
        assert_eq!(classify(&booked, None, None), Outcome::Booked);
        let refused = [
            answered("book_appointment", false),
            answered("check_availability", true),
        ];
        assert_eq!(classify(&refused, None, None), Outcome::Information);
        assert_eq!(
            classify(&[answered("take_message", true)], None, None),
            Outcome::Message
        );
        assert_eq!(
            classify(&[], Some("call_transfer"), None),
            Outcome::Transferred
        );
        assert_eq!(
            classify(&[], Some("user_hangup"), Some(true)),
            Outcome::Information
        );
        assert_eq!(
            classify(&[], Some("user_hangup"), Some(false)),
            Outcome::Abandoned
        );
        assert_eq!(
            classify(&[answered("cancel_appointment", true)], None, None),
            Outcome::Cancelled
        );
    }
}
