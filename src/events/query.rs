//! The Events page's plain logic: the time window and event type ⇄ URL ⇄ API query, the
//! chart's buckets, and an event's `data` in one line. Tested natively.

use std::collections::BTreeMap;

use serde_json::Value;
use webhooks_api::event_data::{data_schema, describe_field};
use webhooks_api::WebhookResponse;

use crate::shared::routes::query_string;

/// Events asked for per page (the API's default).
pub const EVENTS_PAGE_SIZE: u32 = 100;

const MINUTE_MS: f64 = 60_000.0;
const HOUR_MS: f64 = 60.0 * MINUTE_MS;

/// A time window ending now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// The last 15 minutes.
    Minutes15,
    /// The last hour.
    Hour,
    /// The last 24 hours.
    Day,
    /// The last 7 days.
    Week,
}

impl Preset {
    /// Every preset, shortest first.
    pub const ALL: [Self; 4] = [Self::Minutes15, Self::Hour, Self::Day, Self::Week];

    /// Its value in the URL (`?window=`).
    pub fn key(self) -> &'static str {
        match self {
            Self::Minutes15 => "15m",
            Self::Hour => "1h",
            Self::Day => "24h",
            Self::Week => "7d",
        }
    }

    /// Its label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Minutes15 => "Last 15 minutes",
            Self::Hour => "Last hour",
            Self::Day => "Last 24 hours",
            Self::Week => "Last 7 days",
        }
    }

    /// How long it is, in milliseconds.
    pub fn duration_ms(self) -> f64 {
        match self {
            Self::Minutes15 => 15.0 * MINUTE_MS,
            Self::Hour => HOUR_MS,
            Self::Day => 24.0 * HOUR_MS,
            Self::Week => 7.0 * 24.0 * HOUR_MS,
        }
    }

    /// The chart's bucket for it: about 12 to 28 bars.
    fn bucket_ms(self) -> f64 {
        match self {
            Self::Minutes15 => MINUTE_MS,
            Self::Hour => 5.0 * MINUTE_MS,
            Self::Day => HOUR_MS,
            Self::Week => 6.0 * HOUR_MS,
        }
    }

    /// The preset whose `key` this is.
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|preset| preset.key() == key)
    }
}

/// The value of `?window=` for a custom range.
pub const CUSTOM_WINDOW: &str = "custom";

/// Which events the page shows, by time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimeWindow {
    /// From a while ago on, including what comes later.
    Last(Preset),
    /// From `from` (inclusive) to `to` (exclusive), RFC 3339 as given; an empty one is open.
    Between {
        /// The start, e.g. `2026-11-30T09:00:00Z`.
        from: String,
        /// The end.
        to: String,
    },
}

/// What the Events page shows: a time window and, optionally, one event type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventsView {
    /// The time window.
    pub window: TimeWindow,
    /// Only this event type.
    pub event_type: Option<String>,
}

impl Default for EventsView {
    fn default() -> Self {
        Self { window: TimeWindow::Last(Preset::Hour), event_type: None }
    }
}

impl EventsView {
    /// Reads the URL query (`window`, `from`, `to`, `type`); unknown windows read as the default.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        let window = match get("window").as_deref() {
            Some(CUSTOM_WINDOW) => TimeWindow::Between {
                from: get("from").unwrap_or_default().trim().to_owned(),
                to: get("to").unwrap_or_default().trim().to_owned(),
            },
            Some(key) => Preset::from_key(key).map_or(Self::default().window, TimeWindow::Last),
            None => Self::default().window,
        };
        let event_type = get("type").map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
        Self { window, event_type }
    }

    /// The last 7 days of one event type (where a type's "recent events" link goes).
    pub fn recent(event_type: &str) -> Self {
        Self { window: TimeWindow::Last(Preset::Week), event_type: Some(event_type.to_owned()) }
    }

    /// The URL query for this view (defaults left out), with its leading `?` when not empty.
    pub fn to_query(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        match &self.window {
            TimeWindow::Last(preset) if TimeWindow::Last(*preset) == Self::default().window => {}
            TimeWindow::Last(preset) => pairs.push(("window", preset.key().to_owned())),
            TimeWindow::Between { from, to } => {
                pairs.push(("window", CUSTOM_WINDOW.to_owned()));
                pairs.extend([("from", from.clone()), ("to", to.clone())].into_iter().filter(|(_, v)| !v.is_empty()));
            }
        }
        if let Some(event_type) = &self.event_type {
            pairs.push(("type", event_type.clone()));
        }
        query_string(&pairs)
    }

    /// The API's query for the first page, at `now_ms`; `rfc3339` writes a time the API reads.
    pub fn api_query(&self, now_ms: f64, rfc3339: impl Fn(f64) -> String) -> Vec<(&'static str, String)> {
        let (from, to) = match &self.window {
            TimeWindow::Last(preset) => (rfc3339(now_ms - preset.duration_ms()), String::new()),
            TimeWindow::Between { from, to } => (from.clone(), to.clone()),
        };
        let mut query: Vec<(&'static str, String)> =
            [("startTimestamp", from), ("endTimestamp", to)].into_iter().filter(|(_, v)| !v.is_empty()).collect();
        if let Some(event_type) = &self.event_type {
            query.push(("type", event_type.clone()));
        }
        query.push(("pageSize", EVENTS_PAGE_SIZE.to_string()));
        query
    }

    /// Whether events raised from now on belong to the window (a live tail can show them).
    pub fn is_open_ended(&self) -> bool {
        match &self.window {
            TimeWindow::Last(_) => true,
            TimeWindow::Between { to, .. } => to.is_empty(),
        }
    }

    /// The chart's span and bucket at `now_ms`: a preset's bucket, or 24 equal buckets;
    /// `parse` reads an RFC 3339 time. `None` when a custom bound does not read.
    pub fn chart_span(&self, now_ms: f64, parse: impl Fn(&str) -> Option<f64>) -> Option<ChartSpan> {
        match &self.window {
            TimeWindow::Last(preset) => Some(ChartSpan {
                start_ms: now_ms - preset.duration_ms(),
                end_ms: now_ms,
                bucket_ms: preset.bucket_ms(),
            }),
            TimeWindow::Between { from, to } => {
                let start_ms = parse(from)?;
                let end_ms = if to.is_empty() { now_ms } else { parse(to)? };
                (end_ms > start_ms).then(|| ChartSpan { start_ms, end_ms, bucket_ms: (end_ms - start_ms) / 24.0 })
            }
        }
    }
}

/// The time a chart spans, cut in buckets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChartSpan {
    /// Where the first bucket starts (Unix ms).
    pub start_ms: f64,
    /// Where the last bucket ends.
    pub end_ms: f64,
    /// How long a bucket is.
    pub bucket_ms: f64,
}

/// One bar of the chart: when it starts, and its events per service.
#[derive(Debug, Clone, PartialEq)]
pub struct Bucket {
    /// Its start (Unix ms).
    pub start_ms: f64,
    /// How many events each service raised in it, in the order of `services`.
    pub counts: Vec<usize>,
}

/// The chart of some events: the services found (sorted) and a bucket per bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// The services, e.g. `billing`, `policy`.
    pub services: Vec<String>,
    /// The bars, oldest first.
    pub buckets: Vec<Bucket>,
    /// How many events it counts (those inside the span).
    pub counted: usize,
}

impl Chart {
    /// The tallest bar's total.
    pub fn max_total(&self) -> usize {
        self.buckets.iter().map(|b| b.counts.iter().sum::<usize>()).max().unwrap_or(0)
    }
}

/// The service that raises an event type: its first part (`policy.change.issue` → `policy`).
pub fn service_of(event_type: &str) -> &str {
    event_type.split('.').next().unwrap_or(event_type)
}

/// Counts `events` (time in Unix ms, type) per bucket of `span` and per service.
pub fn chart(span: ChartSpan, events: &[(f64, &str)]) -> Chart {
    let bucket_count = ((span.end_ms - span.start_ms) / span.bucket_ms).ceil().clamp(1.0, 500.0) as usize;
    let inside: Vec<(usize, &str)> = events
        .iter()
        .filter(|(at, _)| *at >= span.start_ms && *at < span.end_ms)
        .map(|(at, kind)| ((((at - span.start_ms) / span.bucket_ms) as usize).min(bucket_count - 1), service_of(kind)))
        .collect();
    let mut services: Vec<String> = inside.iter().map(|(_, service)| (*service).to_owned()).collect();
    services.sort();
    services.dedup();
    let mut buckets: Vec<Bucket> = (0..bucket_count)
        .map(|i| Bucket { start_ms: span.start_ms + i as f64 * span.bucket_ms, counts: vec![0; services.len()] })
        .collect();
    for (bucket, service) in &inside {
        if let Ok(column) = services.binary_search_by(|s| s.as_str().cmp(service)) {
            buckets[*bucket].counts[column] += 1;
        }
    }
    Chart { services, buckets, counted: inside.len() }
}

/// How the live tail is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TailStatus {
    /// Not polling.
    Off,
    /// Polling every [`TAIL_INTERVAL_SECONDS`].
    Live,
    /// Not polling while the tab is hidden.
    Paused,
    /// The last poll failed; trying again in this many seconds.
    Reconnecting(u32),
    /// The API asked to wait this many seconds (429 with `Retry-After`).
    Waiting(u32),
}

/// Seconds between two polls of the live tail.
pub const TAIL_INTERVAL_SECONDS: u32 = 3;

/// Seconds before the `failures`-th attempt to reconnect: 3, 6, 12, 24, then 30.
pub fn reconnect_delay(failures: u32) -> u32 {
    (TAIL_INTERVAL_SECONDS << failures.saturating_sub(1).min(4)).min(30)
}

impl TailStatus {
    /// What the page says about it.
    pub fn describe(self) -> String {
        match self {
            Self::Off => "Live tail is off.".to_owned(),
            Self::Live => format!("Live: new events appear every {TAIL_INTERVAL_SECONDS} s."),
            Self::Paused => "Live tail paused while this tab is hidden.".to_owned(),
            Self::Reconnecting(seconds) => format!("Connection lost: reconnecting in {seconds} s…"),
            Self::Waiting(seconds) => format!("The API asked to slow down: polling again in {seconds} s."),
        }
    }
}

/// An event's `data` in one line of at most `max` characters: `key: value` pairs of an
/// object (nested values as compact JSON), or any other value as compact JSON.
pub fn summarize_data(data: &Value, max: usize) -> String {
    let text = match data {
        Value::Object(fields) if fields.is_empty() => "(no data)".to_owned(),
        Value::Object(fields) => fields
            .iter()
            .map(|(key, value)| match value {
                Value::String(text) => format!("{key}: {text}"),
                other => format!("{key}: {other}"),
            })
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    };
    if text.chars().count() <= max {
        text
    } else {
        let cut: String = text.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

/// The webhooks that receive each event type (by name, in list order).
pub fn receivers(webhooks: &[WebhookResponse]) -> BTreeMap<String, Vec<&WebhookResponse>> {
    let mut by_type: BTreeMap<String, Vec<&WebhookResponse>> = BTreeMap::new();
    for webhook in webhooks {
        for event_type in &webhook.event_types {
            by_type.entry(event_type.clone()).or_default().push(webhook);
        }
    }
    by_type
}

/// One field of an event's `data`: its name, its value in words, and what it means when
/// EC's schema of the type names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldRow {
    /// The field's name, e.g. `policyLocator`.
    pub name: String,
    /// Its value in words (`—` when absent).
    pub value: String,
    /// What it means, from the schema of the event's type.
    pub meaning: Option<String>,
}

/// The fields of an event's `data`: those of its type's schema first (in the schema's
/// order, absent ones too), then any others it carries. Empty when `data` is not an object.
pub fn data_fields(event_type: &str, data: &Value) -> Vec<FieldRow> {
    let Value::Object(object) = data else { return Vec::new() };
    let schema = data_schema(event_type).map(|schema| schema.fields).unwrap_or_default();
    let known = schema.iter().map(|(name, format)| FieldRow {
        name: (*name).to_owned(),
        value: object.get(*name).map_or_else(|| "—".to_owned(), value_in_words),
        meaning: Some(describe_field(name, *format)),
    });
    let others = object
        .iter()
        .filter(|(name, _)| !schema.iter().any(|(known, _)| known == name))
        .map(|(name, value)| FieldRow { name: name.clone(), value: value_in_words(value), meaning: None });
    known.chain(others).collect()
}

/// A value of `data` in words: text as it is, a paged list as its items, the rest as JSON.
fn value_in_words(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Object(list) if list.contains_key("items") => {
            let items: Vec<String> = match &list["items"] {
                Value::Array(items) => items.iter().map(value_in_words).collect(),
                other => vec![other.to_string()],
            };
            let complete = list.get("listCompleted").and_then(Value::as_bool).unwrap_or(true);
            let listed = if items.is_empty() { "none".to_owned() } else { items.join(", ") };
            if complete {
                listed
            } else {
                format!("{listed} (and more, not listed)")
            }
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn view(query: &[(&str, &str)]) -> EventsView {
        EventsView::from_query(|key| query.iter().find(|(k, _)| *k == key).map(|(_, v)| (*v).to_owned()))
    }

    #[test]
    fn the_url_holds_the_window_and_the_type() {
        assert_eq!(view(&[]), EventsView::default());
        assert_eq!(EventsView::default().to_query(), "");
        let day = view(&[("window", "24h"), ("type", "policy.change.issue")]);
        assert_eq!(day.window, TimeWindow::Last(Preset::Day));
        assert_eq!(day.to_query(), "?window=24h&type=policy.change.issue");
        let custom = view(&[("window", "custom"), ("from", " 2026-11-30T09:00:00Z "), ("to", "")]);
        assert_eq!(custom.window, TimeWindow::Between { from: "2026-11-30T09:00:00Z".into(), to: String::new() });
        assert_eq!(custom.to_query(), "?window=custom&from=2026-11-30T09%3A00%3A00Z");
        assert_eq!(view(&[("window", "3y")]).window, TimeWindow::Last(Preset::Hour), "unknown: the default");
        assert_eq!(EventsView::recent("a.b c").to_query(), "?window=7d&type=a.b%20c");
        for original in [day, custom] {
            let query = original.to_query();
            let pairs: Vec<(String, String)> = query
                .trim_start_matches('?')
                .split('&')
                .map(|pair| pair.split_once('=').unwrap())
                .map(|(k, v)| (k.to_owned(), v.replace("%3A", ":")))
                .collect();
            let read = EventsView::from_query(|key| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()));
            assert_eq!(read, original);
        }
    }

    #[test]
    fn the_api_query_opens_a_preset_at_its_start_and_passes_a_range_through() {
        let iso = |ms: f64| format!("t{ms}");
        let hour = view(&[("type", "billing.invoice.generate")]);
        assert_eq!(
            hour.api_query(10.0 * HOUR_MS, iso),
            [
                ("startTimestamp", format!("t{}", 9.0 * HOUR_MS)),
                ("type", "billing.invoice.generate".to_owned()),
                ("pageSize", "100".to_owned()),
            ]
        );
        assert!(hour.is_open_ended());
        let range = view(&[("window", "custom"), ("from", "a"), ("to", "b")]);
        assert_eq!(
            range.api_query(0.0, iso),
            [("startTimestamp", "a".to_owned()), ("endTimestamp", "b".to_owned()), ("pageSize", "100".to_owned())]
        );
        assert!(!range.is_open_ended());
    }

    #[test]
    fn the_chart_counts_per_bucket_and_service_inside_its_span() {
        let span = ChartSpan { start_ms: 0.0, end_ms: 60.0, bucket_ms: 20.0 };
        let events = [
            (0.0, "policy.change.issue"),
            (5.0, "billing.invoice.generate"),
            (25.0, "policy.change.issue"),
            (59.9, "policy.renewal.issue"),
            (60.0, "policy.change.issue"),
            (-1.0, "claim.fnol.create"),
        ];
        let chart = chart(span, &events);
        assert_eq!(chart.services, ["billing", "policy"]);
        assert_eq!(chart.counted, 4, "the end is exclusive, the start inclusive");
        let counts: Vec<Vec<usize>> = chart.buckets.iter().map(|b| b.counts.clone()).collect();
        assert_eq!(counts, [vec![1, 1], vec![0, 1], vec![0, 1]]);
        assert_eq!(chart.buckets[1].start_ms, 20.0);
        assert_eq!(chart.max_total(), 2);
        let empty = super::chart(span, &[]);
        assert_eq!((empty.counted, empty.buckets.len(), empty.max_total()), (0, 3, 0));
    }

    #[test]
    fn a_custom_span_is_cut_in_24() {
        let parse = |text: &str| text.parse::<f64>().ok();
        let range = view(&[("window", "custom"), ("from", "0"), ("to", "2400")]);
        assert_eq!(range.chart_span(0.0, parse), Some(ChartSpan { start_ms: 0.0, end_ms: 2400.0, bucket_ms: 100.0 }));
        assert_eq!(view(&[("window", "custom"), ("from", "x")]).chart_span(0.0, parse), None);
        assert_eq!(view(&[("window", "custom"), ("from", "5"), ("to", "1")]).chart_span(0.0, parse), None);
    }

    #[test]
    fn data_in_one_line() {
        let data = json!({"policyLocator": "01JD8Z6Q4V3N5K7M9P1R2S3T4V", "policyLocators": {"items": ["a"], "listCompleted": true}});
        assert_eq!(
            summarize_data(&data, 200),
            r#"policyLocator: 01JD8Z6Q4V3N5K7M9P1R2S3T4V, policyLocators: {"items":["a"],"listCompleted":true}"#
        );
        assert_eq!(summarize_data(&data, 20), "policyLocator: 01JD…");
        assert_eq!(summarize_data(&json!({}), 20), "(no data)");
        assert_eq!(summarize_data(&json!([1, 2]), 20), "[1,2]", "not an object: shown as it is");
        assert_eq!(summarize_data(&json!("text"), 20), "\"text\"");
        assert_eq!(summarize_data(&Value::Null, 20), "null");
    }

    #[test]
    fn reconnecting_backs_off_to_half_a_minute() {
        assert_eq!((1..=7).map(reconnect_delay).collect::<Vec<_>>(), [3, 6, 12, 24, 30, 30, 30]);
        assert!(TailStatus::Reconnecting(6).describe().contains("reconnecting in 6 s"));
    }

    #[test]
    fn data_fields_follow_the_schema_then_the_rest() {
        let data = json!({
            "transactionLocator": "01JD8Z6Q4V3N5K7M9P1R2S3T4V",
            "extra": 3,
        });
        let rows = data_fields("policy.change.issue", &data);
        let named: Vec<(&str, &str, bool)> =
            rows.iter().map(|r| (r.name.as_str(), r.value.as_str(), r.meaning.is_some())).collect();
        assert_eq!(
            named,
            [
                ("policyLocator", "—", true),
                ("transactionLocator", "01JD8Z6Q4V3N5K7M9P1R2S3T4V", true),
                ("extra", "3", false)
            ]
        );
        assert_eq!(rows[0].meaning.as_deref(), Some("the policy's locator (ULID)"));
        let list = json!({"policyLocators": {"items": ["a", "b"], "listCompleted": false}});
        let rows = data_fields("billing.delinquency.create", &list);
        assert!(rows.iter().any(|r| r.name == "policyLocators" && r.value == "a, b (and more, not listed)"));
        assert_eq!(data_fields("custom.type", &json!({"k": true}))[0].value, "true", "a type outside the catalog");
        assert!(data_fields("policy.change.issue", &json!([1])).is_empty(), "not an object: no rows");
    }

    #[test]
    fn receivers_by_type() {
        let webhook = |name: &str, types: &[&str]| -> WebhookResponse {
            serde_json::from_value(json!({
                "locator": "01JD8Z6Q4V3N5K7M9P1R2S3T4V", "name": name, "enabled": true,
                "endpoint": {"url": "https://e.example.com/", "headers": {}},
                "failureHandling": {"triggers": [], "divert": false, "suspend": false},
                "suspended": false, "suspendedAt": null, "eventTypes": types
            }))
            .unwrap()
        };
        let webhooks = [webhook("A", &["a.x", "b.y"]), webhook("B", &["a.x"]), webhook("C", &[])];
        let by_type = receivers(&webhooks);
        let names = |t: &str| by_type[t].iter().map(|w| w.name.as_str()).collect::<Vec<_>>();
        assert_eq!(names("a.x"), ["A", "B"]);
        assert_eq!(names("b.y"), ["A"]);
        assert_eq!(by_type.len(), 2);
    }

    #[test]
    fn the_service_is_the_first_part_of_the_type() {
        assert_eq!(service_of("policy.change.issue"), "policy");
        assert_eq!(service_of("custom"), "custom");
    }
}
