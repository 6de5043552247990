//! A webhook receiver on loopback, for the demo and the tests: `/ok` answers 200,
//! `/status/{code}` answers that status, `/slow/{ms}/{code}` answers it after a while,
//! `/hang` never answers, `/redirect?to=URL` answers 302 to `URL`, `/alert` takes alert
//! notices. It records every request.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::any;
use axum::Router;

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

/// What the receiver has got so far.
#[derive(Clone, Default)]
pub struct Recorded(Arc<Mutex<Vec<Received>>>);

impl Recorded {
    /// Every request so far, oldest first.
    pub fn all(&self) -> Vec<Received> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The requests to `path`.
    pub fn to(&self, path: &str) -> Vec<Received> {
        self.all().into_iter().filter(|r| r.path == path).collect()
    }

    fn push(&self, path: String, headers: HeaderMap, body: Bytes) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).push(Received { path, headers, body, at: Instant::now() });
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

/// Starts a receiver on `address` (port 0: any free port); its address and its record.
pub async fn start(address: SocketAddr) -> std::io::Result<(SocketAddr, Recorded)> {
    let recorded = Recorded::default();
    let app = Router::new()
        // Any method: a client that followed a redirect (with a GET) would be seen too.
        .route("/ok", any(ok))
        .route("/status/{code}", any(status))
        .route("/slow/{ms}/{code}", any(slow))
        .route("/redirect", any(redirect))
        .route("/hang", any(hang))
        .route("/alert", any(alert))
        .with_state(recorded.clone());
    let listener = tokio::net::TcpListener::bind(address).await?;
    let bound = listener.local_addr()?;
    tokio::spawn(async move {
        // A receiver that stops only takes the demo's or a test's endpoints away.
        let _ = axum::serve(listener, app).await;
    });
    Ok((bound, recorded))
}
