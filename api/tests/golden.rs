//! Golden tests: the shapes of the OpenAPI subset (every field, later-version fields
//! included) decode into the contract's types, and re-encode without losing a field
//! the types model.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use webhooks_api::*;

fn golden(name: &str) -> Value {
    let path = format!("{}/tests/golden/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// Decodes, re-encodes, and checks every field of the golden file that `ignored` does not name survives.
fn round_trip<T: DeserializeOwned + Serialize>(name: &str, ignored: &[&str]) -> T {
    let original = golden(name);
    let decoded: T = serde_json::from_value(original.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
    let encoded = serde_json::to_value(&decoded).unwrap();
    for (key, value) in original.as_object().unwrap() {
        if !ignored.contains(&key.as_str()) {
            assert_eq!(encoded.get(key), Some(value), "{name}: field {key} changed");
        }
    }
    decoded
}

#[test]
fn webhook_response() {
    let webhook: WebhookResponse = round_trip("webhook-response.json", &[]);
    assert_eq!(webhook.endpoint.security.tag.as_deref(), Some("erp"));
    assert_eq!(webhook.failure_handling.retry_strategy.unwrap().kind, RetryType::Exponential);
    assert!(webhook.suspended);
}

#[test]
fn webhook_list_response_wrapped() {
    let list: WebhookList = serde_json::from_value(golden("webhook-list-response.json")).unwrap();
    assert_eq!(list.0.len(), 1);
    assert_eq!(list.0[0].suspended_at, None);
}

#[test]
fn create_webhook_request() {
    // `useAutomationPlugin` belongs to a later version and is not modelled.
    let request: CreateWebhookRequest = round_trip("create-webhook-request.json", &["useAutomationPlugin"]);
    assert_eq!(request.endpoint.security.hmac_enabled, Some(true));
}

#[test]
fn update_webhook_request() {
    let request: UpdateWebhookRequest = round_trip("update-webhook-request.json", &[]);
    assert_eq!(request.failure_handling.unwrap().add_triggers.unwrap(), ["429"]);
}

#[test]
fn diverted_event_response() {
    let event: DivertedEventResponse = round_trip("diverted-event-response.json", &[]);
    assert_eq!(event.failure_trigger, "5xx");
}

#[test]
fn event_response() {
    let event: EventResponse = round_trip("event-response.json", &[]);
    assert_eq!(event.kind, "billing.invoice.generate");
}

#[test]
fn error_body() {
    let error: ErrorBody = round_trip("error-body.json", &[]);
    assert_eq!(error.field_errors.len(), 2);
}
