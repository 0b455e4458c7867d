//! The HTTP face of the stand-in: the API v2 endpoints AskPro uses, with Cal.com's
//! versions, envelopes and errors (`shared/reference/calcom-api.md`).

use super::state::{State, booking_json};
use super::{Fake, Fault};
use axum::Json;
use axum::extract::{Path, Query, State as AxState};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde_json::{Value, json};
use std::collections::HashMap;

pub(super) type Params = Query<HashMap<String, String>>;

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({ "status": "error", "timestamp": Timestamp::now().to_string(),
        "error": { "code": code, "message": message } });
    (status, Json(body)).into_response()
}

fn success(status: StatusCode, data: Value) -> Response {
    (status, Json(json!({ "status": "success", "data": data }))).into_response()
}

fn version_of(headers: &HeaderMap) -> &str {
    headers
        .get("cal-api-version")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// The checks every call passes first: the injected fault, the latency, the key.
async fn gate(fake: &Fake, headers: &HeaderMap, line: String, needs_key: bool) -> Option<Response> {
    fake.log(line);
    if let Some(latency) = fake.latency() {
        tokio::time::sleep(latency).await;
    }
    match fake.take_fault() {
        Some(Fault::Status(status)) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            return Some(error(
                status,
                "InternalServerErrorException",
                "Internal server error",
            ));
        }
        Some(Fault::RateLimited { reset_s }) => {
            let mut response = error(
                StatusCode::TOO_MANY_REQUESTS,
                "ThrottlerException",
                "Too Many Requests",
            );
            let headers = response.headers_mut();
            headers.insert("x-ratelimit-limit-default", 120.into());
            headers.insert("x-ratelimit-remaining-default", 0.into());
            headers.insert("x-ratelimit-reset-default", reset_s.into());
            return Some(response);
        }
        Some(Fault::Hang) => std::future::pending::<()>().await,
        None => {}
    }
    let key = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if needs_key && key != Some(fake.key().as_str()) {
        return Some(error(
            StatusCode::UNAUTHORIZED,
            "UnauthorizedException",
            "Invalid API Key",
        ));
    }
    None
}

fn instant(raw: Option<&String>) -> Option<Timestamp> {
    let raw = raw?;
    raw.parse::<Timestamp>().ok().or_else(|| {
        raw.parse::<jiff::civil::Date>()
            .ok()?
            .to_zoned_datetime(TimeZone::UTC)
            .ok()
            .map(|z| z.timestamp())
    })
}

/// `GET /v2/slots`: free starts per local date. Without the 2024-09-04 header Cal.com
/// answers in an older shape, so a client that forgets it reads nothing.
pub(super) async fn slots(
    AxState(fake): AxState<Fake>,
    headers: HeaderMap,
    Query(q): Params,
) -> Response {
    let line = format!(
        "GET /v2/slots eventTypeId={} username={}",
        q.get("eventTypeId").map_or("", |v| v),
        q.get("username").map_or("", |v| v)
    );
    if let Some(refused) = gate(&fake, &headers, line, false).await {
        return refused;
    }
    let (Some(from), Some(to)) = (instant(q.get("start")), instant(q.get("end"))) else {
        return error(
            StatusCode::BAD_REQUEST,
            "BadRequestException",
            "start and end are required",
        );
    };
    let zone = TimeZone::get(q.get("timeZone").map_or("UTC", |z| z)).unwrap_or(TimeZone::UTC);
    let Some(event_type) = q.get("eventTypeId").and_then(|v| v.parse::<i64>().ok()) else {
        return error(
            StatusCode::BAD_REQUEST,
            "BadRequestException",
            "eventTypeId is required",
        );
    };
    let state = fake.state();
    let Some(found) = state.slots(
        event_type,
        q.get("username").map(String::as_str),
        from,
        to,
        &zone,
        fake.now(),
    ) else {
        return error(
            StatusCode::NOT_FOUND,
            "NotFoundException",
            &format!("Event type with id {event_type} not found."),
        );
    };
    let by_date: serde_json::Map<String, Value> = found
        .into_iter()
        .map(|(date, starts)| {
            let items: Vec<Value> = starts
                .iter()
                .map(|s| json!({ "start": s.to_zoned_datetime(zone.clone()).strftime("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string() }))
                .collect();
            (date.to_string(), Value::Array(items))
        })
        .collect();
    if version_of(&headers) != "2024-09-04" {
        return success(StatusCode::OK, json!({ "slots": by_date }));
    }
    success(StatusCode::OK, Value::Object(by_date))
}

fn bookings_version(headers: &HeaderMap) -> Option<Response> {
    (version_of(headers) != "2024-08-13").then(|| {
        error(
            StatusCode::BAD_REQUEST,
            "BadRequestException",
            "this stand-in answers bookings only for cal-api-version 2024-08-13",
        )
    })
}

/// `POST /v2/bookings`.
pub(super) async fn create(
    AxState(fake): AxState<Fake>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    if let Some(refused) = gate(&fake, &headers, "POST /v2/bookings".into(), true).await {
        return refused;
    }
    if let Some(refused) = bookings_version(&headers) {
        return refused;
    }
    let (Some(event_type), Some(start)) = (
        body["eventTypeId"].as_i64(),
        body["start"]
            .as_str()
            .and_then(|s| s.parse::<Timestamp>().ok()),
    ) else {
        return error(
            StatusCode::BAD_REQUEST,
            "BadRequestException",
            "eventTypeId and start (UTC) are required",
        );
    };
    let metadata = body["metadata"].as_object().cloned().unwrap_or_default();
    // Which host: the one AskPro names in its metadata (a personal event type has one).
    let host = metadata
        .get("askpro_host")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let made = fake.state().book(
        event_type,
        host.as_deref(),
        start,
        body["attendee"].clone(),
        metadata,
        fake.now(),
    );
    match made {
        Ok(booking) => {
            let data = booking_json(&fake.state(), &booking);
            fake.notify("BOOKING_CREATED", &booking, None);
            success(StatusCode::CREATED, data)
        }
        Err((400, message)) => error(StatusCode::BAD_REQUEST, "BadRequestException", &message),
        Err((_, message)) => error(StatusCode::NOT_FOUND, "NotFoundException", &message),
    }
}

/// `GET /v2/bookings` with the filters reconciliation uses, paginated by `take`/`skip`.
pub(super) async fn list(
    AxState(fake): AxState<Fake>,
    headers: HeaderMap,
    Query(q): Params,
) -> Response {
    if let Some(refused) = gate(&fake, &headers, "GET /v2/bookings".into(), true).await {
        return refused;
    }
    if let Some(refused) = bookings_version(&headers) {
        return refused;
    }
    let types: Vec<i64> = q
        .get("eventTypeIds")
        .map(|v| v.split(',').filter_map(|t| t.trim().parse().ok()).collect())
        .unwrap_or_default();
    let after = instant(q.get("afterStart"));
    let before = instant(q.get("beforeEnd"));
    let statuses: Vec<String> = q
        .get("status")
        .map(|v| v.split(',').map(str::to_owned).collect())
        .unwrap_or_default();
    let take = q
        .get("take")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(100)
        .clamp(1, 250);
    let skip = q
        .get("skip")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0);
    let now = fake.now();
    let state = fake.state();
    let matching: Vec<Value> = state
        .bookings
        .iter()
        .filter(|b| types.is_empty() || types.contains(&b.event_type_id))
        .filter(|b| after.is_none_or(|t| b.start >= t) && before.is_none_or(|t| b.end <= t))
        .filter(|b| {
            statuses.is_empty()
                || statuses
                    .iter()
                    .any(|s| status_matches(s, &b.status, b.end, now))
        })
        .map(|b| booking_json(&state, b))
        .collect();
    let total = matching.len();
    let page: Vec<Value> = matching.into_iter().skip(skip).take(take).collect();
    let returned = page.len();
    (
        StatusCode::OK,
        Json(json!({ "status": "success", "data": page, "pagination": {
        "totalItems": total, "returnedItems": returned, "itemsPerPage": take,
        "remainingItems": total.saturating_sub(skip + returned),
        "hasNextPage": skip + returned < total, "hasPreviousPage": skip > 0 } })),
    )
        .into_response()
}

fn status_matches(filter: &str, status: &str, end: Timestamp, now: Timestamp) -> bool {
    match filter {
        "upcoming" => status == "accepted" && end > now,
        "past" => end <= now,
        "cancelled" => status == "cancelled" || status == "rejected",
        "unconfirmed" => status == "pending",
        _ => false,
    }
}

/// `GET /v2/bookings/{uid}`.
pub(super) async fn get(
    AxState(fake): AxState<Fake>,
    headers: HeaderMap,
    Path(uid): Path<String>,
) -> Response {
    if let Some(refused) = gate(&fake, &headers, format!("GET /v2/bookings/{uid}"), true).await {
        return refused;
    }
    let state = fake.state();
    match state.booking(&uid) {
        Some(b) => success(StatusCode::OK, booking_json(&state, b)),
        None => error(
            StatusCode::NOT_FOUND,
            "NotFoundException",
            &format!("Booking with uid {uid} not found"),
        ),
    }
}

/// `POST /v2/bookings/{uid}/cancel`.
pub(super) async fn cancel(
    AxState(fake): AxState<Fake>,
    headers: HeaderMap,
    Path(uid): Path<String>,
    body: Option<Json<Value>>,
) -> Response {
    if let Some(refused) = gate(
        &fake,
        &headers,
        format!("POST /v2/bookings/{uid}/cancel"),
        true,
    )
    .await
    {
        return refused;
    }
    let reason = body.and_then(|Json(b)| b["cancellationReason"].as_str().map(str::to_owned));
    let cancelled = fake.state().cancel(&uid, reason, fake.now());
    match cancelled {
        Some(booking) => {
            let data = booking_json(&fake.state(), &booking);
            fake.notify("BOOKING_CANCELLED", &booking, None);
            success(StatusCode::OK, data)
        }
        None => error(
            StatusCode::NOT_FOUND,
            "NotFoundException",
            &format!("Booking with uid {uid} not found"),
        ),
    }
}

/// `POST /v2/bookings/{uid}/reschedule`: a new booking with a new uid.
pub(super) async fn reschedule(
    AxState(fake): AxState<Fake>,
    headers: HeaderMap,
    Path(uid): Path<String>,
    Json(body): Json<Value>,
) -> Response {
    if let Some(refused) = gate(
        &fake,
        &headers,
        format!("POST /v2/bookings/{uid}/reschedule"),
        true,
    )
    .await
    {
        return refused;
    }
    let Some(start) = body["start"]
        .as_str()
        .and_then(|s| s.parse::<Timestamp>().ok())
    else {
        return error(
            StatusCode::BAD_REQUEST,
            "BadRequestException",
            "start (UTC) is required",
        );
    };
    let moved = fake.state().reschedule(&uid, start, fake.now());
    match moved {
        Ok(booking) => {
            let data = booking_json(&fake.state(), &booking);
            fake.notify(&fake.reschedule_trigger(), &booking, Some(&uid));
            success(StatusCode::CREATED, data)
        }
        Err((404, message)) => error(StatusCode::NOT_FOUND, "NotFoundException", &message),
        Err((_, message)) => error(StatusCode::BAD_REQUEST, "BadRequestException", &message),
    }
}

/// `GET /v2/me`: the key's owner.
pub(super) async fn me(AxState(fake): AxState<Fake>, headers: HeaderMap) -> Response {
    if let Some(refused) = gate(&fake, &headers, "GET /v2/me".into(), true).await {
        return refused;
    }
    success(
        StatusCode::OK,
        json!({ "id": 1, "username": "owner", "email": "owner@calcom.example", "timeZone": "Europe/Berlin" }),
    )
}

/// `GET /v2/event-types/{id}` (2024-06-14).
pub(super) async fn event_type(
    AxState(fake): AxState<Fake>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    if let Some(refused) = gate(&fake, &headers, format!("GET /v2/event-types/{id}"), true).await {
        return refused;
    }
    let state = fake.state();
    match state.event_types.get(&id) {
        Some(kind) => success(
            StatusCode::OK,
            json!({ "id": kind.id, "slug": kind.slug, "lengthInMinutes": kind.length_min,
            "hosts": kind.hosts.iter().map(|h| json!({ "username": h })).collect::<Vec<_>>() }),
        ),
        None => error(
            StatusCode::NOT_FOUND,
            "NotFoundException",
            &format!("Event type with id {id} not found."),
        ),
    }
}

/// `GET /v2/schedules` (2024-06-11): each host's working hours and zone.
pub(super) async fn schedules(AxState(fake): AxState<Fake>, headers: HeaderMap) -> Response {
    if let Some(refused) = gate(&fake, &headers, "GET /v2/schedules".into(), true).await {
        return refused;
    }
    let state: std::sync::MutexGuard<'_, State> = fake.state();
    let all: Vec<Value> = state.hosts.values().enumerate().map(|(i, h)| json!({
        "id": i + 1, "ownerUsername": h.username, "name": format!("{} Arbeitszeiten", h.username), "timeZone": h.time_zone,
        "availability": [{ "days": ["Monday","Tuesday","Wednesday","Thursday","Friday","Saturday","Sunday"],
            "startTime": h.opens.strftime("%H:%M").to_string(), "endTime": h.closes.strftime("%H:%M").to_string() }] })).collect();
    success(StatusCode::OK, Value::Array(all))
}

/// `GET /v2/webhooks`: the subscription the stand-in delivers to.
pub(super) async fn webhooks(AxState(fake): AxState<Fake>, headers: HeaderMap) -> Response {
    if let Some(refused) = gate(&fake, &headers, "GET /v2/webhooks".into(), true).await {
        return refused;
    }
    let list: Vec<Value> = fake
        .subscription()
        .map(|(url, _)| json!({ "id": 1, "subscriberUrl": url, "active": true,
            "triggers": ["BOOKING_CREATED","BOOKING_RESCHEDULED","BOOKING_CANCELLED","BOOKING_REQUESTED","BOOKING_REJECTED"] }))
        .into_iter()
        .collect();
    success(StatusCode::OK, Value::Array(list))
}

/// `POST /web/bookings` (not Cal.com's API): a customer books on the business's booking
/// page, `{"eventTypeId", "host", "start", "name", "email"}`; webhooks fire as in Cal.com.
pub(super) async fn web_booking(AxState(fake): AxState<Fake>, Json(body): Json<Value>) -> Response {
    let (Some(event_type), Some(host), Some(start)) = (
        body["eventTypeId"].as_i64(),
        body["host"].as_str(),
        body["start"]
            .as_str()
            .and_then(|s| s.parse::<Timestamp>().ok()),
    ) else {
        return error(
            StatusCode::BAD_REQUEST,
            "BadRequestException",
            "eventTypeId, host and start (RFC 3339) are required",
        );
    };
    let attendee = json!({ "name": body["name"].as_str().unwrap_or("Web-Kunde"),
        "email": body["email"].as_str().unwrap_or("web@kunde.example"), "timeZone": "Europe/Berlin" });
    match fake.web_book(event_type, host, start, attendee) {
        Ok(booking) => success(StatusCode::CREATED, booking_json(&fake.state(), &booking)),
        Err(message) => error(StatusCode::BAD_REQUEST, "BadRequestException", &message),
    }
}
