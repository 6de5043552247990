//! The size floor of `make bench` (scripts/size-floor.mjs): the least a list of webhooks
//! needs on the dashboard's stack — leptos_router with the page and the name filter in
//! the URL, one authorised `GET …/webhooks/list` through gloo-net, serde_json decoding
//! the contract's `WebhookList`, `LocalResource` + `Transition` + `ErrorBoundary`, and a
//! keyed `<For>` of rows linking to a second route. No shell, session, messages,
//! selection, toasts or chunks. Built with the dashboard's release settings and weighed,
//! never served: what the dashboard's first load adds to it is the cost of its features.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use leptos_router::path;
use webhooks_api::{WebhookList, WebhookResponse};

/// Rows per page, as the dashboard's largest page.
const PAGE_SIZE: usize = 100;

/// Why the list could not be shown.
#[derive(Debug, Clone, thiserror::Error)]
enum ListError {
    #[error("the request failed: {0}")]
    Network(String),
    #[error("the API answered {0}")]
    Status(u16),
}

/// One page of the tenant's webhooks.
async fn list_page(tenant: String, name: String, page: usize) -> Result<Vec<WebhookResponse>, ListError> {
    let offset = (page * PAGE_SIZE).to_string();
    let count = (PAGE_SIZE + 1).to_string();
    let response = gloo_net::http::Request::get(&format!("/event/{tenant}/webhooks/list"))
        .query([("offset", offset.as_str()), ("count", count.as_str()), ("name", name.as_str())])
        .header("Authorization", "Bearer token")
        .send()
        .await
        .map_err(|error| ListError::Network(error.to_string()))?;
    if !response.ok() {
        return Err(ListError::Status(response.status()));
    }
    let list: WebhookList = response.json().await.map_err(|error| ListError::Network(error.to_string()))?;
    Ok(list.0)
}

/// The list: a name filter, the rows, and the next page.
#[component]
fn ListPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let navigate = use_navigate();
    let tenant = move || params.read().get("tenant").unwrap_or_default();
    let name = move || query.read().get("name").unwrap_or_default();
    let page = move || query.read().get("page").and_then(|page| page.parse().ok()).unwrap_or(0);
    let rows = LocalResource::new(move || list_page(tenant(), name(), page()));
    view! {
        <input
            aria-label="Name contains"
            prop:value=name
            on:input=move |event| navigate(&format!("?name={}", event_target_value(&event)), Default::default())
        />
        <Transition fallback=|| "Loading…">
            <ErrorBoundary fallback=|errors| {
                view! {
                    <p role="alert">
                        {move || errors.get().into_iter().map(|(_, error)| error.to_string()).collect_view()}
                    </p>
                }
            }>
                {move || Suspend::new(async move {
                    rows.await
                        .map(|rows| {
                            view! {
                                <table>
                                    <tbody>
                                        <For
                                            each=move || rows.clone().into_iter().take(PAGE_SIZE)
                                            key=|webhook| webhook.locator
                                            let:webhook
                                        >
                                            <tr>
                                                <th>
                                                    <A href=webhook.locator.to_string()>{webhook.name}</A>
                                                </th>
                                                <td>{webhook.endpoint.url}</td>
                                                <td>{if webhook.enabled { "Enabled" } else { "Disabled" }}</td>
                                                <td>{webhook.event_types.len()}</td>
                                            </tr>
                                        </For>
                                    </tbody>
                                </table>
                            }
                        })
                })}
            </ErrorBoundary>
        </Transition>
        <A href=move || format!("?page={}", page() + 1)>"Next"</A>
    }
}

/// The routes: the list, and a webhook's page for its links.
#[component]
fn App() -> impl IntoView {
    view! {
        <Router>
            <Routes fallback=|| "Not found">
                <Route path=path!("/tenants/:tenant/webhooks") view=ListPage />
                <Route path=path!("/tenants/:tenant/webhooks/:locator") view=|| "A webhook" />
            </Routes>
        </Router>
    }
}

fn main() {
    leptos::mount::mount_to_body(App);
}
