//! The built dashboard (`--static-dir`, Trunk's `dist/`), served as a production static
//! host would serve it.
//!
//! - Which paths are files: a path whose last segment has a dot (`/main-….css`,
//!   `/config.json`) names a file, answered with that file or a 404, so that a chunk
//!   missing after a redeploy fails as such instead of coming back as HTML. Any other
//!   path (`/`, `/connect`, `/tenants/…/webhooks/…`) is a page of the app: `index.html`,
//!   200. Paths under `/event/` stay the API's, so an unknown one is its JSON 404.
//! - Encoding: the build writes `NAME.br` and `NAME.gz` beside each asset
//!   (`scripts/precompress.mjs`); tower-http's `ServeDir` picks one by `Accept-Encoding`
//!   (brotli, then gzip, then the file itself; `q=0` refuses one) and sets
//!   `Content-Encoding`; every answer says `Vary: Accept-Encoding`.
//! - Caching: a file name with Trunk's content hash ([`is_hashed`]) never changes, so it
//!   is cached for a year, `immutable`; everything else (`index.html`, `config.json`,
//!   any failure) is `no-cache`: kept, but checked again before each use.
//! - `Content-Type` from the extension (`application/wasm`, so that browsers compile the
//!   wasm while it downloads; `text/javascript`), `X-Content-Type-Options: nosniff`, and
//!   `Content-Security-Policy: frame-ancestors 'none'` (a `<meta>` policy cannot forbid
//!   framing) on every answer.

use std::path::Path;
use std::time::Duration;

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower::ServiceExt;
use tower_http::services::ServeDir;

use super::AppState;

const IMMUTABLE: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");
const NO_CACHE: HeaderValue = HeaderValue::from_static("no-cache");

/// Makes `router` answer the paths it does not route from the built dashboard in `dir`,
/// each within `timeout` (beyond: 408, as the API's).
pub(super) fn serve(router: Router<AppState>, dir: &Path, timeout: Duration) -> Router<AppState> {
    let files = ServeDir::new(dir).append_index_html_on_directories(false).precompressed_br().precompressed_gzip();
    router.fallback(move |request: Request| {
        let files = files.clone();
        async move {
            tokio::time::timeout(timeout, answer(files, request))
                .await
                .unwrap_or_else(|_| StatusCode::REQUEST_TIMEOUT.into_response())
        }
    })
}

async fn answer(files: ServeDir, mut request: Request) -> Response {
    let path = request.uri().path();
    if path == "/event" || path.starts_with("/event/") {
        return super::unknown_api_path().await.into_response();
    }
    let name = path.rsplit('/').next().unwrap_or_default();
    let names_a_file = name.contains('.');
    let hashed = is_hashed(name);
    if !names_a_file {
        *request.uri_mut() = Uri::from_static("/index.html");
    }
    let mut response = match files.oneshot(request).await {
        Ok(response) => response.into_response(),
        Err(never) => match never {},
    };
    if response.status() == StatusCode::NOT_FOUND {
        response = (StatusCode::NOT_FOUND, "No such file. If the dashboard was just updated, reload the page.\n")
            .into_response();
    }
    let unchanging = response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED;
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, if hashed && unchanging { IMMUTABLE } else { NO_CACHE });
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("frame-ancestors 'none'"));
    response
}

/// Whether a file name carries Trunk's content hash: `-`, then 8 to 16 lowercase hex
/// digits, then `.`, `-` or `_` (`main-6ce815db3cd66c38.css`, `…-e9f390b3d0fcad96_bg.wasm`,
/// `…-split.js` and `…-chunk_7.wasm` after the same hash). Trunk writes the hash as a
/// `u64` in hex without leading zeros: one build in 16 has 15 digits; under 8, one in 2^32.
fn is_hashed(name: &str) -> bool {
    name.match_indices('-').any(|(at, _)| {
        let rest = &name.as_bytes()[at + 1..];
        let digits = rest.iter().take_while(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')).count();
        (8..=16).contains(&digits) && matches!(rest.get(digits), Some(b'.' | b'-' | b'_'))
    })
}

#[cfg(test)]
mod tests {
    use super::is_hashed;

    #[test]
    fn trunk_hashed_names_are_recognised() {
        for name in [
            "main-6ce815db3cd66c38.css",
            "favicon-2cfd60fe324a35c0.svg",
            "webhooks-dashboard-e9f390b3d0fcad96.js",
            "webhooks-dashboard-e9f390b3d0fcad96_bg.wasm",
            "webhooks-dashboard-e9f390b3d0fcad96-split.js",
            "webhooks-dashboard-e9f390b3d0fcad96-chunk_10.wasm",
            "webhooks-dashboard-e9f390b3d0fcad96-webhook_form.wasm",
            "webhooks-dashboard-9f390b3d0fcad96_bg.wasm",
        ] {
            assert!(is_hashed(name), "{name}");
        }
    }

    #[test]
    fn other_names_are_not_hashed() {
        for name in [
            "index.html",
            "config.json",
            "boot.js",
            "favicon.ico",
            "",
            "webhooks-dashboard-e9f390b3d0fcad96",
            "main-6CE815DB3CD66C38.css",
            "main-6ce815d.css",
            "main-6ce815db3cd66c38a.css",
            "cafe-face.svg",
            "main-6ce815db3cd66c3x.css",
        ] {
            assert!(!is_hashed(name), "{name}");
        }
    }
}
