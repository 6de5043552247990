//! `proptest` generators of valid webhooks and drafts, shared with the server's tests.

use std::collections::BTreeSet;

use proptest::collection::{btree_set, vec};
use proptest::option;
use proptest::prelude::*;

use crate::{
    EndpointDraft, EndpointExtras, EndpointResponse, FailureHandlingDraft, FailureHandlingResponse, Headers, Locator,
    RetryStrategy, RetryType, WebhookDraft, WebhookResponse,
};

const HEADER_NAMES: &[&str] =
    &["Authorization", "authorization", "X-Api-Key", "x-api-key", "X-Env", "Accept", "X-Trace-Id"];
const TRIGGERS: &[&str] = &["4xx", "5xx", "timeout", "404", "429", "500", "503"];
const EVENT_TYPES: &[&str] = &[
    "policy.change.issue",
    "policy.renewal.issue",
    "billing.invoice.generate",
    "billing.payment.post",
    "claim.fnol.create",
    "contact.created",
    "document.ready",
    "custom.event.type",
];

/// A valid name (not blank, printable).
pub fn name() -> impl Strategy<Value = String> {
    "[A-Za-z0-9][A-Za-z0-9 ._→-]{0,40}"
}

/// A valid absolute http(s) URL.
pub fn url() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("https://example.com/hooks".to_owned()),
        "https?://[a-z]{1,8}\\.example\\.(com|org)(:[1-9][0-9]{0,3})?/[a-z0-9/_-]{0,16}",
    ]
}

/// Valid headers, unique ignoring case.
pub fn headers() -> impl Strategy<Value = Headers> {
    let name = prop_oneof![proptest::sample::select(HEADER_NAMES).prop_map(str::to_owned), "X-[A-Za-z0-9]{1,8}"];
    vec((name, vec("[ -~]{0,16}", 0..3)), 0..5).prop_map(|pairs| {
        let mut headers = Headers::new();
        for (name, values) in pairs {
            if !headers.keys().any(|existing: &String| existing.eq_ignore_ascii_case(&name)) {
                headers.insert(name, values);
            }
        }
        headers
    })
}

/// The later API's endpoint fields, mostly absent.
pub fn extras() -> impl Strategy<Value = EndpointExtras> {
    (
        option::weighted(0.2, any::<bool>()),
        option::weighted(0.2, any::<bool>()),
        option::weighted(0.2, "[a-z0-9]{1,12}"),
        option::weighted(0.2, "[a-z]{1,8}"),
    )
        .prop_map(|(secure_ssl, hmac_enabled, secret, tag)| EndpointExtras {
            secure_ssl,
            hmac_enabled,
            secret,
            tag,
        })
}

/// A valid retry strategy.
pub fn retry_strategy() -> impl Strategy<Value = RetryStrategy> {
    (prop_oneof![Just(RetryType::Linear), Just(RetryType::Exponential)], 1i64..=86_400_000, 1i32..=10)
        .prop_map(|(kind, interval, attempts)| RetryStrategy { kind, interval, attempts })
}

/// A valid endpoint being edited.
pub fn endpoint_draft() -> impl Strategy<Value = EndpointDraft> {
    (url(), headers(), extras()).prop_map(|(url, headers, extras)| EndpointDraft { url, headers, extras })
}

fn triggers() -> impl Strategy<Value = BTreeSet<String>> {
    btree_set(proptest::sample::select(TRIGGERS).prop_map(str::to_owned), 0..5)
}

fn event_types() -> impl Strategy<Value = BTreeSet<String>> {
    btree_set(proptest::sample::select(EVENT_TYPES).prop_map(str::to_owned), 0..6)
}

/// A valid failure-handling policy being edited (sometimes exactly EC's default).
pub fn failure_handling_draft() -> impl Strategy<Value = FailureHandlingDraft> {
    let custom = (triggers(), option::of(retry_strategy()), any::<bool>(), any::<bool>(), option::of(endpoint_draft()))
        .prop_map(|(triggers, retry_strategy, divert, suspend, alert_endpoint)| FailureHandlingDraft {
            triggers,
            retry_strategy,
            divert,
            suspend,
            alert_endpoint,
        });
    prop_oneof![1 => Just(FailureHandlingDraft::default()), 3 => custom]
}

/// A valid webhook being edited.
pub fn webhook_draft() -> impl Strategy<Value = WebhookDraft> {
    (name(), any::<bool>(), endpoint_draft(), event_types(), failure_handling_draft()).prop_map(
        |(name, enabled, endpoint, event_types, failure_handling)| WebhookDraft {
            name,
            enabled,
            endpoint,
            event_types,
            failure_handling,
        },
    )
}

fn endpoint_response(draft: EndpointDraft) -> EndpointResponse {
    EndpointResponse { url: draft.url, headers: draft.headers, extras: draft.extras }
}

/// A valid webhook as the API returns it (suspended ones carry `suspendedAt`).
pub fn webhook() -> impl Strategy<Value = WebhookResponse> {
    (any::<u128>(), webhook_draft(), any::<bool>()).prop_map(|(locator, draft, suspended)| {
        let policy = draft.failure_handling;
        WebhookResponse {
            locator: Locator::from_ulid(ulid::Ulid(locator)),
            name: draft.name,
            enabled: draft.enabled,
            endpoint: endpoint_response(draft.endpoint),
            failure_handling: FailureHandlingResponse {
                alert_endpoint: policy.alert_endpoint.map(endpoint_response),
                triggers: policy.triggers.into_iter().collect(),
                retry_strategy: policy.retry_strategy,
                divert: policy.divert,
                suspend: policy.suspend,
            },
            suspended,
            suspended_at: suspended.then(|| "2026-11-27T10:00:00Z".to_owned()),
            event_types: draft.event_types.into_iter().collect(),
        }
    })
}

/// Sets on `edited` every extra that `original` has and the edit does not set: the
/// API cannot unset an extra, so a reachable edit keeps them.
pub fn keep_extras(original: &EndpointExtras, edited: &mut EndpointExtras) {
    edited.secure_ssl = edited.secure_ssl.or(original.secure_ssl);
    edited.hmac_enabled = edited.hmac_enabled.or(original.hmac_enabled);
    edited.secret = edited.secret.clone().or(original.secret.clone());
    edited.tag = edited.tag.clone().or(original.tag.clone());
}

/// An original webhook and a reachable edit of it (random, or a few fields changed).
pub fn webhook_and_edit() -> impl Strategy<Value = (WebhookResponse, WebhookDraft)> {
    (webhook(), webhook_draft(), proptest::bits::u8::masked(0b1_1111)).prop_map(|(original, random, mask)| {
        // Each section is kept or replaced at random, as an administrator edits some of them.
        let mut edited = WebhookDraft::from(&original);
        if mask & 1 != 0 {
            edited.name = random.name;
            edited.enabled = random.enabled;
        }
        if mask & 2 != 0 {
            edited.endpoint.url = random.endpoint.url;
        }
        if mask & 4 != 0 {
            edited.endpoint.headers = random.endpoint.headers;
            edited.endpoint.extras = random.endpoint.extras;
        }
        if mask & 8 != 0 {
            edited.event_types = random.event_types;
        }
        if mask & 16 != 0 {
            edited.failure_handling = random.failure_handling;
        }
        keep_extras(&original.endpoint.extras, &mut edited.endpoint.extras);
        if let (Some(original_alert), Some(edited_alert)) =
            (&original.failure_handling.alert_endpoint, &mut edited.failure_handling.alert_endpoint)
        {
            keep_extras(&original_alert.extras, &mut edited_alert.extras);
        }
        (original, edited)
    })
}
