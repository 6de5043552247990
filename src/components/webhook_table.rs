//! The table of webhooks.

use leptos::prelude::*;
use webhooks_api::{TenantLocator, WebhookResponse};

use crate::status::WebhookStatus;

/// One row per webhook: name, endpoint URL, event types, status.
#[component]
pub fn WebhookTable(tenant: TenantLocator, webhooks: Vec<WebhookResponse>) -> impl IntoView {
    if webhooks.is_empty() {
        return view! { <p class="empty" data-testid="empty-list">"This tenant has no webhooks yet."</p> }.into_any();
    }
    view! {
        <table class="webhooks" data-testid="webhook-table">
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Endpoint"</th>
                    <th scope="col">"Event types"</th>
                    <th scope="col">"Status"</th>
                </tr>
            </thead>
            <tbody>
                <For each=move || webhooks.clone() key=|webhook| webhook.locator let:webhook>
                    <WebhookRow tenant webhook />
                </For>
            </tbody>
        </table>
    }
    .into_any()
}

/// One webhook's row.
#[component]
fn WebhookRow(tenant: TenantLocator, webhook: WebhookResponse) -> impl IntoView {
    let status = WebhookStatus::of(&webhook);
    let event_types = webhook.event_types.join(", ");
    let href = format!("/tenants/{tenant}/webhooks/{}", webhook.locator);
    view! {
        <tr data-testid="webhook-row">
            <th scope="row">
                <a href=href>{webhook.name}</a>
            </th>
            <td class="url">{webhook.endpoint.url}</td>
            <td class="event-types">{event_types}</td>
            <td>
                <span class=status.css_class()>{status.label()}</span>
            </td>
        </tr>
    }
}
