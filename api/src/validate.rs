//! Validation shared by the server and the dashboard. Every failure names its field
//! path (`endpoint.headers.X-Foo`) and says what is wrong in words.
//!
//! The rules here are plain data (no parser beyond the standard library), so that the
//! dashboard's form applies them without growing its wasm. With feature `sender` (the
//! server), URLs and headers are then also checked by the parsers the delivery engine
//! sends with ([`sender`]): what the server accepts is what it sends.

use std::collections::BTreeMap;

use crate::{
    CreateWebhookRequest, EndpointResponse, EndpointSecurity, FailureHandlingResponse, Headers, RetryStrategy,
    UpdateEndpointRequest, UpdateWebhookRequest, WebhookResponse,
};

/// Longest name, in characters.
pub const MAX_NAME_CHARS: usize = 255;
/// Longest URL, in characters.
pub const MAX_URL_CHARS: usize = 2048;
/// Most headers on one endpoint.
pub const MAX_HEADERS: usize = 64;
/// Longest header value, in bytes.
pub const MAX_HEADER_VALUE_BYTES: usize = 4096;
/// Most bytes an endpoint's headers take in all: each line's name and value.
pub const MAX_HEADERS_BYTES: usize = 8192;
/// Header names that HTTP itself controls (the sender writes them), beside every `Proxy-*`.
pub const FORBIDDEN_HEADERS: [&str; 8] =
    ["Host", "Content-Length", "Transfer-Encoding", "Connection", "Upgrade", "TE", "Trailer", "Keep-Alive"];
/// Longest event type, in characters.
pub const MAX_EVENT_TYPE_CHARS: usize = 255;
/// Most event types one webhook subscribes to (distinct), and most in one list of an update.
pub const MAX_EVENT_TYPES: usize = 500;
/// Most triggers in a policy, and in one list of an update: every status code
/// (100–599), `4xx`, `5xx` and `timeout` fit.
pub const MAX_TRIGGERS: usize = 503;
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
/// The prefix of a secret in the Standard Webhooks form: the HMAC key follows in base64.
pub const WHSEC_PREFIX: &str = "whsec_";
/// The fewest bytes of the key that a `whsec_` secret holds.
pub const MIN_WHSEC_KEY_BYTES: usize = 24;

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

/// An absolute `http` or `https` URL with a host, at most 2048 characters, no spaces,
/// no user name or password. With feature `sender`, it must also parse with `url` as
/// such ([`sender::url`]).
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
    // URL parsers disagree on a backslash in the authority: WHATWG's (`url`, browsers) end
    // it there, RFC 3986's do not, so `http://127.0.0.1\@example.com/` is two hosts.
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('\\') {
        return Err(BACKSLASH.into());
    }
    if authority.contains('@') {
        return Err(USERINFO.into());
    }
    let (host, port) = match authority.strip_prefix('[') {
        // An IPv6 literal: [::1]:8080
        Some(v6) => match v6.split_once(']') {
            Some((host, after)) => (host, after.strip_prefix(':')),
            None => return Err(EXPECTED.into()),
        },
        None => match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    let host_ok = !host.is_empty()
        && host.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | ':'))
        && !host.starts_with('.')
        && !host.starts_with('-');
    if !host_ok {
        return Err("the URL needs a host name, e.g. https://example.com/hooks".into());
    }
    if port.is_some_and(|port| port.parse::<u16>().map_or(true, |p| p == 0)) {
        return Err("the port must be a number from 1 to 65535".into());
    }
    #[cfg(feature = "sender")]
    sender::url(text)?;
    Ok(())
}

const BACKSLASH: &str = "remove the backslash before the path: URL parsers read a host with one in two ways";

const USERINFO: &str =
    "remove the user name and password from the URL: send credentials in a header, e.g. Authorization";

/// A header name: an HTTP token (RFC 9110), and not one that HTTP itself controls.
pub fn header_name(text: &str) -> Result<(), String> {
    let token_char = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if text.is_empty() {
        Err("enter a header name".into())
    } else if !text.chars().all(token_char) {
        Err("a header name has only letters, digits and !#$%&'*+-.^_`|~ (no spaces or colons)".into())
    } else if controlled_by_http(text) {
        Err(format!(
            "{text} is set by HTTP itself (Host, Content-Length, Transfer-Encoding, Connection, Upgrade, TE, \
            Trailer, Keep-Alive, Proxy-*): remove this header"
        ))
    } else {
        #[cfg(feature = "sender")]
        sender::header_name(text)?;
        Ok(())
    }
}

/// Whether HTTP itself controls a header of this name (any case): one of
/// [`FORBIDDEN_HEADERS`] or a `Proxy-*` header. The sender never sends such a header.
pub fn controlled_by_http(name: &str) -> bool {
    FORBIDDEN_HEADERS.iter().any(|controlled| controlled.eq_ignore_ascii_case(name))
        || name.get(..6).is_some_and(|prefix| prefix.eq_ignore_ascii_case("proxy-"))
}

/// A header value: no control character but tab (HTTP's rule), at most 4096 bytes.
pub fn header_value(text: &str) -> Result<(), String> {
    if text.bytes().any(|byte| (byte < 0x20 && byte != b'\t') || byte == 0x7f) {
        Err("a header value cannot contain line breaks, NUL or other control characters".into())
    } else if text.len() > MAX_HEADER_VALUE_BYTES {
        Err(format!("a header value is at most {MAX_HEADER_VALUE_BYTES} bytes"))
    } else {
        #[cfg(feature = "sender")]
        sender::header_value(text)?;
        Ok(())
    }
}

/// The bytes an endpoint's headers take: each line's name and value.
pub fn headers_bytes(headers: &Headers) -> usize {
    headers.iter().map(|(name, values)| values.iter().map(|value| name.len() + value.len()).sum::<usize>()).sum()
}

/// The checks of the parsers that send (`url` as reqwest uses it, `http`'s header
/// types): the server's last word on what it accepts (feature `sender`).
#[cfg(any(test, feature = "sender"))]
pub mod sender {
    /// Parses a URL as the sender does: http or https, with a host, without user name
    /// or password.
    pub fn url(text: &str) -> Result<url::Url, String> {
        let parsed = url::Url::parse(text).map_err(|error| format!("this URL cannot be sent to: {error}"))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
            return Err("enter an absolute http:// or https:// URL, e.g. https://example.com/hooks".into());
        }
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(super::USERINFO.into());
        }
        Ok(parsed)
    }

    /// A header name as `http` parses it.
    pub fn header_name(text: &str) -> Result<(), String> {
        http::HeaderName::from_bytes(text.as_bytes()).map(drop).map_err(|_| "not a valid HTTP header name".into())
    }

    /// A header value as `http` parses it.
    pub fn header_value(text: &str) -> Result<(), String> {
        http::HeaderValue::from_str(text).map(drop).map_err(|_| "not a valid HTTP header value".into())
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

/// Checks an endpoint's URL, headers and signing settings under `path` (`endpoint`,
/// `failureHandling.alertEndpoint`).
pub fn endpoint(endpoint: &EndpointResponse, errors: &mut ValidationErrors, path: &str) {
    let headers = &endpoint.headers;
    errors.check(format!("{path}.url"), url(&endpoint.url));
    if headers.len() > MAX_HEADERS {
        // Each header would be checked (and named) in turn: a list this long stops here.
        return errors.add(format!("{path}.headers"), format!("use at most {MAX_HEADERS} headers"));
    }
    let bytes = headers_bytes(headers);
    if bytes > MAX_HEADERS_BYTES {
        errors.add(
            format!("{path}.headers"),
            format!("the headers take {bytes} bytes (names and values); at most {MAX_HEADERS_BYTES} (8 KiB) in all"),
        );
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
    security(&endpoint.security, errors, path);
}

/// Checks a signing secret: empty (none), or 24 to 256 visible ASCII characters. One
/// that starts with [`WHSEC_PREFIX`] is the Standard Webhooks form: the rest must be
/// padded standard base64 ([`base64_len`]) of at least 24 bytes, the HMAC key.
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
        match text.strip_prefix(WHSEC_PREFIX).map(base64_len) {
            Some(None) => Err(format!(
                "after {WHSEC_PREFIX} comes the key in base64 (A–Z, a–z, 0–9, + and /, padded with =): generate one"
            )),
            Some(Some(bytes)) if bytes < MIN_WHSEC_KEY_BYTES => Err(format!(
                "the key after {WHSEC_PREFIX} is {bytes} bytes; use at least {MIN_WHSEC_KEY_BYTES}: generate one"
            )),
            _ => Ok(()),
        }
    }
}

/// The number of bytes `text` decodes to as standard base64 with its `=` padding
/// (RFC 4648 §4; the unused bits of the last character are ignored, as Python's
/// `base64.b64decode` does), or `None` when it is not such base64.
pub fn base64_len(text: &str) -> Option<usize> {
    let data = text.trim_end_matches('=');
    let padding = text.len() - data.len();
    let alphabet = |byte: u8| byte.is_ascii_alphanumeric() || byte == b'+' || byte == b'/';
    let complete = text.len().is_multiple_of(4) && padding <= 2;
    (complete && data.bytes().all(alphabet)).then(|| data.len() * 3 / 4)
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
fn security(security: &EndpointSecurity, errors: &mut ValidationErrors, path: &str) {
    let secret_text = security.secret.as_deref().unwrap_or_default();
    if security.hmac_enabled == Some(true) && secret_text.is_empty() {
        errors.add(format!("{path}.secret"), "signing deliveries needs a secret: generate one");
    } else {
        errors.check(format!("{path}.secret"), secret(secret_text));
    }
    errors.check(format!("{path}.tag"), tag(security.tag.as_deref().unwrap_or_default()));
}

/// Checks each of `items` under `path`, unless there are more than `max` (one failure, no
/// item looked at).
fn each(
    errors: &mut ValidationErrors,
    path: &str,
    items: &[String],
    max: usize,
    check: fn(&str) -> Result<(), String>,
) {
    if at_most(errors, path, items.len(), max) {
        for item in items {
            errors.check(path, check(item));
        }
    }
}

/// Whether `count` items under `path` are at most `max`; else records why not.
fn at_most(errors: &mut ValidationErrors, path: &str, count: usize, max: usize) -> bool {
    if count > max {
        errors.add(path, format!("give at most {max} ({count} given)"));
    }
    count <= max
}

/// Checks the lengths of an update's lists, before anything of it is applied: each list
/// at most what a webhook may hold, so that applying it is bounded work.
pub fn update_lists(update: &UpdateWebhookRequest) -> ValidationErrors {
    let mut errors = ValidationErrors::default();
    let len = |list: &Option<Vec<String>>| list.as_ref().map_or(0, Vec::len);
    at_most(&mut errors, "addEventTypes", len(&update.add_event_types), MAX_EVENT_TYPES);
    at_most(&mut errors, "removeEventTypes", len(&update.remove_event_types), MAX_EVENT_TYPES);
    let endpoint_lists = |errors: &mut ValidationErrors, path: &str, endpoint: &UpdateEndpointRequest| {
        let added = endpoint.add_headers.as_ref().map_or(0, Headers::len);
        at_most(errors, &format!("{path}.addHeaders"), added, MAX_HEADERS);
        at_most(errors, &format!("{path}.removeHeaders"), len(&endpoint.remove_headers), MAX_HEADERS);
    };
    if let Some(endpoint) = &update.endpoint {
        endpoint_lists(&mut errors, "endpoint", endpoint);
    }
    if let Some(policy) = &update.failure_handling {
        at_most(&mut errors, "failureHandling.addTriggers", len(&policy.add_triggers), MAX_TRIGGERS);
        at_most(&mut errors, "failureHandling.removeTriggers", len(&policy.remove_triggers), MAX_TRIGGERS);
        if let Some(alert) = &policy.alert_endpoint {
            endpoint_lists(&mut errors, "failureHandling.alertEndpoint", alert);
        }
    }
    errors
}

/// Checks a failure-handling policy under `failureHandling`.
pub fn failure_handling(policy: &FailureHandlingResponse, errors: &mut ValidationErrors) {
    each(errors, "failureHandling.triggers", &policy.triggers, MAX_TRIGGERS, trigger);
    if let Some(strategy) = &policy.retry_strategy {
        retry_strategy(strategy, errors, "failureHandling.retryStrategy");
    }
    if let Some(alert) = &policy.alert_endpoint {
        endpoint(alert, errors, "failureHandling.alertEndpoint");
    }
}

/// Checks a whole webhook (the result of a create or an update).
pub fn webhook(webhook: &WebhookResponse) -> ValidationErrors {
    let mut errors = ValidationErrors::default();
    errors.check("name", name(&webhook.name));
    endpoint(&webhook.endpoint, &mut errors, "endpoint");
    failure_handling(&webhook.failure_handling, &mut errors);
    each(&mut errors, "eventTypes", &webhook.event_types, MAX_EVENT_TYPES, event_type);
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
            "https://user:pw@host.example/p",
            "https://user@host.example/p",
            "https://host.example@evil.example/p",
            "http://a@b\\@c/",
            "http://[::1]@evil.example/",
        ] {
            assert!(url(bad).is_err(), "{bad} accepted");
        }
        assert!(url(&format!("https://e.com/{}", "a".repeat(2048 - 14))).is_ok());
        assert!(url(&format!("https://e.com/{}", "a".repeat(2048 - 13))).is_err());
    }

    #[test]
    fn a_backslash_in_the_authority_is_refused() {
        // WHATWG reads host 127.0.0.1 and path `/@example.com/`; RFC 3986 reads host example.com.
        for text in ["http://127.0.0.1\\@example.com/", "https://e.com\\/x", "http://[::1]\\@e.com/"] {
            assert_eq!(url(text), Err(BACKSLASH.into()), "{text}");
        }
        assert_eq!(url("https://e.com/a\\b"), Ok(()), "in the path it is only a character");
        assert_eq!(sender::url("http://user:pw@e.com/").unwrap_err(), USERINFO);
        assert!(sender::url("http://999.0.0.1/").is_err(), "not an IPv4 address, not a domain");
        assert!(sender::url("ftp://e.com/").is_err());
    }

    #[test]
    fn headers() {
        assert!(header_name("X-Api-Key").is_ok());
        for bad in ["", "X Key", "X-Key:", "Ключ"] {
            assert!(header_name(bad).is_err(), "{bad} accepted");
        }
        assert!(header_value("Bearer abc").is_ok());
        assert!(header_value("tab\there, é").is_ok());
        for bad in ["a\r\nb", "a\nb", "a\0b", "a\x01b", "a\x7fb", "a\x1bb"] {
            assert!(header_value(bad).is_err(), "{bad:?} accepted");
        }
        assert!(header_value(&"v".repeat(4096)).is_ok());
        assert!(header_value(&"v".repeat(4097)).is_err());
    }

    #[test]
    fn headers_that_http_controls_are_refused_in_any_case() {
        for name in
            FORBIDDEN_HEADERS.into_iter().chain(["host", "CONTENT-LENGTH", "te", "Proxy-Authorization", "proxy-x"])
        {
            let message = header_name(name).expect_err(name);
            assert!(message.contains("set by HTTP itself"), "{name}: {message}");
        }
        for allowed in ["X-Proxy", "Proxy", "Hostname", "X-Host", "Content-Type", "Authorization", "Tea"] {
            assert_eq!(header_name(allowed), Ok(()), "{allowed}");
        }
    }

    /// An endpoint at a valid URL with `headers`, nothing else set.
    fn with_headers(headers: &Headers) -> EndpointResponse {
        EndpointResponse {
            url: "https://e.com".to_owned(),
            headers: headers.clone(),
            security: EndpointSecurity::default(),
        }
    }

    #[test]
    fn an_endpoints_headers_take_at_most_8_kib() {
        let check = |headers: &Headers| {
            let mut errors = ValidationErrors::default();
            endpoint(&with_headers(headers), &mut errors, "failureHandling.alertEndpoint");
            errors.0.get("failureHandling.alertEndpoint.headers").cloned()
        };
        // Two lines of "X-A" (3 bytes) and a 4,093-byte value: 8,192 bytes.
        let full = Headers::from([("X-A".to_owned(), vec!["v".repeat(4093), "w".repeat(4093)])]);
        assert_eq!(headers_bytes(&full), MAX_HEADERS_BYTES);
        assert_eq!(check(&full), None);
        let over = Headers::from([("X-A".to_owned(), vec!["v".repeat(4093), "w".repeat(4094)])]);
        assert!(check(&over).unwrap().contains("8193 bytes"), "{:?}", check(&over));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2_000))]

        /// The plain rule of header names is `http`'s (beside the names HTTP controls).
        #[test]
        fn header_names_agree_with_http(name in "[A-Za-z0-9!#$%&'*+.^_`|~ :;/(){}\\[\\]\"<>=?@,\\\\-]{0,10}|(?s).{0,6}") {
            if !controlled_by_http(&name) {
                proptest::prop_assert_eq!(header_name(&name).is_ok(), sender::header_name(&name).is_ok(), "{:?}", name);
            }
        }

        /// The plain rule of header values is `http`'s.
        #[test]
        fn header_values_agree_with_http(value in "(?s).{0,12}|[\\x00-\\x7f]{0,12}") {
            proptest::prop_assert_eq!(header_value(&value).is_ok(), sender::header_value(&value).is_ok(), "{:?}", value);
        }

        /// A URL the plain rule accepts has no user name or password for the sender either.
        #[test]
        fn accepted_urls_have_no_userinfo_for_the_sender(text in "(https?|HTTP)://[a-z0-9.@:/\\\\%?#_\\[\\]-]{0,24}") {
            if url(&text).is_ok() {
                if let Ok(parsed) = url::Url::parse(&text) {
                    proptest::prop_assert!(parsed.username().is_empty() && parsed.password().is_none(), "{:?}", text);
                }
            }
        }
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
        let whsec_not_base64 = format!("{WHSEC_PREFIX}{long}-");
        assert_eq!(check(Some(true), Some(&whsec_not_base64), None), [format!("{path}.secret")], "whsec_, not base64");
        assert!(secret(&"a".repeat(MAX_SECRET_CHARS)).is_ok());
        assert!(secret(&"a".repeat(MAX_SECRET_CHARS + 1)).is_err());
        assert!(tag(&"t".repeat(MAX_TAG_CHARS)).is_ok());
        assert_eq!(check(None, None, Some(&"t".repeat(MAX_TAG_CHARS + 1))), [format!("{path}.tag")]);
        assert_eq!(check(None, None, Some("a\nb")), [format!("{path}.tag")]);
    }

    #[test]
    fn a_whsec_secret_is_the_base64_of_at_least_24_bytes() {
        // The Standard Webhooks specification's example secret: 24 bytes.
        assert!(secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_ok());
        assert!(secret(&format!("whsec_{}=", "A".repeat(43))).is_ok(), "32 bytes, as Generate makes");
        for bad in [
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS",   // not a multiple of 4
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLa-w",  // base64url's alphabet
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw=", // padding where none belongs
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2La=Sw",   // padding inside
        ] {
            assert!(secret(bad).unwrap_err().contains("base64"), "{bad}");
        }
        assert!(secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2La").unwrap_err().contains("21 bytes"));
        // Any other secret is its UTF-8 bytes, base64 or not.
        assert!(secret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS-").is_ok());
        assert!(secret("WHSEC_not-base64-but-a-secret").is_ok(), "the prefix is lower case");
    }

    #[test]
    fn base64_lengths() {
        for (text, len) in
            [("", Some(0)), ("QQ==", Some(1)), ("QUI=", Some(2)), ("QUJD", Some(3)), ("QUJDRA==", Some(4))]
        {
            assert_eq!(base64_len(text), len, "{text}");
        }
        for bad in ["Q", "QQ", "QQ=", "Q===", "====", "QUJD=", "QU JD", "QU_D", "QUJDR==="] {
            assert_eq!(base64_len(bad), None, "{bad}");
        }
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
        endpoint(&with_headers(&headers), &mut errors, "endpoint");
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
