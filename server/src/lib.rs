//! Reference implementation of the Socotra EC Webhooks API on axum and SQLite.
//!
//! `main.rs` parses the command line; [`http`] holds the routes and handlers,
//! [`store`] and [`auth`] the SQL, [`db`] the connection and migrations.

pub mod auth;
pub mod db;
pub mod delivery;
pub mod demo;
pub mod destination;
pub mod error;
pub mod http;
pub mod receiver;
pub mod retention;
pub mod store;
pub mod timestamp;

use std::future::Future;

use tokio::net::TcpListener;

pub use http::{router, AppState, RouterOptions};

/// Serves the API on `listener` until `shutdown` completes, then drains open requests.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    options: &RouterOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state, options)).with_graceful_shutdown(shutdown).await
}
