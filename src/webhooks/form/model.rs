//! The plain logic behind the create and edit form: what the form holds ([`FormValues`],
//! to and from a draft), which headers are secret, the retry schedule in words, interval
//! units, and what a PATCH body will do, in words.

use crate::shared::format::duration_words;
use webhooks_api::{
    EndpointDraft, FailureHandlingDraft, FailureHandlingResponse, FailureHandlingUpdateRequest, RetryStrategy,
    RetryType, UpdateEndpointRequest, UpdateWebhookRequest, WebhookDraft,
};

/// Header names whose values are masked until revealed.
const SENSITIVE_NAMES: [&str; 4] = ["authorization", "proxy-authorization", "x-api-key", "x-auth-token"];
/// Words that make any header name sensitive.
const SENSITIVE_WORDS: [&str; 5] = ["token", "secret", "key", "signature", "password"];

/// Whether a header's values are secrets (masked by default).
pub fn is_sensitive_header(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    SENSITIVE_NAMES.contains(&lower.as_str()) || SENSITIVE_WORDS.iter().any(|word| lower.contains(word))
}

/// What a masked secret shows.
pub const MASK: &str = "••••••••";

/// A webhook's JSON (as the API sent it), or a PATCH body's, with its secrets masked: the
/// values of secret headers, and signing secrets, of the endpoint and the alert endpoint.
/// The text as it was when it is not JSON.
pub fn mask_secrets(json: &str) -> String {
    let Ok(mut webhook) = serde_json::from_str::<serde_json::Value>(json) else { return json.to_owned() };
    let endpoints = [&["endpoint"][..], &["failureHandling", "alertEndpoint"][..]];
    for path in endpoints {
        let endpoint = path.iter().try_fold(&mut webhook, |value, key| value.get_mut(*key));
        let Some(serde_json::Value::Object(endpoint)) = endpoint else { continue };
        if let Some(secret) = endpoint.get_mut("secret").filter(|s| s.as_str().is_some_and(|s| !s.is_empty())) {
            *secret = MASK.into();
        }
        for key in ["headers", "addHeaders"] {
            if let Some(serde_json::Value::Object(headers)) = endpoint.get_mut(key) {
                for (_, values) in headers.iter_mut().filter(|(name, _)| is_sensitive_header(name)) {
                    if let serde_json::Value::Array(values) = values {
                        values.iter_mut().for_each(|value| *value = MASK.into());
                    }
                }
            }
        }
    }
    webhook.to_string()
}

/// "retries after 1 s, 2 s, 4 s" (after each failed try, until the attempts run out).
pub fn retry_schedule(strategy: &RetryStrategy) -> String {
    let delays: Vec<String> =
        (1..=strategy.attempts.max(0)).map(|retry| duration_words(strategy.delay_before_retry_ms(retry))).collect();
    format!("retries after {}", delays.join(", "))
}

/// What EC leaves open about the retry interval, said wherever the console shows one.
pub const INTERVAL_UNIT_NOTE: &str =
    "Sent in milliseconds: EC does not document the interval's unit; milliseconds is this \
    console's and the reference server's reading.";

/// Units offered for the retry interval, with their size in milliseconds.
pub const INTERVAL_UNITS: [(&str, i64); 4] = [("ms", 1), ("s", 1_000), ("min", 60_000), ("h", 3_600_000)];

/// The largest unit that divides `ms` exactly, and the amount in it.
pub fn split_interval(ms: i64) -> (i64, &'static str) {
    INTERVAL_UNITS
        .iter()
        .rev()
        .find(|(_, size)| ms % size == 0 && ms >= *size)
        .map_or((ms, "ms"), |(unit, size)| (ms / size, unit))
}

/// Milliseconds of `amount` `unit`s (unknown units: milliseconds).
pub fn join_interval(amount: i64, unit: &str) -> i64 {
    let size = INTERVAL_UNITS.iter().find(|(u, _)| *u == unit).map_or(1, |(_, size)| *size);
    amount.saturating_mul(size)
}

/// A failure-handling policy in words, one line per part (the detail page).
pub fn describe_policy(policy: &FailureHandlingResponse) -> Vec<String> {
    let mut out = vec![if policy.triggers.is_empty() {
        "No trigger: a failed delivery is dropped at once".to_owned()
    } else {
        format!("A delivery fails on {}", list(&policy.triggers))
    }];
    out.push(match &policy.retry_strategy {
        Some(strategy) => {
            format!("Retried {} times, {}: {}", strategy.attempts, strategy.kind.as_str(), retry_schedule(strategy))
        }
        None => "Not retried".to_owned(),
    });
    out.push(
        if policy.divert {
            "When retries run out, the event is diverted (kept below)"
        } else {
            "When retries run out, the event is dropped"
        }
        .to_owned(),
    );
    out.push(
        if policy.suspend { "…and the webhook is suspended" } else { "The webhook is never suspended" }.to_owned(),
    );
    out.push(match &policy.alert_endpoint {
        Some(alert) => format!("An alert is sent to {}", alert.url),
        None => "No alert endpoint".to_owned(),
    });
    out
}

fn list(items: &[String]) -> String {
    items.join(", ")
}

fn describe_endpoint(what: &str, endpoint: &UpdateEndpointRequest, out: &mut Vec<String>) {
    if let Some(url) = &endpoint.url {
        out.push(format!("Set the {what} URL to {url}"));
    }
    if let Some(names) = &endpoint.remove_headers {
        out.push(format!("Remove the {what} headers {}", list(names)));
    }
    if let Some(headers) = &endpoint.add_headers {
        let names: Vec<String> = headers.keys().cloned().collect();
        out.push(format!("Set the {what} headers {}", list(&names)));
    }
    let security = &endpoint.security;
    match (&security.secret, &security.tag) {
        (Some(secret), _) if secret.is_empty() => out.push(format!("Remove the {what}'s signing secret")),
        (Some(_), Some(tag)) if !tag.is_empty() => out.push(format!("New signing secret of the {what}, tag {tag}")),
        (Some(_), _) => out.push(format!("New signing secret of the {what}")),
        (None, Some(tag)) if tag.is_empty() => out.push(format!("Clear the {what}'s secret tag")),
        (None, Some(tag)) => out.push(format!("Set the {what}'s secret tag to {tag}")),
        (None, None) => {}
    }
    if let Some(sign) = security.hmac_enabled {
        out.push(if sign {
            format!("Sign the {what}'s deliveries")
        } else {
            format!("Stop signing the {what}'s deliveries")
        });
    }
    if let Some(verify) = security.secure_ssl {
        out.push(if verify {
            format!("Verify the {what}'s TLS certificate")
        } else {
            format!("Stop verifying the {what}'s TLS certificate (a self-signed one is accepted)")
        });
    }
}

fn describe_failure_handling(policy: &FailureHandlingUpdateRequest, out: &mut Vec<String>) {
    if policy.remove_alert_endpoint == Some(true) {
        out.push("Remove the alert endpoint".into());
    }
    if let Some(alert) = &policy.alert_endpoint {
        describe_endpoint("alert endpoint", alert, out);
    }
    if let Some(triggers) = &policy.remove_triggers {
        out.push(format!("Stop triggering on {}", list(triggers)));
    }
    if let Some(triggers) = &policy.add_triggers {
        out.push(format!("Trigger on {}", list(triggers)));
    }
    if policy.remove_retry_strategy == Some(true) {
        out.push("Stop retrying".into());
    }
    if let Some(strategy) = &policy.retry_strategy {
        out.push(format!(
            "Retry {} times, {}: {}",
            strategy.attempts,
            strategy.kind.as_str(),
            retry_schedule(strategy)
        ));
    }
    for (flag, on, off) in [
        (policy.divert, "Divert failed events", "Stop diverting failed events"),
        (policy.suspend, "Suspend the webhook when retries run out", "Never suspend the webhook"),
    ] {
        if let Some(flag) = flag {
            out.push(if flag { on } else { off }.to_owned());
        }
    }
}

/// What a PATCH body will do, one sentence per change, in the order EC applies them.
pub fn describe_update(update: &UpdateWebhookRequest) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(name) = &update.name {
        out.push(format!("Rename to “{name}”"));
    }
    if let Some(enabled) = update.enabled {
        out.push(if enabled { "Enable" } else { "Disable" }.to_owned());
    }
    if let Some(endpoint) = &update.endpoint {
        describe_endpoint("endpoint", endpoint, &mut out);
    }
    if update.remove_failure_handling == Some(true) {
        out.push("Reset failure handling to EC's default policy".into());
    }
    if let Some(policy) = &update.failure_handling {
        describe_failure_handling(policy, &mut out);
    }
    if let Some(types) = &update.remove_event_types {
        out.push(format!("Unsubscribe from {}", list(types)));
    }
    if let Some(types) = &update.add_event_types {
        out.push(format!("Subscribe to {}", list(types)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sensitive_headers() {
        for name in [
            "Authorization",
            "proxy-authorization",
            "X-API-Key",
            "X-Auth-Token",
            "X-Signature-256",
            "Client-Secret",
            "db_password",
            "X-Token",
        ] {
            assert!(is_sensitive_header(name), "{name}");
        }
        for name in ["Accept", "X-Env", "Content-Type", "X-Team"] {
            assert!(!is_sensitive_header(name), "{name}");
        }
    }

    #[test]
    fn secrets_are_masked_in_the_raw_json() {
        let raw = json!({
            "name": "n",
            "endpoint": {
                "url": "https://e",
                "headers": {"Authorization": ["Bearer a", "Bearer b"], "X-Env": ["prod"]},
                "secret": "whsec_abc",
                "hmacEnabled": true
            },
            "failureHandling": {"alertEndpoint": {"url": "https://a", "headers": {"X-Api-Key": ["k"]}, "secret": ""}, "triggers": []}
        })
        .to_string();
        let masked: serde_json::Value = serde_json::from_str(&mask_secrets(&raw)).unwrap();
        assert_eq!(masked["endpoint"]["headers"]["Authorization"], json!([MASK, MASK]));
        assert_eq!(masked["endpoint"]["headers"]["X-Env"], json!(["prod"]));
        assert_eq!(masked["endpoint"]["secret"], MASK);
        assert_eq!(masked["failureHandling"]["alertEndpoint"]["headers"]["X-Api-Key"], json!([MASK]));
        assert_eq!(masked["failureHandling"]["alertEndpoint"]["secret"], "", "nothing to hide");
        assert_eq!(masked["name"], "n");
        assert_eq!(mask_secrets("not json"), "not json");
    }

    #[test]
    fn schedules_in_words() {
        let exponential = RetryStrategy { kind: RetryType::Exponential, interval: 1_000, attempts: 3 };
        assert_eq!(retry_schedule(&exponential), "retries after 1 s, 2 s, 4 s");
        let linear = RetryStrategy { kind: RetryType::Linear, interval: 1_500, attempts: 2 };
        assert_eq!(retry_schedule(&linear), "retries after 1.5 s, 1.5 s");
    }

    #[test]
    fn intervals_split_into_the_largest_exact_unit() {
        assert_eq!(split_interval(3_600_000), (1, "h"));
        assert_eq!(split_interval(90_000), (90, "s"));
        assert_eq!(split_interval(1_500), (1_500, "ms"));
        assert_eq!(split_interval(0), (0, "ms"));
        for ms in [1, 999, 1_000, 61_000, 7_200_000] {
            let (amount, unit) = split_interval(ms);
            assert_eq!(join_interval(amount, unit), ms);
        }
    }

    #[test]
    fn updates_in_words() {
        let update: UpdateWebhookRequest = serde_json::from_value(json!({
            "name": "ERP",
            "enabled": false,
            "endpoint": {"url": "https://erp.example.com/v2", "removeHeaders": ["X-Env"], "addHeaders": {"X-Env": ["eu"]}},
            "removeFailureHandling": true,
            "failureHandling": {
                "removeAlertEndpoint": true,
                "addTriggers": ["429"],
                "retryStrategy": {"type": "exponential", "interval": 1000, "attempts": 3},
                "divert": true
            },
            "addEventTypes": ["claim.fnol.create"],
            "removeEventTypes": ["billing.invoice.settle"]
        }))
        .unwrap();
        assert_eq!(
            describe_update(&update),
            [
                "Rename to “ERP”",
                "Disable",
                "Set the endpoint URL to https://erp.example.com/v2",
                "Remove the endpoint headers X-Env",
                "Set the endpoint headers X-Env",
                "Reset failure handling to EC's default policy",
                "Remove the alert endpoint",
                "Trigger on 429",
                "Retry 3 times, exponential: retries after 1 s, 2 s, 4 s",
                "Divert failed events",
                "Unsubscribe from billing.invoice.settle",
                "Subscribe to claim.fnol.create",
            ]
        );
        assert!(describe_update(&UpdateWebhookRequest::default()).is_empty());
    }

    #[test]
    fn security_changes_in_words() {
        let update: UpdateWebhookRequest = serde_json::from_value(json!({
            "endpoint": {"secret": "s".repeat(32), "tag": "2026-11-30", "hmacEnabled": true},
            "failureHandling": {"alertEndpoint": {"secureSsl": false, "tag": "old"}}
        }))
        .unwrap();
        assert_eq!(
            describe_update(&update),
            [
                "New signing secret of the endpoint, tag 2026-11-30",
                "Sign the endpoint's deliveries",
                "Set the alert endpoint's secret tag to old",
                "Stop verifying the alert endpoint's TLS certificate (a self-signed one is accepted)",
            ]
        );
        let masked: serde_json::Value =
            serde_json::from_str(&mask_secrets(&serde_json::to_string(&update).unwrap())).unwrap();
        assert_eq!(masked["endpoint"]["secret"], MASK, "the PATCH preview masks a new secret");
        let headers = json!({"endpoint": {"addHeaders": {"Authorization": ["Bearer x"], "X-Env": ["eu"]}}}).to_string();
        let masked: serde_json::Value = serde_json::from_str(&mask_secrets(&headers)).unwrap();
        assert_eq!(masked["endpoint"]["addHeaders"], json!({"Authorization": [MASK], "X-Env": ["eu"]}));
    }

    #[test]
    fn policies_in_words() {
        let strict: FailureHandlingResponse = serde_json::from_value(json!({
            "triggers": ["5xx", "timeout"],
            "retryStrategy": {"type": "linear", "interval": 2000, "attempts": 2},
            "divert": true, "suspend": true,
            "alertEndpoint": {"url": "https://ops.example.com/alerts", "headers": {}}
        }))
        .unwrap();
        assert_eq!(
            describe_policy(&strict),
            [
                "A delivery fails on 5xx, timeout",
                "Retried 2 times, linear: retries after 2 s, 2 s",
                "When retries run out, the event is diverted (kept below)",
                "…and the webhook is suspended",
                "An alert is sent to https://ops.example.com/alerts",
            ]
        );
        let lenient: FailureHandlingResponse =
            serde_json::from_value(json!({"triggers": [], "divert": false, "suspend": false})).unwrap();
        assert_eq!(
            describe_policy(&lenient),
            [
                "No trigger: a failed delivery is dropped at once",
                "Not retried",
                "When retries run out, the event is dropped",
                "The webhook is never suspended",
                "No alert endpoint",
            ]
        );
    }
}

/// One header being edited: a name and its values (ids keep rows apart while typing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderRow {
    /// Stable id of the row.
    pub id: u32,
    /// The header name as typed.
    pub name: String,
    /// Its values, one input each.
    pub values: Vec<String>,
}

/// Rows for the headers of an endpoint, ids from `first_id` on.
pub fn header_rows(headers: &webhooks_api::Headers, first_id: u32) -> Vec<HeaderRow> {
    headers
        .iter()
        .zip(first_id..)
        .map(|((name, values), id)| HeaderRow { id, name: name.clone(), values: values.clone() })
        .collect()
}

/// The headers the rows describe; rows with neither name nor values are ignored.
pub fn headers_of(rows: &[HeaderRow]) -> webhooks_api::Headers {
    rows.iter()
        .filter(|row| !row.name.trim().is_empty() || row.values.iter().any(|v| !v.is_empty()))
        .map(|row| (row.name.trim().to_owned(), row.values.clone()))
        .collect()
}

/// The trigger classes offered as checkboxes; any other trigger is a status code.
pub const TRIGGER_CLASSES: [&str; 3] = ["4xx", "5xx", "timeout"];

/// The retry kinds offered: their key and label (`none`: no retry strategy).
pub const RETRY_KINDS: [(&str, &str); 3] = [("none", "No retry"), ("linear", "Linear"), ("exponential", "Exponential")];

/// An endpoint as the form holds it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndpointForm {
    /// Every field as the draft has it, but the headers (the rows below are).
    pub draft: EndpointDraft,
    /// The headers, as rows being typed.
    pub headers: Vec<HeaderRow>,
    /// Whether the user typed the secret's tag here (Generate then keeps it).
    pub tag_typed: bool,
}

impl EndpointForm {
    /// The endpoint in the form, header rows from `first_id` on.
    pub fn from_draft(draft: &EndpointDraft, first_id: u32) -> Self {
        Self { headers: header_rows(&draft.headers, first_id), draft: draft.clone(), tag_typed: false }
    }

    /// The endpoint the form holds.
    pub fn to_draft(&self) -> EndpointDraft {
        EndpointDraft { headers: headers_of(&self.headers), ..self.draft.clone() }
    }
}

/// The retry strategy as typed: kept while "No retry" is chosen, so that choosing a kind
/// again brings back what was typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryFields {
    /// A key of [`RETRY_KINDS`].
    pub kind: &'static str,
    /// The interval, in `unit`s.
    pub amount: i64,
    /// A unit of [`INTERVAL_UNITS`].
    pub unit: &'static str,
    /// Retries after the first try.
    pub attempts: i32,
}

impl Default for RetryFields {
    fn default() -> Self {
        Self { kind: "none", amount: 1, unit: "s", attempts: 3 }
    }
}

impl RetryFields {
    fn from_strategy(strategy: Option<RetryStrategy>) -> Self {
        let Some(strategy) = strategy else { return Self::default() };
        let (amount, unit) = split_interval(strategy.interval);
        Self { kind: strategy.kind.as_str(), amount, unit, attempts: strategy.attempts }
    }

    fn to_strategy(&self) -> Option<RetryStrategy> {
        let kind = match self.kind {
            "linear" => RetryType::Linear,
            "exponential" => RetryType::Exponential,
            _ => return None,
        };
        Some(RetryStrategy { kind, interval: join_interval(self.amount, self.unit), attempts: self.attempts })
    }
}

/// Everything the webhook form holds: a draft, with the parts that are typed in another
/// shape than the draft's kept as typed. A field the draft has as it is typed (a name, a
/// URL, a flag) needs nothing here: the form binds it inside `draft`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormValues {
    /// Every field as typed, except the parts below: its endpoint, alert endpoint and
    /// retry strategy are not read, and its triggers hold the classes only.
    pub draft: WebhookDraft,
    /// The endpoint.
    pub endpoint: EndpointForm,
    /// The status codes that also trigger, as typed ("429, 503").
    pub codes: String,
    /// The retry strategy.
    pub retry: RetryFields,
    /// Whether there is an alert endpoint.
    pub alert: bool,
    /// The alert endpoint, kept while `alert` is off.
    pub alert_endpoint: EndpointForm,
}

impl FormValues {
    /// The form filled with `draft`.
    pub fn from_draft(draft: &WebhookDraft) -> Self {
        let mut values = Self {
            draft: draft.clone(),
            endpoint: EndpointForm::from_draft(&draft.endpoint, 0),
            codes: String::new(),
            retry: RetryFields::default(),
            alert: false,
            alert_endpoint: EndpointForm::default(),
        };
        values.set_policy(&draft.failure_handling);
        values
    }

    /// Puts a failure-handling policy into the form (also "Reset to EC's default policy").
    pub fn set_policy(&mut self, policy: &FailureHandlingDraft) {
        let (classes, codes): (Vec<&String>, Vec<&String>) =
            policy.triggers.iter().partition(|t| TRIGGER_CLASSES.contains(&t.as_str()));
        self.draft.failure_handling =
            FailureHandlingDraft { triggers: classes.into_iter().cloned().collect(), ..policy.clone() };
        self.codes = codes.into_iter().cloned().collect::<Vec<_>>().join(", ");
        self.retry = RetryFields::from_strategy(policy.retry_strategy);
        self.alert = policy.alert_endpoint.is_some();
        self.alert_endpoint = EndpointForm::from_draft(&policy.alert_endpoint.clone().unwrap_or_default(), 500);
    }

    /// The draft the form holds.
    pub fn to_draft(&self) -> WebhookDraft {
        let mut draft = self.draft.clone();
        draft.endpoint = self.endpoint.to_draft();
        let policy = &mut draft.failure_handling;
        policy
            .triggers
            .extend(self.codes.split([',', ' ']).map(str::trim).filter(|c| !c.is_empty()).map(str::to_owned));
        policy.retry_strategy = self.retry.to_strategy();
        policy.alert_endpoint = self.alert.then(|| self.alert_endpoint.to_draft());
        draft
    }
}

#[cfg(test)]
mod row_tests {
    use super::*;

    #[test]
    fn rows_and_headers_round_trip() {
        let headers: webhooks_api::Headers =
            [("Accept".to_owned(), vec!["a".to_owned(), "b".to_owned()]), ("X-Key".to_owned(), vec!["k".to_owned()])]
                .into();
        let rows = header_rows(&headers, 7);
        assert_eq!(rows.iter().map(|r| r.id).collect::<Vec<_>>(), [7, 8]);
        assert_eq!(headers_of(&rows), headers);
        let mut with_blank = rows.clone();
        with_blank.push(HeaderRow { id: 9, name: " ".into(), values: vec![String::new()] });
        assert_eq!(headers_of(&with_blank), headers, "an empty row is not a header");
        with_blank.push(HeaderRow { id: 10, name: String::new(), values: vec!["orphan".into()] });
        assert!(headers_of(&with_blank).contains_key(""), "a value without a name is kept, for validation to name it");
    }
}

#[cfg(test)]
mod values_tests {
    use super::*;
    use proptest::prelude::*;
    use webhooks_api::strategies;

    proptest! {
        #[test]
        fn the_form_gives_back_the_draft_it_was_filled_with(draft in strategies::webhook_draft()) {
            prop_assert_eq!(FormValues::from_draft(&draft).to_draft(), draft);
        }
    }

    #[test]
    fn what_was_typed_stays_while_switched_off() {
        let mut values = FormValues::from_draft(&WebhookDraft::default());
        values.retry = RetryFields { kind: "exponential", amount: 2, unit: "min", attempts: 4 };
        values.alert = true;
        values.alert_endpoint.draft.url = "https://alerts.example.com/".into();
        let strategy = values.to_draft().failure_handling.retry_strategy;
        assert_eq!(strategy, Some(RetryStrategy { kind: RetryType::Exponential, interval: 120_000, attempts: 4 }));

        values.retry.kind = "none";
        values.alert = false;
        let draft = values.to_draft();
        assert_eq!((draft.failure_handling.retry_strategy, draft.failure_handling.alert_endpoint), (None, None));
        values.retry.kind = "linear";
        values.alert = true;
        let draft = values.to_draft();
        assert_eq!(draft.failure_handling.retry_strategy.map(|s| s.interval), Some(120_000));
        assert_eq!(
            draft.failure_handling.alert_endpoint.map(|a| a.url).as_deref(),
            Some("https://alerts.example.com/")
        );
    }

    #[test]
    fn status_codes_are_typed_apart_from_the_classes() {
        let mut policy = FailureHandlingDraft::default();
        policy.triggers.extend(["429".to_owned(), "503".to_owned()]);
        let draft = WebhookDraft { failure_handling: policy, ..WebhookDraft::default() };
        let values = FormValues::from_draft(&draft);
        assert_eq!(values.codes, "429, 503");
        assert_eq!(values.draft.failure_handling.triggers, ["4xx", "5xx", "timeout"].map(str::to_owned).into());
        let mut typed = values.clone();
        typed.codes = "429,503  ".into();
        assert_eq!(typed.to_draft(), draft);
    }
}
