//! The laws of `diff` and `apply` (property tests), and the exact bodies of common edits.

use proptest::prelude::*;
use serde_json::json;

use super::*;
use crate::strategies;
use crate::{DivertedEventResponse, EventResponse};

/// Cases per property: the contract asks for at least 2,000.
const CASES: u32 = 2_000;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    /// Applying the diff of an edit gives the edited webhook.
    #[test]
    fn apply_of_diff_is_the_edit((original, edited) in strategies::webhook_and_edit()) {
        let update = diff(&original, &edited);
        let result = apply(&original, &update).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(WebhookDraft::from(&result), edited);
        prop_assert_eq!(result.locator, original.locator);
        prop_assert_eq!(result.suspended, original.suspended);
        prop_assert_eq!(&result.suspended_at, &original.suspended_at);
    }

    /// An unchanged draft needs no request at all.
    #[test]
    fn diff_of_unchanged_is_empty(original in strategies::webhook()) {
        let update = diff(&original, &WebhookDraft::from(&original));
        prop_assert_eq!(serde_json::to_string(&update).unwrap(), "{}");
    }

    /// Sending the same diff twice changes nothing more.
    #[test]
    fn apply_of_diff_is_idempotent((original, edited) in strategies::webhook_and_edit()) {
        let update = diff(&original, &edited);
        let once = apply(&original, &update).unwrap();
        prop_assert_eq!(apply(&once, &update).unwrap(), once);
    }

    /// The diff names only what changed: nothing removed that was absent, nothing added that was there.
    #[test]
    fn diff_is_minimal((original, edited) in strategies::webhook_and_edit()) {
        let update = diff(&original, &edited);
        for removed in update.remove_event_types.iter().flatten() {
            prop_assert!(original.event_types.contains(removed));
        }
        for added in update.add_event_types.iter().flatten() {
            prop_assert!(!original.event_types.contains(added));
        }
        prop_assert_eq!(update.name.is_some(), original.name != edited.name);
        prop_assert_eq!(update.enabled.is_some(), original.enabled != edited.enabled);
        if let Some(endpoint) = &update.endpoint {
            prop_assert_eq!(endpoint.url.is_some(), original.endpoint.url != edited.endpoint.url);
            for name in endpoint.remove_headers.iter().flatten() {
                prop_assert!(original.endpoint.headers.contains_key(name));
            }
        }
        let unchanged_policy = FailureHandlingDraft::from(&original.failure_handling) == edited.failure_handling;
        prop_assert_eq!(unchanged_policy, update.failure_handling.is_none() && update.remove_failure_handling.is_none());
    }

    /// Every wire type survives JSON both ways.
    #[test]
    fn json_round_trips((original, edited) in strategies::webhook_and_edit()) {
        let webhook: WebhookResponse = serde_json::from_str(&serde_json::to_string(&original).unwrap()).unwrap();
        prop_assert_eq!(&webhook, &original);
        let update = diff(&original, &edited);
        let back: UpdateWebhookRequest = serde_json::from_str(&serde_json::to_string(&update).unwrap()).unwrap();
        prop_assert_eq!(back, update);
        let create = edited.to_create_request();
        let back: CreateWebhookRequest = serde_json::from_str(&serde_json::to_string(&create).unwrap()).unwrap();
        prop_assert_eq!(&back, &create);
        let created = create.into_valid_webhook(original.locator).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(WebhookDraft::from(&created), edited);
        let diverted = DivertedEventResponse {
            event_locator: original.locator,
            request_locator: original.locator,
            failure_trigger: "5xx".into(),
            failure_message: original.name.clone(),
            failure_timestamp: "2026-11-27T10:00:00Z".into(),
        };
        let back: DivertedEventResponse = serde_json::from_str(&serde_json::to_string(&diverted).unwrap()).unwrap();
        prop_assert_eq!(back, diverted);
        let event = EventResponse {
            locator: original.locator,
            user_locator: uuid::Uuid::from_u128(original.locator.as_ulid().0),
            request_id: original.locator,
            timestamp: "2026-11-27T10:00:00Z".into(),
            kind: original.event_types.first().cloned().unwrap_or_default(),
            data: serde_json::from_value(json!({"name": original.name})).unwrap(),
        };
        let back: EventResponse = serde_json::from_str(&serde_json::to_string(&event).unwrap()).unwrap();
        prop_assert_eq!(back, event);
    }

    /// Valid drafts pass validation; the generators make only valid ones.
    #[test]
    fn generated_drafts_are_valid(draft in strategies::webhook_draft()) {
        prop_assert!(draft.validate().is_empty(), "{}", draft.validate());
    }
}

fn original() -> WebhookResponse {
    serde_json::from_value(json!({
        "locator": "01JD8Z6Q4V3N5K7M9P1R2S3T4V",
        "name": "Invoices to ERP",
        "enabled": true,
        "endpoint": {"url": "https://erp.example.com/hooks", "headers": {"Authorization": ["Bearer a"], "X-Env": ["prod"]}},
        "failureHandling": {
            "alertEndpoint": {"url": "https://alerts.example.com/", "headers": {}},
            "triggers": ["5xx", "timeout"],
            "retryStrategy": {"type": "linear", "interval": 1000, "attempts": 3},
            "divert": true,
            "suspend": false
        },
        "suspended": false,
        "suspendedAt": null,
        "eventTypes": ["billing.invoice.generate", "billing.invoice.settle"]
    }))
    .unwrap()
}

/// Edits `original()` with `edit`, checks the exact body, and that applying it gives the edit.
fn assert_edit(edit: impl FnOnce(&mut WebhookDraft), expected: serde_json::Value) {
    let original = original();
    let mut edited = WebhookDraft::from(&original);
    edit(&mut edited);
    let update = diff(&original, &edited);
    assert_eq!(serde_json::to_value(&update).unwrap(), expected);
    assert_eq!(WebhookDraft::from(&apply(&original, &update).unwrap()), edited);
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn rename() {
    assert_edit(|d| d.name = "Invoices → ERP".into(), json!({"name": "Invoices → ERP"}));
}

#[test]
fn toggle_enabled() {
    assert_edit(|d| d.enabled = false, json!({"enabled": false}));
}

#[test]
fn change_url() {
    assert_edit(
        |d| d.endpoint.url = "https://erp.example.com/v2".into(),
        json!({"endpoint": {"url": "https://erp.example.com/v2"}}),
    );
}

#[test]
fn add_header() {
    assert_edit(
        |d| {
            d.endpoint.headers.insert("X-Api-Key".into(), strings(&["k1"]));
        },
        json!({"endpoint": {"addHeaders": {"X-Api-Key": ["k1"]}}}),
    );
}

#[test]
fn change_header_values_removes_and_re_adds() {
    assert_edit(
        |d| {
            d.endpoint.headers.insert("X-Env".into(), strings(&["prod", "eu"]));
        },
        json!({"endpoint": {"removeHeaders": ["X-Env"], "addHeaders": {"X-Env": ["prod", "eu"]}}}),
    );
}

#[test]
fn rename_header_in_case_only() {
    assert_edit(
        |d| {
            let values = d.endpoint.headers.remove("X-Env").unwrap();
            d.endpoint.headers.insert("x-env".into(), values);
        },
        json!({"endpoint": {"removeHeaders": ["X-Env"], "addHeaders": {"x-env": ["prod"]}}}),
    );
}

#[test]
fn remove_header() {
    assert_edit(
        |d| {
            d.endpoint.headers.remove("Authorization");
        },
        json!({"endpoint": {"removeHeaders": ["Authorization"]}}),
    );
}

#[test]
fn add_and_remove_event_types() {
    assert_edit(
        |d| {
            d.event_types.remove("billing.invoice.settle");
            d.event_types.insert("billing.payment.post".into());
        },
        json!({"addEventTypes": ["billing.payment.post"], "removeEventTypes": ["billing.invoice.settle"]}),
    );
}

#[test]
fn change_retry_strategy() {
    assert_edit(
        |d| {
            d.failure_handling.retry_strategy =
                Some(RetryStrategy { kind: crate::RetryType::Exponential, interval: 500, attempts: 5 });
        },
        json!({"failureHandling": {"retryStrategy": {"type": "exponential", "interval": 500, "attempts": 5}}}),
    );
}

#[test]
fn remove_retry_strategy() {
    assert_edit(
        |d| d.failure_handling.retry_strategy = None,
        json!({"failureHandling": {"removeRetryStrategy": true}}),
    );
}

#[test]
fn set_alert_endpoint_headers() {
    assert_edit(
        |d| {
            let alert = d.failure_handling.alert_endpoint.as_mut().unwrap();
            alert.url = "https://pager.example.com/".into();
            alert.headers.insert("X-Team".into(), strings(&["platform"]));
        },
        json!({"failureHandling": {"alertEndpoint": {"url": "https://pager.example.com/", "addHeaders": {"X-Team": ["platform"]}}}}),
    );
}

#[test]
fn remove_alert_endpoint() {
    assert_edit(
        |d| d.failure_handling.alert_endpoint = None,
        json!({"failureHandling": {"removeAlertEndpoint": true}}),
    );
}

#[test]
fn add_alert_endpoint_where_there_was_none() {
    let original = WebhookResponse { failure_handling: FailureHandlingResponse::default(), ..original() };
    let mut edited = WebhookDraft::from(&original);
    edited.failure_handling.alert_endpoint =
        Some(EndpointDraft { url: "https://alerts.example.com/".into(), ..Default::default() });
    let update = diff(&original, &edited);
    assert_eq!(
        serde_json::to_value(&update).unwrap(),
        json!({"failureHandling": {"alertEndpoint": {"url": "https://alerts.example.com/"}}})
    );
    assert_eq!(WebhookDraft::from(&apply(&original, &update).unwrap()), edited);
}

#[test]
fn change_triggers() {
    assert_edit(
        |d| {
            d.failure_handling.triggers.remove("timeout");
            d.failure_handling.triggers.insert("429".into());
        },
        json!({"failureHandling": {"removeTriggers": ["timeout"], "addTriggers": ["429"]}}),
    );
}

#[test]
fn reset_failure_handling_uses_remove_failure_handling() {
    assert_edit(|d| d.failure_handling = FailureHandlingDraft::default(), json!({"removeFailureHandling": true}));
}

#[test]
fn several_sections_at_once() {
    assert_edit(
        |d| {
            d.name = "ERP".into();
            d.failure_handling.divert = false;
            d.failure_handling.suspend = true;
            d.event_types.clear();
        },
        json!({
            "name": "ERP",
            "failureHandling": {"divert": false, "suspend": true},
            "removeEventTypes": ["billing.invoice.generate", "billing.invoice.settle"]
        }),
    );
}

#[test]
fn apply_removes_before_adding_and_ignores_header_case() {
    let update: UpdateWebhookRequest = serde_json::from_value(json!({
        "endpoint": {"removeHeaders": ["authorization", "X-ENV"], "addHeaders": {"X-Env": ["staging"]}},
        "removeEventTypes": ["billing.invoice.generate"],
        "addEventTypes": ["billing.invoice.generate", "claim.fnol.create"],
        "failureHandling": {"removeTriggers": ["5xx"], "addTriggers": ["5xx", "404"]}
    }))
    .unwrap();
    let result = apply(&original(), &update).unwrap();
    assert_eq!(result.endpoint.headers, Headers::from([("X-Env".into(), strings(&["staging"]))]));
    assert_eq!(result.event_types, ["billing.invoice.settle", "billing.invoice.generate", "claim.fnol.create"]);
    assert_eq!(result.failure_handling.triggers, ["timeout", "5xx", "404"]);
}

#[test]
fn apply_adds_header_with_the_spelling_last_given() {
    let update: UpdateWebhookRequest =
        serde_json::from_value(json!({"endpoint": {"addHeaders": {"x-env": ["dev"]}}})).unwrap();
    let result = apply(&original(), &update).unwrap();
    assert_eq!(result.endpoint.headers.get("x-env"), Some(&strings(&["dev"])));
    assert!(!result.endpoint.headers.contains_key("X-Env"));
}

#[test]
fn apply_refuses_an_invalid_result_naming_fields() {
    let update: UpdateWebhookRequest = serde_json::from_value(json!({
        "name": "  ",
        "endpoint": {"url": "ftp://x", "addHeaders": {"X-Bad": ["a\r\nb"]}},
        "failureHandling": {"addTriggers": ["7xx"], "retryStrategy": {"type": "linear", "interval": 0, "attempts": 3}}
    }))
    .unwrap();
    let errors = apply(&original(), &update).unwrap_err();
    let paths: Vec<&str> = errors.0.keys().map(String::as_str).collect();
    assert_eq!(
        paths,
        [
            "endpoint.headers.X-Bad",
            "endpoint.url",
            "failureHandling.retryStrategy.interval",
            "failureHandling.triggers",
            "name"
        ]
    );
}

#[test]
fn apply_needs_a_url_to_create_an_alert_endpoint() {
    let original = WebhookResponse { failure_handling: FailureHandlingResponse::default(), ..original() };
    let update: UpdateWebhookRequest =
        serde_json::from_value(json!({"failureHandling": {"alertEndpoint": {"addHeaders": {"X": ["1"]}}}})).unwrap();
    let errors = apply(&original, &update).unwrap_err();
    assert!(errors.0.contains_key("failureHandling.alertEndpoint.url"));
}

#[test]
fn apply_never_changes_suspension() {
    let suspended =
        WebhookResponse { suspended: true, suspended_at: Some("2026-11-27T10:00:00Z".into()), ..original() };
    let result = apply(&suspended, &serde_json::from_value(json!({"enabled": false})).unwrap()).unwrap();
    assert!(result.suspended);
    assert_eq!(result.suspended_at, suspended.suspended_at);
}

fn names(prefix: &str, count: usize) -> Vec<String> {
    (0..count).map(|i| format!("{prefix}.{i}")).collect()
}

#[test]
fn apply_refuses_lists_longer_than_a_webhook_holds_before_applying_them() {
    let over: UpdateWebhookRequest = serde_json::from_value(json!({
        "addEventTypes": names("a", validate::MAX_EVENT_TYPES + 1),
        "removeEventTypes": names("r", validate::MAX_EVENT_TYPES + 1),
        "endpoint": {"removeHeaders": names("X-R", validate::MAX_HEADERS + 1)},
        "failureHandling": {
            "addTriggers": vec!["5xx"; validate::MAX_TRIGGERS + 1],
            "alertEndpoint": {"addHeaders": names("X-A", validate::MAX_HEADERS + 1).into_iter().map(|n| (n, ["1"])).collect::<std::collections::BTreeMap<_, _>>()}
        }
    }))
    .unwrap();
    let errors = apply(&original(), &over).unwrap_err();
    let paths: Vec<&str> = errors.0.keys().map(String::as_str).collect();
    assert_eq!(
        paths,
        [
            "addEventTypes",
            "endpoint.removeHeaders",
            "failureHandling.addTriggers",
            "failureHandling.alertEndpoint.addHeaders",
            "removeEventTypes"
        ]
    );
    assert_eq!(errors.0["addEventTypes"], "give at most 500 (501 given)");
    // Within the lists' bounds, the stored result is bounded too: 500 distinct event types.
    let full: UpdateWebhookRequest =
        serde_json::from_value(json!({"addEventTypes": names("a", validate::MAX_EVENT_TYPES - 2)})).unwrap();
    assert_eq!(apply(&original(), &full).unwrap().event_types.len(), validate::MAX_EVENT_TYPES);
    let one_more: UpdateWebhookRequest =
        serde_json::from_value(json!({"addEventTypes": names("a", validate::MAX_EVENT_TYPES - 1)})).unwrap();
    assert_eq!(apply(&original(), &one_more).unwrap_err().0["eventTypes"], "give at most 500 (501 given)");
}

#[test]
fn adding_and_removing_takes_linear_time() {
    // 20,000 names each way: a search per item (quadratic) takes seconds, sets milliseconds.
    let mut items = names("t", 20_000);
    let started = std::time::Instant::now();
    remove_then_add(&mut items, Some(&names("t", 10_000)), Some(&names("u", 20_000)));
    let mut endpoint = EndpointResponse {
        url: "https://e.com".into(),
        headers: names("X-T", 10_000).into_iter().map(|n| (n, vec![])).collect(),
        security: Default::default(),
    };
    let update = UpdateEndpointRequest {
        add_headers: Some(names("x-t", 5_000).into_iter().map(|n| (n, vec![])).collect()),
        remove_headers: Some(names("X-T", 10_000)[5_000..].to_vec()),
        ..Default::default()
    };
    apply_endpoint(&mut endpoint, &update);
    let took = started.elapsed();
    assert_eq!(items.len(), 30_000);
    assert_eq!(endpoint.headers.len(), 5_000);
    assert!(endpoint.headers.keys().all(|name| name.starts_with("x-t.")));
    assert!(took < std::time::Duration::from_millis(500), "took {took:?}");
}

#[test]
fn security_fields_are_sent_only_when_they_change() {
    let original = original();
    let mut edited = WebhookDraft::from(&original);
    assert!(edited.endpoint.secure_ssl, "absent: the certificate is verified");
    edited.endpoint.secure_ssl = false;
    let update = diff(&original, &edited);
    assert_eq!(serde_json::to_value(&update).unwrap(), json!({"endpoint": {"secureSsl": false}}));
    let request = WebhookDraft::from(&original).to_create_request();
    assert!(serde_json::to_value(&request).unwrap()["endpoint"].get("secureSsl").is_none(), "defaults are not sent");
}

#[test]
fn signing_on_off_and_a_new_secret_send_the_least() {
    let secret = "s".repeat(32);
    let mut signed = original();
    signed.endpoint.security = EndpointSecurity {
        hmac_enabled: Some(true),
        secret: Some(secret.clone()),
        tag: Some("2026-11-01".into()),
        secure_ssl: None,
    };
    // Off and on again: nothing to send.
    let mut edited = WebhookDraft::from(&signed);
    edited.endpoint.hmac_enabled = false;
    edited.endpoint.hmac_enabled = true;
    assert_eq!(diff(&signed, &edited), UpdateWebhookRequest::default());
    // Off: only the flag.
    edited.endpoint.hmac_enabled = false;
    assert_eq!(serde_json::to_value(diff(&signed, &edited)).unwrap(), json!({"endpoint": {"hmacEnabled": false}}));
    // A rotated secret: the secret and its tag, nothing else.
    let mut rotated = WebhookDraft::from(&signed);
    rotated.endpoint.secret = "r".repeat(32);
    rotated.endpoint.tag = "2026-11-30".into();
    let update = diff(&signed, &rotated);
    assert_eq!(
        serde_json::to_value(&update).unwrap(),
        json!({"endpoint": {"secret": "r".repeat(32), "tag": "2026-11-30"}})
    );
    assert_eq!(WebhookDraft::from(&apply(&signed, &update).unwrap()), rotated);
}

#[test]
fn signing_without_a_secret_is_refused_where_the_server_and_the_form_check() {
    let mut draft = WebhookDraft::from(&original());
    draft.endpoint.hmac_enabled = true;
    assert!(draft.validate().0.contains_key("endpoint.secret"));
    draft.endpoint.secret = "s".repeat(24);
    assert!(draft.validate().is_empty());
}
