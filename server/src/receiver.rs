//! A webhook receiver on loopback, for the demo and the tests: `/ok` answers 200,
//! `/status/{code}` answers that status, `/slow/{ms}/{code}` answers it after a while,
//! `/hang` never answers, `/redirect?to=URL` answers 302 to `URL`, `/alert` takes alert
//! notices. It records the latest requests (a bounded number) and counts them all.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::any;
use axum::Router;

/// Requests a receiver keeps unless told otherwise: the demo runs for days.
pub const KEPT: usize = 1000;

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    /// The path, e.g. `/status/503`.
    pub path: String,
    /// Its headers.
    pub headers: HeaderMap,
    /// Its body.
    pub body: Bytes,
    /// When it arrived.
    pub at: Instant,
}

/// What the receiver has got: the latest requests, and how many in all.
#[derive(Clone)]
pub struct Recorded {
    kept: Arc<Mutex<VecDeque<Received>>>,
    capacity: usize,
    count: Arc<AtomicUsize>,
}

impl Recorded {
    fn with_capacity(capacity: usize) -> Self {
        Self { kept: Arc::default(), capacity, count: Arc::default() }
    }

    /// The requests kept (the latest ones), oldest first.
    pub fn all(&self) -> Vec<Received> {
        self.kept.lock().unwrap_or_else(|p| p.into_inner()).iter().cloned().collect()
    }

    /// The kept requests to `path`.
    pub fn to(&self, path: &str) -> Vec<Received> {
        self.all().into_iter().filter(|r| r.path == path).collect()
    }

    /// How many requests arrived in all, kept or not.
    pub fn count(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }

    fn push(&self, path: String, headers: HeaderMap, body: Bytes) {
        let mut kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        if kept.len() == self.capacity {
            kept.pop_front();
        }
        kept.push_back(Received { path, headers, body, at: Instant::now() });
        self.count.fetch_add(1, Ordering::SeqCst);
    }
}

async fn ok(State(recorded): State<Recorded>, headers: HeaderMap, body: Bytes) -> StatusCode {
    recorded.push("/ok".into(), headers, body);
    StatusCode::OK
}

async fn status(
    State(recorded): State<Recorded>,
    Path(code): Path<u16>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    recorded.push(format!("/status/{code}"), headers, body);
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

async fn slow(
    State(recorded): State<Recorded>,
    Path((ms, code)): Path<(u64, u16)>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    recorded.push(format!("/slow/{ms}/{code}"), headers, body);
    tokio::time::sleep(Duration::from_millis(ms)).await;
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// Where `/redirect` sends the client.
#[derive(serde::Deserialize)]
struct RedirectTo {
    to: String,
}

async fn redirect(
    State(recorded): State<Recorded>,
    Query(RedirectTo { to }): Query<RedirectTo>,
    headers: HeaderMap,
    body: Bytes,
) -> axum::response::Response {
    recorded.push("/redirect".into(), headers, body);
    (StatusCode::FOUND, [(header::LOCATION, to)]).into_response()
}

async fn hang(State(recorded): State<Recorded>, headers: HeaderMap, body: Bytes) -> StatusCode {
    recorded.push("/hang".into(), headers, body);
    std::future::pending::<()>().await;
    StatusCode::OK
}

async fn alert(State(recorded): State<Recorded>, headers: HeaderMap, body: Bytes) -> StatusCode {
    recorded.push("/alert".into(), headers, body);
    StatusCode::NO_CONTENT
}

/// Starts a receiver on `address` (port 0: any free port) keeping the latest [`KEPT`]
/// requests; its address and its record.
pub async fn start(address: SocketAddr) -> std::io::Result<(SocketAddr, Recorded)> {
    start_keeping(address, KEPT).await
}

/// The receiver's routes, keeping the latest `kept` requests in the returned record: to
/// serve another way (the tests' HTTPS receiver).
pub fn app(kept: usize) -> (Router, Recorded) {
    let recorded = Recorded::with_capacity(kept.max(1));
    let app = Router::new()
        // Any method: a client that followed a redirect (with a GET) would be seen too.
        .route("/ok", any(ok))
        .route("/status/{code}", any(status))
        .route("/slow/{ms}/{code}", any(slow))
        .route("/redirect", any(redirect))
        .route("/hang", any(hang))
        .route("/alert", any(alert))
        .with_state(recorded.clone());
    (app, recorded)
}

/// Starts a receiver on `address` that keeps the latest `kept` requests.
pub async fn start_keeping(address: SocketAddr, kept: usize) -> std::io::Result<(SocketAddr, Recorded)> {
    let (app, recorded) = app(kept);
    let listener = tokio::net::TcpListener::bind(address).await?;
    let bound = listener.local_addr()?;
    tokio::spawn(async move {
        // A receiver that stops only takes the demo's or a test's endpoints away.
        let _ = axum::serve(listener, app).await;
    });
    Ok((bound, recorded))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_latest_requests_and_counts_them_all() {
        let recorded = Recorded::with_capacity(3);
        for n in 0..5 {
            recorded.push(format!("/{n}"), HeaderMap::new(), Bytes::new());
        }
        assert_eq!(recorded.all().iter().map(|r| r.path.as_str()).collect::<Vec<_>>(), ["/2", "/3", "/4"]);
        assert_eq!(recorded.count(), 5);
    }
}
