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

/// A moment given in Unix milliseconds (a ULID's time), as RFC 3339.
pub fn format_unix_ms(ms: u64) -> String {
    let moment = OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .expect("a ULID's 48-bit millisecond time is a valid date-time");
    format(moment)
}

/// Parses an RFC 3339 date-time (an offset is required; any offset is accepted).
pub fn parse(text: &str) -> Result<OffsetDateTime, time::error::Parse> {
    OffsetDateTime::parse(text, &Rfc3339)
}

/// The first whole Unix millisecond at or after `moment` (0 for moments before 1970).
///
/// Timestamps of events are whole milliseconds, so `t >= moment` ⟺ `t >= ceil_unix_ms(moment)`.
pub fn ceil_unix_ms(moment: OffsetDateTime) -> u64 {
    let ms = moment.unix_timestamp_nanos().div_euclid(1_000_000)
        + i128::from(moment.unix_timestamp_nanos().rem_euclid(1_000_000) != 0);
    u64::try_from(ms.max(0)).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn milliseconds_round_up_and_clamp_at_the_epoch() {
        let at = |text: &str| ceil_unix_ms(parse(text).unwrap());
        assert_eq!(at("1970-01-01T00:00:00Z"), 0);
        assert_eq!(at("1970-01-01T00:00:00.001Z"), 1);
        assert_eq!(at("1970-01-01T00:00:00.0011Z"), 2);
        assert_eq!(at("1970-01-01T01:00:00.5+01:00"), 500);
        assert_eq!(at("1969-12-31T23:59:59.9995Z"), 0);
        assert_eq!(format_unix_ms(1_500), "1970-01-01T00:00:01.5Z");
        assert!(parse("2026-11-27T10:00:00").is_err(), "an offset is required");
        assert!(parse("yesterday").is_err());
    }
}
