//! The Webhooks API over real HTTP: create, list, auth.

mod common;

use common::{error_of, tenant, TestServer};
use reqwest::{Method, StatusCode};
use serde_json::json;
use webhooks_api::WebhookResponse;

const ALL: &str = "webhooks.read,webhooks.list,webhooks.write";

#[tokio::test]
async fn create_then_list_returns_it_with_defaults() {
    let server = TestServer::start().await;
    let tenant = tenant();
    let token = server.token(tenant, ALL);
    let body = json!({"name": "ERP", "endpoint": {"url": "https://erp.example.com/h"}, "eventTypes": ["billing.invoice.generate"]});
    let created = server.create(tenant, &token, body).await;
    assert_eq!(created.name, "ERP");
    assert!(created.enabled);
    assert_eq!(created.failure_handling.triggers, ["4xx", "5xx", "timeout"]);
    let listed: Vec<WebhookResponse> = server.get(&format!("/event/{tenant}/webhooks/list"), &token).await;
    assert_eq!(listed, vec![created]);
}

#[tokio::test]
async fn extended_lists_answer_items_and_whether_the_list_is_complete() {
    let server = TestServer::start().await;
    let tenant = tenant();
    let token = server.token(tenant, ALL);
    for name in ["A", "B", "C"] {
        server.create(tenant, &token, json!({"name": name, "endpoint": {"url": "https://erp.example.com/h"}})).await;
    }
    let list = |query: &str| format!("/event/{tenant}/webhooks/list?{query}");
    let page: serde_json::Value = server.get(&list("extended=true&count=2"), &token).await;
    assert_eq!(page["listCompleted"], false);
    assert_eq!(page["items"].as_array().map(Vec::len), Some(2));
    let last: serde_json::Value = server.get(&list("extended=true&count=2&offset=2"), &token).await;
    assert_eq!((last["listCompleted"].clone(), last["items"][0]["name"].clone()), (json!(true), json!("C")));
    let exact: serde_json::Value = server.get(&list("extended=true&count=3"), &token).await;
    assert_eq!(exact["listCompleted"], true, "nothing follows a page that ends with the last webhook");
    let bare: serde_json::Value = server.get(&list("extended=false&count=2"), &token).await;
    assert_eq!(bare.as_array().map(Vec::len), Some(2), "without extended, the seed's bare array");
    let (status, body) = error_of(server.call(Method::GET, &list("extended=1"), &token).send().await.unwrap()).await;
    assert_eq!(
        (status, body.field_errors.get("extended").map(String::as_str)),
        (StatusCode::BAD_REQUEST, Some("must be true or false"))
    );
}

#[tokio::test]
async fn auth_errors_are_401_then_403() {
    let server = TestServer::start().await;
    let tenant = tenant();
    let path = format!("/event/{tenant}/webhooks/list");

    let (status, body) = error_of(server.client.get(format!("{}{path}", server.base)).send().await.unwrap()).await;
    assert_eq!((status, body.http_status), (StatusCode::UNAUTHORIZED, 401));
    let (status, _) = error_of(server.call(Method::GET, &path, "whk_unknown").send().await.unwrap()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let other_tenant = server.token(common::tenant(), ALL);
    let (status, body) = error_of(server.call(Method::GET, &path, &other_tenant).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.message.contains("no access to tenant"), "{}", body.message);

    let read_only = server.token(tenant, "webhooks.read");
    let (status, body) = error_of(server.call(Method::GET, &path, &read_only).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body.message, "this token lacks the permission webhooks.list");
    let (status, body) = error_of(
        server
            .call(Method::POST, &format!("/event/{tenant}/webhooks"), &read_only)
            .json(&json!({"name": "n", "endpoint": {"url": "https://e.com"}}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.message.contains("webhooks.write"));
}

#[tokio::test]
async fn malformed_input_is_a_clear_4xx() {
    let server = TestServer::start().await;
    let tenant = tenant();
    let token = server.token(tenant, ALL);
    let create = format!("/event/{tenant}/webhooks");

    let (status, body) =
        error_of(server.call(Method::GET, "/event/not-a-uuid/webhooks/list", &token).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.field_errors.contains_key("tenantLocator"));

    let response = server
        .call(Method::POST, &create, &token)
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);

    let response = server.call(Method::POST, &create, &token).body("{}").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);

    let huge = format!("{{\"name\": \"{}\", \"endpoint\": {{\"url\": \"https://e.com\"}}}}", "x".repeat(1024 * 1024));
    let response = server
        .call(Method::POST, &create, &token)
        .header("Content-Type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);

    let (status, body) = error_of(
        server.call(Method::GET, &format!("/event/{tenant}/webhooks/list?count=5000"), &token).send().await.unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.field_errors.contains_key("count"));
}

#[tokio::test]
async fn cors_allows_only_configured_origins() {
    let origin = "http://127.0.0.1:8080";
    let server = TestServer::start_with(webhooks_server::RouterOptions {
        cors_origins: vec![origin.parse().unwrap()],
        ..Default::default()
    })
    .await;
    let preflight = |from: &'static str| {
        server
            .client
            .request(Method::OPTIONS, format!("{}/event/{}/webhooks/list", server.base, tenant()))
            .header("Origin", from)
            .header("Access-Control-Request-Method", "PATCH")
            .header("Access-Control-Request-Headers", "authorization,content-type")
            .send()
    };
    let allowed = preflight(origin).await.unwrap();
    assert_eq!(allowed.headers()["access-control-allow-origin"], origin);
    assert!(allowed.headers()["access-control-allow-methods"].to_str().unwrap().contains("PATCH"));
    let refused = preflight("http://evil.example").await.unwrap();
    assert!(refused.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn create_refuses_invalid_webhooks_naming_each_field() {
    let server = TestServer::start().await;
    let tenant = tenant();
    let token = server.token(tenant, ALL);
    let (status, body) = error_of(
        server
            .call(Method::POST, &format!("/event/{tenant}/webhooks"), &token)
            .json(&json!({
                "name": " ",
                "endpoint": {"url": "ftp://nope", "headers": {"X-Foo": ["a\r\nb"]}},
                "failureHandling": {"triggers": ["7xx"], "retryStrategy": {"type": "linear", "interval": 1000, "attempts": 11}},
                "eventTypes": ["has space"]
            }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let paths: Vec<&str> = body.field_errors.keys().map(String::as_str).collect();
    assert_eq!(
        paths,
        [
            "endpoint.headers.X-Foo",
            "endpoint.url",
            "eventTypes",
            "failureHandling.retryStrategy.attempts",
            "failureHandling.triggers",
            "name"
        ]
    );
    let listed: Vec<WebhookResponse> = server.get(&format!("/event/{tenant}/webhooks/list"), &token).await;
    assert!(listed.is_empty(), "an invalid webhook must not be stored");
}

#[tokio::test]
async fn serves_health_and_its_openapi_document() {
    let server = TestServer::start().await;
    let health = server.client.get(format!("{}/healthz", server.base)).send().await.unwrap();
    assert_eq!(health.text().await.unwrap(), "ok");
    let document: serde_json::Value =
        server.client.get(format!("{}/openapi.json", server.base)).send().await.unwrap().json().await.unwrap();
    assert_eq!(document["paths"].as_object().unwrap().len(), 10);
    assert!(document["components"]["schemas"]["WebhookResponse"].is_object());
    assert!(document["paths"]["/event/{tenantLocator}/webhooks/{webhookLocator}"]["patch"].is_object());
}

#[tokio::test]
async fn too_many_requests_from_one_token_get_429_with_retry_after() {
    let dir = tempfile::tempdir().unwrap();
    let db = webhooks_server::db::Db::open(&dir.path().join("limited.sqlite3")).unwrap();
    let two = std::num::NonZeroU32::new(2).unwrap();
    let server = TestServer::start_on(dir, db, Default::default(), |state| state.with_rate_limit(two, two)).await;
    let tenant = tenant();
    let (token, other) = (server.token(tenant, ALL), server.token(tenant, ALL));
    let path = format!("/event/{tenant}/webhooks/list");
    for _ in 0..2 {
        assert_eq!(server.call(Method::GET, &path, &token).send().await.unwrap().status(), StatusCode::OK);
    }
    let response = server.call(Method::GET, &path, &token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS, "the third request in a burst of two");
    let retry_after: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=2).contains(&retry_after), "Retry-After: {retry_after}");
    let (status, body) = error_of(response).await;
    assert_eq!((status, body.http_status), (StatusCode::TOO_MANY_REQUESTS, 429));
    assert!(body.message.contains("try again in"));
    assert_eq!(
        server.call(Method::GET, &path, &other).send().await.unwrap().status(),
        StatusCode::OK,
        "limits are per token"
    );
}
