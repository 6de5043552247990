//! Every call of the API, defined once: its method, path, query and body, and (as `T`)
//! what its answer reads as. [`ApiClient::run`](super::ApiClient::run) sends one; a lazy
//! page's [`Prefetch`](super::Prefetch) starts the same definition while the page's code
//! is still arriving. Paths come from the contract (`webhooks_api::paths`).

use std::marker::PhantomData;

use gloo_net::http::Method;
use webhooks_api::{
    paths, CreateWebhookRequest, DivertedEventResponse, EventResponse, EventStreamResponse, Locator, TenantLocator,
    UpdateWebhookRequest, WebhookList, WebhookResponse,
};

/// The API's largest page (`count`) of a list: webhooks, diverted events.
pub const WHOLE_PAGE: usize = 1000;

/// A URL query: names and values, in order.
pub type Query = Vec<(&'static str, String)>;

/// One request: method, path under the base URL, query, JSON body. Not generic, so that
/// the client's code for sending exists once in the wasm.
pub(super) struct Request {
    pub(super) method: Method,
    pub(super) path: String,
    pub(super) query: Query,
    pub(super) body: Option<String>,
}

/// One call: its [`Request`]; its answer reads as `T` (`()`: an answer whose body does not
/// matter).
pub struct Call<T> {
    pub(super) request: Request,
    answer: PhantomData<fn() -> T>,
}

impl<T> Call<T> {
    fn new(method: Method, path: String) -> Self {
        Self { request: Request { method, path, query: Query::new(), body: None }, answer: PhantomData }
    }

    fn get(path: String, query: Query) -> Self {
        let mut call = Self::new(Method::GET, path);
        call.request.query = query;
        call
    }

    fn with_json(method: Method, path: String, body: &impl serde::Serialize) -> Self {
        let mut call = Self::new(method, path);
        // The contract's request types have string keys only, so they always serialize.
        call.request.body = serde_json::to_string(body).ok();
        call
    }
}

/// The query of a list's page of [`WHOLE_PAGE`] items from `offset`.
pub fn whole_page_query(offset: usize) -> Query {
    vec![("offset", offset.to_string()), ("count", WHOLE_PAGE.to_string())]
}

/// `GET /event/{tenant}/webhooks/list`: one page of the tenant's webhooks (`query`: the
/// filters, `offset` and `count`).
pub fn list_webhooks(tenant: TenantLocator, query: Query) -> Call<WebhookList> {
    Call::get(paths::list_webhooks(&tenant), query)
}

/// `GET /event/{tenant}/webhooks/{locator}`: one webhook.
pub fn fetch_webhook(tenant: TenantLocator, locator: Locator) -> Call<WebhookResponse> {
    Call::get(paths::webhook(&tenant, &locator), Query::new())
}

/// `POST /event/{tenant}/webhooks`: creates a webhook.
pub fn create_webhook(tenant: TenantLocator, request: &CreateWebhookRequest) -> Call<WebhookResponse> {
    Call::with_json(Method::POST, paths::create_webhook(&tenant), request)
}

/// `PATCH /event/{tenant}/webhooks/{locator}`: an add/remove update; the webhook after it.
pub fn update_webhook(tenant: TenantLocator, locator: Locator, update: &UpdateWebhookRequest) -> Call<WebhookResponse> {
    Call::with_json(Method::PATCH, paths::webhook(&tenant, &locator), update)
}

/// `PATCH …/{locator}/unsuspend`: clears a suspension.
pub fn unsuspend_webhook(tenant: TenantLocator, locator: Locator) -> Call<()> {
    Call::new(Method::PATCH, paths::unsuspend_webhook(&tenant, &locator))
}

/// `DELETE /event/{tenant}/webhooks/{locator}`.
pub fn delete_webhook(tenant: TenantLocator, locator: Locator) -> Call<()> {
    Call::new(Method::DELETE, paths::webhook(&tenant, &locator))
}

/// `GET …/{locator}/diverted`: one page of a webhook's diverted events.
pub fn list_diverted(
    tenant: TenantLocator,
    webhook: Locator,
    offset: usize,
    count: usize,
) -> Call<Vec<DivertedEventResponse>> {
    let query = vec![("offset", offset.to_string()), ("count", count.to_string())];
    Call::get(paths::diverted_events(&tenant, &webhook), query)
}

/// `GET …/diverted/{event}`: one diverted event.
pub fn fetch_diverted(tenant: TenantLocator, webhook: Locator, event: Locator) -> Call<DivertedEventResponse> {
    Call::get(paths::diverted_event(&tenant, &webhook, &event), Query::new())
}

/// `POST …/diverted/{event}/resend`: queues the event for delivery again.
pub fn resend_diverted(tenant: TenantLocator, webhook: Locator, event: Locator) -> Call<()> {
    Call::new(Method::POST, paths::resend_diverted(&tenant, &webhook, &event))
}

/// `DELETE …/diverted/{event}`: drops the event for good.
pub fn delete_diverted(tenant: TenantLocator, webhook: Locator, event: Locator) -> Call<()> {
    Call::new(Method::DELETE, paths::diverted_event(&tenant, &webhook, &event))
}

/// `GET /event/{tenant}/events/list`: a page of the event stream (`query`: the window,
/// type, page size and paging token).
pub fn list_events(tenant: TenantLocator, query: Query) -> Call<EventStreamResponse> {
    Call::get(paths::events_list(&tenant), query)
}

/// `GET /event/{tenant}/events/{locator}`: one event.
pub fn fetch_event(tenant: TenantLocator, event: Locator) -> Call<EventResponse> {
    Call::get(paths::event(&tenant, &event), Query::new())
}

/// `GET /event/{tenant}/events/request/{request}`: the events of one request, in order.
pub fn request_events(tenant: TenantLocator, request: Locator) -> Call<Vec<EventResponse>> {
    Call::get(paths::request_events(&tenant, &request), Query::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_call_has_its_method_path_and_body() {
        let tenant: TenantLocator = "3f2c8a4e-1b7d-4c1e-9a55-0c6f1e2d3b4a".parse().unwrap();
        let hook: Locator = "01JD8Z6Q4V3N5K7M9P1R2S3T4V".parse().unwrap();
        let base = format!("/event/{tenant}/webhooks/{hook}");
        let unsuspend = unsuspend_webhook(tenant, hook).request;
        assert_eq!((unsuspend.method, unsuspend.path), (Method::PATCH, format!("{base}/unsuspend")));
        let resend = resend_diverted(tenant, hook, hook).request;
        assert_eq!((resend.method, resend.path), (Method::POST, format!("{base}/diverted/{hook}/resend")));
        let rename = UpdateWebhookRequest { name: Some("n".into()), ..Default::default() };
        let update = update_webhook(tenant, hook, &rename).request;
        assert_eq!((update.method, update.body.as_deref()), (Method::PATCH, Some(r#"{"name":"n"}"#)));
        let page = list_diverted(tenant, hook, 100, 25).request;
        assert_eq!(page.query, vec![("offset", "100".to_owned()), ("count", "25".to_owned())]);
        assert_eq!(delete_webhook(tenant, hook).request.method, Method::DELETE);
    }
}
