//! `/tenants/:tenant/webhooks/new` (also `?from=LOCATOR` to duplicate) and
//! `/tenants/:tenant/webhooks/:locator/edit`: the webhook form.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use webhooks_api::{WebhookDraft, WebhookResponse};

use super::form::{FormMode, WebhookForm};
use crate::api::{calls, ApiError, Prefetch};
use crate::shared::routes::{self, prefetch_by_locator, route_locator, use_tenant};
use crate::widgets::Loaded;

/// The webhook the new-webhook form copies (`?from=`), if any: fetched as soon as the
/// route is chosen, beside the form's chunk.
#[derive(Clone, Copy)]
pub struct NewWebhookData(Prefetch<WebhookResponse>);

impl NewWebhookData {
    /// Starts fetching the webhook to copy, if the route names one.
    pub fn load() -> Self {
        let (tenant, query) = (use_tenant(), use_query_map());
        Self(Prefetch::start(move || {
            let tenant = tenant.get()?;
            match query.with(|q| q.get("from")) {
                Some(from) => Ok(Some(calls::fetch_webhook(tenant, route_locator(&from)?))),
                None => Ok(None),
            }
        }))
    }
}

/// The form for a new webhook, empty or a copy of `?from=`.
#[component]
pub fn NewWebhookPage(data: NewWebhookData) -> impl IntoView {
    let tenant = use_tenant();
    let source = data.0;
    let form = move || {
        Suspend::new(async move {
            let tenant = tenant.get_untracked()?;
            let initial = match source.answer().await? {
                Some((original, _)) => {
                    let mut copy = WebhookDraft::from(&original);
                    copy.name = format!("{} (copy)", copy.name);
                    copy
                }
                None => WebhookDraft::default(),
            };
            Ok::<_, ApiError>(view! { <WebhookForm tenant initial mode=FormMode::Create /> })
        })
    };
    view! {
        <section class="panel">
            <h1>"New webhook"</h1>
            <Loaded what="the form" retry=move || source.refetch()>
                {form}
            </Loaded>
        </section>
    }
}

/// The webhook to edit: fetched as soon as the route is chosen, beside the form's chunk.
#[derive(Clone, Copy)]
pub struct EditWebhookData(Prefetch<WebhookResponse>);

impl EditWebhookData {
    /// Starts fetching the webhook of the route.
    pub fn load() -> Self {
        Self(prefetch_by_locator(calls::fetch_webhook))
    }
}

/// The form for an existing webhook.
#[component]
pub fn EditWebhookPage(data: EditWebhookData) -> impl IntoView {
    let (tenant, params) = (use_tenant(), use_params_map());
    let loaded = data.0;
    let form = move || {
        Suspend::new(async move {
            let webhook = loaded.value().await?;
            let tenant = tenant.get_untracked()?;
            let initial = WebhookDraft::from(&webhook);
            // The heading follows a saved rename.
            let name = RwSignal::new(webhook.name.clone());
            let on_saved = Callback::new(move |saved: WebhookResponse| name.set(saved.name));
            Ok::<_, ApiError>(view! {
                <h1>{move || format!("Edit “{}”", name.get())}</h1>
                <WebhookForm tenant initial mode=FormMode::Edit(Box::new(webhook)) on_saved />
            })
        })
    };
    view! {
        <section class="panel">
            <p class="back">
                <a href=move || {
                    tenant
                        .link(&|tenant| routes::webhook(tenant, params.with(|p| p.get("locator").unwrap_or_default())))
                }>"← Back to the webhook"</a>
            </p>
            <Loaded what="the webhook" heading="Edit webhook" retry=move || loaded.refetch()>
                {form}
            </Loaded>
        </section>
    }
}
