//! A tenant's event stream in SQLite: every raised event, in locator order, as the
//! Events API reads it (`events` table: the `EventResponse` as JSON in `body`, with its
//! type and request beside it for the indexes of `004_event_stream.sql`).
//!
//! The invariant that makes the stream pollable: **within a tenant, locator order is
//! commit order.** [`append`] runs inside the write transaction (SQLite lets one run at a
//! time, across processes too) and gives the event a locator above every locator the
//! tenant has, so a locator minted earlier but committed later (two requests racing, or
//! another process) moves up instead of landing behind a reader's position. A reader's
//! snapshot therefore holds a prefix of the stream, and a position is just a locator:
//! what is at or below it has been seen, whatever comes later lands above it. The event's
//! `timestamp` is its locator's time, so a time window is a locator range too.

use rusqlite::{params, Connection, OptionalExtension};
use ulid::Ulid;
use webhooks_api::{EventResponse, Locator, TenantLocator};

use crate::db::StoreError;
use crate::store::{json_body, locator_column};
use crate::timestamp;

/// Most events a page holds.
pub const MAX_PAGE_SIZE: u32 = 1000;
/// Events in a page when the caller says nothing.
pub const DEFAULT_PAGE_SIZE: u32 = 100;
/// Most events `events/request/{requestLocator}` returns (the first ones of the request).
pub const MAX_REQUEST_EVENTS: u32 = 1000;

/// Where a reader is in a tenant's stream: it has seen every event up to this locator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position(Ulid);

impl Position {
    /// Before the first event.
    pub const START: Self = Self(Ulid::nil());

    const TOKEN_PREFIX: &'static str = "v1.";

    /// The position after `locator`.
    pub fn after(locator: Locator) -> Self {
        Self(locator.as_ulid())
    }

    /// The `pagingToken` that resumes the stream here. Opaque to clients: a version and the
    /// last locator seen.
    pub fn token(self) -> String {
        format!("{}{}", Self::TOKEN_PREFIX, self.0)
    }

    /// Reads a `pagingToken`; `None` if it is not one this server handed out.
    pub fn from_token(token: &str) -> Option<Self> {
        let locator = token.strip_prefix(Self::TOKEN_PREFIX)?;
        // Only the canonical spelling, so that a token has one form.
        let ulid = Ulid::from_string(locator).ok().filter(|ulid| ulid.to_string() == locator)?;
        Some(Self(ulid))
    }
}

/// What `GET …/events/list` asks for, already validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamQuery {
    /// Continue after this position (the `pagingToken`); none: from the start.
    pub after: Position,
    /// Only events at or after this Unix millisecond (`startTimestamp`, inclusive).
    pub from_ms: Option<u64>,
    /// Only events before this Unix millisecond (`endTimestamp`, exclusive).
    pub until_ms: Option<u64>,
    /// Only events of this exact type.
    pub event_type: Option<String>,
    /// At most this many events (1 to [`MAX_PAGE_SIZE`]).
    pub page_size: u32,
}

impl Default for StreamQuery {
    fn default() -> Self {
        Self { after: Position::START, from_ms: None, until_ms: None, event_type: None, page_size: DEFAULT_PAGE_SIZE }
    }
}

impl StreamQuery {
    /// The locators a page may hold, both ends inclusive; `None` when there are none.
    fn locator_range(&self) -> Option<(Ulid, Ulid)> {
        let after = self.after.0 .0.checked_add(1)?;
        let from = self.from_ms.map_or(0, |ms| Ulid::from_parts(ms, 0).0);
        let to = match self.until_ms {
            Some(ms) => Ulid::from_parts(ms, 0).0.checked_sub(1)?,
            None => u128::MAX,
        };
        let from = after.max(from);
        (from <= to).then_some((Ulid(from), Ulid(to)))
    }
}

/// One page of the stream and the position to continue from.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamPage {
    /// The events, in locator order.
    pub events: Vec<EventResponse>,
    /// After the last event returned; after a page that is not full, the end of the
    /// tenant's stream as this read saw it (no later event can match below it).
    pub position: Position,
}

/// Stores an event at the end of its tenant's stream, inside the caller's write transaction.
///
/// Gives it a locator greater than every one the tenant has (its own, if it already is;
/// else the next one) and the timestamp of that locator.
pub fn append(connection: &Connection, tenant: TenantLocator, event: &mut EventResponse) -> Result<(), StoreError> {
    if let Some(last) = last_locator(connection, tenant)? {
        if event.locator <= last {
            // Carries into the millisecond in the unlikely case the random part is all ones.
            event.locator = Locator::from_ulid(Ulid(last.as_ulid().0.saturating_add(1)));
        }
    }
    event.timestamp = timestamp::format_unix_ms(event.locator.as_ulid().timestamp_ms());
    connection
        .prepare_cached(
            "INSERT INTO events (tenant, locator, event_type, request_id, body) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![
            tenant.to_string(),
            event.locator.to_string(),
            event.kind,
            event.request_id.to_string(),
            serde_json::to_string(event)?
        ])?;
    Ok(())
}

/// The tenant's newest locator; none while its stream is empty.
pub fn last_locator(connection: &Connection, tenant: TenantLocator) -> Result<Option<Locator>, StoreError> {
    Ok(connection
        .prepare_cached("SELECT locator FROM events WHERE tenant = ?1 ORDER BY locator DESC LIMIT 1")?
        .query_row([tenant.to_string()], |row| locator_column(row, 0))
        .optional()?)
}

fn decode(bodies: impl Iterator<Item = rusqlite::Result<String>>) -> Result<Vec<EventResponse>, StoreError> {
    bodies.map(|body| Ok(serde_json::from_str(&body?)?)).collect()
}

/// One page of a tenant's stream.
///
/// The page and the end of the stream are read in one transaction (one snapshot), so the
/// position handed out never passes an event this read did not see.
pub fn list(connection: &Connection, tenant: TenantLocator, query: &StreamQuery) -> Result<StreamPage, StoreError> {
    let snapshot = connection.unchecked_transaction()?;
    let events = match query.locator_range() {
        None => Vec::new(),
        Some((from, to)) => {
            let (tenant, from, to, limit) = (tenant.to_string(), from.to_string(), to.to_string(), query.page_size);
            match &query.event_type {
                None => decode(
                    snapshot
                        .prepare_cached(
                            "SELECT body FROM events WHERE tenant = ?1 AND locator BETWEEN ?2 AND ?3
                             ORDER BY locator LIMIT ?4",
                        )?
                        .query_map(params![tenant, from, to, limit], |row| row.get(0))?,
                )?,
                Some(event_type) => decode(
                    snapshot
                        .prepare_cached(
                            "SELECT body FROM events INDEXED BY events_by_type
                             WHERE tenant = ?1 AND event_type = ?5 AND locator BETWEEN ?2 AND ?3
                             ORDER BY locator LIMIT ?4",
                        )?
                        .query_map(params![tenant, from, to, limit, event_type], |row| row.get(0))?,
                )?,
            }
        }
    };
    let last_returned = events.last().map(|event| Position::after(event.locator));
    let position = match last_returned {
        Some(last) if events.len() as u32 >= query.page_size => last,
        // Not full: nothing else matches up to the end of what this snapshot holds.
        _ => last_locator(&snapshot, tenant)?.map(Position::after).unwrap_or(Position::START).max(query.after),
    };
    snapshot.finish()?;
    Ok(StreamPage { events, position })
}

/// One event of a tenant.
pub fn get(
    connection: &Connection,
    tenant: TenantLocator,
    locator: Locator,
) -> Result<Option<EventResponse>, StoreError> {
    json_body(connection, "SELECT body FROM events WHERE tenant = ?1 AND locator = ?2", tenant, locator)
}

/// The events one request raised in a tenant, in locator order (the first
/// [`MAX_REQUEST_EVENTS`]).
pub fn of_request(
    connection: &Connection,
    tenant: TenantLocator,
    request: Locator,
) -> Result<Vec<EventResponse>, StoreError> {
    decode(
        connection
            .prepare_cached(
                "SELECT body FROM events INDEXED BY events_by_request WHERE tenant = ?1 AND request_id = ?2
                 ORDER BY locator LIMIT ?3",
            )?
            .query_map(params![tenant.to_string(), request.to_string(), MAX_REQUEST_EVENTS], |row| row.get(0))?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;

    fn event(locator: u128, kind: &str) -> EventResponse {
        EventResponse {
            locator: Locator::from_ulid(Ulid(locator)),
            user_locator: uuid::Uuid::nil(),
            request_id: Locator::from_ulid(Ulid(7)),
            timestamp: String::new(),
            kind: kind.into(),
            data: serde_json::Value::Object(serde_json::Map::new()),
        }
    }

    #[test]
    fn tokens_round_trip_and_refuse_anything_else() {
        let position = Position::after("01JD8Z6Q4V3N5K7M9P1R2S3T4V".parse().unwrap());
        assert_eq!(position.token(), "v1.01JD8Z6Q4V3N5K7M9P1R2S3T4V");
        assert_eq!(Position::from_token(&position.token()), Some(position));
        assert_eq!(Position::from_token(&Position::START.token()), Some(Position::START));
        for bad in [
            "",
            "v1.",
            "01JD8Z6Q4V3N5K7M9P1R2S3T4V",
            "v2.01JD8Z6Q4V3N5K7M9P1R2S3T4V",
            "v1.01jd8z6q4v3n5k7m9p1r2s3t4v",
            "v1.01JD8Z6Q4V3N5K7M9P1R2S3T4V ",
        ] {
            assert_eq!(Position::from_token(bad), None, "{bad:?} accepted");
        }
    }

    #[test]
    fn ranges_combine_the_position_and_the_window() {
        let query = |after: u128, from_ms: Option<u64>, until_ms: Option<u64>| StreamQuery {
            after: Position(Ulid(after)),
            from_ms,
            until_ms,
            ..StreamQuery::default()
        };
        let ms = |ms: u64| Ulid::from_parts(ms, 0);
        assert_eq!(query(0, None, None).locator_range(), Some((Ulid(1), Ulid(u128::MAX))));
        assert_eq!(query(0, Some(5), Some(9)).locator_range(), Some((ms(5), Ulid(ms(9).0 - 1))));
        assert_eq!(query(ms(7).0, Some(5), None).locator_range(), Some((Ulid(ms(7).0 + 1), Ulid(u128::MAX))));
        assert_eq!(query(0, Some(5), Some(5)).locator_range(), None, "an empty window");
        assert_eq!(query(0, None, Some(0)).locator_range(), None, "before 1970");
        assert_eq!(query(u128::MAX, None, None).locator_range(), None);
    }

    #[test]
    fn append_keeps_locator_order_in_commit_order() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("s.sqlite3")).unwrap();
        let tenant: TenantLocator = "3f2c8a4e-1b7d-4c1e-9a55-0c6f1e2d3b4a".parse().unwrap();
        let other: TenantLocator = "00000000-0000-4000-8000-000000000001".parse().unwrap();
        let late = Ulid::from_parts(1_000, 5).0;
        db.blocking(|c| {
            let mut first = event(Ulid::from_parts(2_000, 9).0, "a.b");
            append(c, tenant, &mut first)?;
            assert_eq!(first.timestamp, "1970-01-01T00:00:02Z");
            // Minted before `first` but committed after it: it moves up, behind no reader.
            let mut racing = event(late, "a.b");
            append(c, tenant, &mut racing)?;
            assert_eq!(racing.locator.as_ulid(), Ulid::from_parts(2_000, 10));
            assert_eq!(racing.timestamp, first.timestamp);
            // Another tenant's stream is its own.
            let mut elsewhere = event(late, "a.b");
            append(c, other, &mut elsewhere)?;
            assert_eq!(elsewhere.locator.as_ulid(), Ulid(late));
            let page = list(c, tenant, &StreamQuery::default())?;
            assert_eq!(page.events, [first, racing.clone()]);
            assert_eq!(page.position, Position::after(racing.locator));
            Ok(())
        })
        .unwrap();
    }
}
