//! Sending: the destination guard, the signature and the two HTTP clients, for
//! deliveries and alert notices alike. No database here.

use std::error::Error;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use webhooks_api::{validate, EndpointResponse, Locator, WebhookResponse};

use super::policy::Outcome;
use super::EngineConfig;
use crate::destination::{Destinations, GuardedResolver, Refused};
use crate::{signing, timestamp};

/// Sends what the engine asks to, where the allowances let it.
pub(super) struct Sender {
    /// Verifies the certificate (`secureSsl` true or absent).
    verifying: reqwest::Client,
    /// Takes any certificate, self-signed, expired or for another name (`secureSsl: false`).
    any_certificate: reqwest::Client,
    /// The allowances, shared with both clients' resolvers.
    destinations: Arc<Destinations>,
    /// How long an alert endpoint may take to answer.
    alert_timeout: Duration,
    /// Requests a second per destination host.
    hosts: governor::DefaultKeyedRateLimiter<String>,
    /// The server's own listen address, never sent to.
    own_address: Option<SocketAddr>,
}

/// Idle connections kept per destination host, in each client's pool.
const POOL_IDLE_PER_HOST: usize = 4;
/// How long an idle connection is kept.
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// Destination hosts the rate limiter keeps before it forgets those whose quota is full again.
const HOSTS_KEPT: usize = 4096;

impl Sender {
    /// Two clients alike but for TLS: an endpoint is sent to by the one its `secureSsl`
    /// says. Each has its own connection pool, so a connection opened without checking
    /// the certificate never carries a request to an endpoint that verifies.
    pub(super) fn new(config: &EngineConfig) -> Self {
        let destinations = Arc::new(config.destinations.clone());
        let client = |verify_tls: bool| {
            reqwest::Client::builder()
                .timeout(config.timeout)
                .connect_timeout(config.timeout)
                // Bounded pools: few idle connections per host, closed after a while.
                .pool_max_idle_per_host(POOL_IDLE_PER_HOST)
                .pool_idle_timeout(POOL_IDLE_TIMEOUT)
                // A 3xx is an answer like any other: following it would reach a place unchecked.
                .redirect(reqwest::redirect::Policy::none())
                // A proxy would connect where the resolver cannot see.
                .no_proxy()
                .dns_resolver(Arc::new(GuardedResolver(Arc::clone(&destinations))))
                .danger_accept_invalid_certs(!verify_tls)
                .build()
                .expect("an HTTP client with a timeout builds")
        };
        let per_host = governor::Quota::per_second(config.per_host_per_second);
        Self {
            verifying: client(true),
            any_certificate: client(false),
            destinations,
            alert_timeout: config.alert_timeout.min(config.timeout),
            hosts: governor::RateLimiter::keyed(per_host),
            own_address: config.own_address,
        }
    }

    /// Takes a turn of `endpoint`'s host (its rate per second), or says how long until
    /// one is free. A URL without a host is let through: `send` refuses it.
    pub(super) fn take_turn(&self, endpoint: &EndpointResponse) -> Result<(), Duration> {
        let Some(host) = url::Url::parse(&endpoint.url).ok().and_then(|url| url.host_str().map(str::to_owned)) else {
            return Ok(());
        };
        if self.hosts.len() > HOSTS_KEPT {
            self.hosts.retain_recent();
        }
        self.hosts
            .check_key(&host)
            .map_err(|not_until| not_until.wait_time_from(governor::clock::Clock::now(self.hosts.clock())))
    }

    /// The client for `endpoint`. Either sends `http://` as plain HTTP.
    fn client_for(&self, endpoint: &EndpointResponse) -> &reqwest::Client {
        if endpoint.security.verifies_tls() {
            &self.verifying
        } else {
            &self.any_certificate
        }
    }

    /// POSTs `body` to `endpoint` with its headers, if the destination is allowed, waiting
    /// at most `timeout` for the answer; signed as message `id` if the endpoint signs, over
    /// these very bytes, at this moment (each attempt has its own timestamp).
    pub(super) async fn send(&self, endpoint: &EndpointResponse, id: &str, body: String, timeout: Duration) -> Outcome {
        let url = &endpoint.url;
        let target = match validate::sender::url(url) {
            Ok(target) => target,
            Err(why) => return Outcome::Refused(format!("destination {url:?} cannot be sent to: {why}")),
        };
        if let Err(refused) = self.destinations.check_url(&target) {
            return Outcome::Refused(refused.to_string());
        }
        if self.is_own_address(&target).await {
            return Outcome::Refused(format!("destination {url:?} is this server itself; not allowed"));
        }
        let signature = signing::sign(&endpoint.security, id, timestamp::unix_ms_now() / 1000, body.as_bytes());
        let mut request = self
            .client_for(endpoint)
            .post(target)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .body(body);
        for (name, values) in &endpoint.headers {
            // A webhook stored before the rule may hold one: HTTP's own headers are the sender's.
            // When signing, the signature's headers are the signature's: one value each.
            if validate::controlled_by_http(name) || (signature.is_some() && signing::owns(name)) {
                continue;
            }
            for value in values {
                request = request.header(name.as_str(), value.as_str());
            }
        }
        if let Some(signature) = signature {
            request = request.headers(signature);
        }
        match request.send().await {
            Ok(response) if response.status().is_success() => Outcome::Delivered(response.status().as_u16()),
            Ok(response) => Outcome::Status(response.status().as_u16()),
            Err(error) => {
                if let Some(refused) = cause::<Refused>(&error) {
                    Outcome::Refused(refused.to_string())
                } else if let Some(rustls::Error::InvalidCertificate(why)) = cause::<rustls::Error>(&error) {
                    Outcome::Untrusted(match why {
                        rustls::CertificateError::UnknownIssuer => {
                            "no trusted authority issued it (self-signed?)".into()
                        }
                        other => other.to_string(),
                    })
                } else if error.is_timeout() {
                    Outcome::TimedOut
                } else {
                    Outcome::ConnectionFailed(root_cause(&error))
                }
            }
        }
    }

    /// Whether `target` reaches the server's own listen address: its port, and a host that
    /// is (or resolves to) that address, or loopback or any address of this host when
    /// the server listens on loopback or on every address.
    async fn is_own_address(&self, target: &url::Url) -> bool {
        let (Some(own), Some(port), Some(host)) = (self.own_address, target.port_or_known_default(), target.host_str())
        else {
            return false;
        };
        if port != own.port() {
            return false;
        }
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let Ok(resolved) = tokio::net::lookup_host((host, port)).await else { return false };
        let local = |ip: std::net::IpAddr| ip.is_loopback() || ip.is_unspecified();
        resolved.into_iter().any(|address| {
            let ip = address.ip().to_canonical();
            ip == own.ip().to_canonical() || (local(own.ip()) && local(ip))
        })
    }

    /// Tells the alert endpoint about a failure that used up its retries (best effort).
    pub(super) async fn alert(
        &self,
        alert: &EndpointResponse,
        hook: &WebhookResponse,
        event: Locator,
        trigger: &str,
        message: &str,
        attempts: i32,
    ) {
        let notice = serde_json::json!({
            "webhookLocator": hook.locator,
            "webhookName": hook.name,
            "eventLocator": event,
            "failureTrigger": trigger,
            "failureMessage": message,
            "attempts": attempts,
            "timestamp": timestamp::now(),
        });
        // A notice is a message of its own: a receiver that drops repeated ids keeps every one.
        let id = format!("alert_{}", ulid::Ulid::generate());
        let outcome = self.send(alert, &id, notice.to_string(), self.alert_timeout).await;
        if !matches!(outcome, Outcome::Delivered(_)) {
            tracing::warn!(webhook = %hook.locator, outcome = %outcome.message(self.alert_timeout), "alert endpoint not reached");
        }
    }
}

/// The error of type `T` behind a failed send (a refused destination, a TLS error), if
/// that is why it failed.
fn cause<'a, T: Error + 'static>(error: &'a (dyn Error + 'static)) -> Option<&'a T> {
    let mut cause = Some(error);
    while let Some(current) = cause {
        if let Some(found) = current.downcast_ref::<T>() {
            return Some(found);
        }
        // An io::Error's `source` skips the error it wraps (TLS errors come wrapped, twice).
        cause = match current.downcast_ref::<std::io::Error>().and_then(std::io::Error::get_ref) {
            Some(wrapped) => Some(wrapped),
            None => current.source(),
        };
    }
    None
}

/// Error chains of reqwest say "error sending request"; the cause says what happened.
fn root_cause(error: &(dyn Error + 'static)) -> String {
    let mut cause = error;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}
