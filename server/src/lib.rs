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
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_io_timeout::TimeoutStream;
use tower::ServiceExt;

pub use http::{router, AppState, RouterOptions};
use limits::InFlight;

/// Raises the soft limit of open files to the hard one (connections are files); returns
/// the new limit.
pub fn raise_open_file_limit() -> std::io::Result<u64> {
    rlimit::increase_nofile_limit(u64::MAX)
}

/// Serves the API on `listener` until `shutdown` completes, then drains open requests.
///
/// A connection has `options.header_read_timeout` to send each request's headers, also
/// when idle between requests (hyper's timer; `axum::serve` offers none), and
/// `options.write_timeout` for each write the client must read; at most
/// `options.max_connections` are open, `options.max_connections_per_address` from one
/// address (beyond, a connection is closed as soon as it is accepted). Each request
/// carries its client's address (`ConnectInfo<SocketAddr>`, which keys the rate limit
/// of requests without a valid token).
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    options: &RouterOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    if options.dev && !listener.local_addr()?.ip().is_loopback() {
        // The dev intake makes the server sign and send what a caller writes.
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "--dev needs a loopback --listen address (127.0.0.1 or ::1)",
        ));
    }
    let app = router(state, options);
    let mut http1 = hyper::server::conn::http1::Builder::new();
    http1.timer(TokioTimer::new()).header_read_timeout(options.header_read_timeout);
    let graceful = GracefulShutdown::new();
    let open = Arc::new(Semaphore::new(options.max_connections));
    let per_address = InFlight::new(options.max_connections_per_address);
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
        let (Ok(any), Some(own)) =
            (Arc::clone(&open).try_acquire_owned(), per_address.try_enter(&http::address_key(client.ip())))
        else {
            tracing::debug!(client = %client.ip(), "connection refused: too many open");
            continue;
        };
        let service = app.clone().map_request(move |mut request: axum::http::Request<hyper::body::Incoming>| {
            request.extensions_mut().insert(ConnectInfo::<SocketAddr>(client));
            request
        });
        let mut stream = TimeoutStream::new(stream);
        stream.set_write_timeout(Some(options.write_timeout));
        let connection = http1.serve_connection(TokioIo::new(Box::pin(stream)), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A client that goes away, sends no headers in time or stops reading ends its
            // own connection.
            let _ = connection.await;
            drop((any, own));
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_open_file_limit_is_raised_to_the_hard_limit() {
        let (_, hard) = rlimit::getrlimit(rlimit::Resource::NOFILE).unwrap();
        rlimit::setrlimit(rlimit::Resource::NOFILE, hard.min(256), hard).unwrap();
        let raised = super::raise_open_file_limit().unwrap();
        let (soft, _) = rlimit::getrlimit(rlimit::Resource::NOFILE).unwrap();
        assert_eq!((raised, soft), (hard, hard));
    }
}
