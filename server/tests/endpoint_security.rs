//! Endpoint security end to end: signed deliveries and alert notices, checked here by an
//! HMAC of the test's own (not the server's `signing`), and `secureSsl` both ways against
//! an HTTPS receiver on loopback with a certificate made by the test.

mod common;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use common::TestServer;
use hmac::{Hmac, Mac};
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use serde_json::{json, Value};
use sha2::Sha256;
use tokio_rustls::rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::TlsAcceptor;
use webhooks_api::{EventResponse, TenantLocator, WebhookResponse};
use webhooks_server::delivery::EngineConfig;
use webhooks_server::destination::Destinations;
use webhooks_server::receiver::{self, Received, Recorded};

const SECRET: &str = "whsec-endpoint-0123456789abcdef";
const ALERT_SECRET: &str = "whsec-alerts-0123456789abcdefgh";
const SIGNATURE_HEADERS: [&str; 4] = ["webhook-id", "webhook-timestamp", "webhook-signature", "webhook-secret-tag"];

/// A delivering server that may reach loopback, a plain receiver, and a tenant with a token.
struct Setup {
    server: TestServer,
    plain: SocketAddr,
    recorded: Recorded,
    tenant: TenantLocator,
    token: String,
}

async fn setup() -> Setup {
    let engine = EngineConfig {
        timeout: Duration::from_secs(2),
        poll_interval: Duration::from_millis(10),
        destinations: Destinations::with_loopback(),
        ..EngineConfig::default()
    };
    let server = TestServer::start_delivering(engine).await;
    let (plain, recorded) = receiver::start("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let (tenant, token) = server.tenant_with_token();
    Setup { server, plain, recorded, tenant, token }
}

impl Setup {
    /// A webhook subscribed to `a.b` with this endpoint and failure handling.
    async fn webhook(&self, endpoint: Value, failure_handling: Value) -> WebhookResponse {
        let body = json!({"name": "security", "endpoint": endpoint, "failureHandling": failure_handling, "eventTypes": ["a.b"]});
        self.server.create(self.tenant, &self.token, body).await
    }

    /// Raises an `a.b` event and waits until every delivery of it has ended.
    async fn deliver(&self) -> EventResponse {
        let event = self.server.raise(self.tenant, "a.b").await;
        self.server.until_queue_is_empty().await;
        event
    }
}

/// The values of header `name`.
fn values<'a>(received: &'a Received, name: &str) -> Vec<&'a str> {
    received.headers.get_all(name).iter().map(|value| value.to_str().unwrap()).collect()
}

/// The one value of header `name`.
fn one<'a>(received: &'a Received, name: &str) -> &'a str {
    match values(received, name)[..] {
        [value] => value,
        ref other => panic!("{name}: {other:?}, not one value"),
    }
}

/// Whether `received` is signed by `secret` as Standard Webhooks says, checked with the
/// `hmac` crate directly (constant-time comparison, as a receiver would).
fn signed_by(received: &Received, secret: &str) -> bool {
    let (id, timestamp) = (one(received, "webhook-id"), one(received, "webhook-timestamp"));
    let mut content = format!("{id}.{timestamp}.").into_bytes();
    content.extend_from_slice(&received.body);
    // The header is a space-separated list of `version,signature`.
    one(received, "webhook-signature").split(' ').filter_map(|s| s.strip_prefix("v1,")).any(|encoded| {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(&content);
        STANDARD.decode(encoded).is_ok_and(|signature| mac.verify_slice(&signature).is_ok())
    })
}

/// Asserts that `webhook-timestamp` is within 5 seconds of now.
fn signed_just_now(received: &Received) {
    let signed: i64 = one(received, "webhook-timestamp").parse().unwrap();
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
    assert!((now - signed).abs() <= 5, "signed at {signed}, now {now}");
}

fn unsigned(received: &Received) -> bool {
    SIGNATURE_HEADERS.iter().all(|name| !received.headers.contains_key(*name))
}

#[tokio::test]
async fn a_signed_delivery_verifies_and_an_unsigned_one_has_no_signature() {
    let s = setup().await;
    let url = format!("http://{}/ok", s.plain);
    s.webhook(json!({"url": url, "hmacEnabled": true, "secret": SECRET, "tag": "2026-11-30"}), json!({})).await;
    // A secret alone signs nothing.
    s.webhook(json!({"url": format!("{url}?unsigned"), "hmacEnabled": false, "secret": SECRET}), json!({})).await;
    s.webhook(json!({"url": format!("{url}?plain")}), json!({})).await;
    let event = s.deliver().await;
    let received = s.recorded.to("/ok");
    assert_eq!(received.len(), 3);
    let (signed, others): (Vec<_>, Vec<_>) = received.iter().partition(|r| r.headers.contains_key("webhook-id"));
    let [signed] = &signed[..] else { panic!("one signed delivery: {signed:?}") };
    assert!(signed_by(signed, SECRET), "the signature verifies over the body received");
    assert!(!signed_by(signed, ALERT_SECRET), "and not with another secret");
    assert_eq!(one(signed, "webhook-id"), event.locator.to_string());
    assert_eq!(one(signed, "webhook-secret-tag"), "2026-11-30");
    signed_just_now(signed);
    let body: EventResponse = serde_json::from_slice(&signed.body).unwrap();
    assert_eq!(body, event, "the signed body is the event");
    assert_eq!(others.len(), 2);
    for other in others {
        assert!(unsigned(other), "{:?}", other.headers);
        assert_eq!(serde_json::from_slice::<EventResponse>(&other.body).unwrap(), event);
    }
}

#[tokio::test]
async fn the_signatures_headers_win_over_the_endpoints_own() {
    let s = setup().await;
    let url = format!("http://{}/ok", s.plain);
    let own = json!({
        "Webhook-Id": ["mine"], "webhook-timestamp": ["1"], "WEBHOOK-SIGNATURE": ["v1,forged"],
        "webhook-secret-tag": ["stale"], "X-Kept": ["yes"],
    });
    // Signed without a tag: the endpoint's `webhook-secret-tag` goes too.
    s.webhook(json!({"url": url, "hmacEnabled": true, "secret": SECRET, "headers": own}), json!({})).await;
    s.webhook(json!({"url": format!("{url}?unsigned"), "headers": own}), json!({})).await;
    let event = s.deliver().await;
    let received = s.recorded.to("/ok");
    let (signed, unsigned): (Vec<_>, Vec<_>) = received.iter().partition(|r| signed_by(r, SECRET));
    let ([signed], [unsigned]) = (&signed[..], &unsigned[..]) else { panic!("{received:?}") };
    assert_eq!(one(signed, "webhook-id"), event.locator.to_string());
    signed_just_now(signed);
    assert!(values(signed, "webhook-secret-tag").is_empty(), "no tag is set");
    assert_eq!(one(signed, "x-kept"), "yes");
    // Unsigned, the endpoint's headers are its own to send.
    assert_eq!(one(unsigned, "webhook-id"), "mine");
    assert_eq!(one(unsigned, "webhook-signature"), "v1,forged");
}

#[tokio::test]
async fn an_alert_notice_is_signed_with_the_alert_endpoints_own_secret() {
    let s = setup().await;
    let base = format!("http://{}", s.plain);
    let gives_up = |alert: Value| json!({"triggers": ["5xx"], "alertEndpoint": alert});
    let signing_alerts = s
        .webhook(
            json!({"url": format!("{base}/status/500"), "hmacEnabled": true, "secret": SECRET}),
            gives_up(
                json!({"url": format!("{base}/alert"), "hmacEnabled": true, "secret": ALERT_SECRET, "tag": "alerts-1"}),
            ),
        )
        .await;
    let plain_alerts = s
        .webhook(
            json!({"url": format!("{base}/status/500?alert-unsigned"), "hmacEnabled": true, "secret": SECRET}),
            gives_up(json!({"url": format!("{base}/alert")})),
        )
        .await;
    let event = s.deliver().await;
    let failed = s.recorded.to("/status/500");
    assert_eq!(failed.len(), 2);
    assert!(failed.iter().all(|delivery| signed_by(delivery, SECRET)), "the deliveries with the endpoint's secret");
    let notices = s.recorded.to("/alert");
    assert_eq!(notices.len(), 2);
    let notice_of = |hook: &WebhookResponse| {
        let hook = hook.locator.to_string();
        notices.iter().find(|n| serde_json::from_slice::<Value>(&n.body).unwrap()["webhookLocator"] == hook).unwrap()
    };
    let signed = notice_of(&signing_alerts);
    assert!(signed_by(signed, ALERT_SECRET), "the alert endpoint's secret signs its notice");
    assert!(!signed_by(signed, SECRET));
    assert_eq!(one(signed, "webhook-secret-tag"), "alerts-1");
    signed_just_now(signed);
    let id = one(signed, "webhook-id");
    assert!(id.starts_with("alert_") && id != event.locator.to_string(), "a notice is a message of its own: {id}");
    assert_eq!(serde_json::from_slice::<Value>(&signed.body).unwrap()["eventLocator"], event.locator.to_string());
    assert!(unsigned(notice_of(&plain_alerts)), "an alert endpoint without signing gets no signature");
}

/// An HTTPS receiver on 127.0.0.1 with a self-signed certificate made now, and how many
/// TLS handshakes it has been offered (whether they completed or not).
async fn https_receiver() -> (SocketAddr, Recorded, Arc<AtomicUsize>) {
    let certified = rcgen::generate_simple_self_signed(["127.0.0.1".to_owned(), "localhost".to_owned()]).unwrap();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(certified.signing_key.serialize_der()));
    let config =
        ServerConfig::builder().with_no_client_auth().with_single_cert(vec![certified.cert.der().clone()], key);
    let acceptor = TlsAcceptor::from(Arc::new(config.unwrap()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (app, recorded) = receiver::app(receiver::KEPT);
    let offered = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&offered);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            let (acceptor, app) = (acceptor.clone(), app.clone());
            tokio::spawn(async move {
                // A client that refuses the certificate ends the handshake: nothing to serve.
                let Ok(tls) = acceptor.accept(stream).await else { return };
                let service = TowerToHyperService::new(app);
                let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(tls), service).await;
            });
        }
    });
    (address, recorded, offered)
}

#[tokio::test]
async fn secure_ssl_false_accepts_a_self_signed_certificate_for_that_endpoint_only() {
    let s = setup().await;
    let (tls, recorded, offered) = https_receiver().await;
    let https = format!("https://{tls}");
    let divert_on_timeout = json!({"triggers": ["timeout"], "divert": true});
    let accepting =
        s.webhook(json!({"url": format!("{https}/ok"), "secureSsl": false}), divert_on_timeout.clone()).await;
    let verifying = s.webhook(json!({"url": format!("{https}/ok?default")}), divert_on_timeout.clone()).await;
    let explicit = s.webhook(json!({"url": format!("{https}/ok?true"), "secureSsl": true}), divert_on_timeout).await;
    // `secureSsl: false` on plain HTTP is plain HTTP still.
    s.webhook(json!({"url": format!("http://{}/ok", s.plain), "secureSsl": false}), json!({})).await;
    s.deliver().await;
    let arrived = recorded.to("/ok");
    assert_eq!(arrived.len(), 1, "only the endpoint that accepts any certificate is reached");
    assert!(s.server.diverted(s.tenant, &s.token, &accepting).await.is_empty());
    for hook in [&verifying, &explicit] {
        let diverted = s.server.diverted(s.tenant, &s.token, hook).await;
        let [failure] = &diverted[..] else { panic!("{}: {diverted:?}", hook.endpoint.url) };
        assert_eq!(failure.failure_trigger, "timeout");
        let message = &failure.failure_message;
        assert!(message.starts_with("TLS certificate not accepted: no trusted authority issued it"), "{message}");
        assert!(message.contains("(secureSsl)"), "says what to do: {message}");
    }
    assert!(offered.load(Ordering::SeqCst) >= 3, "the verifying endpoints connected, then refused the certificate");
    assert_eq!(recorded.count(), 1, "nothing else arrived");
    assert_eq!(s.recorded.to("/ok").len(), 1, "plain HTTP arrived over plain HTTP");
}

#[tokio::test]
async fn an_alert_notice_verifies_tls_as_its_own_endpoint_says() {
    let s = setup().await;
    let (tls, recorded, _) = https_receiver().await;
    let gives_up = |alert: Value| json!({"triggers": ["5xx"], "alertEndpoint": alert});
    // The delivery verifies (over plain HTTP); its alert endpoint does not.
    let accepted = s
        .webhook(
            json!({"url": format!("http://{}/status/500", s.plain)}),
            gives_up(json!({"url": format!("https://{tls}/alert"), "secureSsl": false})),
        )
        .await;
    // The delivery accepts any certificate; its alert endpoint verifies.
    s.webhook(
        json!({"url": format!("https://{tls}/status/500"), "secureSsl": false}),
        gives_up(json!({"url": format!("https://{tls}/alert")})),
    )
    .await;
    s.deliver().await;
    assert_eq!(recorded.to("/status/500").len(), 1);
    // The notice is sent after the delivery's outcome is decided, before it is recorded.
    let notices = recorded.to("/alert");
    let [notice] = &notices[..] else { panic!("{notices:?}") };
    assert_eq!(serde_json::from_slice::<Value>(&notice.body).unwrap()["webhookLocator"], accepted.locator.to_string());
}
