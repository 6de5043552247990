//! Queries that cannot hog the database: reads stopped at their deadline, list filters
//! bounded before any query, and authentication on a connection of its own.

mod common;

use std::time::{Duration, Instant};

use common::{error_of, TestServer};
use reqwest::{Method, StatusCode};
use webhooks_api::TenantLocator;
use webhooks_server::db::Db;
use webhooks_server::{demo, RouterOptions};

#[tokio::test]
async fn authentication_never_waits_for_a_reader() {
    let server = TestServer::start().await;
    let (tenant, _) = server.tenant_with_token();
    // Every reader the API shares is held (as by four slow list queries).
    let (held_tx, mut held_rx) = tokio::sync::mpsc::channel(4);
    let (release_tx, release_rx) = tokio::sync::watch::channel(false);
    let mut holders = Vec::new();
    for _ in 0..4 {
        let (held_tx, mut release_rx, db) = (held_tx.clone(), release_rx.clone(), server.db.clone());
        holders.push(tokio::spawn(async move {
            db.read(move |_| {
                held_tx.blocking_send(()).unwrap();
                while !*release_rx.borrow_and_update() {
                    std::thread::sleep(Duration::from_millis(5));
                }
                Ok(())
            })
            .await
        }));
    }
    for _ in 0..4 {
        held_rx.recv().await.unwrap();
    }
    let answered = tokio::time::timeout(
        Duration::from_secs(3),
        server.call(Method::GET, &format!("/event/{tenant}/webhooks/list"), "whk_wrong").send(),
    )
    .await;
    release_tx.send(true).unwrap();
    for holder in holders {
        holder.await.unwrap().unwrap();
    }
    let response = answered.expect("the token was checked while every shared reader was busy").unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

/// A tenant with `count` generated webhooks and an all-permissions token, on a database
/// whose reads stop after `deadline`.
async fn large_tenant(count: u32, deadline: Duration) -> (TestServer, TenantLocator, String) {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("large.sqlite3")).unwrap().with_query_deadline(deadline);
    let tenant = common::tenant();
    db.blocking(|c| demo::seed_many(c, tenant, count, 1 << 100, time::OffsetDateTime::now_utc())).unwrap();
    let server = TestServer::start_on(dir, db, RouterOptions::default(), |state| state).await;
    let token = server.token(tenant, common::ALL_GRANTS);
    (server, tenant, token)
}

#[tokio::test]
async fn a_list_query_past_its_deadline_is_stopped_with_a_503() {
    let (server, tenant, token) = large_tenant(5_000, Duration::from_millis(5)).await;
    // A hundred event types that match nothing: every row is scanned a hundred times.
    let types: Vec<String> = (0..100).map(|n| format!("no.such.type{n}")).collect();
    let path = format!("/event/{tenant}/webhooks/list?eventTypes={}", types.join(","));
    let (status, body) = error_of(server.call(Method::GET, &path, &token).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(body.message.contains("narrow its filters"), "{}", body.message);
    // Quick requests are unaffected.
    let page: Vec<webhooks_api::WebhookResponse> =
        server.get(&format!("/event/{tenant}/webhooks/list?count=5"), &token).await;
    assert_eq!(page.len(), 5);
}

#[tokio::test]
async fn list_filters_are_bounded_and_refused_before_any_query() {
    let (server, tenant, token) = large_tenant(2_000, webhooks_server::db::QUERY_DEADLINE).await;
    let many: Vec<String> = (0..3_000).map(|n| format!("t.{n}")).collect();
    let started = Instant::now();
    let response = server
        .call(Method::GET, &format!("/event/{tenant}/webhooks/list?eventTypes={}", many.join(",")), &token)
        .send()
        .await
        .unwrap();
    let (status, body) = error_of(response).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body.field_errors["eventTypes"], "give at most 100 event types (3000 given)");
    assert!(started.elapsed() < Duration::from_secs(1), "answered in {:?}", started.elapsed());
    let long_name = format!("/event/{tenant}/webhooks/list?name={}", "n".repeat(256));
    let (status, body) = error_of(server.call(Method::GET, &long_name, &token).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.field_errors.contains_key("name"), "{:?}", body.field_errors);
    let hundred = format!("/event/{tenant}/webhooks/list?eventTypes={}", many[..100].join(","));
    assert_eq!(server.call(Method::GET, &hundred, &token).send().await.unwrap().status(), StatusCode::OK);
}
