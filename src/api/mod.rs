//! Every call to the Webhooks API, through one [`ApiClient`] kept in context. Each call
//! returns `Result<T, ApiError>`; `ApiError` says in words what happened and what to do.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use gloo_net::http::{Method, RequestBuilder};
use leptos::prelude::*;
use serde::de::DeserializeOwned;
use webhooks_api::{
    paths, CreateWebhookRequest, DivertedEventResponse, ErrorBody, EventResponse, EventStreamResponse, Locator,
    TenantLocator, UpdateWebhookRequest, WebhookList, WebhookResponse,
};

use crate::session::Connection;

/// The API's largest page (`count`) of a list: webhooks, diverted events.
pub const WHOLE_PAGE: usize = 1000;

/// The query of a list's page of [`WHOLE_PAGE`] items from `offset`.
pub fn whole_page_query(offset: usize) -> Vec<(&'static str, String)> {
    vec![("offset", offset.to_string()), ("count", WHOLE_PAGE.to_string())]
}

/// How long a call may take before it is abandoned.
pub const TIMEOUT: Duration = Duration::from_secs(15);
/// The longest `Retry-After` that a read waits out by itself before one retry.
const MAX_AUTOMATIC_RETRY_WAIT_SECONDS: u32 = 5;

/// The permission every write to a webhook needs.
pub const WEBHOOKS_WRITE: &str = "webhooks.write";
/// The permission to resend a diverted event.
pub const DIVERTED_RESEND: &str = "diverted-events.resend";
/// The permission to delete a diverted event.
pub const DIVERTED_DELETE: &str = "diverted-events.delete";
/// The permission to read events (one, or a request's).
pub const EVENTS_READ: &str = "events.read";

/// What went wrong with a call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// No token yet.
    #[error("You are not signed in. Open the connection page and enter a token.")]
    NotSignedIn,
    /// The request never got an answer.
    #[error("The API could not be reached ({0}). Check your network and that the API's address on the connection page is right, then try again.")]
    Network(String),
    /// No answer from an API on another origin than the dashboard's: the network, or (most
    /// often) its CORS settings, which the page cannot tell apart.
    #[error("The API at {origin} could not be reached ({detail}). It is on another origin than this dashboard, so if your network is fine its CORS settings probably do not allow this dashboard's origin: ask its operator to allow it, or serve the dashboard and the API from one origin (README: “Hosting dist/”, one origin that proxies /event/ to EC).")]
    CrossOrigin {
        /// The API's origin.
        origin: String,
        /// What the browser said.
        detail: String,
    },
    /// No answer within [`TIMEOUT`].
    #[error("The API did not answer within 15 seconds. It may be overloaded or unreachable; try again in a moment.")]
    Timeout,
    /// 400: the request was refused, with per-field reasons when the API gave them.
    #[error("The API refused the request: {message}. Correct what is marked and try again.")]
    BadRequest {
        /// The server's message.
        message: String,
        /// Field path → reason.
        field_errors: Vec<(String, String)>,
    },
    /// 401: the token is missing, wrong, expired or revoked.
    #[error(
        "The API did not accept your token (401): it is wrong, expired or revoked. Sign in again with a valid token."
    )]
    Unauthorized,
    /// 403: a missing permission, or no access to the tenant.
    #[error("{}", forbidden_message(.permission, .message))]
    Forbidden {
        /// The missing permission, when the API named one (`webhooks.write`).
        permission: Option<String>,
        /// The server's message.
        message: String,
    },
    /// 404: no such tenant resource.
    #[error("Not found (404): {0}. It may have been deleted; go back to the list.")]
    NotFound(String),
    /// 409: changed by someone else.
    #[error("Someone else changed this at the same time (409): {0}. Reload it and make your change again.")]
    Conflict(String),
    /// 413: the body is too large.
    #[error("The request is too large for the API (413). Remove some headers or event types and try again.")]
    PayloadTooLarge,
    /// 429: too many requests.
    #[error("{}", rate_limited_message(.retry_after_seconds))]
    RateLimited {
        /// What `Retry-After` asked for, in seconds.
        retry_after_seconds: Option<u32>,
    },
    /// 5xx: the API failed.
    #[error("The API failed ({status}): {message}. This is not caused by what you did; try again in a moment, and tell the API's operator if it keeps happening.")]
    Server {
        /// The HTTP status.
        status: u16,
        /// The server's message, or the status.
        message: String,
    },
    /// Any other unexpected status.
    #[error("The API answered {status}: {message}.")]
    Unexpected {
        /// The HTTP status.
        status: u16,
        /// The server's message, or the status.
        message: String,
    },
    /// A 2xx answer that is not the JSON the contract describes.
    #[error("The API's answer could not be read ({0}). Check that the address on the connection page is an EC API.")]
    UnreadableBody(String),
}

fn forbidden_message(permission: &Option<String>, message: &str) -> String {
    match permission {
        Some(permission) => {
            format!("Your token lacks the permission {permission} (403). Ask an administrator for a token that has it.")
        }
        None => format!(
            "Your token is not allowed to do this (403): {message}. Check the tenant, or ask for a token with access."
        ),
    }
}

fn rate_limited_message(retry_after_seconds: &Option<u32>) -> String {
    match retry_after_seconds {
        Some(seconds) => format!("The API is receiving too many requests (429). Try again in {seconds} s."),
        None => "The API is receiving too many requests (429). Wait a moment and try again.".to_owned(),
    }
}

/// The first `group.permission` word in a message, e.g. `webhooks.write`.
fn permission_in(message: &str) -> Option<String> {
    message
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '"' | '\'' | '(' | ')'))
        .map(|word| word.trim_end_matches('.'))
        .find(|word| {
            word.split_once('.').is_some_and(|(group, permission)| {
                let part = |p: &str| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c == '-');
                part(group) && part(permission)
            })
        })
        .map(str::to_owned)
}

/// `Retry-After` in seconds (the HTTP-date form is not used by EC and reads as none).
pub fn parse_retry_after(value: Option<&str>) -> Option<u32> {
    value?.trim().parse().ok()
}

impl ApiError {
    /// Maps a non-2xx answer (status, `Retry-After`, body: JSON error body, bare text or empty).
    pub fn from_status(status: u16, retry_after_seconds: Option<u32>, body: &str) -> Self {
        let parsed: Option<ErrorBody> = serde_json::from_str(body).ok();
        let message = match &parsed {
            Some(error) if !error.message.is_empty() => error.message.clone(),
            _ if body.trim().is_empty() || body.trim_start().starts_with('<') => format!("HTTP {status}"),
            _ => body.trim().chars().take(200).collect(),
        };
        match status {
            400 | 422 => Self::BadRequest {
                message,
                field_errors: parsed.map(|e| e.field_errors.into_iter().collect()).unwrap_or_default(),
            },
            401 => Self::Unauthorized,
            403 => Self::Forbidden { permission: permission_in(&message), message },
            404 => Self::NotFound(message),
            409 => Self::Conflict(message),
            413 => Self::PayloadTooLarge,
            429 => Self::RateLimited { retry_after_seconds },
            500..=599 => Self::Server { status, message },
            _ => Self::Unexpected { status, message },
        }
    }

    /// The permission a 403 named, if any.
    pub fn missing_permission(&self) -> Option<&str> {
        match self {
            Self::Forbidden { permission, .. } => permission.as_deref(),
            _ => None,
        }
    }
}

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

/// One request: method, path under the base URL, query, JSON body.
struct Call<'a> {
    method: Method,
    path: String,
    query: &'a [(&'a str, String)],
    body: Option<String>,
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

    async fn send_once(&self, call: &Call<'_>) -> Result<String, ApiError> {
        let Some(connection) = self.connection.get_untracked().filter(|c| !c.token.is_empty()) else {
            self.sign_in_needed.set(true);
            return Err(ApiError::NotSignedIn);
        };
        let _in_flight = InFlight::start(self.in_flight);
        let first_call = (call.method == Method::GET && connection.base_url.is_empty())
            .then(|| take_first_call(&call.path, call.query, &connection.token))
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
    async fn send(&self, call: Call<'_>) -> Result<String, ApiError> {
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

    async fn get<T: DeserializeOwned>(&self, path: String, query: &[(&str, String)]) -> Result<T, ApiError> {
        decode(&self.get_text(path, query).await?)
    }

    async fn send_json<T: DeserializeOwned>(
        &self,
        method: Method,
        path: String,
        body: &impl serde::Serialize,
    ) -> Result<T, ApiError> {
        let body = serde_json::to_string(body).map_err(|error| ApiError::UnreadableBody(error.to_string()))?;
        decode(&self.send(Call { method, path, query: &[], body: Some(body) }).await?)
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

    /// `GET /event/{tenant}/webhooks/list`: one page of the tenant's webhooks.
    pub async fn list_webhooks(
        &self,
        tenant: TenantLocator,
        query: &[(&str, String)],
    ) -> Result<Vec<WebhookResponse>, ApiError> {
        self.get::<WebhookList>(paths::list_webhooks(&tenant), query).await.map(|list| list.0)
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
            let page = self.list_webhooks(tenant, &whole_page_query(all.len())).await?;
            full = page.len() == WHOLE_PAGE;
            all.extend(page);
        }
        Ok((all, full))
    }

    /// `GET /event/{tenant}/webhooks/{locator}`: one webhook.
    pub async fn fetch_webhook(&self, tenant: TenantLocator, locator: Locator) -> Result<WebhookResponse, ApiError> {
        self.get(paths::webhook(&tenant, &locator), &[]).await
    }

    /// `POST /event/{tenant}/webhooks`: creates a webhook.
    pub async fn create_webhook(
        &self,
        tenant: TenantLocator,
        request: &CreateWebhookRequest,
    ) -> Result<WebhookResponse, ApiError> {
        self.send_json(Method::POST, paths::create_webhook(&tenant), request).await
    }

    /// `PATCH /event/{tenant}/webhooks/{locator}`: an add/remove update; the webhook after it.
    pub async fn update_webhook(
        &self,
        tenant: TenantLocator,
        locator: Locator,
        update: &UpdateWebhookRequest,
    ) -> Result<WebhookResponse, ApiError> {
        self.send_json(Method::PATCH, paths::webhook(&tenant, &locator), update).await
    }

    /// `PATCH …/{locator}/unsuspend`: clears a suspension.
    pub async fn unsuspend_webhook(&self, tenant: TenantLocator, locator: Locator) -> Result<(), ApiError> {
        self.send_empty(Method::PATCH, format!("{}/unsuspend", paths::webhook(&tenant, &locator))).await
    }

    /// `DELETE /event/{tenant}/webhooks/{locator}`.
    pub async fn delete_webhook(&self, tenant: TenantLocator, locator: Locator) -> Result<(), ApiError> {
        self.send_empty(Method::DELETE, paths::webhook(&tenant, &locator)).await
    }

    /// `GET …/{locator}/diverted`: one page of a webhook's diverted events.
    pub async fn list_diverted(
        &self,
        tenant: TenantLocator,
        webhook: Locator,
        offset: usize,
        count: usize,
    ) -> Result<Vec<DivertedEventResponse>, ApiError> {
        let query = [("offset", offset.to_string()), ("count", count.to_string())];
        self.get(paths::diverted_events(&tenant, &webhook), &query).await
    }

    /// `GET …/diverted/{event}`: one diverted event.
    pub async fn fetch_diverted(
        &self,
        tenant: TenantLocator,
        webhook: Locator,
        event: Locator,
    ) -> Result<DivertedEventResponse, ApiError> {
        self.get(paths::diverted_event(&tenant, &webhook, &event), &[]).await
    }

    /// `POST …/diverted/{event}/resend`: queues the event for delivery again.
    pub async fn resend_diverted(
        &self,
        tenant: TenantLocator,
        webhook: Locator,
        event: Locator,
    ) -> Result<(), ApiError> {
        let path = format!("{}/resend", paths::diverted_event(&tenant, &webhook, &event));
        self.send_empty(Method::POST, path).await
    }

    /// `DELETE …/diverted/{event}`: drops the event for good.
    pub async fn delete_diverted(
        &self,
        tenant: TenantLocator,
        webhook: Locator,
        event: Locator,
    ) -> Result<(), ApiError> {
        self.send_empty(Method::DELETE, paths::diverted_event(&tenant, &webhook, &event)).await
    }

    /// `GET /event/{tenant}/events/list`: a page of the event stream (`query`: the window,
    /// type, page size and paging token).
    pub async fn list_events(
        &self,
        tenant: TenantLocator,
        query: &[(&str, String)],
    ) -> Result<EventStreamResponse, ApiError> {
        self.get(paths::events_list(&tenant), query).await
    }

    /// `GET /event/{tenant}/events/{locator}`: one event.
    pub async fn fetch_event(&self, tenant: TenantLocator, event: Locator) -> Result<EventResponse, ApiError> {
        self.get(paths::event(&tenant, &event), &[]).await
    }

    /// `GET /event/{tenant}/events/request/{request}`: the events of one request, in order.
    pub async fn request_events(
        &self,
        tenant: TenantLocator,
        request: Locator,
    ) -> Result<Vec<EventResponse>, ApiError> {
        self.get(paths::request_events(&tenant, &request), &[]).await
    }

    /// Whether the API lacks the Events API (an older EC): its list answers 404.
    pub async fn lacks_events_api(&self, tenant: TenantLocator) -> bool {
        let probe = [("pageSize", "1".to_owned())];
        matches!(self.get_text(paths::events_list(&tenant), &probe).await, Err(ApiError::NotFound(_)))
    }

    /// `GET` `path` with `query`: the body as the API sent it, for [`decode`] to read where
    /// the code that uses it lives (a page's chunk), so that a page's data can be fetched
    /// before its code has arrived.
    pub async fn get_text(&self, path: String, query: &[(&str, String)]) -> Result<String, ApiError> {
        self.send(Call { method: Method::GET, path, query, body: None }).await
    }

    /// A call without a body whose answer's body does not matter.
    async fn send_empty(&self, method: Method, path: String) -> Result<(), ApiError> {
        self.send(Call { method, path, query: &[], body: None }).await.map(drop)
    }
}

/// A GET that a page needs, started as soon as its route is chosen (before the page's code
/// has arrived) and again when what it depends on (the route's parameters) changes. It
/// holds the body as the API sent it, for the page to read with [`decode`]: one type for
/// every page, so that starting it early adds little to the first load.
#[derive(Clone, Copy)]
pub struct Prefetch(LocalResource<Result<Option<Fetched>, ApiError>>);

/// A request to prefetch: its path and query (`None`: nothing to fetch).
pub type Request = Option<(String, Vec<(&'static str, String)>)>;

/// A prefetched answer, with the query that asked for it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fetched {
    /// The query as sent (a stream's later pages repeat it).
    pub query: Vec<(&'static str, String)>,
    /// The body as the API sent it.
    pub body: String,
}

impl Prefetch {
    /// Starts `request` (made from the route, reading its signals) and follows it.
    pub fn start(request: impl Fn() -> Result<Request, ApiError> + Send + Sync + 'static) -> Self {
        Self::start_boxed(Box::new(request))
    }

    // Not generic: one resource's code for every page in the first load (generic, it was
    // ~2 kB of wasm per page).
    fn start_boxed(request: Box<dyn Fn() -> Result<Request, ApiError> + Send + Sync>) -> Self {
        let client = use_api();
        Self(LocalResource::new(move || {
            let request = request();
            async move {
                match request? {
                    Some((path, query)) => Ok(Some(Fetched { body: client.get_text(path, &query).await?, query })),
                    None => Ok(None),
                }
            }
        }))
    }

    /// The answer, once it has come (`None` when there was nothing to fetch); tracked.
    pub async fn fetched(self) -> Result<Option<Fetched>, ApiError> {
        self.0.await
    }

    /// The body of a request that is always made, once it has come; tracked.
    pub async fn body(self) -> Result<String, ApiError> {
        Ok(self.0.await?.map(|fetched| fetched.body).unwrap_or_default())
    }

    /// Whether the answer has yet to come (tracked).
    pub fn loading(self) -> bool {
        self.0.with(Option::is_none)
    }

    /// Fetches again.
    pub fn refetch(self) {
        self.0.refetch();
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
    let origin = crate::config::origin_of(base_url);
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
    fn maps_json_error_bodies_with_field_errors() {
        let body =
            r#"{"httpStatus":400,"message":"invalid webhook","fieldErrors":{"endpoint.url":"must be absolute"}}"#;
        assert_eq!(
            ApiError::from_status(400, None, body),
            ApiError::BadRequest {
                message: "invalid webhook".into(),
                field_errors: vec![("endpoint.url".into(), "must be absolute".into())],
            }
        );
    }

    #[test]
    fn a_403_names_the_missing_permission() {
        let error = ApiError::from_status(
            403,
            None,
            r#"{"httpStatus":403,"message":"this token lacks the permission webhooks.write"}"#,
        );
        assert_eq!(error.missing_permission(), Some("webhooks.write"));
        assert_eq!(
            error.to_string(),
            "Your token lacks the permission webhooks.write (403). Ask an administrator for a token that has it."
        );
        let tenant = ApiError::from_status(
            403,
            None,
            r#"{"httpStatus":403,"message":"this token has no access to tenant 3f2c8a4e-1b7d-4c1e-9a55-0c6f1e2d3b4a"}"#,
        );
        assert_eq!(tenant.missing_permission(), None);
        assert!(tenant.to_string().contains("no access to tenant"));
        let dashed = ApiError::from_status(403, None, "missing diverted-events.resend.");
        assert_eq!(dashed.missing_permission(), Some("diverted-events.resend"));
    }

    #[test]
    fn copes_with_bare_text_html_and_empty_bodies() {
        assert_eq!(ApiError::from_status(401, None, ""), ApiError::Unauthorized);
        assert_eq!(
            ApiError::from_status(502, None, "Bad Gateway\n"),
            ApiError::Server { status: 502, message: "Bad Gateway".into() }
        );
        assert_eq!(
            ApiError::from_status(500, None, "<html><body>nginx</body></html>"),
            ApiError::Server { status: 500, message: "HTTP 500".into() }
        );
        assert_eq!(
            ApiError::from_status(418, None, ""),
            ApiError::Unexpected { status: 418, message: "HTTP 418".into() }
        );
    }

    #[test]
    fn every_status_the_contract_names_has_its_variant() {
        assert!(matches!(ApiError::from_status(404, None, ""), ApiError::NotFound(_)));
        assert!(matches!(ApiError::from_status(409, None, ""), ApiError::Conflict(_)));
        assert_eq!(ApiError::from_status(413, None, ""), ApiError::PayloadTooLarge);
        assert_eq!(ApiError::from_status(429, Some(7), ""), ApiError::RateLimited { retry_after_seconds: Some(7) });
        assert!(ApiError::from_status(429, Some(7), "").to_string().contains("Try again in 7 s"));
        assert!(ApiError::from_status(503, None, "").to_string().contains("try again in a moment"));
    }

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

    #[test]
    fn retry_after_in_seconds() {
        assert_eq!(parse_retry_after(Some("3")), Some(3));
        assert_eq!(parse_retry_after(Some(" 12 ")), Some(12));
        assert_eq!(parse_retry_after(Some("Wed, 21 Oct 2026 07:28:00 GMT")), None);
        assert_eq!(parse_retry_after(None), None);
    }

    #[test]
    fn every_message_says_what_to_do() {
        let errors = [
            ApiError::NotSignedIn,
            ApiError::Network("TypeError: Failed to fetch".into()),
            ApiError::Timeout,
            ApiError::Unauthorized,
            ApiError::PayloadTooLarge,
            ApiError::UnreadableBody("expected value".into()),
        ];
        for error in errors {
            let message = error.to_string();
            let advice = ["try again", "Try again", "Sign in", "Check", "Open the connection page", "Remove"];
            assert!(advice.iter().any(|a| message.contains(a)), "{message}");
        }
    }
}
