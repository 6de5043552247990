//! Every endpoint's success path and its 404s, the list filters against a reference
//! predicate, pagination stability, and the add/remove cases of the contract.

mod common;

use common::{error_of, TestServer};
use proptest::prelude::*;
use reqwest::{Method, StatusCode};
use serde_json::json;
use webhooks_api::{apply, diff, DivertedEventResponse, Locator, TenantLocator, WebhookResponse};
use webhooks_server::store;

fn body(name: &str, enabled: bool, event_types: &[&str]) -> serde_json::Value {
    json!({"name": name, "enabled": enabled, "endpoint": {"url": "https://e.example.com/h"}, "eventTypes": event_types})
}

#[tokio::test]
async fn fetch_update_unsuspend_delete() {
    let server = TestServer::start().await;
    let (tenant, token) = server.tenant_with_token();
    let created = server.create(tenant, &token, body("one", true, &["a.b"])).await;
    let path = format!("/event/{tenant}/webhooks/{}", created.locator);

    let fetched: WebhookResponse = server.get(&path, &token).await;
    assert_eq!(fetched, created);

    let update = json!({"name": "renamed", "addEventTypes": ["c.d"], "removeEventTypes": ["a.b"], "endpoint": {"addHeaders": {"X-K": ["v"]}}});
    let updated: WebhookResponse =
        server.call(Method::PATCH, &path, &token).json(&update).send().await.unwrap().json().await.unwrap();
    assert_eq!(updated.name, "renamed");
    assert_eq!(updated.event_types, ["c.d"]);
    assert_eq!(server.get::<WebhookResponse>(&path, &token).await, updated);

    // Suspension is set by the delivery engine; here straight in the store.
    let mut suspended = updated.clone();
    suspended.suspended = true;
    suspended.suspended_at = Some("2026-11-27T10:00:00Z".into());
    server.db.blocking(|c| store::put_webhook(c, tenant, &suspended)).unwrap();
    for _ in 0..2 {
        let response = server.call(Method::PATCH, &format!("{path}/unsuspend"), &token).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NO_CONTENT, "unsuspend is idempotent");
    }
    let after: WebhookResponse = server.get(&path, &token).await;
    assert!(!after.suspended);
    assert_eq!(after.suspended_at, None);

    let response = server.call(Method::DELETE, &path, &token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    for (method, suffix) in
        [(Method::GET, ""), (Method::PATCH, ""), (Method::DELETE, ""), (Method::PATCH, "/unsuspend")]
    {
        let mut request = server.call(method.clone(), &format!("{path}{suffix}"), &token);
        if method == Method::PATCH && suffix.is_empty() {
            request = request.json(&json!({}));
        }
        let (status, body) = error_of(request.send().await.unwrap()).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {suffix}");
        assert_eq!(body.http_status, 404);
    }
}

#[tokio::test]
async fn update_refuses_invalid_results_and_keeps_the_webhook() {
    let server = TestServer::start().await;
    let (tenant, token) = server.tenant_with_token();
    let created = server.create(tenant, &token, body("one", true, &[])).await;
    let path = format!("/event/{tenant}/webhooks/{}", created.locator);
    let (status, body) = error_of(
        server
            .call(Method::PATCH, &path, &token)
            .json(&json!({"endpoint": {"url": "not a url", "addHeaders": {"X-A": ["a\nb"]}}, "failureHandling": {"addTriggers": ["teapot"]}}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body.field_errors.keys().collect::<Vec<_>>(),
        ["endpoint.headers.X-A", "endpoint.url", "failureHandling.triggers"]
    );
    assert_eq!(server.get::<WebhookResponse>(&path, &token).await, created);
}

fn diverted(event: u128, trigger: &str) -> DivertedEventResponse {
    DivertedEventResponse {
        event_locator: Locator::from_ulid(ulid::Ulid(event)),
        request_locator: Locator::from_ulid(ulid::Ulid(event + 1_000)),
        failure_trigger: trigger.into(),
        failure_message: format!("HTTP 503 for event {event}"),
        failure_timestamp: "2026-11-27T10:00:00Z".into(),
    }
}

#[tokio::test]
async fn diverted_events_list_fetch_resend_delete() {
    let server = TestServer::start().await;
    let (tenant, token) = server.tenant_with_token();
    let webhook = server.create(tenant, &token, body("divert", true, &[])).await;
    let events: Vec<_> = (1..=5).map(|n| diverted(n << 80, if n % 2 == 0 { "timeout" } else { "5xx" })).collect();
    server
        .db
        .blocking(|c| {
            for event in &events {
                store::insert_diverted(c, tenant, webhook.locator, event, 10_000)?;
            }
            Ok(())
        })
        .unwrap();
    let base = format!("/event/{tenant}/webhooks/{}/diverted", webhook.locator);

    let all: Vec<DivertedEventResponse> = server.get(&base, &token).await;
    assert_eq!(all, events);
    let page: Vec<DivertedEventResponse> = server.get(&format!("{base}?offset=1&count=2"), &token).await;
    assert_eq!(page, events[1..3]);

    let one = format!("{base}/{}", events[0].event_locator);
    assert_eq!(server.get::<DivertedEventResponse>(&one, &token).await, events[0]);

    let response = server.call(Method::POST, &format!("{one}/resend"), &token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.json::<serde_json::Value>().await.unwrap(), json!({}));
    let pending = server.db.blocking(|c| store::pending_deliveries(c, tenant, webhook.locator)).unwrap();
    assert_eq!(pending, [(events[0].event_locator.to_string(), true)]);

    let response = server.call(Method::DELETE, &one, &token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.json::<serde_json::Value>().await.unwrap(), json!({}));
    for (method, suffix) in [(Method::GET, ""), (Method::DELETE, ""), (Method::POST, "/resend")] {
        let (status, _) =
            error_of(server.call(method.clone(), &format!("{one}{suffix}"), &token).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {suffix} after delete");
    }
    let unknown_webhook = format!("/event/{tenant}/webhooks/{}/diverted", Locator::from_ulid(ulid::Ulid(7)));
    let (status, _) = error_of(server.call(Method::GET, &unknown_webhook, &token).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Deleting the webhook deletes its diverted events and pending deliveries.
    server.call(Method::DELETE, &format!("/event/{tenant}/webhooks/{}", webhook.locator), &token).send().await.unwrap();
    let (left, queued) = server
        .db
        .blocking(|c| {
            let left: i64 = c.query_row("SELECT count(*) FROM diverted_events", [], |r| r.get(0))?;
            let queued: i64 = c.query_row("SELECT count(*) FROM deliveries", [], |r| r.get(0))?;
            Ok((left, queued))
        })
        .unwrap();
    assert_eq!((left, queued), (0, 0));
}

/// What the contract says a list filter matches.
fn matches(webhook: &WebhookResponse, query: &Query) -> bool {
    query.name.is_none_or(|name| webhook.name.to_lowercase().contains(&name.to_lowercase()))
        && query.enabled.is_none_or(|enabled| webhook.enabled == enabled)
        && query.suspended.is_none_or(|suspended| webhook.suspended == suspended)
        && query.active.is_none_or(|active| webhook.is_active() == active)
        && (query.event_types.is_empty()
            || query.event_types.iter().any(|t| webhook.event_types.iter().any(|e| e == t)))
}

#[derive(Debug, Clone, Default)]
struct Query {
    name: Option<&'static str>,
    enabled: Option<bool>,
    suspended: Option<bool>,
    active: Option<bool>,
    event_types: Vec<&'static str>,
}

impl Query {
    fn to_query_string(&self, comma_separated: bool) -> String {
        let mut parts = vec!["count=1000".to_owned()];
        if let Some(name) = self.name {
            parts.push(format!("name={}", name.replace(' ', "%20")));
        }
        for (key, value) in [("enabled", self.enabled), ("suspended", self.suspended), ("active", self.active)] {
            if let Some(value) = value {
                parts.push(format!("{key}={value}"));
            }
        }
        if comma_separated && !self.event_types.is_empty() {
            parts.push(format!("eventTypes={}", self.event_types.join(",")));
        } else {
            parts.extend(self.event_types.iter().map(|t| format!("eventTypes={t}")));
        }
        parts.join("&")
    }
}

#[tokio::test]
async fn every_filter_combination_matches_the_contract() {
    let server = TestServer::start().await;
    let (tenant, token) = server.tenant_with_token();
    let names = ["Billing ERP", "billing audit", "Policy sync", "Claims 100%", "CRM_bridge", "Docs"];
    let types = ["billing.invoice.generate", "policy.change.issue", "claim.fnol.create"];
    let mut all = Vec::new();
    for (i, name) in names.iter().enumerate() {
        for (j, enabled) in [true, false].into_iter().enumerate() {
            let event_types: Vec<&str> = types.iter().copied().skip((i + j) % 3).take(1 + i % 2).collect();
            let mut webhook = server.create(tenant, &token, body(name, enabled, &event_types)).await;
            if (i + j) % 3 == 0 {
                webhook.suspended = true;
                webhook.suspended_at = Some("2026-11-27T10:00:00Z".into());
                server.db.blocking(|c| store::put_webhook(c, tenant, &webhook)).unwrap();
            }
            all.push(webhook);
        }
    }
    let booleans = [None, Some(true), Some(false)];
    let mut checked = 0;
    for name in [None, Some("billing"), Some("100%"), Some("_"), Some("nothing")] {
        for enabled in booleans {
            for suspended in booleans {
                for active in booleans {
                    for event_types in [vec![], vec![types[0]], vec![types[1], types[2]]] {
                        let query = Query { name, enabled, suspended, active, event_types };
                        let expected: Vec<&WebhookResponse> = all.iter().filter(|w| matches(w, &query)).collect();
                        for comma_separated in [false, true] {
                            let path =
                                format!("/event/{tenant}/webhooks/list?{}", query.to_query_string(comma_separated));
                            let got: Vec<WebhookResponse> = server.get(&path, &token).await;
                            assert_eq!(got.iter().collect::<Vec<_>>(), expected, "{query:?}");
                        }
                        checked += 1;
                    }
                }
            }
        }
    }
    assert_eq!(checked, 5 * 27 * 3);
}

#[tokio::test]
async fn pages_are_stable_and_complete() {
    let server = TestServer::start().await;
    let (tenant, token) = server.tenant_with_token();
    let mut created = Vec::new();
    for n in 0..23 {
        created.push(server.create(tenant, &token, body(&format!("w{n:02}"), true, &[])).await);
    }
    let list = |offset: u32, count: u32| {
        let path = format!("/event/{tenant}/webhooks/list?offset={offset}&count={count}");
        let server = &server;
        let token = token.clone();
        async move { server.get::<Vec<WebhookResponse>>(&path, &token).await }
    };
    let mut paged = Vec::new();
    for offset in (0..30).step_by(5) {
        paged.extend(list(offset, 5).await);
    }
    assert_eq!(paged, created);
    let before = list(10, 5).await;
    server.create(tenant, &token, body("later", true, &[])).await;
    assert_eq!(list(10, 5).await, before, "new webhooks go to the end");
    assert!(list(100, 5).await.is_empty());
    assert_eq!(list(0, 0).await, []);
    assert_eq!(server.get::<Vec<WebhookResponse>>(&format!("/event/{tenant}/webhooks/list"), &token).await.len(), 24);
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Over HTTP, a PATCH of `diff(original, edit)` stores exactly `apply`'s result, which is the edit.
    #[test]
    fn patch_of_a_diff_stores_the_edit((original, edited) in webhooks_api::strategies::webhook_and_edit()) {
        runtime().block_on(async {
            let server = TestServer::start().await;
            let (tenant, token): (TenantLocator, String) = server.tenant_with_token();
            let draft = webhooks_api::WebhookDraft::from(&original);
            let created = server.create(tenant, &token, serde_json::to_value(draft.to_create_request()).unwrap()).await;
            let update = diff(&created, &edited);
            let path = format!("/event/{tenant}/webhooks/{}", created.locator);
            let response = server.call(Method::PATCH, &path, &token).json(&update).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            let stored: WebhookResponse = server.get(&path, &token).await;
            assert_eq!(stored, apply(&created, &update).unwrap());
            assert_eq!(webhooks_api::WebhookDraft::from(&stored), edited);
        });
    }
}
