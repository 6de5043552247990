//! Reference implementation of the Socotra EC Webhooks API on axum and SQLite.
//!
//! `main.rs` parses the command line; [`http`] holds the routes and handlers,
//! [`store`], [`stream`], [`auth`] and the delivery engine's
//! outbox the SQL, [`db`] the connection and migrations.

pub mod auth;
pub mod db;
pub mod delivery;
pub mod demo;
pub mod demo_events;
pub mod destination;
pub mod error;
pub mod http;
pub mod limits;
pub mod receiver;
pub mod retention;
pub mod signing;
pub mod store;
pub mod stream;
pub mod timestamp;

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tower::ServiceExt;

pub use http::{router, AppState, RouterOptions};

/// Serves the API on `listener` until `shutdown` completes, then drains open requests.
///
/// A connection has `options.header_read_timeout` to send each request's headers (hyper's
/// timer; `axum::serve` offers none), and each request carries its client's address
/// (`ConnectInfo<SocketAddr>`, which keys the rate limit of requests without a valid token).
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    options: &RouterOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state, options);
    let mut http1 = hyper::server::conn::http1::Builder::new();
    http1.timer(TokioTimer::new()).header_read_timeout(options.header_read_timeout);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, client) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, or a connection reset before it was accepted.
                    tracing::warn!(error = &error as &dyn std::error::Error, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = app.clone().map_request(move |mut request: axum::http::Request<hyper::body::Incoming>| {
            request.extensions_mut().insert(ConnectInfo::<SocketAddr>(client));
            request
        });
        let connection = http1.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A client that goes away or sends no headers in time ends its own connection.
            let _ = connection.await;
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}
