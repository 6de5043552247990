//! A webhook's setup health: the settings that lose events silently or weaken its
//! security, each with why it matters and the form section that fixes it. Computed from
//! the webhook as listed, so it costs no request. Tested natively.

use webhooks_api::{EndpointResponse, RetryStrategy, WebhookResponse};

/// A section of the webhook form, reached by its anchor (`…/edit#failure-handling`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormSection {
    /// The endpoint's URL and headers.
    Endpoint,
    /// The endpoint's signing and TLS settings.
    EndpointSecurity,
    /// The event types.
    EventTypes,
    /// Triggers, retries, divert, suspend, the alert endpoint.
    FailureHandling,
    /// The alert endpoint's signing and TLS settings.
    AlertSecurity,
}

impl FormSection {
    /// The id of the section in the form, and the URL fragment that opens it.
    pub fn anchor(self) -> &'static str {
        match self {
            Self::Endpoint => "endpoint",
            Self::EndpointSecurity => "endpoint-security",
            Self::EventTypes => "event-types",
            Self::FailureHandling => "failure-handling",
            Self::AlertSecurity => "alert-security",
        }
    }
}

/// One setup warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// What is set, in a few words.
    pub title: &'static str,
    /// Why it matters.
    pub why: &'static str,
    /// Where the form fixes it.
    pub section: FormSection,
}

/// The longest a retry schedule may take before it is worth a warning.
const DAY_MS: i64 = 86_400_000;

/// How long a strategy's retries take in all: the sum of the waits before each retry.
pub fn retry_total_ms(strategy: &RetryStrategy) -> i64 {
    (1..=strategy.attempts.max(0)).map(|retry| strategy.delay_before_retry_ms(retry)).fold(0, i64::saturating_add)
}

fn plain_http(endpoint: &EndpointResponse) -> bool {
    endpoint.url.get(..7).is_some_and(|scheme| scheme.eq_ignore_ascii_case("http://"))
}

/// Every setup warning of `webhook`, the most costly first.
pub fn warnings(webhook: &WebhookResponse) -> Vec<Warning> {
    let policy = &webhook.failure_handling;
    let alert = policy.alert_endpoint.as_ref();
    let retries_too_long = policy.retry_strategy.is_some_and(|strategy| retry_total_ms(&strategy) > DAY_MS);
    let rules = [
        (
            policy.suspend && !policy.divert,
            "Suspends without diverting",
            "While it is suspended every event is dropped: nothing is kept to resend. Turn on divert.",
            FormSection::FailureHandling,
        ),
        (
            !policy.divert && !policy.triggers.is_empty(),
            "Failures are not diverted",
            "A delivery that fails for good leaves no record to inspect or resend.",
            FormSection::FailureHandling,
        ),
        (
            policy.suspend && alert.is_none(),
            "Suspends without an alert endpoint",
            "It can stop delivering without anyone being told.",
            FormSection::FailureHandling,
        ),
        (webhook.event_types.is_empty(), "No event types", "It receives nothing.", FormSection::EventTypes),
        (
            policy.triggers.is_empty(),
            "No failure triggers",
            "Every failure is dropped at once: no retry, no divert, no alert.",
            FormSection::FailureHandling,
        ),
        (
            plain_http(&webhook.endpoint),
            "Plain http:// endpoint",
            "Events, and header secrets, travel unencrypted and can be read or changed on the way.",
            FormSection::Endpoint,
        ),
        (
            alert.is_some_and(plain_http),
            "Plain http:// alert endpoint",
            "Failure notices travel unencrypted.",
            FormSection::FailureHandling,
        ),
        (
            !webhook.endpoint.security.signs(),
            "Deliveries are not signed",
            "The endpoint cannot tell a delivery from EC from a forged one.",
            FormSection::EndpointSecurity,
        ),
        (
            !webhook.endpoint.security.verifies_tls() || alert.is_some_and(|a| !a.security.verifies_tls()),
            "TLS certificate not verified",
            "Anyone between EC and the endpoint can pose as it.",
            if webhook.endpoint.security.verifies_tls() {
                FormSection::AlertSecurity
            } else {
                FormSection::EndpointSecurity
            },
        ),
        (
            retries_too_long,
            "Retries take more than a day",
            "A failing endpoint holds each event for over 24 hours before it is diverted or suspended.",
            FormSection::FailureHandling,
        ),
    ];
    rules
        .into_iter()
        .filter(|(applies, ..)| *applies)
        .map(|(_, title, why, section)| Warning { title, why, section })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use webhooks_api::RetryType;

    /// A webhook that raises no warning; `change` edits its JSON first.
    fn webhook(change: impl FnOnce(&mut serde_json::Value)) -> WebhookResponse {
        let mut value = json!({
            "locator": "01JD8Z6Q4V3N5K7M9P1R2S3T4V", "name": "Healthy", "enabled": true,
            "endpoint": {"url": "https://erp.example.com/hooks", "headers": {}, "hmacEnabled": true, "secret": "s".repeat(32)},
            "failureHandling": {
                "triggers": ["5xx", "timeout"], "retryStrategy": {"type": "exponential", "interval": 1000, "attempts": 5},
                "divert": true, "suspend": true, "alertEndpoint": {"url": "https://ops.example.com/alerts", "headers": {}}
            },
            "suspended": false, "suspendedAt": null, "eventTypes": ["billing.invoice.generate"]
        });
        change(&mut value);
        serde_json::from_value(value).unwrap()
    }

    fn titles(webhook: &WebhookResponse) -> Vec<&'static str> {
        warnings(webhook).into_iter().map(|w| w.title).collect()
    }

    #[test]
    fn a_careful_setup_has_no_warning() {
        assert_eq!(titles(&webhook(|_| {})), Vec::<&str>::new());
    }

    #[test]
    fn every_rule_with_its_section() {
        type Case = (fn(&mut serde_json::Value), &'static str, FormSection);
        let cases: [Case; 10] = [
            (
                |w| w["failureHandling"]["divert"] = json!(false),
                "Suspends without diverting",
                FormSection::FailureHandling,
            ),
            (
                |w| {
                    w["failureHandling"]["divert"] = json!(false);
                    w["failureHandling"]["suspend"] = json!(false)
                },
                "Failures are not diverted",
                FormSection::FailureHandling,
            ),
            (
                |w| {
                    w["failureHandling"].as_object_mut().unwrap().remove("alertEndpoint");
                },
                "Suspends without an alert endpoint",
                FormSection::FailureHandling,
            ),
            (|w| w["eventTypes"] = json!([]), "No event types", FormSection::EventTypes),
            (|w| w["failureHandling"]["triggers"] = json!([]), "No failure triggers", FormSection::FailureHandling),
            (
                |w| w["endpoint"]["url"] = json!("HTTP://erp.example.com/hooks"),
                "Plain http:// endpoint",
                FormSection::Endpoint,
            ),
            (
                |w| w["failureHandling"]["alertEndpoint"]["url"] = json!("http://ops.example.com/"),
                "Plain http:// alert endpoint",
                FormSection::FailureHandling,
            ),
            (
                |w| w["endpoint"]["hmacEnabled"] = json!(false),
                "Deliveries are not signed",
                FormSection::EndpointSecurity,
            ),
            (
                |w| w["failureHandling"]["alertEndpoint"]["secureSsl"] = json!(false),
                "TLS certificate not verified",
                FormSection::AlertSecurity,
            ),
            (
                |w| {
                    w["failureHandling"]["retryStrategy"] =
                        json!({"type": "linear", "interval": 86_400_000, "attempts": 2})
                },
                "Retries take more than a day",
                FormSection::FailureHandling,
            ),
        ];
        for (change, title, section) in cases {
            let found = warnings(&webhook(change));
            let warning = found.iter().find(|w| w.title == title).unwrap_or_else(|| panic!("{title}: {found:?}"));
            assert_eq!(warning.section, section, "{title}");
            assert!(!warning.why.is_empty());
        }
        let unverified = webhook(|w| w["endpoint"]["secureSsl"] = json!(false));
        assert_eq!(warnings(&unverified)[0].section, FormSection::EndpointSecurity);
    }

    #[test]
    fn a_signature_needs_a_secret_and_retries_add_up() {
        let no_secret = webhook(|w| w["endpoint"]["secret"] = json!(""));
        assert!(titles(&no_secret).contains(&"Deliveries are not signed"));
        let day = RetryStrategy { kind: RetryType::Linear, interval: 8_640_000, attempts: 10 };
        assert_eq!(retry_total_ms(&day), DAY_MS);
        let exponential = RetryStrategy { kind: RetryType::Exponential, interval: 1_000, attempts: 3 };
        assert_eq!(retry_total_ms(&exponential), 7_000);
        let at_a_day = webhook(|w| {
            w["failureHandling"]["retryStrategy"] = json!({"type": "linear", "interval": 8_640_000, "attempts": 10})
        });
        assert!(!titles(&at_a_day).contains(&"Retries take more than a day"), "exactly a day is fine");
    }

    #[test]
    fn the_most_costly_first() {
        let careless = webhook(|w| {
            w["endpoint"]["hmacEnabled"] = json!(false);
            w["failureHandling"]["divert"] = json!(false);
        });
        assert_eq!(titles(&careless)[0], "Suspends without diverting");
    }
}
