//! `/tenants/:tenant/webhooks/new` (also `?from=LOCATOR` to duplicate) and
//! `/tenants/:tenant/webhooks/:locator/edit`: the webhook form.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use webhooks_api::{paths, TenantLocator, WebhookDraft, WebhookResponse};

use crate::api::{decode, ApiError, Prefetch};
use crate::components::webhook_form::{FormMode, WebhookForm};
use crate::components::Loaded;
use crate::routes::{self, route_locator, route_tenant, route_tenant_and_locator};

/// The webhook the new-webhook form copies (`?from=`), if any: fetched as soon as the
/// route is chosen, beside the form's chunk.
#[derive(Clone, Copy)]
pub struct NewWebhookData(Prefetch);

impl NewWebhookData {
    /// Starts fetching the webhook to copy, if the route names one.
    pub fn load() -> Self {
        let params = use_params_map();
        let query = use_query_map();
        Self(Prefetch::start(move || {
            let tenant: TenantLocator = params.with(route_tenant)?;
            match query.with(|q| q.get("from")) {
                Some(from) => Ok(Some((paths::webhook(&tenant, &route_locator(&from)?), Vec::new()))),
                None => Ok(None),
            }
        }))
    }
}

/// The form for a new webhook, empty or a copy of `?from=`.
#[component]
pub fn NewWebhookPage(data: NewWebhookData) -> impl IntoView {
    let params = use_params_map();
    let source = data.0;
    let form = move || {
        Suspend::new(async move {
            let tenant = params.with_untracked(route_tenant)?;
            let initial = match source.fetched().await? {
                Some(fetched) => {
                    let mut copy = WebhookDraft::from(&decode::<WebhookResponse>(&fetched.body)?);
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
pub struct EditWebhookData(Prefetch);

impl EditWebhookData {
    /// Starts fetching the webhook of the route.
    pub fn load() -> Self {
        let params = use_params_map();
        Self(Prefetch::start(move || {
            let (tenant, locator) = params.with(route_tenant_and_locator)?;
            Ok(Some((paths::webhook(&tenant, &locator), Vec::new())))
        }))
    }
}

/// The form for an existing webhook.
#[component]
pub fn EditWebhookPage(data: EditWebhookData) -> impl IntoView {
    let params = use_params_map();
    let loaded = data.0;
    let form = move || {
        Suspend::new(async move {
            let webhook: WebhookResponse = decode(&loaded.body().await?)?;
            let (tenant, _) = params.with_untracked(route_tenant_and_locator)?;
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
                    params
                        .with(|p| routes::webhook(
                            p.get("tenant").unwrap_or_default(),
                            p.get("locator").unwrap_or_default(),
                        ))
                }>"← Back to the webhook"</a>
            </p>
            <Loaded what="the webhook" heading="Edit webhook" retry=move || loaded.refetch()>
                {form}
            </Loaded>
        </section>
    }
}
