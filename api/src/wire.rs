//! The JSON shapes of the Webhooks, Diverted Events and Events API (camelCase on the wire).
//!
//! Responses tolerate unknown fields (a later EC version adds some). Requests skip
//! every field that is `None` or, for collections the contract makes optional, empty.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Locator, TenantLocator};

/// HTTP headers of an endpoint: name → values. Names compare case-insensitively.
pub type Headers = BTreeMap<String, Vec<String>>;

/// The failure-handling triggers EC applies when a webhook gives none.
pub const DEFAULT_TRIGGERS: [&str; 3] = ["4xx", "5xx", "timeout"];

/// A webhook as the API returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct WebhookResponse {
    /// The webhook's ULID.
    pub locator: Locator,
    /// The administrator's name for it.
    pub name: String,
    /// Whether events are delivered at all.
    pub enabled: bool,
    /// Where events are delivered.
    pub endpoint: EndpointResponse,
    /// What happens when a delivery fails.
    pub failure_handling: FailureHandlingResponse,
    /// Whether EC stopped deliveries after failures (cleared only by unsuspend).
    pub suspended: bool,
    /// When it was suspended (RFC 3339), `null` when not suspended.
    #[serde(default)]
    pub suspended_at: Option<String>,
    /// The event types it subscribes to.
    #[serde(default)]
    pub event_types: Vec<String>,
}

impl WebhookResponse {
    /// `active` as the list filter means it: enabled and not suspended.
    pub fn is_active(&self) -> bool {
        self.enabled && !self.suspended
    }
}

/// An endpoint's security (the later EC version; all optional on the wire, never sent
/// unless set): signed deliveries and TLS verification.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EndpointSecurity {
    /// Whether the TLS certificate is verified (absent: yes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secure_ssl: Option<bool>,
    /// Whether deliveries are signed (Standard Webhooks, HMAC-SHA256; absent: no).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hmac_enabled: Option<bool>,
    /// The signing secret (its UTF-8 bytes are the HMAC key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// The client's label of the secret in use (e.g. its rotation date), sent as
    /// `webhook-secret-tag` with signed deliveries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
}

impl EndpointSecurity {
    /// Whether deliveries are signed: `hmacEnabled` with a secret.
    pub fn signs(&self) -> bool {
        self.hmac_enabled == Some(true) && self.secret.as_deref().is_some_and(|secret| !secret.is_empty())
    }

    /// Whether the TLS certificate is verified (the default).
    pub fn verifies_tls(&self) -> bool {
        self.secure_ssl != Some(false)
    }
}

/// An endpoint as the API returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EndpointResponse {
    /// Absolute http(s) URL.
    pub url: String,
    /// Headers sent with every delivery.
    #[serde(default)]
    pub headers: Headers,
    /// Signing and TLS verification (the later API version).
    #[serde(flatten)]
    pub security: EndpointSecurity,
}

/// Retry pattern between attempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum RetryType {
    /// Waits `interval` before each retry.
    Linear,
    /// Waits `interval × 2^(n-1)` before retry n.
    Exponential,
}

impl RetryType {
    /// The name on the wire, which is also the word shown: `linear`, `exponential`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Linear => "linear",
            Self::Exponential => "exponential",
        }
    }
}

/// A retry strategy; the create, update and response shapes are the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RetryStrategy {
    /// Linear or exponential.
    #[serde(rename = "type")]
    pub kind: RetryType,
    /// Base interval in milliseconds.
    pub interval: i64,
    /// Retries after the first try (1–10).
    pub attempts: i32,
}

impl RetryStrategy {
    /// How long to wait before retry `n` (1-based), in milliseconds: linear waits the
    /// interval each time, exponential `interval × 2^(n-1)` (the contract's decision).
    pub fn delay_before_retry_ms(&self, retry: i32) -> i64 {
        match self.kind {
            RetryType::Linear => self.interval,
            RetryType::Exponential => self.interval.saturating_mul(1_i64 << (retry - 1).clamp(0, 40)),
        }
    }
}

/// `RetryStrategyResponse` of the OpenAPI document.
pub type RetryStrategyResponse = RetryStrategy;
/// `RetryStrategyCreateRequest` of the OpenAPI document.
pub type RetryStrategyCreateRequest = RetryStrategy;
/// `RetryStrategyUpdateRequest` of the OpenAPI document.
pub type RetryStrategyUpdateRequest = RetryStrategy;

/// A webhook's failure-handling policy as the API returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct FailureHandlingResponse {
    /// Receives failure notices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert_endpoint: Option<EndpointResponse>,
    /// Which failures count: a status code, `4xx`, `5xx` or `timeout`.
    #[serde(default)]
    pub triggers: Vec<String>,
    /// How failed deliveries are retried; none means no retry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_strategy: Option<RetryStrategy>,
    /// Keep failed events for the Diverted Events API.
    #[serde(default)]
    pub divert: bool,
    /// Suspend the webhook when retries run out.
    #[serde(default)]
    pub suspend: bool,
}

impl Default for FailureHandlingResponse {
    /// EC's default policy: every failure triggers, no retry, no alert, no divert, no suspend.
    fn default() -> Self {
        Self {
            alert_endpoint: None,
            triggers: DEFAULT_TRIGGERS.iter().map(|t| (*t).to_owned()).collect(),
            retry_strategy: None,
            divert: false,
            suspend: false,
        }
    }
}

/// The endpoint of a create request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreateEndpointRequest {
    /// Absolute http(s) URL.
    pub url: String,
    /// Headers sent with every delivery (default none).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: Headers,
    /// Signing and TLS verification (the later API version).
    #[serde(flatten)]
    pub security: EndpointSecurity,
}

/// The failure handling of a create request; a field left out takes the default policy's value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct FailureHandlingCreateRequest {
    /// Receives failure notices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert_endpoint: Option<CreateEndpointRequest>,
    /// Which failures count (default `4xx`, `5xx`, `timeout`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub triggers: Option<Vec<String>>,
    /// How failed deliveries are retried.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_strategy: Option<RetryStrategy>,
    /// Keep failed events (default false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub divert: Option<bool>,
    /// Suspend when retries run out (default false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspend: Option<bool>,
}

/// The body of `POST /event/{tenantLocator}/webhooks`: only `name` and `endpoint.url` are required.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreateWebhookRequest {
    /// The administrator's name for it.
    pub name: String,
    /// Default true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Where events are delivered.
    pub endpoint: CreateEndpointRequest,
    /// Default: EC's default policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_handling: Option<FailureHandlingCreateRequest>,
    /// Default none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub event_types: Vec<String>,
}

impl CreateEndpointRequest {
    /// The endpoint as stored and returned.
    pub fn into_response(self) -> EndpointResponse {
        EndpointResponse { url: self.url, headers: self.headers, security: self.security }
    }
}

impl FailureHandlingCreateRequest {
    /// The policy as stored: fields left out take EC's default policy's values.
    pub fn into_response(self) -> FailureHandlingResponse {
        let default = FailureHandlingResponse::default();
        FailureHandlingResponse {
            alert_endpoint: self.alert_endpoint.map(CreateEndpointRequest::into_response),
            triggers: self.triggers.unwrap_or(default.triggers),
            retry_strategy: self.retry_strategy,
            divert: self.divert.unwrap_or(default.divert),
            suspend: self.suspend.unwrap_or(default.suspend),
        }
    }
}

impl CreateWebhookRequest {
    /// The webhook this request creates, under `locator`, with the contract's defaults.
    pub fn into_response(self, locator: Locator) -> WebhookResponse {
        WebhookResponse {
            locator,
            name: self.name,
            enabled: self.enabled.unwrap_or(true),
            endpoint: self.endpoint.into_response(),
            failure_handling: self.failure_handling.unwrap_or_default().into_response(),
            suspended: false,
            suspended_at: None,
            event_types: self.event_types,
        }
    }
}

/// The endpoint part of an update: header additions and removals by name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UpdateEndpointRequest {
    /// Replaces the URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Headers to set (each replaces that header's whole value list), applied after removals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub add_headers: Option<Headers>,
    /// Header names to remove (case-insensitive), applied first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remove_headers: Option<Vec<String>>,
    /// Signing and TLS verification (the later API version).
    #[serde(flatten)]
    pub security: EndpointSecurity,
}

/// The failure-handling part of an update.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct FailureHandlingUpdateRequest {
    /// Removes the alert endpoint (before `alertEndpoint` applies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remove_alert_endpoint: Option<bool>,
    /// Changes (or creates) the alert endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert_endpoint: Option<UpdateEndpointRequest>,
    /// Triggers to remove, applied first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remove_triggers: Option<Vec<String>>,
    /// Triggers to add.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub add_triggers: Option<Vec<String>>,
    /// Removes the retry strategy (before `retryStrategy` applies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remove_retry_strategy: Option<bool>,
    /// Replaces the retry strategy whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_strategy: Option<RetryStrategy>,
    /// Replaces `divert`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub divert: Option<bool>,
    /// Replaces `suspend`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspend: Option<bool>,
}

/// The body of `PATCH /event/{tenantLocator}/webhooks/{webhookLocator}`; a field left out stays as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UpdateWebhookRequest {
    /// Replaces the name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Replaces `enabled`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Changes the endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<UpdateEndpointRequest>,
    /// Changes failure handling (after `removeFailureHandling`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_handling: Option<FailureHandlingUpdateRequest>,
    /// Resets failure handling to EC's default policy first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remove_failure_handling: Option<bool>,
    /// Event types to add, after removals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub add_event_types: Option<Vec<String>>,
    /// Event types to remove, first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remove_event_types: Option<Vec<String>>,
}

/// A page of webhooks: EC answers a bare array, a later version `{"listCompleted", "items"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct WebhookList(pub Vec<WebhookResponse>);

impl<'de> Deserialize<'de> for WebhookList {
    // A visitor rather than an untagged enum: serde's untagged buffering costs ~20 kB of wasm.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ListVisitor;

        impl<'de> serde::de::Visitor<'de> for ListVisitor {
            type Value = WebhookList;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("an array of webhooks, or an object with `items`")
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<WebhookList, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(WebhookList(items))
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<WebhookList, A::Error> {
                let mut items = None;
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    if key == "items" {
                        items = Some(map.next_value()?);
                    } else {
                        map.next_value::<serde::de::IgnoredAny>()?;
                    }
                }
                items.map(WebhookList).ok_or_else(|| serde::de::Error::missing_field("items"))
            }
        }

        deserializer.deserialize_any(ListVisitor)
    }
}

/// An event that failed delivery and was kept (`divert`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DivertedEventResponse {
    /// The event's ULID.
    pub event_locator: Locator,
    /// The ULID of the request that raised the event.
    pub request_locator: Locator,
    /// The trigger that matched (`5xx`, `503`, `timeout`, ...).
    pub failure_trigger: String,
    /// What went wrong, in words.
    pub failure_message: String,
    /// When it failed (RFC 3339).
    pub failure_timestamp: String,
}

/// An event as delivered to an endpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EventResponse {
    /// The event's ULID.
    pub locator: Locator,
    /// The user whose request raised it.
    pub user_locator: uuid::Uuid,
    /// The ULID of the request that raised it.
    pub request_id: Locator,
    /// When it happened (RFC 3339).
    pub timestamp: String,
    /// Its event type, e.g. `policy.transaction.issue`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The event's payload: an object whose shape depends on the type (clients show
    /// whatever comes, so it is read as any JSON value).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub data: serde_json::Value,
}

/// A page of a tenant's event stream (`GET …/events/list`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EventStreamResponse {
    /// Opaque; sent back with the same filters, the stream continues after the last event
    /// of this page, including events raised later. Present on every page, also an empty one.
    pub paging_token: String,
    /// The events, oldest first (locator order).
    pub events: Vec<EventResponse>,
}

/// The error body of every non-2xx answer (a project decision; clients also cope with none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    /// The HTTP status repeated.
    pub http_status: u16,
    /// What went wrong, in words.
    pub message: String,
    /// Field path (`endpoint.url`) → what is wrong with it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub field_errors: BTreeMap<String, String>,
}

/// Paths of the API, so that client and server spell them once.
pub mod paths {
    use super::{Locator, TenantLocator};

    /// `GET` a page of a tenant's webhooks.
    pub fn list_webhooks(tenant: &TenantLocator) -> String {
        format!("/event/{tenant}/webhooks/list")
    }

    /// `POST` a new webhook.
    pub fn create_webhook(tenant: &TenantLocator) -> String {
        format!("/event/{tenant}/webhooks")
    }

    /// `GET`, `PATCH` or `DELETE` one webhook.
    pub fn webhook(tenant: &TenantLocator, webhook: &Locator) -> String {
        format!("/event/{tenant}/webhooks/{webhook}")
    }

    /// `PATCH` to clear a webhook's suspension.
    pub fn unsuspend_webhook(tenant: &TenantLocator, webhook: &Locator) -> String {
        format!("{}/unsuspend", self::webhook(tenant, webhook))
    }

    /// `GET` a page of a webhook's diverted events.
    pub fn diverted_events(tenant: &TenantLocator, webhook: &Locator) -> String {
        format!("/event/{tenant}/webhooks/{webhook}/diverted")
    }

    /// `GET` or `DELETE` one diverted event.
    pub fn diverted_event(tenant: &TenantLocator, webhook: &Locator, event: &Locator) -> String {
        format!("/event/{tenant}/webhooks/{webhook}/diverted/{event}")
    }

    /// `POST` to deliver a diverted event again.
    pub fn resend_diverted(tenant: &TenantLocator, webhook: &Locator, event: &Locator) -> String {
        format!("{}/resend", diverted_event(tenant, webhook, event))
    }

    /// `GET` a page of a tenant's event stream; add `startTimestamp`, `endTimestamp`, `type`,
    /// `pageSize` and `pagingToken` as query parameters.
    pub fn events_list(tenant: &TenantLocator) -> String {
        format!("/event/{tenant}/events/list")
    }

    /// `GET` one event.
    pub fn event(tenant: &TenantLocator, event: &Locator) -> String {
        format!("/event/{tenant}/events/{event}")
    }

    /// `GET` the events raised by one request, oldest first.
    pub fn request_events(tenant: &TenantLocator, request: &Locator) -> String {
        format!("/event/{tenant}/events/request/{request}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn webhook_json() -> serde_json::Value {
        serde_json::json!({
            "locator": "01JD8Z6Q4V3N5K7M9P1R2S3T4V",
            "name": "Policy sync",
            "enabled": true,
            "endpoint": {"url": "https://example.com/hook", "headers": {"X-Key": ["a", "b"]}, "secureSsl": true},
            "failureHandling": {
                "triggers": ["5xx"],
                "retryStrategy": {"type": "linear", "interval": 1000, "attempts": 3},
                "divert": true,
                "suspend": false
            },
            "suspended": false,
            "suspendedAt": null,
            "eventTypes": ["policy.transaction.issue"],
            "someFutureField": 42
        })
    }

    #[test]
    fn webhook_response_tolerates_unknown_fields_and_keeps_security() {
        let webhook: WebhookResponse = serde_json::from_value(webhook_json()).unwrap();
        assert_eq!(webhook.endpoint.security.secure_ssl, Some(true));
        assert_eq!(webhook.endpoint.security.secret, None);
        let back = serde_json::to_value(&webhook).unwrap();
        assert_eq!(back["endpoint"]["secureSsl"], true);
        assert!(back["endpoint"].get("secret").is_none());
        assert!(back.get("someFutureField").is_none());
    }

    #[test]
    fn list_decodes_bare_array_and_wrapped_items() {
        let bare = serde_json::Value::Array(vec![webhook_json()]);
        let wrapped = serde_json::json!({"listCompleted": true, "items": [webhook_json()]});
        let a: WebhookList = serde_json::from_value(bare).unwrap();
        let b: WebhookList = serde_json::from_value(wrapped).unwrap();
        assert_eq!(a.0.len(), 1);
        assert_eq!(a, b);
    }

    #[test]
    fn event_stream_tolerates_unknown_fields() {
        let page: EventStreamResponse = serde_json::from_value(serde_json::json!({
            "pagingToken": "opaque",
            "events": [{"locator": "01JD8Z6Q4V3N5K7M9P1R2S3T4V", "userLocator": "3f2c8a4e-1b7d-4c1e-9a55-0c6f1e2d3b4a",
                "requestId": "01JD8Z6Q4V3N5K7M9P1R2S3T4W", "timestamp": "2026-11-27T10:15:30Z",
                "type": "policy.change.issue", "data": {}, "someFutureField": 1}],
            "listCompleted": false
        }))
        .unwrap();
        assert_eq!(page.paging_token, "opaque");
        assert_eq!(page.events[0].kind, "policy.change.issue");
        let back = serde_json::to_value(&page).unwrap();
        assert_eq!(back.as_object().unwrap().keys().collect::<Vec<_>>(), ["events", "pagingToken"]);
    }

    #[test]
    fn event_paths() {
        let tenant: TenantLocator = "3f2c8a4e-1b7d-4c1e-9a55-0c6f1e2d3b4a".parse().unwrap();
        let locator: Locator = "01JD8Z6Q4V3N5K7M9P1R2S3T4V".parse().unwrap();
        assert_eq!(paths::events_list(&tenant), "/event/3f2c8a4e-1b7d-4c1e-9a55-0c6f1e2d3b4a/events/list");
        assert_eq!(
            paths::event(&tenant, &locator),
            "/event/3f2c8a4e-1b7d-4c1e-9a55-0c6f1e2d3b4a/events/01JD8Z6Q4V3N5K7M9P1R2S3T4V"
        );
        assert_eq!(
            paths::request_events(&tenant, &locator),
            "/event/3f2c8a4e-1b7d-4c1e-9a55-0c6f1e2d3b4a/events/request/01JD8Z6Q4V3N5K7M9P1R2S3T4V"
        );
    }

    #[test]
    fn empty_update_serializes_to_empty_object() {
        assert_eq!(serde_json::to_string(&UpdateWebhookRequest::default()).unwrap(), "{}");
    }

    #[test]
    fn create_request_needs_only_name_and_url() {
        let request: CreateWebhookRequest =
            serde_json::from_str(r#"{"name":"n","endpoint":{"url":"https://e.com"}}"#).unwrap();
        assert_eq!(request.enabled, None);
        assert!(request.event_types.is_empty());
        assert_eq!(serde_json::to_string(&request).unwrap(), r#"{"name":"n","endpoint":{"url":"https://e.com"}}"#);
        let webhook = request.into_response("01JD8Z6Q4V3N5K7M9P1R2S3T4V".parse().unwrap());
        assert!(webhook.enabled);
        assert!(!webhook.suspended);
        assert_eq!(webhook.failure_handling, FailureHandlingResponse::default());
    }
}
