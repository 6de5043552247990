//! Bad input meets a clear 4xx, never a 5xx or a panic: malformed JSON, wrong types,
//! oversized bodies, bad locators, CR/LF in headers, unknown triggers, and 10,000
//! random valid bodies mutated at random.

mod common;

use std::sync::LazyLock;

use common::{error_of, TestServer};
use proptest::prelude::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use webhooks_api::{diff, strategies, TenantLocator};

/// Method, path, content type, body, the status expected, and a field that must be named.
type Case<'a> = (Method, &'a str, &'a str, String, StatusCode, Option<&'a str>);

#[tokio::test]
async fn each_kind_of_bad_input_has_its_status() {
    let server = TestServer::start().await;
    let (tenant, token) = server.tenant_with_token();
    let create = format!("/event/{tenant}/webhooks");
    let webhook = server.create(tenant, &token, json!({"name": "w", "endpoint": {"url": "https://e.com"}})).await;
    let update = format!("{create}/{}", webhook.locator);
    let raw = |method: Method, path: &str, content_type: &str, body: String| {
        server.call(method, path, &token).header("Content-Type", content_type).body(body).send()
    };
    let cases: Vec<Case> = vec![
        (Method::POST, &create, "application/json", "{".into(), StatusCode::BAD_REQUEST, None),
        (Method::POST, &create, "application/json", "".into(), StatusCode::BAD_REQUEST, None),
        (Method::POST, &create, "application/json", "[]".into(), StatusCode::BAD_REQUEST, None),
        (Method::POST, &create, "application/json", r#"{"name": 5, "endpoint": {"url": "https://e.com"}}"#.into(), StatusCode::BAD_REQUEST, None),
        (Method::POST, &create, "application/json", r#"{"name": "n"}"#.into(), StatusCode::BAD_REQUEST, None),
        (Method::POST, &create, "text/plain", r#"{"name": "n", "endpoint": {"url": "https://e.com"}}"#.into(), StatusCode::UNSUPPORTED_MEDIA_TYPE, None),
        (Method::POST, &create, "application/json", json!({"name": "n", "endpoint": {"url": "https://e.com", "headers": {"X-A": ["a\r\nInjected: 1"]}}}).to_string(), StatusCode::BAD_REQUEST, Some("endpoint.headers.X-A")),
        (Method::POST, &create, "application/json", json!({"name": "n", "endpoint": {"url": "https://e.com", "headers": {"Bad\nName": ["v"]}}}).to_string(), StatusCode::BAD_REQUEST, Some("endpoint.headers.Bad\nName")),
        (Method::POST, &create, "application/json", json!({"name": "n", "endpoint": {"url": "https://e.com"}, "failureHandling": {"triggers": ["sometimes"]}}).to_string(), StatusCode::BAD_REQUEST, Some("failureHandling.triggers")),
        (Method::POST, &create, "application/json", json!({"name": "n", "endpoint": {"url": "https://e.com"}, "failureHandling": {"retryStrategy": {"type": "fibonacci", "interval": 1, "attempts": 1}}}).to_string(), StatusCode::BAD_REQUEST, None),
        (Method::POST, &create, "application/json", json!({"name": "n", "endpoint": {"url": "https://e.com"}, "failureHandling": {"retryStrategy": {"type": "linear", "interval": 99999999999i64, "attempts": 1}}}).to_string(), StatusCode::BAD_REQUEST, Some("failureHandling.retryStrategy.interval")),
        (Method::PATCH, &update, "application/json", json!({"enabled": "yes"}).to_string(), StatusCode::BAD_REQUEST, None),
        (Method::PATCH, &update, "application/json", json!({"failureHandling": {"addTriggers": ["6xx"]}}).to_string(), StatusCode::BAD_REQUEST, Some("failureHandling.triggers")),
        (Method::PATCH, &update, "application/xml", "<x/>".into(), StatusCode::UNSUPPORTED_MEDIA_TYPE, None),
        (Method::POST, &create, "application/json", format!(r#"{{"name": "{}", "endpoint": {{"url": "https://e.com"}}}}"#, "n".repeat(1 << 20)), StatusCode::PAYLOAD_TOO_LARGE, None),
    ];
    for (method, path, content_type, body, expected, field) in cases {
        let shown: String = body.chars().take(80).collect();
        let (status, error) = error_of(raw(method.clone(), path, content_type, body).await.unwrap()).await;
        assert_eq!(status, expected, "{method} {shown}");
        assert_eq!(error.http_status, expected.as_u16());
        assert!(!error.message.is_empty());
        if let Some(field) = field {
            assert!(error.field_errors.contains_key(field), "{shown}: {:?}", error.field_errors);
        }
    }
    for query in ["count=-1", "count=1001", "offset=x", "enabled=1", "active=TRUE", "suspended="] {
        let (status, _) =
            error_of(server.call(Method::GET, &format!("{create}/list?{query}"), &token).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
    }
    let (status, _) = error_of(server.call(Method::GET, "/event/x/nothing/here", &token).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// A change to one node of a JSON document.
#[derive(Debug, Clone)]
enum Mutation {
    Replace(usize, Value),
    Remove(usize),
    AddField(usize, String, Value),
}

fn odd_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter("JSON numbers are finite", |f| f.is_finite()).prop_map(Value::from),
        "\\PC{0,20}".prop_map(Value::from),
        "[a-z]{0,3}[\r\n\0 :][a-z]{0,3}".prop_map(Value::from),
        Just(json!([])),
        Just(json!({})),
        Just(json!(["4xx", 500, null])),
        Just(Value::from("x".repeat(5000))),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), odd_value()).prop_map(|(at, value)| Mutation::Replace(at, value)),
        any::<usize>().prop_map(Mutation::Remove),
        (any::<usize>(), "[a-zA-Z]{1,12}", odd_value()).prop_map(|(at, key, value)| Mutation::AddField(at, key, value)),
    ]
}

/// JSON pointers of every node below the root.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => map.iter().for_each(|(k, v)| {
            let pointer = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
            out.push(pointer.clone());
            pointers(v, pointer, out);
        }),
        Value::Array(items) => items.iter().enumerate().for_each(|(i, v)| {
            let pointer = format!("{at}/{i}");
            out.push(pointer.clone());
            pointers(v, pointer, out);
        }),
        _ => {}
    }
}

fn mutate(document: &mut Value, mutation: &Mutation) {
    let mut all = Vec::new();
    pointers(document, String::new(), &mut all);
    if all.is_empty() {
        return;
    }
    let pick = |at: &usize| all[at % all.len()].clone();
    match mutation {
        Mutation::Replace(at, value) => *document.pointer_mut(&pick(at)).unwrap() = value.clone(),
        Mutation::Remove(at) => {
            let pointer = pick(at);
            let (parent, key) = pointer.rsplit_once('/').unwrap();
            match document.pointer_mut(parent) {
                Some(Value::Object(map)) => {
                    map.remove(&key.replace("~1", "/").replace("~0", "~"));
                }
                Some(Value::Array(items)) => {
                    items.remove(key.parse::<usize>().unwrap());
                }
                _ => {}
            }
        }
        Mutation::AddField(at, key, value) => {
            if let Some(Value::Object(map)) = document.pointer_mut(&pick(at)) {
                map.insert(key.clone(), value.clone());
            }
        }
    }
}

struct Target {
    server: TestServer,
    tenant: TenantLocator,
    token: String,
    webhook: webhooks_api::WebhookResponse,
}

/// One server for every case (started on its own runtime, which stays up).
static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| tokio::runtime::Runtime::new().unwrap());
static TARGET: LazyLock<Target> = LazyLock::new(|| {
    RUNTIME.block_on(async {
        let server = TestServer::start().await;
        let (tenant, token) = server.tenant_with_token();
        let webhook =
            server.create(tenant, &token, json!({"name": "target", "endpoint": {"url": "https://e.com"}})).await;
        Target { server, tenant, token, webhook }
    })
});

proptest! {
    #![proptest_config(ProptestConfig { cases: 5_000, failure_persistence: None, ..ProptestConfig::default() })]

    /// Random valid create bodies, mutated: never a 5xx.
    #[test]
    fn mutated_create_bodies_never_fail_the_server(
        draft in strategies::webhook_draft(),
        mutations in proptest::collection::vec(mutation(), 0..4),
    ) {
        let target = &*TARGET;
        let mut body = serde_json::to_value(draft.to_create_request()).unwrap();
        mutations.iter().for_each(|m| mutate(&mut body, m));
        let path = format!("/event/{}/webhooks", target.tenant);
        let status = RUNTIME.block_on(target.server.call(Method::POST, &path, &target.token).json(&body).send()).unwrap().status();
        prop_assert!(status == StatusCode::OK || status.is_client_error(), "{status} for {body}");
    }

    /// Random valid PATCH bodies, mutated: never a 5xx.
    #[test]
    fn mutated_update_bodies_never_fail_the_server(
        edited in strategies::webhook_draft(),
        mutations in proptest::collection::vec(mutation(), 0..4),
    ) {
        let target = &*TARGET;
        let mut body = serde_json::to_value(diff(&target.webhook, &edited)).unwrap();
        mutations.iter().for_each(|m| mutate(&mut body, m));
        let path = format!("/event/{}/webhooks/{}", target.tenant, target.webhook.locator);
        let status = RUNTIME.block_on(target.server.call(Method::PATCH, &path, &target.token).json(&body).send()).unwrap().status();
        prop_assert!(status == StatusCode::OK || status.is_client_error(), "{status} for {body}");
    }
}
