//! `/tenants/:tenant/webhooks`: the tenant's webhooks as a table.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use webhooks_api::TenantLocator;

use crate::api::{use_api, ApiError};
use crate::components::{ErrorPanel, WebhookTable};
use crate::session;

/// How many webhooks one page shows.
const PAGE_SIZE: u32 = 100;

/// The tenant of the route, or a 404-like error for a malformed one.
pub fn route_tenant(text: &str) -> Result<TenantLocator, ApiError> {
    text.parse().map_err(|error: webhooks_api::LocatorError| ApiError::NotFound(error.to_string()))
}

/// Loads a page of the tenant's webhooks and shows them.
#[component]
pub fn WebhookListPage() -> impl IntoView {
    let client = use_api();
    let params = use_params_map();
    let tenant = move || params.with(|p| p.get("tenant").unwrap_or_default());
    let webhooks = LocalResource::new(move || {
        let tenant = tenant();
        async move {
            let tenant = route_tenant(&tenant)?;
            let page = client.list_webhooks(tenant, &[("count", PAGE_SIZE.to_string())]).await?;
            session::remember_tenant(&tenant.to_string());
            Ok::<_, ApiError>((tenant, page))
        }
    });
    let table = move || {
        Suspend::new(
            async move { webhooks.await.map(|(tenant, list)| view! { <WebhookTable tenant webhooks=list /> }) },
        )
    };

    view! {
        <section class="panel">
            <div class="panel-head">
                <h1>"Webhooks"</h1>
            </div>
            <Transition fallback=|| view! { <p class="loading">"Loading webhooks…"</p> }>
                <ErrorBoundary fallback=move |errors| view! { <ErrorPanel errors retry=move || webhooks.refetch() /> }>
                    {table}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}
