//! The HTTP edge under hostile callers: answers never cached, requests without a valid
//! token limited per address, clients slow to send their headers or body cut off.

mod common;

use std::num::NonZeroU32;
use std::time::{Duration, Instant};

use common::{error_of, TestServer};
use reqwest::{Method, StatusCode};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use webhooks_server::db::Db;
use webhooks_server::RouterOptions;

#[tokio::test]
async fn no_answer_of_the_api_may_be_cached() {
    let server = TestServer::start().await;
    let (tenant, token) = server.tenant_with_token();
    let hook =
        server.create(tenant, &token, json!({"name": "w", "endpoint": {"url": "https://e.example.com/h"}})).await;
    let requests = [
        server.call(Method::GET, &format!("/event/{tenant}/webhooks/{}", hook.locator), &token),
        server.call(Method::GET, &format!("/event/{tenant}/webhooks/list"), &token),
        server.call(Method::GET, &format!("/event/{tenant}/webhooks/list?count=x"), &token),
        server.call(Method::GET, &format!("/event/{tenant}/webhooks/list"), "whk_wrong"),
        server.call(Method::GET, &format!("/event/{}/webhooks/list", common::tenant()), &token),
        server.call(Method::GET, "/event/nowhere", &token),
        server.call(Method::PUT, &format!("/event/{tenant}/webhooks/list"), &token),
        server.call(Method::POST, &format!("/event/{tenant}/webhooks"), &token).body("{"),
        server.call(Method::GET, "/openapi.json", &token),
        server.call(Method::GET, "/healthz", &token),
    ];
    for request in requests {
        let response = request.send().await.unwrap();
        let status = response.status();
        assert_eq!(
            response.headers().get("cache-control").map(|v| v.to_str().unwrap()),
            Some("no-store"),
            "{} {status}",
            response.url()
        );
    }
}

#[tokio::test]
async fn requests_without_a_valid_token_are_limited_per_address() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("limit.sqlite3")).unwrap();
    let per_second = NonZeroU32::new(1).unwrap();
    let burst = NonZeroU32::new(3).unwrap();
    let server = TestServer::start_on(dir, db, RouterOptions::default(), move |state| {
        state.with_unauthenticated_rate_limit(per_second, burst)
    })
    .await;
    let (tenant, token) = server.tenant_with_token();
    let list = format!("/event/{tenant}/webhooks/list");
    // No token, and wrong tokens, count alike.
    for bad in ["", "whk_guess1", "whk_guess2"] {
        assert_eq!(server.call(Method::GET, &list, bad).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    }
    let response = server.call(Method::GET, &list, "whk_guess3").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().contains_key("retry-after"));
    let (_, body) = error_of(response).await;
    assert!(body.message.contains("without a valid token"), "{}", body.message);
    let anonymous = server.client.get(format!("{}{list}", server.base)).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::TOO_MANY_REQUESTS);
    // A valid token from the same address is not held back by the guesses.
    assert_eq!(server.call(Method::GET, &list, &token).send().await.unwrap().status(), StatusCode::OK);
}

/// Reads what the server says until it closes the connection (at most `wait`).
async fn until_closed(stream: &mut TcpStream, wait: Duration) -> Option<String> {
    let mut answer = Vec::new();
    tokio::time::timeout(wait, stream.read_to_end(&mut answer))
        .await
        .ok()
        .map(|_| String::from_utf8_lossy(&answer).into_owned())
}

#[tokio::test]
async fn a_client_slow_to_send_its_headers_is_cut_off() {
    let options = RouterOptions { header_read_timeout: Duration::from_millis(300), ..RouterOptions::default() };
    let server = TestServer::start_with(options).await;
    let address = server.base.trim_start_matches("http://");
    for partial in ["", "GET /healthz HTTP/1.1\r\nHost: x\r\n"] {
        let mut stream = TcpStream::connect(address).await.unwrap();
        stream.write_all(partial.as_bytes()).await.unwrap();
        let started = Instant::now();
        let answer = until_closed(&mut stream, Duration::from_secs(5)).await;
        assert!(answer.is_some(), "a connection that sent {partial:?} is still open after 5 s");
        assert!(started.elapsed() >= Duration::from_millis(250), "closed before its time");
    }
    // A client that sends its headers in time is answered.
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await.unwrap();
    assert!(until_closed(&mut stream, Duration::from_secs(5)).await.unwrap().starts_with("HTTP/1.1 200"));
}

#[tokio::test]
async fn a_request_whose_body_never_ends_is_answered_408() {
    let options = RouterOptions { request_timeout: Duration::from_millis(300), ..RouterOptions::default() };
    let server = TestServer::start_with(options).await;
    let (tenant, token) = server.tenant_with_token();
    let mut stream = TcpStream::connect(server.base.trim_start_matches("http://")).await.unwrap();
    let head = format!(
        "POST /event/{tenant}/webhooks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"name\":"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0; 1024];
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut answer))
        .await
        .expect("answered in time")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer[..read]);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.to_ascii_lowercase().contains("cache-control: no-store"), "{answer}");
}

#[tokio::test]
async fn connections_are_capped_per_address_and_in_all() {
    for (max_connections, max_connections_per_address) in [(100, 2), (2, 100)] {
        let options = RouterOptions { max_connections, max_connections_per_address, ..RouterOptions::default() };
        let server = TestServer::start_with(options).await;
        let address = server.base.trim_start_matches("http://").to_owned();
        let first = TcpStream::connect(&address).await.unwrap();
        let _second = TcpStream::connect(&address).await.unwrap();
        let mut third = TcpStream::connect(&address).await.unwrap();
        // The third is closed as soon as it is accepted, before it sends anything.
        let answer = until_closed(&mut third, Duration::from_secs(2)).await;
        assert_eq!(answer.as_deref(), Some(""), "limits {max_connections}/{max_connections_per_address}");
        drop(first);
        tokio::time::sleep(Duration::from_millis(100)).await;
        let mut fourth = TcpStream::connect(&address).await.unwrap();
        fourth.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await.unwrap();
        let answer = until_closed(&mut fourth, Duration::from_secs(5)).await.unwrap();
        assert!(answer.starts_with("HTTP/1.1 200"), "a closed connection makes room: {answer}");
    }
}

#[tokio::test]
async fn a_token_of_the_wrong_shape_is_refused_without_a_lookup() {
    let server = TestServer::start().await;
    let (tenant, _) = server.tenant_with_token();
    // The authentication connection is busy for 3 s: a lookup would wait for it.
    let holder = hold_authentication(&server).await;
    let list = format!("/event/{tenant}/webhooks/list");
    for bad in ["whk_guess", &format!("whk_{}", "A".repeat(64)), &format!("x{}", "0".repeat(67))] {
        let started = Instant::now();
        let response = server.call(Method::GET, &list, bad).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert!(started.elapsed() < Duration::from_secs(1), "{bad}: answered after {:?}", started.elapsed());
    }
    holder.await.unwrap().unwrap();
}

#[cfg(unix)]
#[tokio::test]
async fn a_static_answer_that_never_comes_is_answered_408() {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(dist.path().join("index.html"), "<!doctype html>").unwrap();
    // A named pipe nobody writes to: reading it never ends, until it is opened for writing
    // and closed again (at the end, also when an assertion fails).
    struct Pipe(std::path::PathBuf);
    impl Drop for Pipe {
        fn drop(&mut self) {
            drop(std::fs::OpenOptions::new().write(true).open(&self.0));
        }
    }
    let fifo = Pipe(dist.path().join("stuck.js"));
    assert!(std::process::Command::new("mkfifo").arg(&fifo.0).status().unwrap().success());
    let options = RouterOptions {
        static_dir: Some(dist.path().to_owned()),
        request_timeout: Duration::from_millis(300),
        ..RouterOptions::default()
    };
    let server = TestServer::start_with(options).await;
    let started = Instant::now();
    let response =
        server.client.get(format!("{}/stuck.js", server.base)).timeout(Duration::from_secs(5)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::REQUEST_TIMEOUT);
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[cfg(unix)]
#[tokio::test]
async fn a_client_that_never_reads_its_answer_is_cut_off() {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(dist.path().join("index.html"), "<!doctype html>").unwrap();
    let size = 32 * 1024 * 1024;
    std::fs::write(dist.path().join("big.bin"), vec![b'x'; size]).unwrap();
    let options = RouterOptions {
        static_dir: Some(dist.path().to_owned()),
        write_timeout: Duration::from_millis(300),
        ..RouterOptions::default()
    };
    let server = TestServer::start_with(options).await;
    let mut stream = TcpStream::connect(server.base.trim_start_matches("http://")).await.unwrap();
    stream.write_all(b"GET /big.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await.unwrap();
    // Not read for a second: the server's writes wait, then the connection is closed.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mut received = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut received)).await;
    assert!(received.len() < size, "the whole answer came: {} bytes", received.len());
}

#[tokio::test]
async fn authentications_wait_in_a_bounded_queue() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("auth.sqlite3")).unwrap().with_authentication_queue(1);
    let server = TestServer::start_on(dir, db, RouterOptions::default(), |state| state).await;
    let (tenant, token) = server.tenant_with_token();
    // The one place is taken by an authentication that holds the connection for 3 s.
    let holder = hold_authentication(&server).await;
    let started = Instant::now();
    let response = server.call(Method::GET, &format!("/event/{tenant}/webhooks/list"), &token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response.headers()["retry-after"], "1");
    assert!(started.elapsed() < Duration::from_secs(1), "answered after {:?}", started.elapsed());
    holder.await.unwrap().unwrap();
    let response = server.call(Method::GET, &format!("/event/{tenant}/webhooks/list"), &token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "the place comes back");
}

/// Holds the authentication connection for 3 s, from when this returns.
async fn hold_authentication(
    server: &TestServer,
) -> tokio::task::JoinHandle<Result<(), webhooks_server::db::StoreError>> {
    let (held_tx, held_rx) = tokio::sync::oneshot::channel();
    let db = server.db.clone();
    let holder = tokio::spawn(async move {
        db.read_for_authentication(move |_| {
            held_tx.send(()).unwrap();
            std::thread::sleep(Duration::from_secs(3));
            Ok(())
        })
        .await
    });
    held_rx.await.unwrap();
    holder
}
