//! Timestamps as the API writes them: RFC 3339 in UTC.

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Formats a moment as RFC 3339.
pub fn format(moment: OffsetDateTime) -> String {
    moment.format(&Rfc3339).expect("every UTC date-time formats as RFC 3339")
}

/// Now, as RFC 3339.
pub fn now() -> String {
    format(OffsetDateTime::now_utc())
}

/// Now, in Unix milliseconds (the outbox's clock).
pub fn unix_ms_now() -> i64 {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}
