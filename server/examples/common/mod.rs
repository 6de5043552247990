//! What the server's benchmarks share: the server on a loopback port, and the timing of
//! calls (throughput, p50 and p99, beside `GET /healthz` measured in the same run).
// Each example uses a different part of these helpers.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::{Client, Method, RequestBuilder};
use webhooks_server::db::Db;
use webhooks_server::{AppState, RouterOptions};

/// Requests in flight at once.
pub const CONCURRENCY: usize = 2;

/// The server under measure, and a way to call it with one token.
#[derive(Clone)]
pub struct Api {
    client: Client,
    base: String,
    token: String,
}

impl Api {
    /// Serves `db` on a loopback port (no delivery engine, no rate limit).
    pub async fn serve(db: Db, token: String) -> Self {
        Self::serve_state(AppState::new(db), token).await
    }

    /// Serves `state` on a loopback port.
    pub async fn serve_state(state: AppState, token: String) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            webhooks_server::serve(listener, state, &RouterOptions::default(), std::future::pending()).await.unwrap();
        });
        Self { client: Client::builder().pool_max_idle_per_host(CONCURRENCY).build().unwrap(), base, token }
    }

    /// The same server, called with another token.
    pub fn with_token(&self, token: String) -> Self {
        Self { token, ..self.clone() }
    }

    /// A request to `path` with the token.
    pub fn call(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, format!("{}{path}", self.base)).bearer_auth(&self.token)
    }
}

/// One measured scenario.
pub struct Row {
    name: &'static str,
    requests: usize,
    per_second: f64,
    p50: Duration,
    p99: Duration,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

/// Sends `total` requests made by `make(i)`, [`CONCURRENCY`] at a time; each must succeed.
pub async fn measure<F>(name: &'static str, total: usize, make: F) -> Row
where
    F: Fn(usize) -> RequestBuilder + Send + Sync + 'static,
{
    let make = Arc::new(make);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..CONCURRENCY {
        let make = Arc::clone(&make);
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            for i in (worker..total).step_by(CONCURRENCY) {
                let start = Instant::now();
                let response = make(i).send().await.expect("request sent");
                let status = response.status();
                response.bytes().await.expect("body read");
                assert!(status.is_success(), "{name}: {status}");
                latencies.push(start.elapsed());
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.unwrap());
    }
    let elapsed = started.elapsed();
    latencies.sort();
    Row {
        name,
        requests: total,
        per_second: total as f64 / elapsed.as_secs_f64(),
        p50: percentile(&latencies, 0.50),
        p99: percentile(&latencies, 0.99),
    }
}

fn ms(duration: Duration) -> String {
    format!("{:.2}", duration.as_secs_f64() * 1000.0)
}

/// Prints the rows, each beside the first (the reference), then the goals.
pub fn print_table(rows: &[Row], goals: &str) {
    let reference = &rows[0];
    println!();
    println!(
        "{:<36} {:>8} {:>10} {:>9} {:>9} {:>12} {:>12}",
        "call", "requests", "req/s", "p50 ms", "p99 ms", "p50/healthz", "req/s ratio"
    );
    for row in rows {
        println!(
            "{:<36} {:>8} {:>10.0} {:>9} {:>9} {:>11.1}x {:>11.2}x",
            row.name,
            row.requests,
            row.per_second,
            ms(row.p50),
            ms(row.p99),
            row.p50.as_secs_f64() / reference.p50.as_secs_f64(),
            row.per_second / reference.per_second
        );
    }
    println!("(concurrency {CONCURRENCY}, loopback, one run; goals: {goals})");
}
