//! `serve --static-dir`: the built dashboard as a production static host serves it
//! (precompressed variants by `Accept-Encoding`, cache headers per kind of file, types,
//! security headers, deep links), over real HTTP.

mod common;

use common::{error_of, TestServer};
use reqwest::header::{HeaderMap, ACCEPT_ENCODING};
use reqwest::StatusCode;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const NO_CACHE: &str = "no-cache";
const INDEX: &str = "<!DOCTYPE html><title>app</title>";

/// A file of the temporary `dist/`: its name, type, caching, and the encodings written beside it.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    cache_control: &'static str,
    variants: &'static [&'static str],
}

/// One of each kind of file Trunk and `scripts/precompress.mjs` write.
const ASSETS: [Asset; 8] = [
    Asset { name: "index.html", content_type: "text/html", cache_control: NO_CACHE, variants: &[] },
    Asset { name: "config.json", content_type: "application/json", cache_control: NO_CACHE, variants: &[] },
    Asset {
        name: "boot-0123456789abcdef.js",
        content_type: "text/javascript",
        cache_control: IMMUTABLE,
        variants: &["br", "gzip"],
    },
    Asset {
        name: "app-0123456789abcdef_bg.wasm",
        content_type: "application/wasm",
        cache_control: IMMUTABLE,
        variants: &["br", "gzip"],
    },
    Asset {
        name: "app-0123456789abcdef-chunk_3.wasm",
        content_type: "application/wasm",
        cache_control: IMMUTABLE,
        variants: &["br", "gzip"],
    },
    Asset {
        name: "app-0123456789abcdef.js",
        content_type: "text/javascript",
        cache_control: IMMUTABLE,
        variants: &["br", "gzip"],
    },
    // Only a gzip copy: brotli asked for, the file itself is sent.
    Asset {
        name: "app-0123456789abcdef-split.js",
        content_type: "text/javascript",
        cache_control: IMMUTABLE,
        variants: &["gzip"],
    },
    // Trunk's hash has no leading zeros: 15 digits here.
    Asset { name: "main-0123456789abcde.css", content_type: "text/css", cache_control: IMMUTABLE, variants: &[] },
];

/// The bytes written for `name` in `encoding` (the server sends them as they are).
fn contents(name: &str, encoding: Option<&str>) -> Vec<u8> {
    match (name, encoding) {
        ("index.html", None) => INDEX.into(),
        (_, None) => format!("the bytes of {name}").into(),
        (_, Some(encoding)) => format!("the {encoding} bytes of {name}").into(),
    }
}

fn extension(encoding: &str) -> &'static str {
    match encoding {
        "br" => "br",
        "gzip" => "gz",
        other => panic!("no file extension for {other}"),
    }
}

async fn serving_a_dist() -> (TestServer, tempfile::TempDir) {
    let dist = tempfile::tempdir().unwrap();
    for asset in &ASSETS {
        std::fs::write(dist.path().join(asset.name), contents(asset.name, None)).unwrap();
        for encoding in asset.variants {
            let name = format!("{}.{}", asset.name, extension(encoding));
            std::fs::write(dist.path().join(name), contents(asset.name, Some(encoding))).unwrap();
        }
    }
    let options = webhooks_server::RouterOptions { static_dir: Some(dist.path().to_owned()), ..Default::default() };
    (TestServer::start_with(options).await, dist)
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).map(|value| value.to_str().unwrap())
}

/// The headers every static answer carries.
fn assert_static_headers(headers: &HeaderMap, cache_control: &str, what: &str) {
    assert_eq!(header(headers, "cache-control"), Some(cache_control), "{what}");
    assert_eq!(header(headers, "vary"), Some("accept-encoding"), "{what}");
    assert_eq!(header(headers, "x-content-type-options"), Some("nosniff"), "{what}");
    assert_eq!(header(headers, "content-security-policy"), Some("frame-ancestors 'none'"), "{what}");
}

#[tokio::test]
async fn each_kind_of_file_gets_its_type_encoding_and_caching() {
    let (server, _dist) = serving_a_dist().await;
    // What the client accepts → the encodings it takes, best first.
    let accepts: [(Option<&str>, &[&str]); 5] = [
        (Some("br"), &["br"]),
        (Some("gzip"), &["gzip"]),
        (Some("gzip;q=1, br;q=0"), &["gzip"]),
        (Some("gzip, deflate, br"), &["br", "gzip"]),
        (None, &[]),
    ];
    for asset in &ASSETS {
        for (accept, taken) in accepts {
            let what = format!("{} with Accept-Encoding {accept:?}", asset.name);
            let mut request = server.client.get(format!("{}/{}", server.base, asset.name));
            if let Some(accept) = accept {
                request = request.header(ACCEPT_ENCODING, accept);
            }
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), StatusCode::OK, "{what}");
            let headers = response.headers().clone();
            let expected = taken.iter().copied().find(|encoding| asset.variants.contains(encoding));
            assert_eq!(header(&headers, "content-encoding"), expected, "{what}");
            assert_eq!(header(&headers, "content-type"), Some(asset.content_type), "{what}");
            assert_static_headers(&headers, asset.cache_control, &what);
            assert_eq!(response.bytes().await.unwrap(), contents(asset.name, expected), "{what}");
        }
    }
}

#[tokio::test]
async fn deep_links_are_the_app_and_never_cached_for_long() {
    let (server, _dist) = serving_a_dist().await;
    for deep_link in [
        "/",
        "/connect",
        "/tenants/0f8e2d6c-5b1a-4c3e-9d7f-1a2b3c4d5e6f/webhooks",
        "/tenants/0f8e2d6c-5b1a-4c3e-9d7f-1a2b3c4d5e6f/webhooks/01JD8Z6Q4V3N5K7M9P1R2S3T4V/edit?tab=json",
        "/tenants/x/webhooks/",
        "/event-types",
    ] {
        let response = server.client.get(format!("{}{deep_link}", server.base)).header(ACCEPT_ENCODING, "br").send();
        let response = response.await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{deep_link}");
        let headers = response.headers().clone();
        assert_eq!(header(&headers, "content-type"), Some("text/html"), "{deep_link}");
        assert_eq!(header(&headers, "content-encoding"), None, "{deep_link}");
        assert_static_headers(&headers, NO_CACHE, deep_link);
        assert_eq!(response.text().await.unwrap(), INDEX, "{deep_link}");
    }
}

#[tokio::test]
async fn a_missing_file_is_a_404_not_the_app() {
    let (server, _dist) = serving_a_dist().await;
    // An old chunk after a redeploy, a hashed name never built, a file browsers ask for.
    for missing in ["/app-fedcba9876543210-chunk_3.wasm", "/app-0123456789abcdef-chunk_9.wasm", "/favicon.ico"] {
        let response = server.client.get(format!("{}{missing}", server.base)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{missing}");
        assert_static_headers(response.headers(), NO_CACHE, missing);
        assert!(!response.text().await.unwrap().contains("<title>"), "{missing} is not index.html");
    }
}

#[tokio::test]
async fn api_paths_stay_the_apis() {
    let (server, _dist) = serving_a_dist().await;
    let get = |path: &str| server.client.get(format!("{}{path}", server.base)).send();
    for unknown in ["/event", "/event/unknown", "/event/nothing/here.json"] {
        let (status, body) = error_of(get(unknown).await.unwrap()).await;
        assert_eq!((status, body.http_status), (StatusCode::NOT_FOUND, 404), "{unknown}");
    }
    assert_eq!(get("/healthz").await.unwrap().text().await.unwrap(), "ok");
    let document: serde_json::Value = get("/openapi.json").await.unwrap().json().await.unwrap();
    assert!(document["paths"].is_object());
}
