//! Tenant isolation and permissions, for every call of the API.

mod common;

use common::{error_of, TestServer, ALL_GRANTS};
use reqwest::{Method, StatusCode};
use serde_json::json;
use webhooks_api::{DivertedEventResponse, Locator, TenantLocator};
use webhooks_server::store;

/// One call of the API: method, path and the permissions it needs.
struct Call {
    method: Method,
    path: String,
    needs: &'static [&'static str],
    body: Option<serde_json::Value>,
}

/// Every call of the API, against `tenant`'s webhook and diverted event.
fn every_call(tenant: TenantLocator, webhook: Locator, event: Locator) -> Vec<Call> {
    let hook = format!("/event/{tenant}/webhooks/{webhook}");
    let diverted = format!("{hook}/diverted/{event}");
    let call =
        |method: Method, path: String, needs, body: Option<serde_json::Value>| Call { method, path, needs, body };
    vec![
        call(Method::GET, hook.clone(), &["webhooks.read"], None),
        call(Method::GET, format!("/event/{tenant}/webhooks/list"), &["webhooks.read", "webhooks.list"], None),
        call(
            Method::POST,
            format!("/event/{tenant}/webhooks"),
            &["webhooks.write"],
            Some(json!({"name": "n", "endpoint": {"url": "https://e.com"}})),
        ),
        call(Method::PATCH, hook.clone(), &["webhooks.write"], Some(json!({"name": "renamed"}))),
        call(Method::PATCH, format!("{hook}/unsuspend"), &["webhooks.write"], None),
        call(Method::GET, format!("{hook}/diverted"), &["diverted-events.read", "diverted-events.list"], None),
        call(Method::GET, diverted.clone(), &["diverted-events.read"], None),
        call(Method::POST, format!("{diverted}/resend"), &["diverted-events.resend"], None),
        call(Method::DELETE, diverted, &["diverted-events.delete"], None),
        call(Method::DELETE, hook, &["webhooks.write"], None),
        call(Method::GET, format!("/event/{tenant}/events/list"), &["events.read", "events.list"], None),
        call(Method::GET, format!("/event/{tenant}/events/{event}"), &["events.read"], None),
        call(Method::GET, format!("/event/{tenant}/events/request/{event}"), &["events.read"], None),
    ]
}

async fn send(server: &TestServer, call: &Call, token: &str) -> reqwest::Response {
    let mut request = server.call(call.method.clone(), &call.path, token);
    if let Some(body) = &call.body {
        request = request.json(body);
    }
    request.send().await.unwrap()
}

/// A tenant with one webhook, one event (its own request) and that event diverted.
async fn seeded(server: &TestServer) -> (TenantLocator, String, Locator, Locator) {
    let (tenant, token) = server.tenant_with_token();
    let webhook = server.create(tenant, &token, json!({"name": "w", "endpoint": {"url": "https://e.com"}})).await;
    let event = Locator::from_ulid(ulid::Ulid::generate());
    let mut raised = webhooks_api::EventResponse {
        locator: event,
        user_locator: uuid::Uuid::nil(),
        request_id: event,
        timestamp: String::new(),
        kind: "a.b".into(),
        data: serde_json::Value::Object(serde_json::Map::new()),
    };
    server.db.blocking(|c| webhooks_server::stream::append(c, tenant, &mut raised)).unwrap();
    let diverted = DivertedEventResponse {
        event_locator: event,
        request_locator: event,
        failure_trigger: "5xx".into(),
        failure_message: "HTTP 500".into(),
        failure_timestamp: "2026-11-27T10:00:00Z".into(),
    };
    server.db.blocking(|c| store::insert_diverted(c, tenant, webhook.locator, &diverted, 10)).unwrap();
    (tenant, token, webhook.locator, event)
}

#[tokio::test]
async fn every_call_succeeds_with_its_permissions_alone() {
    let server = TestServer::start().await;
    let (tenant, _, webhook, event) = seeded(&server).await;
    for call in every_call(tenant, webhook, event) {
        let token = server.token(tenant, &call.needs.join(","));
        let response = send(&server, &call, &token).await;
        assert!(
            response.status().is_success(),
            "{} {} with {:?}: {}",
            call.method,
            call.path,
            call.needs,
            response.status()
        );
    }
}

#[tokio::test]
async fn every_call_without_one_permission_is_403_naming_it() {
    let server = TestServer::start().await;
    let (tenant, _, webhook, event) = seeded(&server).await;
    for call in every_call(tenant, webhook, event) {
        for missing in call.needs {
            let grants: Vec<&str> = ALL_GRANTS.split(',').filter(|g| g != missing).collect();
            let token = server.token(tenant, &grants.join(","));
            let (status, body) = error_of(send(&server, &call, &token).await).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{} {} without {missing}", call.method, call.path);
            assert!(body.message.contains(missing), "{}", body.message);
        }
    }
}

#[tokio::test]
async fn another_tenants_token_is_403_and_its_locators_are_404() {
    let server = TestServer::start().await;
    let (tenant_a, _, webhook_a, event_a) = seeded(&server).await;
    let (tenant_b, token_b, _, _) = seeded(&server).await;
    // B's token on A's paths: no access to that tenant.
    for call in every_call(tenant_a, webhook_a, event_a) {
        let (status, body) = error_of(send(&server, &call, &token_b).await).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{} {}", call.method, call.path);
        assert!(body.message.contains("no access to tenant"));
    }
    // A's locators under B's tenant: they do not exist there.
    for call in every_call(tenant_b, webhook_a, event_a) {
        // Lists, a create and a request's events name no locator of A that could be missing.
        if call.path.ends_with("/list")
            || call.method == Method::POST && call.path.ends_with("/webhooks")
            || call.path.contains("/events/request/")
        {
            continue;
        }
        let (status, _) = error_of(send(&server, &call, &token_b).await).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{} {}", call.method, call.path);
    }
    let listed: Vec<webhooks_api::WebhookResponse> =
        server.get(&format!("/event/{tenant_b}/webhooks/list"), &token_b).await;
    assert!(listed.iter().all(|w| w.locator != webhook_a));
    let stream: webhooks_api::EventStreamResponse =
        server.get(&format!("/event/{tenant_b}/events/list"), &token_b).await;
    assert!(stream.events.iter().all(|e| e.locator != event_a));
    let request: Vec<webhooks_api::EventResponse> =
        server.get(&format!("/event/{tenant_b}/events/request/{event_a}"), &token_b).await;
    assert!(request.is_empty(), "another tenant's request has no events here");
}

#[tokio::test]
async fn every_call_without_a_valid_token_is_401() {
    let server = TestServer::start().await;
    let (tenant, token, webhook, event) = seeded(&server).await;
    let revoked = server.token(tenant, ALL_GRANTS);
    let id = server.db.blocking(|c| webhooks_server::auth::list(c)).unwrap().last().unwrap().id.clone();
    server.db.blocking(|c| webhooks_server::auth::revoke(c, &id)).unwrap();
    for call in every_call(tenant, webhook, event) {
        for bad in ["", "whk_unknown", &revoked, &format!("{token}x")] {
            let (status, body) = error_of(send(&server, &call, bad).await).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{} {} with {bad:?}", call.method, call.path);
            assert_eq!(body.http_status, 401);
        }
        let mut request = server.client.request(call.method.clone(), format!("{}{}", server.base, call.path));
        request = request.header("Authorization", format!("Basic {token}"));
        assert_eq!(request.send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn malformed_path_locators_are_400_after_authentication() {
    let server = TestServer::start().await;
    let (tenant, token, webhook, _) = seeded(&server).await;
    let cases = [
        (format!("/event/not-a-uuid/webhooks/{webhook}"), "tenantLocator"),
        (format!("/event/{tenant}/webhooks/not-a-ulid"), "webhookLocator"),
        (format!("/event/{tenant}/webhooks/{webhook}/diverted/xyz"), "eventLocator"),
        ("/event/not-a-uuid/events/list".to_owned(), "tenantLocator"),
        (format!("/event/{tenant}/events/01JD8Z6Q4V3N5K7M9P1R2S3T4"), "eventLocator"),
        (format!("/event/{tenant}/events/request/nope"), "requestLocator"),
    ];
    for (path, field) in cases {
        let (status, body) = error_of(server.call(Method::GET, &path, &token).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        assert!(body.field_errors.contains_key(field), "{path}: {:?}", body.field_errors);
        let (status, _) = error_of(server.call(Method::GET, &path, "whk_nope").send().await.unwrap()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "the token is checked first");
    }
}

#[tokio::test]
async fn the_path_and_the_permission_are_checked_before_the_body() {
    let server = TestServer::start().await;
    let (tenant, token, webhook, _) = seeded(&server).await;
    let read_only = server.token(tenant, "webhooks.read");
    let cases = [
        (Method::POST, format!("/event/{tenant}/webhooks"), &read_only, StatusCode::FORBIDDEN, None),
        (Method::PATCH, format!("/event/{tenant}/webhooks/{webhook}"), &read_only, StatusCode::FORBIDDEN, None),
        (Method::POST, "/event/not-a-uuid/webhooks".to_owned(), &token, StatusCode::BAD_REQUEST, Some("tenantLocator")),
        (
            Method::PATCH,
            format!("/event/{tenant}/webhooks/not-a-ulid"),
            &token,
            StatusCode::BAD_REQUEST,
            Some("webhookLocator"),
        ),
    ];
    // Bodies that would be a 415 and a 400 of their own.
    for (content_type, body) in [("text/plain", r#"{"name": "n"}"#), ("application/json", "{")] {
        for (method, path, token, expected, field) in &cases {
            let request = server.call(method.clone(), path, token).header("content-type", content_type).body(body);
            let (status, error) = error_of(request.send().await.unwrap()).await;
            assert_eq!(status, *expected, "{method} {path} with a {content_type} body");
            if let Some(field) = field {
                assert!(error.field_errors.contains_key(*field), "{method} {path}: {:?}", error.field_errors);
            }
        }
    }
}
