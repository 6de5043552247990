//! How values read in the table: relative times, URL parts, the failure policy in brief.

use webhooks_api::FailureHandlingResponse;

/// "just now", "5 minutes ago", "3 hours ago", "2 days ago" from two Unix-millisecond times.
pub fn relative_time(then_ms: f64, now_ms: f64) -> String {
    let seconds = ((now_ms - then_ms) / 1000.0).max(0.0) as u64;
    let (amount, unit) = match seconds {
        0..=59 => return "just now".to_owned(),
        60..=3_599 => (seconds / 60, "minute"),
        3_600..=86_399 => (seconds / 3_600, "hour"),
        _ => (seconds / 86_400, "day"),
    };
    format!("{amount} {unit}{} ago", if amount == 1 { "" } else { "s" })
}

/// An endpoint URL cut into what comes before the host, the host, and the rest.
pub fn url_parts(url: &str) -> (&str, &str, &str) {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else { return ("", url, "") };
    let rest = &url[scheme_end..];
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    (&url[..scheme_end], &rest[..host_end], &rest[host_end..])
}

/// The policy in a few words: "3× exponential, divert, suspend", "no retry, alert".
pub fn failure_summary(policy: &FailureHandlingResponse) -> String {
    let mut parts = vec![match &policy.retry_strategy {
        Some(strategy) => format!("{}× {}", strategy.attempts, strategy.kind.as_str()),
        None => "no retry".to_owned(),
    }];
    if policy.divert {
        parts.push("divert".to_owned());
    }
    if policy.suspend {
        parts.push("suspend".to_owned());
    }
    if policy.alert_endpoint.is_some() {
        parts.push("alert".to_owned());
    }
    parts.join(", ")
}

/// Unix milliseconds of an RFC 3339 time, as the browser reads it.
pub fn parse_time_ms(rfc3339: &str) -> Option<f64> {
    let ms = js_sys::Date::parse(rfc3339);
    (!ms.is_nan()).then_some(ms)
}

/// JSON text indented by the browser (keeps serde_json's pretty printer out of the wasm);
/// the text as it was if it is not JSON.
pub fn pretty_json(compact: &str) -> String {
    js_sys::JSON::parse(compact)
        .ok()
        .and_then(|parsed| {
            js_sys::JSON::stringify_with_replacer_and_space(&parsed, &wasm_bindgen::JsValue::NULL, &2.into()).ok()
        })
        .and_then(|text| text.as_string())
        .unwrap_or_else(|| compact.to_owned())
}

/// How long ago an RFC 3339 time was, in words ("3 minutes ago"); `None` if unreadable.
pub fn time_ago(rfc3339: &str) -> Option<String> {
    parse_time_ms(rfc3339).map(|ms| relative_time(ms, now_ms()))
}

/// An RFC 3339 time in the browser's locale and time zone (the text as it was if unreadable).
pub fn absolute_time(rfc3339: &str) -> String {
    match parse_time_ms(rfc3339) {
        Some(ms) => js_sys::Date::new(&ms.into()).to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED).into(),
        None => rfc3339.to_owned(),
    }
}

/// An RFC 3339 UTC time (`2026-11-30T09:00:00.000Z`) of Unix milliseconds.
pub fn iso_time(ms: f64) -> String {
    js_sys::Date::new(&ms.into()).to_iso_string().into()
}

/// The value of a `datetime-local` input (`2026-11-30T10:00`, the browser's time zone) for
/// an RFC 3339 time; empty when it does not read.
pub fn local_input_value(rfc3339: &str) -> String {
    let Some(ms) = parse_time_ms(rfc3339) else { return String::new() };
    let date = js_sys::Date::new(&ms.into());
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        date.get_full_year(),
        date.get_month() + 1,
        date.get_date(),
        date.get_hours(),
        date.get_minutes()
    )
}

/// The RFC 3339 UTC time of a `datetime-local` input's value (read in the browser's time
/// zone); `None` when it does not read.
pub fn from_local_input(value: &str) -> Option<String> {
    parse_time_ms(value).map(iso_time)
}

/// Today's date in the browser's time zone, `2026-11-30`.
pub fn today() -> String {
    let date = js_sys::Date::new_0();
    format!("{:04}-{:02}-{:02}", date.get_full_year(), date.get_month() + 1, date.get_date())
}

/// Now, in Unix milliseconds.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// A duration in milliseconds, read the short way: "500 ms", "1 s", "1.5 s", "2 min", "1 h", "1 day".
pub fn duration_words(ms: i64) -> String {
    const UNITS: [(i64, &str); 4] = [(86_400_000, "day"), (3_600_000, "h"), (60_000, "min"), (1_000, "s")];
    for (size, unit) in UNITS {
        if ms >= size {
            let whole = ms / size;
            let tenths = (ms % size) * 10 / size;
            let amount = if tenths == 0 { whole.to_string() } else { format!("{whole}.{tenths}") };
            let plural = if unit == "day" && amount != "1" { "s" } else { "" };
            return format!("{amount} {unit}{plural}");
        }
    }
    format!("{ms} ms")
}

#[cfg(test)]
mod tests {
    use super::*;
    use webhooks_api::{EndpointResponse, RetryStrategy, RetryType};

    #[test]
    fn relative_times() {
        let now = 1_000_000_000_000.0;
        assert_eq!(relative_time(now - 10_000.0, now), "just now");
        assert_eq!(relative_time(now + 10_000.0, now), "just now");
        assert_eq!(relative_time(now - 60_000.0, now), "1 minute ago");
        assert_eq!(relative_time(now - 5.0 * 3_600_000.0, now), "5 hours ago");
        assert_eq!(relative_time(now - 86_400_000.0, now), "1 day ago");
        assert_eq!(relative_time(now - 9.0 * 86_400_000.0, now), "9 days ago");
    }

    #[test]
    fn url_parts_emphasise_the_host() {
        assert_eq!(url_parts("https://erp.example.com/a/b?c"), ("https://", "erp.example.com", "/a/b?c"));
        assert_eq!(url_parts("http://127.0.0.1:8080"), ("http://", "127.0.0.1:8080", ""));
        assert_eq!(url_parts("no-scheme"), ("", "no-scheme", ""));
    }

    #[test]
    fn failure_summaries() {
        let mut policy = FailureHandlingResponse::default();
        assert_eq!(failure_summary(&policy), "no retry");
        policy.retry_strategy = Some(RetryStrategy { kind: RetryType::Exponential, interval: 1000, attempts: 3 });
        policy.divert = true;
        policy.suspend = true;
        assert_eq!(failure_summary(&policy), "3× exponential, divert, suspend");
        policy.retry_strategy = None;
        policy.alert_endpoint = Some(EndpointResponse {
            url: "https://a.example".into(),
            headers: Default::default(),
            security: Default::default(),
        });
        assert_eq!(failure_summary(&policy), "no retry, divert, suspend, alert");
    }

    #[test]
    fn durations_the_short_way() {
        assert_eq!(duration_words(250), "250 ms");
        assert_eq!(duration_words(120_000), "2 min");
        assert_eq!(duration_words(5_400_000), "1.5 h");
        assert_eq!(duration_words(86_400_000), "1 day");
        assert_eq!(duration_words(172_800_000), "2 days");
    }
}
