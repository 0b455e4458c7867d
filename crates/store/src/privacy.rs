//! Callers' data: everything stored about one phone number (for an export), its
//! erasure — anonymised in place, so appointment slots, counts and the audit trail keep
//! their shape — and the retention purge of transcripts and old calls.

use crate::appointments::{self, AppointmentRow, ListFilter};
use crate::calls::{CALL_COLUMNS, CallRow, FUNCTION_COLUMNS, FunctionCallRow};
use crate::emails::Email;
use crate::messages::{COLUMNS as MESSAGE_COLUMNS, MessageRow};
use crate::sms::Sms;
use crate::waitlist::{EntryRow, SELECT as WAITLIST_SELECT};
use crate::{Db, StoreError, WriteTx, on_pool, on_tx};
use serde::Serialize;
use serde_json::Value;

/// What replaces a name, a concern, an address or a text that was erased.
pub const ERASED: &str = "(gelöscht)";

/// Everything one company stores about one phone number.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PersonRecord {
    pub appointments: Vec<AppointmentRow>,
    pub calls: Vec<CallRow>,
    pub function_calls: Vec<FunctionCallRow>,
    pub messages: Vec<MessageRow>,
    pub texts: Vec<Sms>,
    pub waitlist: Vec<EntryRow>,
    pub emails: Vec<Email>,
}

/// How many rows an erasure anonymised, per kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Erased {
    pub appointments: u64,
    pub audit_entries: u64,
    pub calls: u64,
    pub messages: u64,
    pub texts: u64,
    pub waitlist: u64,
    pub emails: u64,
    pub jobs: u64,
}

/// The company's data about `phone`, and the e-mails sent to addresses that number's
/// appointments and waiting-list entries gave.
pub async fn record_of_phone(
    db: &Db,
    company_id: &str,
    phone: &str,
) -> Result<PersonRecord, StoreError> {
    let filter = ListFilter {
        company_id: company_id.to_owned(),
        starts_from: i64::MIN,
        starts_to: i64::MAX,
        status: None,
        staff_id: None,
        customer_phone: Some(phone.to_owned()),
    };
    let appointments = appointments::list(db, &filter).await?;
    let calls: Vec<CallRow> = rows(db, &format!("SELECT {CALL_COLUMNS} FROM calls WHERE company_id = $1 AND from_number = $2 ORDER BY start_timestamp"), company_id, phone).await?;
    let mut function_calls = Vec::new();
    for call in &calls {
        let sql = format!(
            "SELECT {FUNCTION_COLUMNS} FROM retell_function_calls WHERE company_id = $1 AND call_id = $2 ORDER BY created_at"
        );
        function_calls.extend(rows::<FunctionCallRow>(db, &sql, company_id, &call.call_id).await?);
    }
    let messages: Vec<MessageRow> = rows(db, &format!("SELECT {MESSAGE_COLUMNS} FROM messages WHERE company_id = $1 AND phone = $2 ORDER BY created_at"), company_id, phone).await?;
    let texts: Vec<Sms> = rows(db, "SELECT id, job_id, company_id, kind, to_number, body, provider, provider_id, status, created_at FROM sms_messages WHERE company_id = $1 AND to_number = $2 ORDER BY created_at", company_id, phone).await?;
    let waitlist: Vec<EntryRow> = rows(db, &format!("{WAITLIST_SELECT} WHERE w.company_id = $1 AND w.customer_phone = $2 ORDER BY w.created_at"), company_id, phone).await?;
    let mut emails = Vec::new();
    let mut texts = texts;
    // The team's mail and text about a message name the caller too.
    for message in &messages {
        let key = format!("%team_message:{}%", message.id);
        let mail = "SELECT id, job_id, company_id, kind, to_address, reply_to, subject, body_text, message_id, transport, created_at \
                    FROM emails WHERE company_id = $1 AND job_id IN (SELECT id FROM jobs WHERE idempotency_key LIKE $2)";
        emails.extend(rows::<Email>(db, mail, company_id, &key).await?);
        let text = "SELECT id, job_id, company_id, kind, to_number, body, provider, provider_id, status, created_at \
                    FROM sms_messages WHERE company_id = $1 AND job_id IN (SELECT id FROM jobs WHERE idempotency_key LIKE $2)";
        texts.extend(rows::<Sms>(db, text, company_id, &key).await?);
    }
    for address in addresses(&appointments, &waitlist) {
        let sql = "SELECT id, job_id, company_id, kind, to_address, reply_to, subject, body_text, message_id, transport, created_at \
                   FROM emails WHERE company_id = $1 AND to_address = $2 ORDER BY created_at";
        emails.extend(rows::<Email>(db, sql, company_id, &address).await?);
    }
    Ok(PersonRecord {
        appointments,
        calls,
        function_calls,
        messages,
        texts,
        waitlist,
        emails,
    })
}

/// The e-mail addresses a caller gave, once each.
fn addresses(appointments: &[AppointmentRow], waitlist: &[EntryRow]) -> Vec<String> {
    let mut all: Vec<String> = appointments
        .iter()
        .filter_map(|a| a.customer_email.clone())
        .chain(waitlist.iter().filter_map(|w| w.customer_email.clone()))
        .collect();
    all.sort();
    all.dedup();
    all
}

async fn rows<T>(db: &Db, sql: &str, company_id: &str, key: &str) -> Result<Vec<T>, StoreError>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
        + Send
        + Unpin,
{
    let sql = sql.to_owned();
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, T>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(company_id)
    .bind(key)
    .fetch_all(pool)
    .await)?)
}

async fn write(tx: &mut WriteTx, sql: &str, binds: &[&str]) -> Result<u64, StoreError> {
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    Ok(on_tx!(tx, |conn| {
        let mut query = sqlx::query(sql);
        for bind in binds {
            query = query.bind(*bind);
        }
        query.execute(conn).await.map(|r| r.rows_affected())
    })?)
}

/// Replaces every string in `value` equal to one of `secrets` (a name, a number, an
/// address) by [`ERASED`]; the JSON keeps its shape.
pub fn scrub(value: &mut Value, secrets: &[String]) {
    match value {
        Value::String(text)
            if secrets
                .iter()
                .any(|s| !s.is_empty() && text.contains(s.as_str())) =>
        {
            *text = ERASED.to_owned();
        }
        Value::Array(items) => items.iter_mut().for_each(|v| scrub(v, secrets)),
        Value::Object(map) => map.values_mut().for_each(|v| scrub(v, secrets)),
        _ => {}
    }
}

/// Anonymises everything `record` found, in `tx`: names, numbers, addresses, concerns,
/// texts and transcripts go; slots, statuses, times and counts stay.
pub async fn erase(
    tx: &mut WriteTx,
    company_id: &str,
    phone: &str,
    record: &PersonRecord,
    now: i64,
) -> Result<Erased, StoreError> {
    let mut erased = Erased::default();
    let mut secrets: Vec<String> = vec![phone.to_owned()];
    secrets.extend(record.appointments.iter().map(|a| a.customer_name.clone()));
    secrets.extend(record.waitlist.iter().map(|w| w.customer_name.clone()));
    secrets.extend(addresses(&record.appointments, &record.waitlist));
    secrets.retain(|s| s.chars().count() >= 3 && s != ERASED);
    erased.appointments = write(tx, "UPDATE appointments SET customer_name = $3, customer_phone = NULL, customer_email = NULL WHERE company_id = $1 AND customer_phone = $2", &[company_id, phone, ERASED]).await?;
    for appointment in &record.appointments {
        erased.audit_entries += scrub_audit(tx, company_id, &appointment.id, &secrets).await?;
    }
    for call in &record.calls {
        let data =
            serde_json::json!({ "call_id": call.call_id, "askpro_erased_at": now }).to_string();
        erased.calls += write(
            tx,
            "UPDATE calls SET from_number = NULL, data = $3 WHERE company_id = $1 AND call_id = $2",
            &[company_id, &call.call_id, &data],
        )
        .await?;
        write(tx, "UPDATE retell_function_calls SET args = '{}', answer = '{\"erased\":true}' WHERE company_id = $1 AND call_id = $2", &[company_id, &call.call_id]).await?;
        // The raw deliveries hold the transcript too; merged or not, they go.
        write(
            tx,
            "DELETE FROM retell_events WHERE call_id = $1",
            &[&call.call_id],
        )
        .await?;
    }
    erased.messages = write(tx, "UPDATE messages SET name = $3, phone = NULL, concern = $3, callback_said = NULL WHERE company_id = $1 AND phone = $2", &[company_id, phone, ERASED]).await?;
    erased.texts = write(tx, "UPDATE sms_messages SET to_number = $3, body = $3 WHERE company_id = $1 AND to_number = $2", &[company_id, phone, ERASED]).await?;
    erased.waitlist = write(tx, "UPDATE waitlist_entries SET customer_name = $3, customer_phone = NULL, customer_email = NULL WHERE company_id = $1 AND customer_phone = $2", &[company_id, phone, ERASED]).await?;
    for address in addresses(&record.appointments, &record.waitlist) {
        erased.emails += write(tx, "UPDATE emails SET to_address = $3, body_text = $3 WHERE company_id = $1 AND to_address = $2", &[company_id, &address, ERASED]).await?;
    }
    for message in &record.messages {
        let key = format!("%team_message:{}%", message.id);
        let jobs = "SELECT id FROM jobs WHERE idempotency_key LIKE $2";
        erased.emails += write(tx, &format!("UPDATE emails SET subject = $3, body_text = $3 WHERE company_id = $1 AND job_id IN ({jobs})"), &[company_id, &key, ERASED]).await?;
        erased.texts += write(
            tx,
            &format!(
                "UPDATE sms_messages SET body = $3 WHERE company_id = $1 AND job_id IN ({jobs})"
            ),
            &[company_id, &key, ERASED],
        )
        .await?;
        erased.jobs += write(tx, "UPDATE jobs SET payload = '{}' WHERE company_id = $1 AND status IN ('done', 'dead') AND idempotency_key LIKE $2", &[company_id, &key]).await?;
    }
    // Finished jobs keep their payload for the record; one naming the number goes.
    let pattern = format!("%{phone}%");
    erased.jobs = write(tx, "UPDATE jobs SET payload = '{}' WHERE company_id = $1 AND status IN ('done', 'dead') AND payload LIKE $2", &[company_id, &pattern]).await?;
    Ok(erased)
}

async fn scrub_audit(
    tx: &mut WriteTx,
    company_id: &str,
    appointment_id: &str,
    secrets: &[String],
) -> Result<u64, StoreError> {
    let sql = "SELECT id, before, after FROM audit_log WHERE company_id = $1 AND entity = 'appointment' AND entity_id = $2";
    let entries: Vec<(i64, Option<String>, Option<String>)> =
        on_tx!(tx, |conn| sqlx::query_as(sql)
            .bind(company_id)
            .bind(appointment_id)
            .fetch_all(conn)
            .await)?;
    let clean = |text: &Option<String>| {
        text.as_ref()
            .map(|t| match serde_json::from_str::<Value>(t) {
                Ok(mut value) => {
                    scrub(&mut value, secrets);
                    value.to_string()
                }
                Err(_) => ERASED.to_owned(),
            })
    };
    let mut changed = 0;
    for (id, before, after) in entries {
        let sql = "UPDATE audit_log SET before = $1, after = $2 WHERE id = $3";
        changed += on_tx!(tx, |conn| sqlx::query(sql)
            .bind(clean(&before))
            .bind(clean(&after))
            .bind(id)
            .execute(conn)
            .await
            .map(|r| r.rows_affected()))?;
    }
    Ok(changed)
}

/// Calls of the company that started before `before` and still carry a transcript.
pub async fn calls_with_transcripts(
    db: &Db,
    company_id: &str,
    before: i64,
    limit: i64,
) -> Result<Vec<(String, String)>, StoreError> {
    let sql = "SELECT call_id, data FROM calls WHERE company_id = $1 AND COALESCE(start_timestamp, created_at) < $2 \
               AND data LIKE '%\"transcript%' ORDER BY created_at LIMIT $3";
    Ok(on_pool!(db, |pool| sqlx::query_as(sql)
        .bind(company_id)
        .bind(before)
        .bind(limit)
        .fetch_all(pool)
        .await)?)
}

/// Replaces a call's stored object (without its transcript) and drops what else holds
/// the conversation: the function calls' arguments and answers, the raw deliveries.
pub async fn strip_call(
    db: &Db,
    company_id: &str,
    call_id: &str,
    data: &str,
) -> Result<(), StoreError> {
    let mut tx = db.begin_write().await?;
    write(
        &mut tx,
        "UPDATE calls SET data = $3 WHERE company_id = $1 AND call_id = $2",
        &[company_id, call_id, data],
    )
    .await?;
    write(&mut tx, "UPDATE retell_function_calls SET args = '{}', answer = '{\"purged\":true}' WHERE company_id = $1 AND call_id = $2", &[company_id, call_id]).await?;
    write(
        &mut tx,
        "DELETE FROM retell_events WHERE call_id = $1 AND processed_at IS NOT NULL",
        &[call_id],
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes the company's calls that started before `before`, with their function calls
/// and deliveries; how many calls went.
pub async fn delete_calls_before(
    db: &Db,
    company_id: &str,
    before: i64,
) -> Result<u64, StoreError> {
    let before = before.to_string();
    let old = "SELECT call_id FROM calls WHERE company_id = $1 AND COALESCE(start_timestamp, created_at) < CAST($2 AS BIGINT)";
    let mut tx = db.begin_write().await?;
    write(
        &mut tx,
        &format!("DELETE FROM retell_function_calls WHERE call_id IN ({old})"),
        &[company_id, &before],
    )
    .await?;
    write(
        &mut tx,
        &format!("DELETE FROM retell_events WHERE processed_at IS NOT NULL AND call_id IN ({old})"),
        &[company_id, &before],
    )
    .await?;
    let deleted = write(&mut tx, "DELETE FROM calls WHERE company_id = $1 AND COALESCE(start_timestamp, created_at) < CAST($2 AS BIGINT)", &[company_id, &before]).await?;
    tx.commit().await?;
    Ok(deleted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrubbing_replaces_what_names_the_person_and_keeps_the_shape() {
        let mut value = serde_json::json!({
            "customer": { "name": "Eva Schmidt", "phone": "+4915112345678", "email": null },
            "start": "2026-12-01T10:00:00+01:00",
            "notes": ["Rückruf an +4915112345678", "Haarschnitt"]
        });
        scrub(&mut value, &["+4915112345678".into(), "Eva Schmidt".into()]);
        assert_eq!(value["customer"]["name"], ERASED);
        assert_eq!(value["customer"]["phone"], ERASED);
        assert_eq!(value["customer"]["email"], Value::Null);
        assert_eq!(value["start"], "2026-12-01T10:00:00+01:00");
        assert_eq!(value["notes"], serde_json::json!([ERASED, "Haarschnitt"]));
    }
}
