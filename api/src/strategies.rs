//! `proptest` generators of valid webhooks and drafts, shared with the server's tests.

use std::collections::BTreeSet;

use proptest::collection::{btree_set, vec};
use proptest::option;
use proptest::prelude::*;

use crate::{
    EndpointDraft, EndpointResponse, EndpointSecurity, FailureHandlingDraft, FailureHandlingResponse, Headers, Locator,
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

/// Valid signing and TLS settings of an endpoint being edited (hmacEnabled, secret, tag,
/// secureSsl), often EC's defaults: unsigned, verified.
pub fn security() -> impl Strategy<Value = (bool, String, String, bool)> {
    // Empty, a raw secret (its UTF-8 bytes are the key), or the Standard Webhooks form.
    let secret = prop_oneof![2 => Just(String::new()), 1 => "[A-Za-z0-9_-]{24,44}", 1 => "whsec_[A-Za-z0-9+/]{43}="];
    let tag = prop_oneof![2 => Just(String::new()), 1 => "[ -~]{1,20}", 1 => Just("2026-11-30".to_owned())];
    (secret, any::<bool>(), tag, prop::bool::weighted(0.8)).prop_map(|(secret, sign, tag, verify)| {
        let hmac_enabled = sign && !secret.is_empty();
        (hmac_enabled, secret, tag, verify)
    })
}
/// A valid retry strategy.
pub fn retry_strategy() -> impl Strategy<Value = RetryStrategy> {
    (prop_oneof![Just(RetryType::Linear), Just(RetryType::Exponential)], 1i64..=86_400_000, 1i32..=10)
        .prop_map(|(kind, interval, attempts)| RetryStrategy { kind, interval, attempts })
}

/// A valid endpoint being edited.
pub fn endpoint_draft() -> impl Strategy<Value = EndpointDraft> {
    (url(), headers(), security()).prop_map(|(url, headers, (hmac_enabled, secret, tag, secure_ssl))| EndpointDraft {
        url,
        headers,
        hmac_enabled,
        secret,
        tag,
        secure_ssl,
    })
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

/// The endpoint as the API returns it: a field at its default absent, or, when
/// `explicit`, present with that default.
fn endpoint_response(draft: EndpointDraft, explicit: bool) -> EndpointResponse {
    fn field<T: PartialEq>(value: T, default: T, explicit: bool) -> Option<T> {
        (explicit || value != default).then_some(value)
    }
    EndpointResponse {
        url: draft.url,
        headers: draft.headers,
        security: EndpointSecurity {
            secure_ssl: field(draft.secure_ssl, true, explicit),
            hmac_enabled: field(draft.hmac_enabled, false, explicit),
            secret: field(draft.secret, String::new(), explicit),
            tag: field(draft.tag, String::new(), explicit),
        },
    }
}

/// A valid webhook as the API returns it (suspended ones carry `suspendedAt`).
pub fn webhook() -> impl Strategy<Value = WebhookResponse> {
    (any::<u128>(), webhook_draft(), any::<bool>(), any::<bool>()).prop_map(|(locator, draft, suspended, explicit)| {
        let policy = draft.failure_handling;
        WebhookResponse {
            locator: Locator::from_ulid(ulid::Ulid(locator)),
            name: draft.name,
            enabled: draft.enabled,
            endpoint: endpoint_response(draft.endpoint, explicit),
            failure_handling: FailureHandlingResponse {
                alert_endpoint: policy.alert_endpoint.map(|alert| endpoint_response(alert, explicit)),
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
            let url = std::mem::take(&mut edited.endpoint.url);
            edited.endpoint = EndpointDraft { url, ..random.endpoint };
        }
        if mask & 8 != 0 {
            edited.event_types = random.event_types;
        }
        if mask & 16 != 0 {
            edited.failure_handling = random.failure_handling;
        }
        (original, edited)
    })
}
