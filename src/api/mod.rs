//! The API client layer: every call to EC's APIs goes through one [`ApiClient`] kept in
//! context, each call defined once in [`calls`] and returning `Result<T, ApiError>`
//! ([`ApiError`] says in words what happened and what to do). A page's first call can
//! start before its code has arrived ([`Prefetch`]). Beside it: the session (where and as
//! whom to call) and `config.json`.

pub mod calls;
pub mod config;
mod error;
mod prefetch;
pub mod session;

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use gloo_net::http::{Method, RequestBuilder};
use leptos::prelude::*;
use serde::de::DeserializeOwned;
use webhooks_api::{TenantLocator, WebhookResponse};

use calls::Request;
pub use calls::{whole_page_query, Call, WHOLE_PAGE};
pub use error::{parse_retry_after, ApiError};
pub use prefetch::Prefetch;
use session::Connection;

/// How long a call may take before it is abandoned.
pub const TIMEOUT: Duration = Duration::from_secs(15);
/// The longest `Retry-After` that a read waits out by itself before one retry.
const MAX_AUTOMATIC_RETRY_WAIT_SECONDS: u32 = 5;

/// The API client: the connection, and what the shell shows about calls in flight.
#[derive(Clone, Copy)]
pub struct ApiClient {
    /// Where and as whom to call; `None` before sign-in.
    pub connection: RwSignal<Option<Connection>>,
    /// Calls under way (the shell's progress bar).
    pub in_flight: RwSignal<u32>,
    /// Set by a 401, or by a call before sign-in: the shell takes the user to the
    /// connection page, and back here once connected.
    pub sign_in_needed: RwSignal<bool>,
    /// Permissions a 403 said this token lacks (write actions are then disabled).
    pub denied: RwSignal<Vec<String>>,
}

/// Counts a call as in flight for as long as it lives.
struct InFlight(RwSignal<u32>);

impl InFlight {
    fn start(counter: RwSignal<u32>) -> Self {
        counter.update(|n| *n += 1);
        Self(counter)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.try_update(|n| *n = n.saturating_sub(1));
    }
}

impl ApiClient {
    /// A client with the saved connection, if any.
    pub fn new(connection: Option<Connection>) -> Self {
        Self {
            connection: RwSignal::new(connection),
            in_flight: RwSignal::new(0),
            sign_in_needed: RwSignal::new(false),
            denied: RwSignal::new(Vec::new()),
        }
    }

    async fn send_once(&self, call: &Request) -> Result<String, ApiError> {
        let Some(connection) = self.connection.get_untracked().filter(|c| !c.token.is_empty()) else {
            self.sign_in_needed.set(true);
            return Err(ApiError::NotSignedIn);
        };
        let _in_flight = InFlight::start(self.in_flight);
        let first_call = (call.method == Method::GET && connection.base_url.is_empty())
            .then(|| take_first_call(&call.path, &call.query, &connection.token))
            .flatten();
        // The first call's own controller, or this call's: the timeout aborts it.
        let controller = match &first_call {
            Some((_, started)) => started.clone(),
            None => web_sys::AbortController::new().map_err(|_| ApiError::Network("no AbortController".into()))?,
        };
        let timed_out = Rc::new(Cell::new(false));
        let timer = {
            let (controller, timed_out) = (controller.clone(), Rc::clone(&timed_out));
            set_timeout_with_handle(
                move || {
                    timed_out.set(true);
                    controller.abort();
                },
                TIMEOUT,
            )
            .ok()
        };
        let builder = RequestBuilder::new(&format!("{}{}", connection.base_url, call.path))
            .method(call.method.clone())
            .query(call.query.iter().map(|(key, value)| (*key, value.as_str())))
            .header("Authorization", &format!("Bearer {}", connection.token))
            .abort_signal(Some(&controller.signal()));
        let request = match &call.body {
            Some(body) => builder.header("Content-Type", "application/json").body(body.clone()),
            None => builder.build(),
        }
        .map_err(|error| ApiError::Network(error.to_string()))?;
        let outcome = async {
            let answer = match first_call {
                Some((started, _)) => started.await,
                None => match request.send().await {
                    Ok(response) => Answer::read(response).await,
                    Err(error) => Err(error.to_string()),
                },
            }
            .map_err(|error| unreachable(&connection.base_url, error))?;
            if (200..300).contains(&answer.status) {
                Ok(answer.body)
            } else {
                Err(ApiError::from_status(
                    answer.status,
                    parse_retry_after(answer.retry_after.as_deref()),
                    &answer.body,
                ))
            }
        }
        .await;
        if let Some(timer) = timer {
            timer.clear();
        }
        match outcome {
            Err(ApiError::Network(_) | ApiError::CrossOrigin { .. }) if timed_out.get() => Err(ApiError::Timeout),
            Err(ApiError::Unauthorized) => {
                self.sign_in_needed.set(true);
                Err(ApiError::Unauthorized)
            }
            Err(error @ ApiError::Forbidden { permission: Some(_), .. }) => {
                let permission = error.missing_permission().unwrap_or_default().to_owned();
                self.denied.update(|denied| {
                    if !denied.contains(&permission) {
                        denied.push(permission);
                    }
                });
                Err(error)
            }
            other => other,
        }
    }

    /// Sends a call; a read that meets a short `Retry-After` waits it out and tries once more.
    async fn send(&self, call: Request) -> Result<String, ApiError> {
        match self.send_once(&call).await {
            Err(ApiError::RateLimited { retry_after_seconds: Some(seconds) })
                if call.method == Method::GET && seconds <= MAX_AUTOMATIC_RETRY_WAIT_SECONDS =>
            {
                gloo_timers::future::sleep(Duration::from_secs(seconds.into())).await;
                self.send_once(&call).await
            }
            other => other,
        }
    }

    /// Sends `call`; its answer read as `T`.
    pub async fn run<T: DeserializeOwned>(&self, call: Call<T>) -> Result<T, ApiError> {
        decode(&self.send(call.request).await?)
    }

    /// Sends `call`, whose answer's body does not matter.
    pub async fn run_empty(&self, call: Call<()>) -> Result<(), ApiError> {
        self.send(call.request).await.map(drop)
    }

    /// Why actions that need `permission` are unavailable (if this token lacks it), as one
    /// memo for a whole table or page. Buttons read the memo, never `denied` itself: an
    /// effect that read the app-long `denied` would stay among its subscribers after its
    /// button is gone (until the next 403), a leak per button and page (measured: +55
    /// subscribers and about 4.5 kB of wasm memory per list ⇄ detail navigation).
    pub fn denial(&self, permission: &'static str) -> Memo<Option<String>> {
        let denied = self.denied;
        Memo::new(move |_| {
            denied
                .with(|denied| denied.iter().any(|p| p == permission))
                .then(|| format!("Your token lacks the permission {permission}"))
        })
    }

    /// Every webhook of the tenant, a page of [`WHOLE_PAGE`] at a time, after `first` (its
    /// first page), up to `most`; and whether there may be more than that.
    pub async fn all_webhooks(
        &self,
        tenant: TenantLocator,
        first: Vec<WebhookResponse>,
        most: usize,
    ) -> Result<(Vec<WebhookResponse>, bool), ApiError> {
        let mut full = first.len() == WHOLE_PAGE;
        let mut all = first;
        while full && all.len() < most {
            let page = self.run(calls::list_webhooks(tenant, whole_page_query(all.len()))).await?.0;
            full = page.len() == WHOLE_PAGE;
            all.extend(page);
        }
        Ok((all, full))
    }

    /// Whether the API lacks the Events API (an older EC): its list answers 404.
    pub async fn lacks_events_api(&self, tenant: TenantLocator) -> bool {
        let probe = calls::list_events(tenant, vec![("pageSize", "1".to_owned())]);
        matches!(self.send(probe.request).await, Err(ApiError::NotFound(_)))
    }
}

/// What an answer carries for the client: its status, `Retry-After` and body, read whole.
struct Answer {
    status: u16,
    retry_after: Option<String>,
    body: String,
}

impl Answer {
    /// Reads `response` whole; a failure while reading is a failure to reach the API.
    async fn read(response: gloo_net::http::Response) -> Result<Self, String> {
        let status = response.status();
        let retry_after = response.headers().get("retry-after");
        let body = response.text().await.map_err(|error| error.to_string())?;
        Ok(Self { status, retry_after, body })
    }
}

/// The call `public/boot.js` started while the wasm was still downloading (the list's
/// first page, on the same origin), when it is `path` + `query` with `token`: its answer
/// (read whole there) and its abort controller, taken once. Anything else (another page,
/// a query, another token) is asked anew.
fn take_first_call(
    path: &str,
    query: &[(&str, String)],
    token: &str,
) -> Option<(impl std::future::Future<Output = Result<Answer, String>>, web_sys::AbortController)> {
    use wasm_bindgen::JsCast;
    let window = web_sys::window()?;
    let key = wasm_bindgen::JsValue::from_str("__webhooksFirstCall");
    let started = js_sys::Reflect::get(&window, &key).ok().filter(|v| v.is_object())?;
    let field = |name: &str| js_sys::Reflect::get(&started, &name.into()).ok().and_then(|v| v.as_string());
    let pairs: Vec<String> = query.iter().map(|(key, value)| format!("{key}={value}")).collect();
    if field("url")? != format!("{path}?{}", pairs.join("&")) || field("token")? != token {
        return None;
    }
    let _ = js_sys::Reflect::delete_property(window.unchecked_ref::<js_sys::Object>(), &key);
    let promise: js_sys::Promise = js_sys::Reflect::get(&started, &"answer".into()).ok()?.dyn_into().ok()?;
    let controller: web_sys::AbortController =
        js_sys::Reflect::get(&started, &"controller".into()).ok()?.dyn_into().ok()?;
    let answer = async move {
        let answer = wasm_bindgen_futures::JsFuture::from(promise).await.map_err(|error| {
            error.dyn_into::<js_sys::Error>().map_or_else(|_| "Failed to fetch".to_owned(), |e| e.message().into())
        })?;
        let field = |name: &str| js_sys::Reflect::get(&answer, &name.into()).unwrap_or_default();
        Ok(Answer {
            status: field("status").as_f64().map_or(0, |status| status as u16),
            retry_after: field("retryAfter").as_string(),
            body: field("body").as_string().unwrap_or_default(),
        })
    };
    Some((answer, controller))
}

/// A call that got no answer: [`ApiError::CrossOrigin`] when the API is on another origin
/// than the page (where a CORS refusal looks exactly like this), else a network error.
fn unreachable(base_url: &str, detail: String) -> ApiError {
    let page = web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default();
    match cross_origin(base_url, &page) {
        Some(origin) => ApiError::CrossOrigin { origin, detail },
        None => ApiError::Network(detail),
    }
}

/// The API's origin when `base_url` is on another origin than `page_origin`.
pub fn cross_origin(base_url: &str, page_origin: &str) -> Option<String> {
    let origin = config::origin_of(base_url);
    (!origin.is_empty() && !origin.eq_ignore_ascii_case(page_origin)).then_some(origin)
}

/// Reads an answer's body as `T`.
pub fn decode<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    serde_json::from_str(text).map_err(|error| ApiError::UnreadableBody(error.to_string()))
}

/// The client provided by the app.
pub fn use_api() -> ApiClient {
    expect_context::<ApiClient>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreachable_api_on_another_origin_points_to_cors() {
        assert_eq!(cross_origin("", "https://console.example.com"), None, "same origin");
        assert_eq!(cross_origin("https://console.example.com/api", "https://console.example.com"), None);
        assert_eq!(
            cross_origin("https://API.sandbox.socotra.com", "https://console.example.com"),
            Some("https://api.sandbox.socotra.com".to_owned())
        );
        let error = ApiError::CrossOrigin {
            origin: "https://api.example.com".into(),
            detail: "TypeError: Failed to fetch".into(),
        };
        let message = error.to_string();
        assert!(message.contains("CORS settings") && message.contains("Hosting dist/"), "{message}");
    }
}
