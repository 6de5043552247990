//! Where deliveries may go, end to end. Every request goes to this machine's loopback
//! receivers, also those the server must refuse: a broken guard sends them to loopback.
//! The address classifier itself is unit-tested on address values (`destination.rs`).

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use common::TestServer;
use serde_json::{json, Value};
use webhooks_api::{DivertedEventResponse, TenantLocator, WebhookResponse};
use webhooks_server::delivery::EngineConfig;
use webhooks_server::destination::{parse_network, Destinations};
use webhooks_server::receiver;
use webhooks_server::store;

/// A delivering server allowing `destinations`, and a tenant with a token.
struct Setup {
    server: TestServer,
    tenant: TenantLocator,
    token: String,
}

async fn setup(destinations: Destinations) -> Setup {
    let engine = EngineConfig {
        timeout: Duration::from_secs(2),
        poll_interval: Duration::from_millis(10),
        destinations,
        ..EngineConfig::default()
    };
    let server = TestServer::start_delivering(engine).await;
    let (tenant, token) = server.tenant_with_token();
    Setup { server, tenant, token }
}

impl Setup {
    /// A webhook to `url` that diverts on `triggers`, subscribed to `a.b`.
    async fn webhook(&self, url: &str, failure_handling: Value) -> WebhookResponse {
        let body =
            json!({"name": url, "endpoint": {"url": url}, "failureHandling": failure_handling, "eventTypes": ["a.b"]});
        self.server.create(self.tenant, &self.token, body).await
    }

    async fn raise(&self) {
        self.server.raise(self.tenant, "a.b").await;
    }

    async fn diverted(&self, webhook: &WebhookResponse) -> Vec<DivertedEventResponse> {
        self.server.diverted(self.tenant, &self.token, webhook).await
    }

    async fn until_queue_is_empty(&self) {
        self.server.until_queue_is_empty().await;
    }
}

/// The spellings of this machine's loopback that a tenant could write, with the port of
/// a receiver listening on 127.0.0.1.
fn loopback_spellings(receiver: SocketAddr) -> Vec<String> {
    let port = receiver.port();
    ["127.0.0.1", "127.1", "2130706433", "0x7f.1", "0177.0.0.1", "localhost", "[::ffff:127.0.0.1]"]
        .iter()
        .map(|host| format!("http://{host}:{port}/ok"))
        .collect()
}

const DIVERT_ON_TIMEOUT: fn() -> Value = || json!({"triggers": ["timeout"], "divert": true});

#[tokio::test]
async fn loopback_in_every_spelling_is_refused_without_an_allowance() {
    let s = setup(Destinations::default()).await;
    let (address, recorded) = receiver::start("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let (v6, recorded_v6) = receiver::start("[::1]:0".parse().unwrap()).await.unwrap();
    let mut hooks = Vec::new();
    for url in loopback_spellings(address).into_iter().chain([format!("http://[::1]:{}/ok", v6.port())]) {
        hooks.push(s.webhook(&url, DIVERT_ON_TIMEOUT()).await);
    }
    s.raise().await;
    s.until_queue_is_empty().await;
    for hook in &hooks {
        let diverted = s.diverted(hook).await;
        assert_eq!(diverted.len(), 1, "{}", hook.endpoint.url);
        assert_eq!(diverted[0].failure_trigger, "timeout", "a refused destination fails as a timeout");
        let message = &diverted[0].failure_message;
        assert!(message.ends_with("a loopback address; not allowed"), "{}: {message}", hook.endpoint.url);
    }
    let message_of = |host: &str| {
        let hook = hooks.iter().find(|h| h.endpoint.url.contains(host)).unwrap();
        let s = &s;
        async move { s.diverted(hook).await[0].failure_message.clone() }
    };
    assert_eq!(message_of("2130706433").await, "destination 127.0.0.1 is a loopback address; not allowed");
    assert_eq!(message_of("localhost").await, "destination localhost resolves to a loopback address; not allowed");
    assert_eq!(
        message_of("[::ffff:127.0.0.1]").await,
        "destination ::ffff:127.0.0.1 is an IPv4-mapped form of a loopback address; not allowed"
    );
    assert_eq!(recorded.count() + recorded_v6.count(), 0, "nothing reached the receivers");
}

#[tokio::test]
async fn loopback_is_reached_in_every_spelling_with_an_allowance() {
    let s = setup(Destinations::with_loopback()).await;
    let (address, recorded) = receiver::start("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let (v6, recorded_v6) = receiver::start("[::1]:0".parse().unwrap()).await.unwrap();
    let spellings = loopback_spellings(address);
    for url in &spellings {
        s.webhook(url, DIVERT_ON_TIMEOUT()).await;
    }
    s.webhook(&format!("http://[::1]:{}/ok", v6.port()), DIVERT_ON_TIMEOUT()).await;
    s.raise().await;
    s.until_queue_is_empty().await;
    assert_eq!(recorded.to("/ok").len(), spellings.len());
    assert_eq!(recorded_v6.to("/ok").len(), 1);
}

#[tokio::test]
async fn an_allowance_opens_only_its_network_for_deliveries_and_alerts() {
    // 127.0.0.1 is allowed; 127.0.0.2 (loopback too, another address) is not.
    let s = setup(Destinations::allowing([parse_network("127.0.0.1/32").unwrap()])).await;
    let (allowed, recorded) = receiver::start("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let (other, recorded_other) = receiver::start("127.0.0.2:0".parse().unwrap()).await.unwrap();
    let failing = s
        .webhook(
            &format!("http://{allowed}/status/500"),
            json!({"triggers": ["5xx"], "divert": true, "alertEndpoint": {"url": format!("http://{other}/alert")}}),
        )
        .await;
    let refused = s.webhook(&format!("http://{other}/ok"), DIVERT_ON_TIMEOUT()).await;
    s.raise().await;
    s.until_queue_is_empty().await;
    assert_eq!(recorded.to("/status/500").len(), 1, "the allowed address is reached");
    assert_eq!(s.diverted(&failing).await[0].failure_message, "HTTP 500 Internal Server Error");
    assert_eq!(
        s.diverted(&refused).await[0].failure_message,
        "destination 127.0.0.2 is a loopback address; not allowed"
    );
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(recorded_other.count(), 0, "neither the delivery nor the alert notice reached 127.0.0.2");
}

#[tokio::test]
async fn a_redirect_is_an_answer_not_a_direction() {
    let s = setup(Destinations::with_loopback()).await;
    let (first, recorded_first) = receiver::start("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let (second, recorded_second) = receiver::start("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let hook = s
        .webhook(
            &format!("http://{first}/redirect?to=http://{second}/ok"),
            json!({"triggers": ["302"], "divert": true}),
        )
        .await;
    s.raise().await;
    s.until_queue_is_empty().await;
    assert_eq!(recorded_first.to("/redirect").len(), 1);
    let diverted = s.diverted(&hook).await;
    assert_eq!((diverted[0].failure_trigger.as_str(), diverted[0].failure_message.as_str()), ("302", "HTTP 302 Found"));
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(recorded_second.count(), 0, "the redirect was not followed");
}

#[tokio::test]
async fn headers_that_http_controls_are_never_sent_even_from_an_older_webhook() {
    let s = setup(Destinations::with_loopback()).await;
    let (address, recorded) = receiver::start("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let mut hook = s.webhook(&format!("http://{address}/ok"), json!({})).await;
    // Stored before the rule existed (the API now refuses these headers).
    for (name, value) in
        [("Host", "internal.example"), ("Content-Length", "0"), ("Connection", "close"), ("X-Kept", "yes")]
    {
        hook.endpoint.headers.insert(name.to_owned(), vec![value.to_owned()]);
    }
    s.server.db.blocking(|c| store::put_webhook(c, s.tenant, &hook)).unwrap();
    s.raise().await;
    s.until_queue_is_empty().await;
    let received = &recorded.to("/ok")[0];
    assert_eq!(received.headers["host"], address.to_string().as_str());
    assert_eq!(received.headers["x-kept"], "yes");
    assert!(!received.body.is_empty(), "the payload is whole");
    assert_ne!(received.headers["content-length"], "0");
}
