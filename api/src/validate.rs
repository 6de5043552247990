//! Validation shared by the server and the dashboard. Every failure names its field
//! path (`endpoint.headers.X-Foo`) and says what is wrong in words.

use std::collections::BTreeMap;

use crate::{
    CreateWebhookRequest, EndpointResponse, EndpointSecurity, FailureHandlingResponse, Headers, RetryStrategy,
    WebhookResponse,
};

/// Longest name, in characters.
pub const MAX_NAME_CHARS: usize = 255;
/// Longest URL, in characters.
pub const MAX_URL_CHARS: usize = 2048;
/// Most headers on one endpoint.
pub const MAX_HEADERS: usize = 64;
/// Longest header value, in bytes.
pub const MAX_HEADER_VALUE_BYTES: usize = 4096;
/// Longest event type, in characters.
pub const MAX_EVENT_TYPE_CHARS: usize = 255;
/// Retry attempts allowed.
pub const RETRY_ATTEMPTS: std::ops::RangeInclusive<i32> = 1..=10;
/// Retry interval allowed, in milliseconds (1 ms to 1 day).
pub const RETRY_INTERVAL_MS: std::ops::RangeInclusive<i64> = 1..=86_400_000;

/// The fewest characters of a signing secret.
pub const MIN_SECRET_CHARS: usize = 24;
/// The most characters of a signing secret.
pub const MAX_SECRET_CHARS: usize = 256;
/// The most characters of a secret's tag.
pub const MAX_TAG_CHARS: usize = 64;

/// Field path → what is wrong with it. Empty means valid.
#[derive(Debug, Clone, Default, PartialEq, Eq, thiserror::Error)]
#[error("{}", describe(&self.0))]
pub struct ValidationErrors(pub BTreeMap<String, String>);

fn describe(errors: &BTreeMap<String, String>) -> String {
    errors.iter().map(|(path, message)| format!("{path}: {message}")).collect::<Vec<_>>().join("; ")
}

impl ValidationErrors {
    /// Records a failure; the first one for a path is kept.
    pub fn add(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.0.entry(path.into()).or_insert_with(|| message.into());
    }

    /// Records the failure of a check, if it failed.
    pub fn check(&mut self, path: impl Into<String>, result: Result<(), String>) {
        if let Err(message) = result {
            self.add(path, message);
        }
    }

    /// Whether nothing failed.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(value)` when nothing failed, else the failures.
    pub fn into_result<T>(self, value: T) -> Result<T, Self> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

/// A name: not blank, at most 255 characters.
pub fn name(text: &str) -> Result<(), String> {
    if text.trim().is_empty() {
        Err("enter a name".into())
    } else if text.chars().count() > MAX_NAME_CHARS {
        Err(format!("use at most {MAX_NAME_CHARS} characters"))
    } else {
        Ok(())
    }
}

/// An absolute `http` or `https` URL with a host, at most 2048 characters, no spaces.
pub fn url(text: &str) -> Result<(), String> {
    const EXPECTED: &str = "enter an absolute http:// or https:// URL, e.g. https://example.com/hooks";
    if text.chars().count() > MAX_URL_CHARS {
        return Err(format!("use at most {MAX_URL_CHARS} characters"));
    }
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("remove the spaces or control characters".into());
    }
    let Some((scheme, rest)) = text.split_once("://") else {
        return Err(EXPECTED.into());
    };
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return Err(EXPECTED.into());
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    let (host, port) = match host_port.strip_prefix('[') {
        // An IPv6 literal: [::1]:8080
        Some(v6) => match v6.split_once(']') {
            Some((host, after)) => (host, after.strip_prefix(':')),
            None => return Err(EXPECTED.into()),
        },
        None => match host_port.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        },
    };
    let host_ok = !host.is_empty()
        && host.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | ':'))
        && !host.starts_with('.')
        && !host.starts_with('-');
    if !host_ok {
        return Err("the URL needs a host name, e.g. https://example.com/hooks".into());
    }
    match port {
        Some(port) if port.parse::<u16>().map_or(true, |p| p == 0) => {
            Err("the port must be a number from 1 to 65535".into())
        }
        _ => Ok(()),
    }
}

/// A header name: an HTTP token (RFC 9110).
pub fn header_name(text: &str) -> Result<(), String> {
    let token_char = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if text.is_empty() {
        Err("enter a header name".into())
    } else if !text.chars().all(token_char) {
        Err("a header name has only letters, digits and !#$%&'*+-.^_`|~ (no spaces or colons)".into())
    } else {
        Ok(())
    }
}

/// A header value: no CR, LF or NUL, at most 4096 bytes.
pub fn header_value(text: &str) -> Result<(), String> {
    if text.contains(['\r', '\n', '\0']) {
        Err("a header value cannot contain line breaks or NUL".into())
    } else if text.len() > MAX_HEADER_VALUE_BYTES {
        Err(format!("a header value is at most {MAX_HEADER_VALUE_BYTES} bytes"))
    } else {
        Ok(())
    }
}

/// A failure trigger: a status code 100–599, `4xx`, `5xx` or `timeout`.
pub fn trigger(text: &str) -> Result<(), String> {
    let is_status = text.len() == 3 && text.parse::<u16>().is_ok_and(|code| (100..=599).contains(&code));
    if is_status || matches!(text, "4xx" | "5xx" | "timeout") {
        Ok(())
    } else {
        Err(format!("\"{text}\" is not a trigger: use a status code (100–599), 4xx, 5xx or timeout"))
    }
}

/// A retry strategy: attempts 1–10, interval 1 ms to 1 day.
pub fn retry_strategy(strategy: &RetryStrategy, errors: &mut ValidationErrors, path: &str) {
    if !RETRY_ATTEMPTS.contains(&strategy.attempts) {
        errors.add(format!("{path}.attempts"), "attempts must be from 1 to 10");
    }
    if !RETRY_INTERVAL_MS.contains(&strategy.interval) {
        errors.add(format!("{path}.interval"), "the interval must be from 1 ms to 1 day (86400000 ms)");
    }
}

/// An event type: not empty, at most 255 characters, no whitespace.
pub fn event_type(text: &str) -> Result<(), String> {
    if text.is_empty() {
        Err("an event type cannot be empty".into())
    } else if text.chars().count() > MAX_EVENT_TYPE_CHARS {
        Err(format!("an event type is at most {MAX_EVENT_TYPE_CHARS} characters"))
    } else if text.chars().any(char::is_whitespace) {
        Err(format!("\"{text}\" contains whitespace"))
    } else {
        Ok(())
    }
}

/// Checks an endpoint's URL and headers under `path` (`endpoint`, `failureHandling.alertEndpoint`).
pub fn endpoint(url_text: &str, headers: &Headers, errors: &mut ValidationErrors, path: &str) {
    errors.check(format!("{path}.url"), url(url_text));
    if headers.len() > MAX_HEADERS {
        errors.add(format!("{path}.headers"), format!("use at most {MAX_HEADERS} headers"));
    }
    for (name, values) in headers {
        let field = format!("{path}.headers.{name}");
        errors.check(field.clone(), header_name(name));
        for value in values {
            errors.check(field.clone(), header_value(value));
        }
    }
    let mut lowered: Vec<String> = headers.keys().map(|name| name.to_ascii_lowercase()).collect();
    lowered.sort();
    if let Some(pair) = lowered.windows(2).find(|pair| pair[0] == pair[1]) {
        errors.add(format!("{path}.headers"), format!("the header {} is given twice (names ignore case)", pair[0]));
    }
}

/// Checks a signing secret: empty (none), or 24 to 256 visible ASCII characters.
pub fn secret(text: &str) -> Result<(), String> {
    let count = text.chars().count();
    if text.is_empty() {
        Ok(())
    } else if count < MIN_SECRET_CHARS {
        Err(format!("a secret has at least {MIN_SECRET_CHARS} characters: generate one"))
    } else if count > MAX_SECRET_CHARS {
        Err(format!("a secret has at most {MAX_SECRET_CHARS} characters"))
    } else if !text.chars().all(|c| c.is_ascii_graphic()) {
        Err("a secret is made of visible ASCII characters (no spaces)".into())
    } else {
        Ok(())
    }
}

/// Checks a secret's tag: at most 64 characters, none of them a control character.
pub fn tag(text: &str) -> Result<(), String> {
    if text.chars().count() > MAX_TAG_CHARS {
        Err(format!("a tag has at most {MAX_TAG_CHARS} characters"))
    } else if text.chars().any(char::is_control) {
        Err("a tag has no control characters".into())
    } else {
        Ok(())
    }
}

/// Checks an endpoint's signing settings under `path`: signing needs a secret.
pub fn security(security: &EndpointSecurity, errors: &mut ValidationErrors, path: &str) {
    let secret_text = security.secret.as_deref().unwrap_or_default();
    if security.hmac_enabled == Some(true) && secret_text.is_empty() {
        errors.add(format!("{path}.secret"), "signing deliveries needs a secret: generate one");
    } else {
        errors.check(format!("{path}.secret"), secret(secret_text));
    }
    errors.check(format!("{path}.tag"), tag(security.tag.as_deref().unwrap_or_default()));
}

fn each(errors: &mut ValidationErrors, path: &str, items: &[String], check: fn(&str) -> Result<(), String>) {
    for item in items {
        errors.check(path, check(item));
    }
}

/// Checks a failure-handling policy under `failureHandling`.
pub fn failure_handling(policy: &FailureHandlingResponse, errors: &mut ValidationErrors) {
    each(errors, "failureHandling.triggers", &policy.triggers, trigger);
    if let Some(strategy) = &policy.retry_strategy {
        retry_strategy(strategy, errors, "failureHandling.retryStrategy");
    }
    if let Some(alert) = &policy.alert_endpoint {
        endpoint(&alert.url, &alert.headers, errors, "failureHandling.alertEndpoint");
        security(&alert.security, errors, "failureHandling.alertEndpoint");
    }
}

/// Checks a whole webhook (the result of a create or an update).
pub fn webhook(webhook: &WebhookResponse) -> ValidationErrors {
    let mut errors = ValidationErrors::default();
    errors.check("name", name(&webhook.name));
    endpoint(&webhook.endpoint.url, &webhook.endpoint.headers, &mut errors, "endpoint");
    security(&webhook.endpoint.security, &mut errors, "endpoint");
    failure_handling(&webhook.failure_handling, &mut errors);
    each(&mut errors, "eventTypes", &webhook.event_types, event_type);
    errors
}

/// Removes repeated items, keeping the first of each.
pub fn dedup(items: &mut Vec<String>) {
    let mut seen = std::collections::BTreeSet::new();
    items.retain(|item| seen.insert(item.clone()));
}

/// Collapses header names that differ only in case: the spelling and values given last win.
pub fn dedup_headers(headers: Headers) -> Headers {
    let mut by_lowercase: BTreeMap<String, (String, Vec<String>)> = BTreeMap::new();
    for (name, values) in headers {
        by_lowercase.insert(name.to_ascii_lowercase(), (name, values));
    }
    by_lowercase.into_values().collect()
}

fn normalize_endpoint(endpoint: &mut EndpointResponse) {
    endpoint.headers = dedup_headers(std::mem::take(&mut endpoint.headers));
}

/// A webhook with duplicates collapsed: event types, triggers, header names.
pub fn normalize(mut webhook: WebhookResponse) -> WebhookResponse {
    dedup(&mut webhook.event_types);
    dedup(&mut webhook.failure_handling.triggers);
    normalize_endpoint(&mut webhook.endpoint);
    if let Some(alert) = &mut webhook.failure_handling.alert_endpoint {
        normalize_endpoint(alert);
    }
    webhook
}

impl CreateWebhookRequest {
    /// The webhook this request creates, duplicates collapsed, or every field that is wrong.
    pub fn into_valid_webhook(self, locator: crate::Locator) -> Result<WebhookResponse, ValidationErrors> {
        let created = normalize(self.into_response(locator));
        webhook(&created).into_result(created)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(name("Invoices").is_ok());
        assert!(name("   ").is_err());
        assert!(name(&"é".repeat(255)).is_ok());
        assert!(name(&"é".repeat(256)).is_err());
    }

    #[test]
    fn urls() {
        for good in [
            "https://example.com",
            "http://127.0.0.1:8080/hook?x=1#f",
            "HTTPS://Example.com/a/b",
            "https://user:pw@host.example/p",
            "http://[::1]:9000/x",
            "https://bücher.example/",
        ] {
            assert_eq!(url(good), Ok(()), "{good}");
        }
        for bad in [
            "",
            "example.com",
            "ftp://example.com",
            "https://",
            "https:///path",
            "https://exa mple.com",
            "https://example.com:99999/",
            "https://example.com:0/",
            "https://example.com:port/",
            "javascript://alert(1)",
        ] {
            assert!(url(bad).is_err(), "{bad} accepted");
        }
        assert!(url(&format!("https://e.com/{}", "a".repeat(2048 - 14))).is_ok());
        assert!(url(&format!("https://e.com/{}", "a".repeat(2048 - 13))).is_err());
    }

    #[test]
    fn headers() {
        assert!(header_name("X-Api-Key").is_ok());
        for bad in ["", "X Key", "X-Key:", "Ключ"] {
            assert!(header_name(bad).is_err(), "{bad} accepted");
        }
        assert!(header_value("Bearer abc").is_ok());
        for bad in ["a\r\nb", "a\nb", "a\0b"] {
            assert!(header_value(bad).is_err());
        }
        assert!(header_value(&"v".repeat(4096)).is_ok());
        assert!(header_value(&"v".repeat(4097)).is_err());
    }

    #[test]
    fn triggers() {
        for good in ["4xx", "5xx", "timeout", "100", "404", "599"] {
            assert_eq!(trigger(good), Ok(()), "{good}");
        }
        for bad in ["", "3xx", "5XX", "99", "600", "0404", "timeouts", "+50"] {
            assert!(trigger(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn event_types() {
        assert!(event_type("policy.change.issue").is_ok());
        assert!(event_type("").is_err());
        assert!(event_type("a b").is_err());
        assert!(event_type(&"a".repeat(256)).is_err());
    }

    #[test]
    fn signing_needs_a_long_enough_secret_and_a_short_tag() {
        let path = "failureHandling.alertEndpoint";
        let check = |hmac: Option<bool>, secret_text: Option<&str>, tag_text: Option<&str>| {
            let settings = EndpointSecurity {
                hmac_enabled: hmac,
                secret: secret_text.map(str::to_owned),
                tag: tag_text.map(str::to_owned),
                secure_ssl: None,
            };
            let mut errors = ValidationErrors::default();
            security(&settings, &mut errors, path);
            errors.0.into_keys().collect::<Vec<_>>()
        };
        let long = "a".repeat(MIN_SECRET_CHARS);
        assert!(check(Some(true), Some(&long), Some("2026-11-30")).is_empty());
        assert!(check(None, None, None).is_empty(), "nothing set: nothing to say");
        assert!(check(Some(false), Some(""), None).is_empty(), "no signing, no secret");
        assert_eq!(check(Some(true), None, None), [format!("{path}.secret")], "signing without a secret");
        assert_eq!(check(Some(true), Some(""), None), [format!("{path}.secret")]);
        assert_eq!(check(None, Some(&long[1..]), None), [format!("{path}.secret")], "23 characters");
        assert_eq!(check(None, Some(&format!("{long} x")), None), [format!("{path}.secret")], "a space");
        assert!(secret(&"a".repeat(MAX_SECRET_CHARS)).is_ok());
        assert!(secret(&"a".repeat(MAX_SECRET_CHARS + 1)).is_err());
        assert!(tag(&"t".repeat(MAX_TAG_CHARS)).is_ok());
        assert_eq!(check(None, None, Some(&"t".repeat(MAX_TAG_CHARS + 1))), [format!("{path}.tag")]);
        assert_eq!(check(None, None, Some("a\nb")), [format!("{path}.tag")]);
    }

    #[test]
    fn whole_webhook_names_every_failing_field() {
        let mut webhook: WebhookResponse = serde_json::from_value(serde_json::json!({
            "locator": "01JD8Z6Q4V3N5K7M9P1R2S3T4V", "name": " ", "enabled": true,
            "endpoint": {"url": "nope", "headers": {"X-Foo": ["a\nb"], "Bad Name": ["v"]}},
            "failureHandling": {"triggers": ["7xx"], "retryStrategy": {"type": "linear", "interval": 0, "attempts": 11},
                "alertEndpoint": {"url": "https://alerts.example.com", "headers": {"x-a": ["1"], "X-A": ["2"]}},
                "divert": false, "suspend": false},
            "suspended": false, "eventTypes": ["ok.type", "bad type"]
        }))
        .unwrap();
        let errors = super::webhook(&webhook);
        let paths: Vec<&str> = errors.0.keys().map(String::as_str).collect();
        assert_eq!(
            paths,
            [
                "endpoint.headers.Bad Name",
                "endpoint.headers.X-Foo",
                "endpoint.url",
                "eventTypes",
                "failureHandling.alertEndpoint.headers",
                "failureHandling.retryStrategy.attempts",
                "failureHandling.retryStrategy.interval",
                "failureHandling.triggers",
                "name",
            ]
        );
        webhook.failure_handling.alert_endpoint = None;
        assert!(!super::webhook(&webhook).0.contains_key("failureHandling.alertEndpoint.headers"));
    }

    #[test]
    fn too_many_headers() {
        let headers: Headers = (0..65).map(|i| (format!("X-{i}"), vec!["v".to_owned()])).collect();
        let mut errors = ValidationErrors::default();
        endpoint("https://e.com", &headers, &mut errors, "endpoint");
        assert_eq!(errors.0["endpoint.headers"], "use at most 64 headers");
    }

    #[test]
    fn duplicates_collapse() {
        let request: CreateWebhookRequest = serde_json::from_value(serde_json::json!({
            "name": "n", "endpoint": {"url": "https://e.com", "headers": {"x-key": ["1"], "X-Key": ["2"]}},
            "failureHandling": {"triggers": ["5xx", "5xx", "timeout"]},
            "eventTypes": ["a.b", "a.b", "c.d"]
        }))
        .unwrap();
        let webhook = request.into_valid_webhook("01JD8Z6Q4V3N5K7M9P1R2S3T4V".parse().unwrap()).unwrap();
        assert_eq!(webhook.event_types, ["a.b", "c.d"]);
        assert_eq!(webhook.failure_handling.triggers, ["5xx", "timeout"]);
        assert_eq!(webhook.endpoint.headers.len(), 1);
    }
}
