//! `/tenants/:tenant/webhooks/:locator`: one webhook.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use webhooks_api::{Locator, WebhookResponse};

use crate::api::{use_api, ApiError};
use crate::components::ErrorPanel;
use crate::pages::webhook_list::route_tenant;
use crate::status::WebhookStatus;

/// Loads one webhook and shows its fields.
#[component]
pub fn WebhookDetailPage() -> impl IntoView {
    let client = use_api();
    let params = use_params_map();
    let ids = move || params.with(|p| (p.get("tenant").unwrap_or_default(), p.get("locator").unwrap_or_default()));
    let webhook = LocalResource::new(move || {
        let (tenant, locator) = ids();
        async move {
            let tenant = route_tenant(&tenant)?;
            let locator: Locator =
                locator.parse().map_err(|error: webhooks_api::LocatorError| ApiError::NotFound(error.to_string()))?;
            client.fetch_webhook(tenant, locator).await
        }
    });
    let body = move || Suspend::new(async move { webhook.await.map(|webhook| view! { <WebhookFields webhook /> }) });
    view! {
        <section class="panel">
            <p class="back">
                <a href=move || format!("/tenants/{}/webhooks", ids().0)>"← All webhooks"</a>
            </p>
            <Transition fallback=|| view! { <p class="loading">"Loading the webhook…"</p> }>
                <ErrorBoundary fallback=move |errors| view! {
                    <h1>"Webhook"</h1>
                    <ErrorPanel errors retry=move || webhook.refetch() />
                }>{body}</ErrorBoundary>
            </Transition>
        </section>
    }
}

/// The fields of one webhook, as text.
#[component]
fn WebhookFields(webhook: WebhookResponse) -> impl IntoView {
    let status = WebhookStatus::of(&webhook);
    let headers = webhook.endpoint.headers.keys().cloned().collect::<Vec<_>>().join(", ");
    view! {
        <h1>{webhook.name.clone()}</h1>
        <dl class="fields" data-testid="webhook-fields">
            <dt>"Status"</dt>
            <dd><span class=status.css_class()>{status.label()}</span></dd>
            <dt>"Locator"</dt>
            <dd><code>{webhook.locator.to_string()}</code></dd>
            <dt>"Endpoint"</dt>
            <dd class="url">{webhook.endpoint.url.clone()}</dd>
            <dt>"Header names"</dt>
            <dd>{if headers.is_empty() { "none".to_owned() } else { headers }}</dd>
            <dt>"Event types"</dt>
            <dd>{webhook.event_types.join(", ")}</dd>
        </dl>
    }
}
