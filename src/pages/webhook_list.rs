//! `/tenants/:tenant/webhooks`: the tenant's webhooks as a table.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use webhooks_api::TenantLocator;

use crate::api::{self, ApiError};
use crate::components::{ErrorPanel, WebhookTable};
use crate::session;

/// How many webhooks one page shows.
const PAGE_SIZE: u32 = 100;

/// Loads a page of the tenant's webhooks and shows them.
#[component]
pub fn WebhookListPage() -> impl IntoView {
    let params = use_params_map();
    let tenant = move || params.with(|p| p.get("tenant").unwrap_or_default());
    let webhooks = LocalResource::new(move || {
        let tenant = tenant();
        async move {
            let tenant: TenantLocator =
                tenant.parse().map_err(|error: webhooks_api::LocatorError| ApiError::NotFound(error.to_string()))?;
            session::remember_tenant(&tenant.to_string());
            api::list_webhooks(tenant, 0, PAGE_SIZE).await
        }
    });
    let table =
        move || Suspend::new(async move { webhooks.await.map(|list| view! { <WebhookTable webhooks=list /> }) });

    view! {
        <section class="panel">
            <div class="panel-head">
                <h1>"Webhooks"</h1>
                <span class="tenant">"Tenant " <code>{tenant}</code></span>
            </div>
            <Transition fallback=|| view! { <p class="loading" role="status">"Loading webhooks…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorPanel errors /> }>{table}</ErrorBoundary>
            </Transition>
        </section>
    }
}
