//! Every acknowledged write survives `kill -9`: the server runs as a process, is killed
//! right after its last 200, restarts on the same database, and still has everything.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use reqwest::{Client, Method, StatusCode};
use serde_json::json;
use webhooks_api::WebhookResponse;

const BINARY: &str = env!("CARGO_BIN_EXE_webhooks-server");

/// Issues a token with the server's command line; returns the secret (its last line).
fn issue_token(database: &Path, tenant: &str, grants: &str) -> String {
    let output = Command::new(BINARY)
        .args(["token", "issue", "--database"])
        .arg(database)
        .args(["--tenant", tenant, "--grant", grants])
        .output()
        .unwrap();
    assert!(output.status.success());
    String::from_utf8(output.stdout).unwrap().lines().last().unwrap().to_owned()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Starts `webhooks-server serve` (its log to `stderr`) and waits until it answers.
async fn start(database: &Path, port: u16, stderr: Stdio) -> Child {
    let mut child = Command::new(BINARY)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--database"])
        .arg(database)
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .unwrap();
    for _ in 0..200 {
        if reqwest::get(format!("http://127.0.0.1:{port}/healthz")).await.is_ok_and(|r| r.status().is_success()) {
            return child;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    panic!("the server did not start");
}

#[tokio::test]
async fn acknowledged_writes_survive_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("durable.sqlite3");
    let tenant = uuid::Uuid::new_v4().to_string();
    let token = issue_token(&database, &tenant, "webhooks.read,webhooks.list,webhooks.write");

    let port = free_port();
    let mut server = start(&database, port, Stdio::null()).await;
    let client = Client::new();
    let base = format!("http://127.0.0.1:{port}/event/{tenant}/webhooks");
    let mut acknowledged = Vec::new();
    for n in 0..40 {
        let response = client
            .post(&base)
            .bearer_auth(&token)
            .json(&json!({"name": format!("durable {n}"), "endpoint": {"url": "https://e.com"}, "eventTypes": ["a.b"]}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        acknowledged.push(response.json::<WebhookResponse>().await.unwrap());
    }
    let renamed: WebhookResponse = client
        .request(Method::PATCH, format!("{base}/{}", acknowledged[0].locator))
        .bearer_auth(&token)
        .json(&json!({"name": "renamed before the crash"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    acknowledged[0] = renamed;
    let deleted = acknowledged.pop().unwrap();
    let response = client.delete(format!("{base}/{}", deleted.locator)).bearer_auth(&token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    server.kill().unwrap(); // SIGKILL: no shutdown, no checkpoint
    server.wait().unwrap();

    let port = free_port();
    let mut server = start(&database, port, Stdio::null()).await;
    let listed: Vec<WebhookResponse> = client
        .get(format!("http://127.0.0.1:{port}/event/{tenant}/webhooks/list?count=1000"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    server.kill().unwrap();
    server.wait().unwrap();
    assert_eq!(listed, acknowledged);
}

#[tokio::test]
async fn sigterm_shuts_down_cleanly_and_logs_never_hold_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("logs.sqlite3");
    let tenant = uuid::Uuid::new_v4().to_string();
    let token = issue_token(&database, &tenant, "webhooks.read,webhooks.list");
    let port = free_port();
    let server = start(&database, port, Stdio::piped()).await;
    let client = Client::new();
    let list = format!("http://127.0.0.1:{port}/event/{tenant}/webhooks/list");
    let response = client.get(&list).bearer_auth(&token).header("x-request-id", "test-req-1").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["x-request-id"], "test-req-1");
    let generated = client.get(&list).bearer_auth(&token).send().await.unwrap();
    assert_eq!(generated.headers()["x-request-id"].len(), 26, "a ULID when the caller gives none");

    let status = Command::new("kill").args(["-TERM", &server.id().to_string()]).status().unwrap();
    assert!(status.success());
    let output = server.wait_with_output().unwrap();
    assert!(output.status.success(), "SIGTERM ends the server with status 0");
    let log = String::from_utf8(output.stderr).unwrap();
    assert!(log.contains("test-req-1"), "one line per request, with its id: {log}");
    assert!(log.contains("status=200"), "{log}");
    assert!(!log.contains(&token), "the token must never be logged");
    assert!(!log.contains(&token[..20]), "not even a prefix of it");
}
