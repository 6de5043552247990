//! The Events API over HTTP: the stream's paging with and without filters, the held token
//! that sees each later event once (also from an empty answer, also with raisers racing),
//! the time window's bounds, every 400, one event and a request's events across tenants,
//! the grants, and the dev intake's request and user.

mod common;

use std::collections::BTreeSet;

use common::{error_of, TestServer};
use reqwest::{Method, StatusCode};
use serde_json::json;
use ulid::Ulid;
use webhooks_api::{EventResponse, EventStreamResponse, Locator, TenantLocator};
use webhooks_server::{stream, timestamp, RouterOptions};

async fn dev_server() -> TestServer {
    TestServer::start_with(RouterOptions { dev: true, ..Default::default() }).await
}

/// Stores events straight in the stream at chosen Unix milliseconds (two per `ms` value
/// when it repeats), of the types given in turn.
fn store_at(server: &TestServer, tenant: TenantLocator, times_ms: &[u64], types: &[&str]) -> Vec<EventResponse> {
    server
        .db
        .blocking(|c| {
            let transaction = c.transaction()?;
            let mut events = Vec::new();
            for (n, ms) in times_ms.iter().enumerate() {
                let mut event = EventResponse {
                    locator: Locator::from_ulid(Ulid::from_parts(*ms, n as u128 + 1)),
                    user_locator: uuid::Uuid::nil(),
                    request_id: Locator::from_ulid(Ulid::from_parts(*ms, 0)),
                    timestamp: String::new(),
                    kind: types[n % types.len()].to_owned(),
                    data: serde_json::Value::Object(serde_json::Map::new()),
                };
                stream::append(&transaction, tenant, &mut event)?;
                events.push(event);
            }
            transaction.commit()?;
            Ok(events)
        })
        .unwrap()
}

async fn list(server: &TestServer, tenant: TenantLocator, token: &str, query: &str) -> EventStreamResponse {
    server.get(&format!("/event/{tenant}/events/list?{query}"), token).await
}

/// Follows the tokens from the first page until an empty one; every page holds at most `page_size`.
async fn read_all(
    server: &TestServer,
    tenant: TenantLocator,
    token: &str,
    filters: &str,
    page_size: usize,
) -> (Vec<EventResponse>, String) {
    let mut events = Vec::new();
    let mut page = list(server, tenant, token, &format!("{filters}&pageSize={page_size}")).await;
    loop {
        assert!(page.events.len() <= page_size);
        if page.events.is_empty() {
            return (events, page.paging_token);
        }
        events.extend(page.events);
        let query = format!("{filters}&pageSize={page_size}&pagingToken={}", page.paging_token);
        page = list(server, tenant, token, &query).await;
    }
}

fn query_time(ms: u64) -> String {
    timestamp::format_unix_ms(ms).replace('+', "%2B")
}

#[tokio::test]
async fn pages_concatenate_to_the_filtered_stream_in_order() {
    let server = TestServer::start().await;
    let (tenant, token) = server.tenant_with_token();
    let (other, _) = server.tenant_with_token();
    let types = ["policy.change.issue", "billing.invoice.generate", "claim.fnol.create"];
    let times: Vec<u64> = (0..45u64).map(|n| 1_700_000_000_000 + n / 2 * 1_000).collect();
    let all = store_at(&server, tenant, &times, &types);
    store_at(&server, other, &times, &types);
    assert!(all.windows(2).all(|pair| pair[0].locator < pair[1].locator));

    let (start, end) = (times[9], times[30]);
    let in_window = |e: &EventResponse| (start..end).contains(&e.locator.as_ulid().timestamp_ms());
    let cases: Vec<(String, Vec<EventResponse>)> = vec![
        (String::new(), all.clone()),
        ("type=billing.invoice.generate".into(), all.iter().filter(|e| e.kind == types[1]).cloned().collect()),
        (
            format!("startTimestamp={}&endTimestamp={}", query_time(start), query_time(end)),
            all.iter().filter(|e| in_window(e)).cloned().collect(),
        ),
        (
            format!("startTimestamp={}&endTimestamp={}&type=claim.fnol.create", query_time(start), query_time(end)),
            all.iter().filter(|e| in_window(e) && e.kind == types[2]).cloned().collect(),
        ),
        ("type=policy.quote.create".into(), Vec::new()),
    ];
    for (filters, expected) in cases {
        for page_size in [1, 4, 7, 1000] {
            let (events, _) = read_all(&server, tenant, &token, &filters, page_size).await;
            assert_eq!(events, expected, "{filters} in pages of {page_size}");
        }
    }
    let first = list(&server, tenant, &token, "").await;
    assert_eq!(first.events, all, "default page size 100, more than these 45");
}

#[tokio::test]
async fn the_default_page_is_100_and_a_page_ends_where_the_next_begins() {
    let server = TestServer::start().await;
    let (tenant, token) = server.tenant_with_token();
    let all = store_at(&server, tenant, &(0..250u64).map(|n| 1_000 + n).collect::<Vec<_>>(), &["a.b"]);
    let first = list(&server, tenant, &token, "").await;
    assert_eq!(first.events, all[..100]);
    let second = list(&server, tenant, &token, &format!("pagingToken={}", first.paging_token)).await;
    assert_eq!(second.events, all[100..200]);
    let big = list(&server, tenant, &token, "pageSize=1000").await;
    assert_eq!(big.events, all);
}

#[tokio::test]
async fn the_window_includes_its_start_and_excludes_its_end() {
    let server = TestServer::start().await;
    let (tenant, token) = server.tenant_with_token();
    // Two events in each of the milliseconds 1000, 2000 and 3000.
    let all = store_at(&server, tenant, &[1_000, 1_000, 2_000, 2_000, 3_000, 3_000], &["a.b"]);
    assert_eq!(all[2].timestamp, "1970-01-01T00:00:02Z", "an event's timestamp is its locator's time");
    let window = |start: &str, end: &str| {
        let (server, token) = (&server, &token);
        let query = format!("startTimestamp={start}&endTimestamp={end}");
        async move { list(server, tenant, token, &query).await.events }
    };
    assert_eq!(window("1970-01-01T00:00:02Z", "1970-01-01T00:00:03Z").await, all[2..4], "[2 s, 3 s)");
    assert_eq!(window("1970-01-01T00:00:01.9995Z", "1970-01-01T00:00:03.0001Z").await, all[2..6]);
    assert_eq!(window("1970-01-01T00:00:02.0001Z", "1970-01-01T00:00:09Z").await, all[4..6]);
    assert_eq!(window("1970-01-01T01:00:02%2B01:00", "1970-01-01T00:00:02.001Z").await, all[2..4], "any offset");
    assert_eq!(window("1970-01-01T00:00:02Z", "1970-01-01T00:00:02Z").await, [], "an empty window");
    let before: EventStreamResponse =
        list(&server, tenant, &token, "endTimestamp=1970-01-01T00:00:02Z&pageSize=1").await;
    assert_eq!(before.events, all[..1]);
    let after_it = list(
        &server,
        tenant,
        &token,
        &format!("endTimestamp=1970-01-01T00:00:02Z&pagingToken={}", before.paging_token),
    )
    .await;
    assert_eq!(after_it.events, all[1..2], "the token and the window combine");
}

#[tokio::test]
async fn a_held_token_sees_each_later_event_once() {
    let server = dev_server().await;
    let (tenant, token) = server.tenant_with_token();

    // From an empty stream: the empty answer still has a token, and it sees what comes later.
    let empty = list(&server, tenant, &token, "").await;
    assert!(empty.events.is_empty());
    let mut raised = Vec::new();
    for n in 0..3 {
        raised.push(server.raise_with(tenant, json!({"type": "policy.change.issue", "data": {"n": n}})).await);
    }
    let next = list(&server, tenant, &token, &format!("pagingToken={}", empty.paging_token)).await;
    assert_eq!(next.events, raised);
    let nothing_new = list(&server, tenant, &token, &format!("pagingToken={}", next.paging_token)).await;
    assert!(nothing_new.events.is_empty());
    let later = server.raise_with(tenant, json!({"type": "claim.fnol.create"})).await;
    let again = list(&server, tenant, &token, &format!("pagingToken={}", nothing_new.paging_token)).await;
    assert_eq!(again.events, [later]);

    // A filtered poller from an empty answer, while other types keep coming.
    let filtered = list(&server, tenant, &token, "type=billing.invoice.generate").await;
    assert!(filtered.events.is_empty());
    let mut held = filtered.paging_token;
    let mut expected = Vec::new();
    let mut seen = Vec::new();
    for n in 0..12 {
        let kind = if n % 3 == 0 { "billing.invoice.generate" } else { "policy.change.issue" };
        let event = server.raise_with(tenant, json!({"type": kind})).await;
        if n % 3 == 0 {
            expected.push(event);
        }
        if n % 4 == 3 {
            let page =
                list(&server, tenant, &token, &format!("type=billing.invoice.generate&pageSize=1&pagingToken={held}"))
                    .await;
            seen.extend(page.events);
            held = page.paging_token;
        }
    }
    loop {
        let page =
            list(&server, tenant, &token, &format!("type=billing.invoice.generate&pageSize=1&pagingToken={held}"))
                .await;
        if page.events.is_empty() {
            break;
        }
        seen.extend(page.events);
        held = page.paging_token;
    }
    assert_eq!(seen, expected);

    // A window that starts in the future: empty now, then its events as they come.
    let start = time::OffsetDateTime::now_utc() + time::Duration::milliseconds(600);
    let future = format!("startTimestamp={}", timestamp::format(start).replace('+', "%2B"));
    let waiting = list(&server, tenant, &token, &future).await;
    assert!(waiting.events.is_empty());
    server.raise_with(tenant, json!({"type": "a.b"})).await; // before the window
    tokio::time::sleep(std::time::Duration::from_millis(650)).await;
    let inside = server.raise_with(tenant, json!({"type": "a.b"})).await;
    let arrived = list(&server, tenant, &token, &format!("{future}&pagingToken={}", waiting.paging_token)).await;
    assert_eq!(arrived.events, [inside]);
}

#[tokio::test]
async fn a_poller_racing_many_raisers_sees_every_event_once_in_order() {
    let server = std::sync::Arc::new(dev_server().await);
    let (tenant, token) = server.tenant_with_token();
    let raisers: Vec<_> = (0..4)
        .map(|r| {
            let server = std::sync::Arc::clone(&server);
            tokio::spawn(async move {
                let mut raised = Vec::new();
                for n in 0..40 {
                    raised.push(
                        server.raise_with(tenant, json!({"type": "a.b", "data": {"raiser": r, "n": n}})).await.locator,
                    );
                }
                raised
            })
        })
        .collect();
    let mut seen: Vec<EventResponse> = Vec::new();
    let mut held = list(&server, tenant, &token, "pageSize=1").await;
    seen.extend(held.events.clone());
    let mut finished = false;
    loop {
        let page = list(&server, tenant, &token, &format!("pageSize=7&pagingToken={}", held.paging_token)).await;
        if page.events.is_empty() {
            if finished {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
        finished = raisers.iter().all(|raiser| raiser.is_finished());
        seen.extend(page.events.clone());
        held = page;
    }
    let mut raised = BTreeSet::new();
    for raiser in raisers {
        raised.extend(raiser.await.unwrap());
    }
    let seen_locators: Vec<Locator> = seen.iter().map(|e| e.locator).collect();
    assert!(seen_locators.windows(2).all(|pair| pair[0] < pair[1]), "in locator order, no duplicates");
    let seen_set: BTreeSet<Locator> = seen_locators.into_iter().collect();
    assert_eq!(seen_set.len(), raised.len(), "as many seen as raised");
    let missed = raised.difference(&seen_set).count();
    assert_eq!(missed, 0, "{missed} of {} raised events were never seen: a gap", raised.len());
    let times: Vec<&str> = seen.iter().map(|e| e.timestamp.as_str()).collect();
    assert!(times.windows(2).all(|pair| timestamp::parse(pair[0]).unwrap() <= timestamp::parse(pair[1]).unwrap()));
}

#[tokio::test]
async fn one_event_is_found_in_its_tenant_only() {
    let server = dev_server().await;
    let (tenant, token) = server.tenant_with_token();
    let (other, other_token) = server.tenant_with_token();
    let event = server
        .raise_with(
            tenant,
            json!({"type": "billing.invoice.generate", "data": {"invoiceLocator": "01JD8Z6Q4V3N5K7M9P1R2S3T4X"}}),
        )
        .await;
    let fetched: EventResponse = server.get(&format!("/event/{tenant}/events/{}", event.locator), &token).await;
    assert_eq!(fetched, event);
    assert_eq!(fetched.data["invoiceLocator"], "01JD8Z6Q4V3N5K7M9P1R2S3T4X");
    for (path, token) in [
        (format!("/event/{other}/events/{}", event.locator), &other_token),
        (format!("/event/{tenant}/events/{}", Ulid::generate()), &token),
    ] {
        let (status, body) = error_of(server.call(Method::GET, &path, token).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(body.message.starts_with("no event "), "{}", body.message);
    }
}

#[tokio::test]
async fn a_requests_events_in_order_and_none_for_an_unknown_request() {
    let server = dev_server().await;
    let (tenant, token) = server.tenant_with_token();
    let (other, other_token) = server.tenant_with_token();
    let request = Ulid::generate().to_string();
    let user = uuid::Uuid::new_v4();
    let mut ours = Vec::new();
    for kind in ["policy.change.issue", "billing.invoice.generate", "document.ready"] {
        ours.push(server.raise_with(tenant, json!({"type": kind, "requestId": request, "userLocator": user})).await);
        server.raise_with(tenant, json!({"type": kind})).await; // its own request
        server.raise_with(other, json!({"type": kind, "requestId": request})).await;
    }
    assert!(ours.iter().all(|e| e.request_id.to_string() == request && e.user_locator == user));
    let path = format!("/event/{tenant}/events/request/{request}");
    assert_eq!(server.get::<Vec<EventResponse>>(&path, &token).await, ours);
    let theirs: Vec<EventResponse> =
        server.get(&format!("/event/{other}/events/request/{request}"), &other_token).await;
    assert_eq!(theirs.len(), 3);
    assert!(theirs.iter().all(|e| !ours.contains(e)));
    let unknown: Vec<EventResponse> =
        server.get(&format!("/event/{tenant}/events/request/{}", Ulid::generate()), &token).await;
    assert!(unknown.is_empty());
}

#[tokio::test]
async fn every_bad_parameter_is_a_400_naming_it() {
    let server = TestServer::start().await;
    let (tenant, token) = server.tenant_with_token();
    let cases = [
        ("pageSize=0", "pageSize"),
        ("pageSize=1001", "pageSize"),
        ("pageSize=-1", "pageSize"),
        ("pageSize=x", "pageSize"),
        ("startTimestamp=yesterday", "startTimestamp"),
        ("startTimestamp=2026-11-27T10:00:00", "startTimestamp"),
        ("endTimestamp=2026-13-01T00:00:00Z", "endTimestamp"),
        ("startTimestamp=2026-11-27T10:00:00Z&endTimestamp=2026-11-27T09:00:00Z", "endTimestamp"),
        ("pagingToken=nope", "pagingToken"),
        ("pagingToken=01JD8Z6Q4V3N5K7M9P1R2S3T4V", "pagingToken"),
        ("pagingToken=v1.01JD8Z6Q4V3N5K7M9P1R2S3T4", "pagingToken"),
        ("type=a%20b", "type"),
    ];
    for (query, field) in cases {
        let path = format!("/event/{tenant}/events/list?{query}");
        let (status, body) = error_of(server.call(Method::GET, &path, &token).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(body.http_status, 400);
        assert_eq!(body.field_errors.keys().map(String::as_str).collect::<Vec<_>>(), [field], "{query}");
    }
    let long_type = format!("/event/{tenant}/events/list?type={}", "a".repeat(256));
    assert_eq!(server.call(Method::GET, &long_type, &token).send().await.unwrap().status(), StatusCode::BAD_REQUEST);
    let (_, body) = error_of(
        server
            .call(
                Method::GET,
                &format!("/event/{tenant}/events/list?pageSize=0&pagingToken=x&startTimestamp=y"),
                &token,
            )
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(body.field_errors.len(), 3, "every bad parameter at once: {:?}", body.field_errors);
}

#[tokio::test]
async fn grants_tenancy_and_the_order_of_checks() {
    let server = TestServer::start().await;
    let (tenant, _) = server.tenant_with_token();
    let (_, other_token) = server.tenant_with_token();
    let event = Ulid::generate();
    let calls = [
        (format!("/event/{tenant}/events/list?pageSize=0"), vec!["events.read", "events.list"]),
        (format!("/event/{tenant}/events/{event}"), vec!["events.read"]),
        (format!("/event/{tenant}/events/request/{event}"), vec!["events.read"]),
    ];
    for (path, needs) in calls {
        for missing in &needs {
            // Even with a bad parameter: the permission is checked first.
            let grants: Vec<&str> = common::ALL_GRANTS.split(',').filter(|g| g != missing).collect();
            let token = server.token(tenant, &grants.join(","));
            let (status, body) = error_of(server.call(Method::GET, &path, &token).send().await.unwrap()).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path} without {missing}");
            assert!(body.message.contains(missing), "{}", body.message);
        }
        let (status, body) = error_of(server.call(Method::GET, &path, &other_token).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path} with another tenant's token");
        assert!(body.message.contains("no access to tenant"));
        let (status, _) = error_of(server.call(Method::GET, &path, "whk_nope").send().await.unwrap()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let malformed = path.replace(&tenant.to_string(), "not-a-uuid");
        let (status, body) = error_of(server.call(Method::GET, &malformed, &other_token).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "a malformed tenant before the tenant check");
        assert!(body.field_errors.contains_key("tenantLocator"));
    }
}

#[tokio::test]
async fn the_dev_intake_takes_a_request_and_a_user_and_names_bad_ones() {
    let server = dev_server().await;
    let tenant = common::tenant();
    let request: Locator = Ulid::generate().to_string().parse().unwrap();
    let event = server
        .raise_with(
            tenant,
            json!({"type": "a.b", "requestId": request, "userLocator": "3f2c8a4e-1b7d-4c1e-9a55-0c6f1e2d3b4a"}),
        )
        .await;
    assert_eq!(event.request_id, request);
    assert_eq!(event.user_locator.to_string(), "3f2c8a4e-1b7d-4c1e-9a55-0c6f1e2d3b4a");
    let alone = server.raise_with(tenant, json!({"type": "a.b"})).await;
    assert_ne!(alone.request_id, request, "without one, an event is its own request");
    assert!(alone.user_locator.is_nil());
    let bad = json!({"type": "a b", "requestId": "not-a-ulid", "userLocator": "nobody"});
    let response = server.intake(tenant).json(&bad).send().await.unwrap();
    let (status, body) = error_of(response).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body.field_errors.keys().collect::<Vec<_>>(), ["requestId", "type", "userLocator"]);
}

#[tokio::test]
async fn the_openapi_document_describes_the_events_api() {
    let server = TestServer::start().await;
    let document: serde_json::Value =
        server.client.get(format!("{}/openapi.json", server.base)).send().await.unwrap().json().await.unwrap();
    let statuses = |path: &str| {
        let responses = document["paths"][format!("/event/{{tenantLocator}}/events{path}")]["get"]["responses"]
            .as_object()
            .unwrap_or_else(|| panic!("GET {path} is documented"));
        responses.keys().map(String::as_str).collect::<Vec<_>>().join(" ")
    };
    assert_eq!(statuses("/list"), "200 400 401 403 429 500 503");
    assert_eq!(statuses("/{eventLocator}"), "200 400 401 403 404 429 500 503");
    assert_eq!(statuses("/request/{requestLocator}"), "200 400 401 403 429 500 503");
    let stream = &document["components"]["schemas"]["EventStreamResponse"]["properties"];
    assert!(stream["pagingToken"].is_object() && stream["events"].is_object());
    let parameters = document["paths"]["/event/{tenantLocator}/events/list"]["get"]["parameters"].as_array().unwrap();
    let names: Vec<&str> = parameters.iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["tenantLocator", "startTimestamp", "endTimestamp", "type", "pageSize", "pagingToken"]);
}
