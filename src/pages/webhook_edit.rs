//! `/tenants/:tenant/webhooks/new` (also `?from=LOCATOR` to duplicate) and
//! `/tenants/:tenant/webhooks/:locator/edit`: the webhook form.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use webhooks_api::{WebhookDraft, WebhookResponse};

use crate::api::{use_api, ApiError};
use crate::components::webhook_form::{FormMode, WebhookForm};
use crate::components::ErrorPanel;
use crate::routes::{self, route_locator, route_webhook};

/// The form for a new webhook, empty or a copy of `?from=`.
#[component]
pub fn NewWebhookPage() -> impl IntoView {
    let client = use_api();
    let params = use_params_map();
    let query = use_query_map();
    let loaded = LocalResource::new(move || {
        let tenant = params.with(|p| p.get("tenant").unwrap_or_default());
        let from = query.with(|q| q.get("from"));
        async move {
            let tenant = route_locator(&tenant)?;
            let draft = match from {
                Some(from) => {
                    let source = client.fetch_webhook(tenant, route_locator(&from)?).await?;
                    let mut copy = WebhookDraft::from(&source);
                    copy.name = format!("{} (copy)", copy.name);
                    copy
                }
                None => WebhookDraft::default(),
            };
            Ok::<_, ApiError>((tenant, draft))
        }
    });
    let form = move || {
        Suspend::new(async move {
            loaded.await.map(|(tenant, initial)| view! { <WebhookForm tenant initial mode=FormMode::Create /> })
        })
    };
    view! {
        <section class="panel">
            <h1>"New webhook"</h1>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                <ErrorBoundary fallback=move |errors| {
                    view! { <ErrorPanel errors retry=move || loaded.refetch() /> }
                }>{form}</ErrorBoundary>
            </Transition>
        </section>
    }
}

/// The form for an existing webhook.
#[component]
pub fn EditWebhookPage() -> impl IntoView {
    let client = use_api();
    let params = use_params_map();
    let loaded = LocalResource::new(move || {
        let ids = params.with(route_webhook);
        async move {
            let (tenant, locator) = ids?;
            let webhook = client.fetch_webhook(tenant, locator).await?;
            Ok::<_, ApiError>((tenant, webhook))
        }
    });
    let form = move || {
        Suspend::new(async move {
            loaded.await.map(|(tenant, webhook)| {
                let initial = WebhookDraft::from(&webhook);
                // The heading follows a saved rename.
                let name = RwSignal::new(webhook.name.clone());
                let on_saved = Callback::new(move |saved: WebhookResponse| name.set(saved.name));
                view! {
                    <h1>{move || format!("Edit “{}”", name.get())}</h1>
                    <WebhookForm tenant initial mode=FormMode::Edit(Box::new(webhook)) on_saved />
                }
            })
        })
    };
    view! {
        <section class="panel">
            <p class="back">
                <a href=move || {
                    params
                        .with(|p| routes::webhook(
                            p.get("tenant").unwrap_or_default(),
                            p.get("locator").unwrap_or_default(),
                        ))
                }>"← Back to the webhook"</a>
            </p>
            <Transition fallback=|| view! { <p class="loading">"Loading the webhook…"</p> }>
                <ErrorBoundary fallback=move |errors| {
                    view! {
                        <h1>"Edit webhook"</h1>
                        <ErrorPanel errors retry=move || loaded.refetch() />
                    }
                }>{form}</ErrorBoundary>
            </Transition>
        </section>
    }
}
