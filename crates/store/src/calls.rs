//! Phone calls from Retell: webhook deliveries as they arrived, the calls they describe,
//! and the agent's function calls with their answers and timings.
//!
//! A delivery is stored raw before anything else happens to it, so an accepted event is
//! never lost; lifecycle events are stored once per event and call (Retell retries up to
//! three times), and the duplicates are counted. Merging folds a call's stored events into
//! `calls` in the order they arrived, call by call.

use crate::jobs::QueueStats;
use crate::{Db, StoreError, WriteTx, on_pool, on_tx};
use serde::Serialize;

/// A delivery as received.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    pub id: &'a str,
    /// `event:call_id`, or `None` for events that repeat (transcript updates).
    pub dedup_key: Option<&'a str>,
    pub event: &'a str,
    pub call_id: &'a str,
    pub body: &'a str,
    pub received_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct EventRow {
    pub seq: i64,
    pub id: String,
    pub event: String,
    pub call_id: String,
    pub body: String,
    pub received_at: i64,
    pub processed_at: Option<i64>,
    pub handling_ms: Option<i64>,
    pub duplicates: i64,
    pub error: Option<String>,
}

const EVENT_COLUMNS: &str =
    "seq, id, event, call_id, body, received_at, processed_at, handling_ms, duplicates, error";

/// Stores a delivery; false when the same event of the same call was stored before
/// (then only its duplicate count goes up).
pub async fn insert_event(db: &Db, e: &NewEvent<'_>) -> Result<bool, StoreError> {
    let insert = "INSERT INTO retell_events (id, dedup_key, event, call_id, body, received_at, duplicates) \
        VALUES ($1, $2, $3, $4, $5, $6, 0) ON CONFLICT (dedup_key) DO NOTHING";
    let mut tx = db.begin_write().await?;
    let inserted = on_tx!(&mut tx, |conn| sqlx::query(insert)
        .bind(e.id)
        .bind(e.dedup_key)
        .bind(e.event)
        .bind(e.call_id)
        .bind(e.body)
        .bind(e.received_at)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    if inserted == 0 {
        let count = "UPDATE retell_events SET duplicates = duplicates + 1 WHERE dedup_key = $1";
        on_tx!(&mut tx, |conn| sqlx::query(count)
            .bind(e.dedup_key)
            .execute(conn)
            .await
            .map(|r| r.rows_affected()))?;
    }
    tx.commit().await?;
    Ok(inserted == 1)
}

/// Unprocessed deliveries, oldest first (for tests and diagnostics; the merger reads
/// them call by call).
pub async fn pending_events(db: &Db, limit: i64) -> Result<Vec<EventRow>, StoreError> {
    let sql = format!(
        "SELECT {EVENT_COLUMNS} FROM retell_events WHERE processed_at IS NULL ORDER BY seq LIMIT $1"
    );
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, EventRow>(
        sqlx::AssertSqlSafe(sql)
    )
    .bind(limit)
    .fetch_all(pool)
    .await)?)
}

/// The calls with waiting deliveries, in the order their oldest waiting delivery
/// arrived: ids only, so a backlog of any size costs little memory.
pub async fn calls_waiting(db: &Db, limit: i64) -> Result<Vec<String>, StoreError> {
    let sql = "SELECT call_id FROM retell_events WHERE processed_at IS NULL ORDER BY seq LIMIT $1";
    let ids: Vec<String> = on_pool!(db, |pool| sqlx::query_scalar::<_, String>(sql)
        .bind(limit)
        .fetch_all(pool)
        .await)?;
    let mut seen = std::collections::HashSet::new();
    Ok(ids
        .into_iter()
        .filter(|id| seen.insert(id.clone()))
        .collect())
}

/// A call's waiting deliveries in arrival order, at most `limit`, inside the merge's
/// transaction (so nobody else merges them meanwhile).
pub async fn waiting_events_of_call(
    tx: &mut WriteTx,
    call_id: &str,
    limit: i64,
) -> Result<Vec<EventRow>, StoreError> {
    let sql = format!(
        "SELECT {EVENT_COLUMNS} FROM retell_events WHERE call_id = $1 AND processed_at IS NULL \
         ORDER BY seq LIMIT $2"
    );
    Ok(on_tx!(tx, |conn| sqlx::query_as::<_, EventRow>(
        sqlx::AssertSqlSafe(sql)
    )
    .bind(call_id)
    .bind(limit)
    .fetch_all(conn)
    .await)?)
}

/// The company of a stored call; `None` when the call is unknown or has none.
pub async fn call_company(db: &Db, call_id: &str) -> Result<Option<String>, StoreError> {
    let sql = "SELECT company_id FROM calls WHERE call_id = $1";
    let found: Option<Option<String>> = on_pool!(db, |pool| sqlx::query_scalar(sql)
        .bind(call_id)
        .fetch_optional(pool)
        .await)?;
    Ok(found.flatten())
}

/// The raw body of a call's oldest delivery that waits to be merged.
pub async fn oldest_waiting_body(db: &Db, call_id: &str) -> Result<Option<String>, StoreError> {
    let sql = "SELECT body FROM retell_events WHERE call_id = $1 AND processed_at IS NULL \
        ORDER BY seq LIMIT 1";
    Ok(on_pool!(db, |pool| sqlx::query_scalar(sql)
        .bind(call_id)
        .fetch_optional(pool)
        .await)?)
}

/// How many deliveries wait to be merged, and when the oldest arrived.
pub async fn merge_backlog(db: &Db) -> Result<(i64, Option<i64>), StoreError> {
    let sql = "SELECT COUNT(*), MIN(received_at) FROM retell_events WHERE processed_at IS NULL";
    Ok(on_pool!(db, |pool| {
        sqlx::query_as::<_, (i64, Option<i64>)>(sql)
            .fetch_one(pool)
            .await
    })?)
}

/// The webhook merge seen as a queue (`retell-webhooks` in `askpro queue monitor`):
/// deliveries waiting, merged and set aside in the last hour, set aside in the last day.
pub async fn merge_stats(db: &Db, now: i64) -> Result<QueueStats, StoreError> {
    let sql = "SELECT 'retell-webhooks' AS queue, \
        COALESCE(SUM(CASE WHEN processed_at IS NULL THEN 1 ELSE 0 END), 0) AS pending, \
        CAST(0 AS BIGINT) AS running, \
        COALESCE(SUM(CASE WHEN error IS NOT NULL AND processed_at >= $2 THEN 1 ELSE 0 END), 0) AS dead, \
        COALESCE(SUM(CASE WHEN error IS NULL AND processed_at >= $1 THEN 1 ELSE 0 END), 0) AS done_last_hour, \
        COALESCE(SUM(CASE WHEN error IS NOT NULL AND processed_at >= $1 THEN 1 ELSE 0 END), 0) AS failed_attempts_last_hour, \
        MIN(CASE WHEN processed_at IS NULL THEN received_at END) AS oldest_pending_at \
        FROM retell_events";
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, QueueStats>(sql)
        .bind(now - 3_600_000)
        .bind(now - 86_400_000)
        .fetch_one(pool)
        .await)?)
}

/// Takes the turn to merge or import `call_id`: on PostgreSQL a transaction-scoped
/// lock per call, so several servers merge different calls at once and never the same
/// call twice. With `wait` false it does not wait: false when another process holds it.
/// SQLite has one writer anyway.
///
/// Servers before per-call merging held the one lock `(1002, 0)` to merge anything;
/// taking it shared keeps a newer server from merging alongside an older one while both
/// run during an upgrade, and costs nothing once the older ones are gone.
pub async fn lock_call(tx: &mut WriteTx, call_id: &str, wait: bool) -> Result<bool, StoreError> {
    let WriteTx::Postgres(tx) = tx else {
        return Ok(true);
    };
    let sql = if wait {
        "SELECT pg_advisory_xact_lock_shared(1002, 0) IS NOT NULL \
         AND pg_advisory_xact_lock(1002, hashtext($1)) IS NOT NULL"
    } else {
        "SELECT pg_try_advisory_xact_lock_shared(1002, 0) \
         AND pg_try_advisory_xact_lock(1002, hashtext($1))"
    };
    Ok(sqlx::query_scalar::<_, bool>(sql)
        .bind(call_id)
        .fetch_one(&mut **tx)
        .await?)
}

/// Marks the deliveries `seqs` of a call merged at `at`; each one's handling time is how
/// long it waited. With `error`, they are set aside unmerged. Only the rows read count:
/// on PostgreSQL a delivery with a lower number can commit after the merge read the
/// call's waiting ones (numbers are handed out at insert, not at commit), and it must wait
/// for the next merge rather than be marked without being merged. SQLite's inserts and
/// merges share one writer, so there the range of numbers is exactly the rows read.
pub async fn mark_merged(
    tx: &mut WriteTx,
    call_id: &str,
    seqs: &[i64],
    at: i64,
    error: Option<&str>,
) -> Result<u64, StoreError> {
    let (Some(first), Some(last)) = (seqs.iter().min(), seqs.iter().max()) else {
        return Ok(0);
    };
    let set =
        "UPDATE retell_events SET processed_at = $3, handling_ms = $3 - received_at, error = $4";
    let done = match tx {
        WriteTx::Postgres(tx) => {
            let sql =
                format!("{set} WHERE call_id = $1 AND seq = ANY($2) AND processed_at IS NULL");
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(call_id)
                .bind(seqs)
                .bind(at)
                .bind(error)
                .execute(&mut **tx)
                .await?
                .rows_affected()
        }
        WriteTx::Sqlite { tx, .. } => {
            let sql = format!(
                "{set} WHERE call_id = $1 AND seq >= $2 AND seq <= $5 AND processed_at IS NULL"
            );
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(call_id)
                .bind(first)
                .bind(at)
                .bind(error)
                .bind(last)
                .execute(&mut **tx)
                .await?
                .rows_affected()
        }
    };
    Ok(done)
}

/// A call as stored: the merged call object plus the fields worth querying.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct CallRow {
    pub call_id: String,
    pub company_id: Option<String>,
    pub branch_slug: Option<String>,
    pub agent_id: Option<String>,
    pub direction: Option<String>,
    pub from_number: Option<String>,
    pub to_number: Option<String>,
    pub call_status: Option<String>,
    pub start_timestamp: Option<i64>,
    pub end_timestamp: Option<i64>,
    pub duration_ms: Option<i64>,
    pub disconnection_reason: Option<String>,
    pub call_successful: Option<i64>,
    pub user_sentiment: Option<String>,
    pub data: String,
    pub last_event: String,
    pub created_at: i64,
    pub updated_at: i64,
}

pub(crate) const CALL_COLUMNS: &str = "call_id, company_id, branch_slug, agent_id, direction, from_number, to_number, \
    call_status, start_timestamp, end_timestamp, duration_ms, disconnection_reason, call_successful, \
    user_sentiment, data, last_event, created_at, updated_at";

pub async fn get_call(tx: &mut WriteTx, call_id: &str) -> Result<Option<CallRow>, StoreError> {
    let sql = format!("SELECT {CALL_COLUMNS} FROM calls WHERE call_id = $1");
    Ok(on_tx!(tx, |conn| sqlx::query_as::<_, CallRow>(
        sqlx::AssertSqlSafe(sql)
    )
    .bind(call_id)
    .fetch_optional(conn)
    .await)?)
}

/// Inserts or replaces the call.
pub async fn save_call(tx: &mut WriteTx, c: &CallRow) -> Result<(), StoreError> {
    let sql = format!(
        "INSERT INTO calls ({CALL_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) \
        ON CONFLICT (call_id) DO UPDATE SET company_id = excluded.company_id, branch_slug = excluded.branch_slug, \
        agent_id = excluded.agent_id, direction = excluded.direction, from_number = excluded.from_number, \
        to_number = excluded.to_number, call_status = excluded.call_status, start_timestamp = excluded.start_timestamp, \
        end_timestamp = excluded.end_timestamp, duration_ms = excluded.duration_ms, \
        disconnection_reason = excluded.disconnection_reason, call_successful = excluded.call_successful, \
        user_sentiment = excluded.user_sentiment, data = excluded.data, last_event = excluded.last_event, \
        updated_at = excluded.updated_at"
    );
    on_tx!(tx, |conn| sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(&c.call_id)
        .bind(&c.company_id)
        .bind(&c.branch_slug)
        .bind(&c.agent_id)
        .bind(&c.direction)
        .bind(&c.from_number)
        .bind(&c.to_number)
        .bind(&c.call_status)
        .bind(c.start_timestamp)
        .bind(c.end_timestamp)
        .bind(c.duration_ms)
        .bind(&c.disconnection_reason)
        .bind(c.call_successful)
        .bind(&c.user_sentiment)
        .bind(&c.data)
        .bind(&c.last_event)
        .bind(c.created_at)
        .bind(c.updated_at)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// A company's calls that started at or after `since`, newest first.
pub async fn list_calls(
    db: &Db,
    company_id: &str,
    since: i64,
    limit: i64,
) -> Result<Vec<CallRow>, StoreError> {
    let sql = format!(
        "SELECT {CALL_COLUMNS} FROM calls WHERE company_id = $1 AND COALESCE(start_timestamp, created_at) >= $2 \
        ORDER BY COALESCE(start_timestamp, created_at) DESC LIMIT $3"
    );
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, CallRow>(
        sqlx::AssertSqlSafe(sql)
    )
    .bind(company_id)
    .bind(since)
    .bind(limit)
    .fetch_all(pool)
    .await)?)
}

/// One call of a company.
pub async fn find_call(
    db: &Db,
    company_id: &str,
    call_id: &str,
) -> Result<Option<CallRow>, StoreError> {
    let sql = format!("SELECT {CALL_COLUMNS} FROM calls WHERE company_id = $1 AND call_id = $2");
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, CallRow>(
        sqlx::AssertSqlSafe(sql)
    )
    .bind(company_id)
    .bind(call_id)
    .fetch_optional(pool)
    .await)?)
}

/// Lifecycle deliveries that came more than once since `since`.
pub async fn duplicate_events(db: &Db, since: i64) -> Result<Vec<EventRow>, StoreError> {
    let sql = format!(
        "SELECT {EVENT_COLUMNS} FROM retell_events WHERE duplicates > 0 AND received_at >= $1 ORDER BY seq"
    );
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, EventRow>(
        sqlx::AssertSqlSafe(sql)
    )
    .bind(since)
    .fetch_all(pool)
    .await)?)
}

/// How long webhook processing took, per processed delivery since `since`.
pub async fn webhook_timings(db: &Db, since: i64) -> Result<Vec<i64>, StoreError> {
    let sql =
        "SELECT handling_ms FROM retell_events WHERE handling_ms IS NOT NULL AND received_at >= $1";
    Ok(on_pool!(db, |pool| sqlx::query_scalar::<_, i64>(sql)
        .bind(since)
        .fetch_all(pool)
        .await)?)
}

/// An answered function call.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct FunctionCallRow {
    pub id: String,
    pub call_id: String,
    pub company_id: Option<String>,
    pub name: String,
    pub args: String,
    pub dedup_key: Option<String>,
    pub answer: String,
    pub ok: i64,
    pub duration_ms: i64,
    pub created_at: i64,
}

pub(crate) const FUNCTION_COLUMNS: &str =
    "id, call_id, company_id, name, args, dedup_key, answer, ok, duration_ms, created_at";

/// The first answer given under `dedup_key`.
pub async fn function_answer(
    db: &Db,
    dedup_key: &str,
) -> Result<Option<FunctionCallRow>, StoreError> {
    let sql = format!("SELECT {FUNCTION_COLUMNS} FROM retell_function_calls WHERE dedup_key = $1");
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, FunctionCallRow>(
        sqlx::AssertSqlSafe(sql)
    )
    .bind(dedup_key)
    .fetch_optional(pool)
    .await)?)
}

/// Records an answer; false when one under the same key was recorded first.
pub async fn record_function_call(db: &Db, f: &FunctionCallRow) -> Result<bool, StoreError> {
    let sql = format!(
        "INSERT INTO retell_function_calls ({FUNCTION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
        ON CONFLICT (dedup_key) DO NOTHING"
    );
    let mut tx = db.begin_write().await?;
    let n = on_tx!(&mut tx, |conn| sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(&f.id)
        .bind(&f.call_id)
        .bind(&f.company_id)
        .bind(&f.name)
        .bind(&f.args)
        .bind(&f.dedup_key)
        .bind(&f.answer)
        .bind(f.ok)
        .bind(f.duration_ms)
        .bind(f.created_at)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(n == 1)
}

/// The function calls of one call, in order.
pub async fn functions_of_call(
    db: &Db,
    company_id: &str,
    call_id: &str,
) -> Result<Vec<FunctionCallRow>, StoreError> {
    let sql = format!(
        "SELECT {FUNCTION_COLUMNS} FROM retell_function_calls WHERE company_id = $1 AND call_id = $2 \
        AND ok >= 0 ORDER BY created_at, id"
    );
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, FunctionCallRow>(
        sqlx::AssertSqlSafe(sql)
    )
    .bind(company_id)
    .bind(call_id)
    .fetch_all(pool)
    .await)?)
}

/// (function name, duration) of every function call since `since`.
pub async fn function_timings(db: &Db, since: i64) -> Result<Vec<(String, i64)>, StoreError> {
    let sql =
        "SELECT name, duration_ms FROM retell_function_calls WHERE created_at >= $1 AND ok >= 0";
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, (String, i64)>(
        sql
    )
    .bind(since)
    .fetch_all(pool)
    .await)?)
}

/// Holds webhook processing until `until` (Unix ms); deliveries are still stored.
pub async fn pause_until(db: &Db, until: i64) -> Result<(), StoreError> {
    crate::workers::raise_signal(db, "webhook_pause", until).await
}

/// Until when webhook processing is paused, if it ever was.
pub async fn paused_until(db: &Db) -> Result<Option<i64>, StoreError> {
    crate::workers::signal(db, "webhook_pause").await
}

/// Calls since `since` in which more than one appointment was booked by phone.
pub async fn repeated_bookings(db: &Db, since: i64) -> Result<Vec<(String, i64)>, StoreError> {
    let sql = "SELECT source_ref, COUNT(*) FROM appointments WHERE source = 'phone' AND created_at >= $1 \
        AND source_ref IS NOT NULL GROUP BY source_ref HAVING COUNT(*) > 1 ORDER BY source_ref";
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, (String, i64)>(
        sql
    )
    .bind(since)
    .fetch_all(pool)
    .await)?)
}

/// Drops the transcript updates of a call that came before `seq`: only the latest
/// transcript is worth keeping, and a long call sends one at every turn.
pub async fn prune_transcript_updates(
    tx: &mut WriteTx,
    call_id: &str,
    seq: i64,
) -> Result<u64, StoreError> {
    let sql = "DELETE FROM retell_events WHERE call_id = $1 AND event = 'transcript_updated' \
        AND seq < $2 AND processed_at IS NOT NULL";
    Ok(on_tx!(tx, |conn| sqlx::query(sql)
        .bind(call_id)
        .bind(seq)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?)
}

/// How many stored deliveries a call has, per event.
pub async fn event_counts(db: &Db, call_id: &str) -> Result<Vec<(String, i64)>, StoreError> {
    let sql = "SELECT event, COUNT(*) FROM retell_events WHERE call_id = $1 GROUP BY event ORDER BY event";
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, (String, i64)>(
        sql
    )
    .bind(call_id)
    .fetch_all(pool)
    .await)?)
}

/// `ok` of a claimed function call whose answer is still being worked out.
pub const PENDING: i64 = -1;

/// Writes the answer into a claimed function call; false when the claim is gone.
pub async fn finish_function(
    db: &Db,
    dedup_key: &str,
    answer: &str,
    ok: i64,
    duration_ms: i64,
) -> Result<bool, StoreError> {
    let sql = "UPDATE retell_function_calls SET answer = $2, ok = $3, duration_ms = $4 \
        WHERE dedup_key = $1 AND ok = -1";
    let mut tx = db.begin_write().await?;
    let n = on_tx!(&mut tx, |conn| sqlx::query(sql)
        .bind(dedup_key)
        .bind(answer)
        .bind(ok)
        .bind(duration_ms)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(n == 1)
}

/// Gives up a claim that produced no answer (an error), so a retry can try again; with
/// `older_than`, only a claim abandoned before that instant (its process died).
pub async fn release_function(
    db: &Db,
    dedup_key: &str,
    older_than: Option<i64>,
) -> Result<bool, StoreError> {
    let sql =
        "DELETE FROM retell_function_calls WHERE dedup_key = $1 AND ok = -1 AND created_at < $2";
    let mut tx = db.begin_write().await?;
    let n = on_tx!(&mut tx, |conn| sqlx::query(sql)
        .bind(dedup_key)
        .bind(older_than.unwrap_or(i64::MAX))
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(n == 1)
}
