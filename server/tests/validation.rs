//! Endpoints and alert endpoints validated as the sender will read them, on create and
//! update, each refusal under its field path.

mod common;

use common::{error_of, TestServer};
use reqwest::{Method, StatusCode};
use serde_json::json;

/// Every way an endpoint's URL or headers can be refused, as (body fragment, field).
fn refusals(path: &str) -> Vec<(serde_json::Value, String)> {
    let mut cases: Vec<(serde_json::Value, String)> = webhooks_api::validate::FORBIDDEN_HEADERS
        .iter()
        .chain(&["proxy-authorization", "host"])
        .map(|name| {
            (json!({"url": "https://e.example.com/h", "headers": {*name: ["x"]}}), format!("{path}.headers.{name}"))
        })
        .collect();
    cases.extend([
        (json!({"url": "https://e.example.com/h", "headers": {"X-A": ["a\u{1}b"]}}), format!("{path}.headers.X-A")),
        (json!({"url": "https://e.example.com/h", "headers": {"X-A": ["a\u{7f}"]}}), format!("{path}.headers.X-A")),
        (json!({"url": "https://e.example.com/h", "headers": {"X-A": ["v".repeat(4000), "w".repeat(4000), "x".repeat(200)]}}), format!("{path}.headers")),
        (json!({"url": "https://user:secret@e.example.com/h"}), format!("{path}.url")),
        (json!({"url": "http://[::1]@e.example.com/h"}), format!("{path}.url")),
        (json!({"url": "http://999.0.0.1/h"}), format!("{path}.url")),
    ]);
    cases
}

#[tokio::test]
async fn endpoints_and_alert_endpoints_are_validated_as_the_sender_reads_them() {
    let server = TestServer::start().await;
    let (tenant, token) = server.tenant_with_token();
    let create = format!("/event/{tenant}/webhooks");
    let hook =
        server.create(tenant, &token, json!({"name": "w", "endpoint": {"url": "https://e.example.com/h"}})).await;
    let update = format!("/event/{tenant}/webhooks/{}", hook.locator);
    let add_headers = |endpoint: &serde_json::Value| {
        let mut update = json!({"url": endpoint["url"]});
        if let Some(headers) = endpoint.get("headers") {
            update["addHeaders"] = headers.clone();
        }
        update
    };
    let mut checked = 0;
    for (endpoint, field) in refusals("endpoint") {
        for (method, path, body) in [
            (Method::POST, &create, json!({"name": "n", "endpoint": endpoint})),
            (Method::PATCH, &update, json!({"endpoint": add_headers(&endpoint)})),
        ] {
            let (status, error) =
                error_of(server.call(method.clone(), path, &token).json(&body).send().await.unwrap()).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{method} {body}");
            assert!(error.field_errors.contains_key(&field), "{method} {body}: {:?}", error.field_errors);
            checked += 1;
        }
    }
    for (alert, field) in refusals("failureHandling.alertEndpoint") {
        let endpoint = json!({"url": "https://e.example.com/h"});
        for (method, path, body) in [
            (
                Method::POST,
                &create,
                json!({"name": "n", "endpoint": endpoint, "failureHandling": {"alertEndpoint": alert}}),
            ),
            (Method::PATCH, &update, json!({"failureHandling": {"alertEndpoint": add_headers(&alert)}})),
        ] {
            let (status, error) =
                error_of(server.call(method.clone(), path, &token).json(&body).send().await.unwrap()).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{method} {body}");
            assert!(error.field_errors.contains_key(&field), "{method} {body}: {:?}", error.field_errors);
            checked += 1;
        }
    }
    assert_eq!(checked, 4 * refusals("endpoint").len());
    let unchanged: webhooks_api::WebhookResponse = server.get(&update, &token).await;
    assert_eq!(unchanged, hook, "no refused update changed the webhook");
}
