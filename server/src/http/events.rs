//! The Events API: `/{tenantLocator}/events…` (the stream, one event, a request's events).

use std::collections::BTreeMap;
use webhooks_api::permissions::{EVENTS_LIST, EVENTS_READ};

use axum::extract::{Path, RawQuery, State};
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use webhooks_api::{EventResponse, EventStreamResponse};

use super::extract::{invalid_parameters, parse_locator, Caller};
use super::AppState;
use crate::error::{ApiFailure, Failures, NotFound};
use crate::stream::{self, Position, StreamQuery, MAX_PAGE_SIZE};
use crate::timestamp;

/// The routes of this file, with their OpenAPI entries.
pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_events)).routes(routes!(fetch_event)).routes(routes!(request_events))
}

/// Parses the stream's query string, naming each bad parameter. An empty value is the
/// same as leaving the parameter out; unknown parameters are ignored.
fn parse_stream_query(query: &str) -> Result<StreamQuery, ApiFailure> {
    let mut parsed = StreamQuery::default();
    let mut errors = BTreeMap::new();
    let (mut start, mut end) = (None, None);
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        if value.is_empty() {
            continue;
        }
        let problem = match &*key {
            "startTimestamp" => parse_moment(&value, &mut start),
            "endTimestamp" => parse_moment(&value, &mut end),
            "type" => match webhooks_api::validate::event_type(&value) {
                Ok(()) => {
                    parsed.event_type = Some(value.to_string());
                    None
                }
                Err(why) => Some(why),
            },
            "pageSize" => match value.parse::<u32>() {
                Ok(size) if (1..=MAX_PAGE_SIZE).contains(&size) => {
                    parsed.page_size = size;
                    None
                }
                _ => Some(format!("must be a whole number from 1 to {MAX_PAGE_SIZE}")),
            },
            "pagingToken" => match Position::from_token(&value) {
                Some(position) => {
                    parsed.after = position;
                    None
                }
                None => Some(
                    "is not a paging token of this stream: send back the pagingToken of an earlier answer, or none to start from the beginning"
                        .to_owned(),
                ),
            },
            _ => None,
        };
        if let Some(why) = problem {
            errors.insert(key.into_owned(), why);
        }
    }
    if let (Some(start), Some(end)) = (start, end) {
        if end < start {
            errors.insert("endTimestamp".to_owned(), "must not be before startTimestamp".to_owned());
        }
    }
    parsed.from_ms = start.map(timestamp::ceil_unix_ms);
    parsed.until_ms = end.map(timestamp::ceil_unix_ms);
    invalid_parameters(errors).map(|()| parsed)
}

/// Reads an RFC 3339 date-time into `slot`; the reason if it is not one.
fn parse_moment(text: &str, slot: &mut Option<time::OffsetDateTime>) -> Option<String> {
    match timestamp::parse(text) {
        Ok(moment) => {
            *slot = Some(moment);
            None
        }
        Err(_) => Some("must be an RFC 3339 date-time with an offset, such as 2026-11-27T10:00:00Z".to_owned()),
    }
}

/// Lists a tenant's events as a stream: oldest first, resumable with the `pagingToken`.
#[utoipa::path(get, path = "/{tenantLocator}/events/list", tag = "events",
    params(("tenantLocator" = String, Path, format = "uuid"),
        ("startTimestamp" = Option<String>, Query, format = DateTime, description = "RFC 3339; events at or after it"),
        ("endTimestamp" = Option<String>, Query, format = DateTime, description = "RFC 3339; events before it"),
        ("type" = Option<String>, Query, description = "one exact event type"),
        ("pageSize" = Option<u32>, Query, minimum = 1, maximum = 1000, description = "default 100"),
        ("pagingToken" = Option<String>, Query,
            description = "the pagingToken of an earlier answer (same filters): continues after its last event, including events raised since")),
    responses((status = 200, body = EventStreamResponse), Failures))]
async fn list_events(
    State(state): State<AppState>,
    caller: Caller,
    Path(tenant): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<EventStreamResponse>, ApiFailure> {
    let tenant = caller.authorize(&tenant, &[EVENTS_READ, EVENTS_LIST])?;
    let query = parse_stream_query(query.as_deref().unwrap_or(""))?;
    let page = state.db.read(move |c| stream::list(c, tenant, &query)).await?;
    Ok(Json(EventStreamResponse { paging_token: page.position.token(), events: page.events }))
}

/// Fetches one event.
#[utoipa::path(get, path = "/{tenantLocator}/events/{eventLocator}", tag = "events",
    params(("tenantLocator" = String, Path, format = "uuid"), ("eventLocator" = String, Path, format = "ulid")),
    responses((status = 200, body = EventResponse), Failures, NotFound))]
async fn fetch_event(
    State(state): State<AppState>,
    caller: Caller,
    Path((tenant, event)): Path<(String, String)>,
) -> Result<Json<EventResponse>, ApiFailure> {
    let tenant = caller.authorize(&tenant, &[EVENTS_READ])?;
    let event = parse_locator("eventLocator", &event)?;
    state
        .db
        .read(move |c| stream::get(c, tenant, event))
        .await?
        .map(Json)
        .ok_or_else(|| ApiFailure::not_found(format!("no event {event} in this tenant")))
}

/// Lists the events one request raised, oldest first (an unknown request has none).
#[utoipa::path(get, path = "/{tenantLocator}/events/request/{requestLocator}", tag = "events",
    params(("tenantLocator" = String, Path, format = "uuid"), ("requestLocator" = String, Path, format = "ulid")),
    responses((status = 200, body = Vec<EventResponse>), Failures))]
async fn request_events(
    State(state): State<AppState>,
    caller: Caller,
    Path((tenant, request)): Path<(String, String)>,
) -> Result<Json<Vec<EventResponse>>, ApiFailure> {
    let tenant = caller.authorize(&tenant, &[EVENTS_READ])?;
    let request = parse_locator("requestLocator", &request)?;
    Ok(Json(state.db.read(move |c| stream::of_request(c, tenant, request)).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_defaults_and_parses_every_parameter() {
        assert_eq!(parse_stream_query("").unwrap(), StreamQuery::default());
        assert_eq!(parse_stream_query("type=&pagingToken=&startTimestamp=").unwrap(), StreamQuery::default());
        let query = parse_stream_query(
            "startTimestamp=1970-01-01T00:00:01.0005Z&endTimestamp=1970-01-01T01:00:02%2B01:00&type=a.b&pageSize=1000&pagingToken=v1.01JD8Z6Q4V3N5K7M9P1R2S3T4V&other=1",
        )
        .unwrap();
        assert_eq!((query.from_ms, query.until_ms), (Some(1001), Some(2000)));
        assert_eq!(query.event_type.as_deref(), Some("a.b"));
        assert_eq!(query.page_size, 1000);
        assert_eq!(query.after, Position::after("01JD8Z6Q4V3N5K7M9P1R2S3T4V".parse().unwrap()));
    }

    #[test]
    fn query_rejects_bad_values_naming_them() {
        let fields = |query: &str| parse_stream_query(query).unwrap_err().field_errors.into_keys().collect::<Vec<_>>();
        for size in ["0", "1001", "-1", "x", "1.5"] {
            assert_eq!(fields(&format!("pageSize={size}")), ["pageSize"], "pageSize={size}");
        }
        assert_eq!(
            fields("startTimestamp=yesterday&endTimestamp=2026-11-27T10:00:00&type=a%20b&pagingToken=nope"),
            ["endTimestamp", "pagingToken", "startTimestamp", "type"]
        );
        assert_eq!(
            fields("startTimestamp=2026-11-27T10:00:00Z&endTimestamp=2026-11-27T09:59:59Z"),
            ["endTimestamp"],
            "a window that ends before it starts"
        );
        assert!(parse_stream_query("startTimestamp=2026-11-27T10:00:00Z&endTimestamp=2026-11-27T10:00:00Z").is_ok());
    }
}
