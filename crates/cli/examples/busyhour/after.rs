//! After the load: the merge backlog and how long it took to drain, the server's CPU and
//! memory, and whether the database holds exactly what the callers were told.

use crate::caller::Outcome;
use askpro_store::{Db, on_pool};
use std::time::{Duration, Instant};

async fn scalar(db: &Db, sql: &str) -> i64 {
    on_pool!(db, |pool| sqlx::query_scalar::<_, i64>(
        sqlx::AssertSqlSafe(sql.to_owned())
    )
    .fetch_one(pool)
    .await)
    .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Deliveries stored but not merged yet, and the age of the oldest.
async fn pending(db: &Db) -> (i64, i64) {
    let (count, oldest) = askpro_store::calls::merge_backlog(db)
        .await
        .expect("merge backlog");
    let lag = oldest.map_or(0, |at| jiff::Timestamp::now().as_millisecond() - at);
    (count, lag)
}

/// The merge lag when the load ended and the time until nothing waited; false when the
/// backlog did not drain within a minute.
pub async fn backlog(db: &Db, _load: Duration) -> bool {
    let (count, lag) = pending(db).await;
    println!("  merge backlog at the end: {count} deliveries, oldest {lag} ms");
    let started = Instant::now();
    loop {
        let (count, _) = pending(db).await;
        if count == 0 {
            println!(
                "  backlog merged {:.1} s after the load",
                started.elapsed().as_secs_f64()
            );
            return true;
        }
        if started.elapsed() > Duration::from_secs(60) {
            println!("  backlog NOT merged a minute after the load: {count} deliveries wait");
            return false;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// CPU time of the process in clock ticks (user + system).
fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may contain spaces) — utime is the 14th.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

fn resident_mb(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Waits until the server is idle (under 5 % of a core over a second), at most 30 s,
/// then reports its resident memory.
pub async fn server_load(pid: u32) {
    let started = Instant::now();
    let mut last = cpu_ticks(pid);
    loop {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let now = cpu_ticks(pid);
        let busy = match (last, now) {
            // Clock ticks are hundredths of a second on Linux.
            (Some(a), Some(b)) => (b - a) as f64,
            _ => {
                println!("  server process {pid} is gone");
                return;
            }
        };
        last = now;
        if busy <= 5.0 || started.elapsed() > Duration::from_secs(30) {
            println!(
                "  server idle ({busy:.0} % of a core) {:.1} s after the load; resident {:.0} MB",
                started.elapsed().as_secs_f64() - 1.0,
                resident_mb(pid).unwrap_or(0.0)
            );
            return;
        }
    }
}

/// Every confirmed booking exists once (cancelled where the caller cancelled), no staff
/// member is booked twice at once, every call was merged with its analysis, and every
/// booking has exactly one confirmation job.
pub async fn consistency(db: &Db, run: &str, outcomes: &[Outcome]) -> bool {
    let mut ok = true;
    let mut check = |what: &str, good: bool, detail: String| {
        println!(
            "  check {}: {what}{detail}",
            if good { "ok" } else { "FAILED" }
        );
        ok &= good;
    };
    let booked: Vec<&Outcome> = outcomes.iter().filter(|o| o.booked.is_some()).collect();
    let mut missing = 0;
    let mut wrong_status = 0;
    let mut confirmations_off = 0;
    for outcome in &booked {
        let id = outcome.booked.as_deref().unwrap_or_default();
        let status = on_pool!(db, |pool| sqlx::query_scalar::<_, String>(
            "SELECT status FROM appointments WHERE id = $1"
        )
        .bind(id)
        .fetch_optional(pool)
        .await)
        .expect("appointment status");
        match status.as_deref() {
            None => missing += 1,
            Some(s) if (s == "cancelled") != outcome.cancelled => wrong_status += 1,
            Some(_) => {}
        }
        let confirmations = on_pool!(db, |pool| sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM jobs WHERE kind = 'email.appointment_booked' AND idempotency_key LIKE $1"
        )
        .bind(format!("email.appointment_booked:{id}:%"))
        .fetch_one(pool)
        .await)
        .expect("confirmation jobs");
        confirmations_off += i64::from(confirmations != 1);
    }
    check(
        "every confirmed booking exists, cancelled exactly where the caller cancelled",
        missing == 0 && wrong_status == 0,
        format!(
            " ({} bookings; {missing} missing, {wrong_status} in the wrong state)",
            booked.len()
        ),
    );
    let pattern = format!("{run}-%");
    let per_call = on_pool!(db, |pool| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM (SELECT source_ref FROM appointments WHERE source_ref LIKE $1 \
         GROUP BY source_ref HAVING COUNT(*) > 1) AS repeated"
    )
    .bind(&pattern)
    .fetch_one(pool)
    .await)
    .expect("repeated bookings");
    check(
        "no call booked twice",
        per_call == 0,
        format!(" ({per_call} calls did)"),
    );
    let overlaps = scalar(
        db,
        "SELECT COUNT(*) FROM appointments a JOIN appointments b ON a.staff_id = b.staff_id \
         AND a.id < b.id AND a.status = 'booked' AND b.status = 'booked' \
         AND a.blocked_from < b.blocked_until AND b.blocked_from < a.blocked_until",
    )
    .await;
    check(
        "no staff member booked twice at once",
        overlaps == 0,
        format!(" ({overlaps} overlaps)"),
    );
    let analyzed = on_pool!(db, |pool| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM calls WHERE call_id LIKE $1 AND last_event = 'call_analyzed' \
         AND call_status = 'ended'"
    )
    .bind(&pattern)
    .fetch_one(pool)
    .await)
    .expect("merged calls");
    check(
        "every call merged with its analysis",
        analyzed == outcomes.len() as i64,
        format!(" ({analyzed} of {})", outcomes.len()),
    );
    check(
        "one confirmation job per booking",
        confirmations_off == 0,
        format!(" ({confirmations_off} bookings with none or several)"),
    );
    ok
}
