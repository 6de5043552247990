//! The editable form of a webhook, and EC's add/remove PATCH semantics in both
//! directions: [`diff`] (what the dashboard sends) and [`apply`] (what the server does).
//!
//! The law that ties them: for every original `o` and valid edit `e`,
//! `WebhookDraft::from(&apply(o, &diff(o, e))?) == e`, and `diff(o, &o.into())` is `{}`.

use std::collections::{BTreeSet, HashSet};

use crate::validate::{self, ValidationErrors};
use crate::{
    CreateEndpointRequest, CreateWebhookRequest, EndpointResponse, EndpointSecurity, FailureHandlingCreateRequest,
    FailureHandlingResponse, FailureHandlingUpdateRequest, Headers, Locator, RetryStrategy, UpdateEndpointRequest,
    UpdateWebhookRequest, WebhookResponse,
};

/// An endpoint being edited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointDraft {
    /// Absolute http(s) URL.
    pub url: String,
    /// Name → values; names are unique ignoring case.
    pub headers: Headers,
    /// Sign deliveries (Standard Webhooks: HMAC-SHA256 keyed by `secret`).
    pub hmac_enabled: bool,
    /// The signing secret; empty: none.
    pub secret: String,
    /// The label of the secret in use (e.g. its rotation date); empty: none.
    pub tag: String,
    /// Verify the endpoint's TLS certificate.
    pub secure_ssl: bool,
}

impl Default for EndpointDraft {
    /// No URL, no headers, unsigned, the TLS certificate verified (EC's defaults).
    fn default() -> Self {
        Self {
            url: String::new(),
            headers: Headers::new(),
            hmac_enabled: false,
            secret: String::new(),
            tag: String::new(),
            secure_ssl: true,
        }
    }
}

/// A failure-handling policy being edited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailureHandlingDraft {
    /// Which failures count.
    pub triggers: BTreeSet<String>,
    /// How failed deliveries are retried; none means no retry.
    pub retry_strategy: Option<RetryStrategy>,
    /// Keep failed events.
    pub divert: bool,
    /// Suspend when retries run out.
    pub suspend: bool,
    /// Receives failure notices.
    pub alert_endpoint: Option<EndpointDraft>,
}

/// A webhook being edited or created: plain values, no add/remove lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookDraft {
    /// The administrator's name for it.
    pub name: String,
    /// Whether events are delivered.
    pub enabled: bool,
    /// Where events are delivered.
    pub endpoint: EndpointDraft,
    /// Subscribed event types.
    pub event_types: BTreeSet<String>,
    /// What happens when a delivery fails.
    pub failure_handling: FailureHandlingDraft,
}

impl From<&EndpointResponse> for EndpointDraft {
    fn from(endpoint: &EndpointResponse) -> Self {
        let security = &endpoint.security;
        Self {
            url: endpoint.url.clone(),
            headers: endpoint.headers.clone(),
            hmac_enabled: security.hmac_enabled.unwrap_or(false),
            secret: security.secret.clone().unwrap_or_default(),
            tag: security.tag.clone().unwrap_or_default(),
            secure_ssl: security.verifies_tls(),
        }
    }
}

impl From<&FailureHandlingResponse> for FailureHandlingDraft {
    fn from(policy: &FailureHandlingResponse) -> Self {
        Self {
            triggers: policy.triggers.iter().cloned().collect(),
            retry_strategy: policy.retry_strategy,
            divert: policy.divert,
            suspend: policy.suspend,
            alert_endpoint: policy.alert_endpoint.as_ref().map(EndpointDraft::from),
        }
    }
}

impl From<&WebhookResponse> for WebhookDraft {
    fn from(webhook: &WebhookResponse) -> Self {
        Self {
            name: webhook.name.clone(),
            enabled: webhook.enabled,
            endpoint: EndpointDraft::from(&webhook.endpoint),
            event_types: webhook.event_types.iter().cloned().collect(),
            failure_handling: FailureHandlingDraft::from(&webhook.failure_handling),
        }
    }
}

impl Default for FailureHandlingDraft {
    /// EC's default policy.
    fn default() -> Self {
        Self::from(&FailureHandlingResponse::default())
    }
}

impl FailureHandlingDraft {
    /// Whether this is EC's default policy (what "reset to default" gives).
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }
}

impl Default for WebhookDraft {
    /// A new webhook: enabled, no event types, EC's default policy.
    fn default() -> Self {
        Self {
            name: String::new(),
            enabled: true,
            endpoint: EndpointDraft::default(),
            event_types: BTreeSet::new(),
            failure_handling: FailureHandlingDraft::default(),
        }
    }
}

impl EndpointDraft {
    fn to_create_request(&self) -> CreateEndpointRequest {
        CreateEndpointRequest {
            url: self.url.clone(),
            headers: self.headers.clone(),
            security: diff_security(&EndpointDraft::default(), self),
        }
    }
}

impl WebhookDraft {
    /// The body of `POST …/webhooks` that creates this webhook, every field explicit.
    pub fn to_create_request(&self) -> CreateWebhookRequest {
        let policy = &self.failure_handling;
        CreateWebhookRequest {
            name: self.name.clone(),
            enabled: Some(self.enabled),
            endpoint: self.endpoint.to_create_request(),
            failure_handling: Some(FailureHandlingCreateRequest {
                alert_endpoint: policy.alert_endpoint.as_ref().map(EndpointDraft::to_create_request),
                triggers: Some(policy.triggers.iter().cloned().collect()),
                retry_strategy: policy.retry_strategy,
                divert: Some(policy.divert),
                suspend: Some(policy.suspend),
            }),
            event_types: self.event_types.iter().cloned().collect(),
        }
    }

    /// Every field that the contract's rules refuse, by field path.
    pub fn validate(&self) -> ValidationErrors {
        let placeholder = Locator::from_ulid(ulid::Ulid::nil());
        validate::webhook(&self.to_create_request().into_response(placeholder))
    }
}

fn find_ignoring_case<'a>(headers: &'a Headers, name: &str) -> Option<(&'a String, &'a Vec<String>)> {
    headers.iter().find(|(candidate, _)| candidate.eq_ignore_ascii_case(name))
}

fn some_if_not_empty<T: Default + PartialEq>(value: T) -> Option<T> {
    (value != T::default()).then_some(value)
}

/// Header removals and additions that turn `original` into `edited`. A header whose
/// values or spelling changed is removed and re-added.
fn diff_headers(original: &Headers, edited: &Headers) -> (Vec<String>, Headers) {
    let mut remove = Vec::new();
    let mut add = Headers::new();
    for (name, values) in original {
        match find_ignoring_case(edited, name) {
            None => remove.push(name.clone()),
            Some((edited_name, edited_values)) if edited_name != name || edited_values != values => {
                remove.push(name.clone());
                add.insert(edited_name.clone(), edited_values.clone());
            }
            Some(_) => {}
        }
    }
    for (name, values) in edited {
        if find_ignoring_case(original, name).is_none() {
            add.insert(name.clone(), values.clone());
        }
    }
    (remove, add)
}

/// The security fields to send: those whose value `edited` changes from `original`'s.
fn diff_security(original: &EndpointDraft, edited: &EndpointDraft) -> EndpointSecurity {
    fn changed<T: Clone + PartialEq>(original: &T, edited: &T) -> Option<T> {
        (original != edited).then(|| edited.clone())
    }
    EndpointSecurity {
        secure_ssl: changed(&original.secure_ssl, &edited.secure_ssl),
        hmac_enabled: changed(&original.hmac_enabled, &edited.hmac_enabled),
        secret: changed(&original.secret, &edited.secret),
        tag: changed(&original.tag, &edited.tag),
    }
}

/// The endpoint update that turns `original` (none: a new endpoint) into `edited`.
fn diff_endpoint(original: Option<&EndpointResponse>, edited: &EndpointDraft) -> UpdateEndpointRequest {
    let empty = Headers::new();
    let (remove, add) = diff_headers(original.map_or(&empty, |o| &o.headers), &edited.headers);
    let original_security = original.map(EndpointDraft::from).unwrap_or_default();
    UpdateEndpointRequest {
        url: Some(edited.url.clone()).filter(|url| original.is_none_or(|o| o.url != *url)),
        add_headers: some_if_not_empty(add),
        remove_headers: some_if_not_empty(remove),
        security: diff_security(&original_security, edited),
    }
}

/// Items of `to` not in `from`, in order.
fn missing_from<'a>(from: &BTreeSet<String>, to: impl IntoIterator<Item = &'a String>) -> Vec<String> {
    to.into_iter().filter(|item| !from.contains(*item)).cloned().collect()
}

/// The failure-handling update that turns `original` into `edited`.
fn diff_failure_handling(
    original: &FailureHandlingResponse,
    edited: &FailureHandlingDraft,
) -> FailureHandlingUpdateRequest {
    let original_triggers: BTreeSet<String> = original.triggers.iter().cloned().collect();
    let (remove_alert, alert) = match (&original.alert_endpoint, &edited.alert_endpoint) {
        (Some(_), None) => (Some(true), None),
        (original, Some(edited)) => (None, some_if_not_empty(diff_endpoint(original.as_ref(), edited))),
        (None, None) => (None, None),
    };
    FailureHandlingUpdateRequest {
        remove_alert_endpoint: remove_alert,
        alert_endpoint: alert,
        remove_triggers: some_if_not_empty(missing_from(&edited.triggers, &original_triggers)),
        add_triggers: some_if_not_empty(missing_from(&original_triggers, &edited.triggers)),
        remove_retry_strategy: (original.retry_strategy.is_some() && edited.retry_strategy.is_none()).then_some(true),
        retry_strategy: edited.retry_strategy.filter(|strategy| original.retry_strategy != Some(*strategy)),
        divert: (original.divert != edited.divert).then_some(edited.divert),
        suspend: (original.suspend != edited.suspend).then_some(edited.suspend),
    }
}

/// The minimal PATCH body whose effect under EC's rules turns `original` into `edited`.
pub fn diff(original: &WebhookResponse, edited: &WebhookDraft) -> UpdateWebhookRequest {
    let original_types: BTreeSet<String> = original.event_types.iter().cloned().collect();
    let mut update = UpdateWebhookRequest {
        name: (original.name != edited.name).then(|| edited.name.clone()),
        enabled: (original.enabled != edited.enabled).then_some(edited.enabled),
        endpoint: some_if_not_empty(diff_endpoint(Some(&original.endpoint), &edited.endpoint)),
        failure_handling: None,
        remove_failure_handling: None,
        add_event_types: some_if_not_empty(missing_from(&original_types, &edited.event_types)),
        remove_event_types: some_if_not_empty(missing_from(&edited.event_types, &original_types)),
    };
    let step_by_step = some_if_not_empty(diff_failure_handling(&original.failure_handling, &edited.failure_handling));
    let from_default =
        some_if_not_empty(diff_failure_handling(&FailureHandlingResponse::default(), &edited.failure_handling));
    // A reset to the default policy, then the differences from it, when that is shorter.
    let length = |body: &Option<FailureHandlingUpdateRequest>, reset: bool| {
        serde_json::to_string(body).map_or(usize::MAX, |json| json.len()) + if reset { 30 } else { 0 }
    };
    if step_by_step.is_some() && length(&from_default, true) < length(&step_by_step, false) {
        update.remove_failure_handling = Some(true);
        update.failure_handling = from_default;
    } else {
        update.failure_handling = step_by_step;
    }
    update
}

/// Applies an endpoint update: URL, then header removals, then additions (names ignore case).
fn apply_endpoint(endpoint: &mut EndpointResponse, update: &UpdateEndpointRequest) {
    if let Some(url) = &update.url {
        endpoint.url = url.clone();
    }
    // One pass over the stored headers: every name removed or set, in lower case, in a set.
    let added = update.add_headers.iter().flat_map(|headers| headers.keys());
    let replaced: HashSet<String> =
        update.remove_headers.iter().flatten().chain(added).map(|name| name.to_ascii_lowercase()).collect();
    endpoint.headers.retain(|existing, _| !replaced.contains(&existing.to_ascii_lowercase()));
    // Added names that differ only in case are collapsed by `validate::normalize`, the last
    // in the map winning.
    for (name, values) in update.add_headers.iter().flatten() {
        endpoint.headers.insert(name.clone(), values.clone());
    }
    // Plain replacement, like the URL: a field sent replaces the one stored.
    let (update, target) = (&update.security, &mut endpoint.security);
    target.secure_ssl = update.secure_ssl.or(target.secure_ssl);
    target.hmac_enabled = update.hmac_enabled.or(target.hmac_enabled);
    target.secret = update.secret.clone().or(target.secret.take());
    target.tag = update.tag.clone().or(target.tag.take());
}

/// Removes `remove`, then appends what of `add` is missing; linear (sets, not searches).
fn remove_then_add(items: &mut Vec<String>, remove: Option<&Vec<String>>, add: Option<&Vec<String>>) {
    if let Some(remove) = remove {
        let remove: HashSet<&str> = remove.iter().map(String::as_str).collect();
        items.retain(|item| !remove.contains(item.as_str()));
    }
    let mut present: HashSet<&str> = items.iter().map(String::as_str).collect();
    let missing: Vec<String> =
        add.into_iter().flatten().filter(|item| present.insert(item.as_str())).cloned().collect();
    items.extend(missing);
}

fn apply_failure_handling(
    policy: &mut FailureHandlingResponse,
    update: &FailureHandlingUpdateRequest,
    errors: &mut ValidationErrors,
) {
    if update.remove_alert_endpoint == Some(true) {
        policy.alert_endpoint = None;
    }
    if let Some(alert_update) = &update.alert_endpoint {
        match (&mut policy.alert_endpoint, &alert_update.url) {
            (Some(alert), _) => apply_endpoint(alert, alert_update),
            (None, Some(url)) => {
                let mut alert = EndpointResponse {
                    url: url.clone(),
                    headers: Headers::new(),
                    security: EndpointSecurity::default(),
                };
                apply_endpoint(&mut alert, alert_update);
                policy.alert_endpoint = Some(alert);
            }
            (None, None) => errors.add(
                "failureHandling.alertEndpoint.url",
                "there is no alert endpoint to change: give its url to add one",
            ),
        }
    }
    remove_then_add(&mut policy.triggers, update.remove_triggers.as_ref(), update.add_triggers.as_ref());
    if update.remove_retry_strategy == Some(true) {
        policy.retry_strategy = None;
    }
    if let Some(strategy) = update.retry_strategy {
        policy.retry_strategy = Some(strategy);
    }
    policy.divert = update.divert.unwrap_or(policy.divert);
    policy.suspend = update.suspend.unwrap_or(policy.suspend);
}

/// Applies a PATCH body as EC does: removals before additions at every level, header
/// names case-insensitive, `suspended` untouched. The result must be a valid webhook.
/// Lists longer than a webhook may hold are refused before anything is applied
/// ([`validate::update_lists`]); the rest takes time linear in the sizes.
pub fn apply(current: &WebhookResponse, update: &UpdateWebhookRequest) -> Result<WebhookResponse, ValidationErrors> {
    validate::update_lists(update).into_result(())?;
    let mut next = current.clone();
    let mut errors = ValidationErrors::default();
    if let Some(name) = &update.name {
        next.name = name.clone();
    }
    next.enabled = update.enabled.unwrap_or(next.enabled);
    if let Some(endpoint) = &update.endpoint {
        apply_endpoint(&mut next.endpoint, endpoint);
    }
    if update.remove_failure_handling == Some(true) {
        next.failure_handling = FailureHandlingResponse::default();
    }
    if let Some(policy) = &update.failure_handling {
        apply_failure_handling(&mut next.failure_handling, policy, &mut errors);
    }
    remove_then_add(&mut next.event_types, update.remove_event_types.as_ref(), update.add_event_types.as_ref());
    let next = validate::normalize(next);
    for (path, message) in validate::webhook(&next).0 {
        errors.add(path, message);
    }
    errors.into_result(next)
}

#[cfg(test)]
#[path = "draft_tests.rs"]
mod tests;
