//! No tenant can slow another (issue #28): work per request bounded before it runs,
//! quotas on what a tenant stores, requests in flight bounded.

mod common;

use std::time::{Duration, Instant};

use common::{error_of, TestServer};
use reqwest::{Method, StatusCode};
use serde_json::json;

fn names(prefix: &str, count: usize) -> Vec<String> {
    (0..count).map(|i| format!("{prefix}.{i}")).collect()
}

#[tokio::test]
async fn a_megabyte_of_added_event_types_is_refused_before_it_is_applied() {
    let server = TestServer::start().await;
    let (tenant, token) = server.tenant_with_token();
    let hook = server.create(tenant, &token, json!({"name": "n", "endpoint": {"url": "https://example.com/"}})).await;
    let path = format!("/event/{tenant}/webhooks/{}", hook.locator);
    // 100,000 short names, about 1 MB: 23 s of write-connection time before the limits.
    let body = json!({"addEventTypes": names("t", 100_000)});
    let started = Instant::now();
    let response = server.call(Method::PATCH, &path, &token).json(&body).send().await.unwrap();
    let took = started.elapsed();
    let (status, error) = error_of(response).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error.field_errors["addEventTypes"], "give at most 500 (100000 given)");
    assert!(took < Duration::from_secs(1), "refused after {took:?}");
    // The most a webhook holds goes through.
    let full = json!({"addEventTypes": names("t", 500)});
    let response = server.call(Method::PATCH, &path, &token).json(&full).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}
