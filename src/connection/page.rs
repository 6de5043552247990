//! `/connect`: where the API is, the bearer token, and the tenant.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_query_map};
use webhooks_api::TenantLocator;

use crate::api::config::{normalize_base_url, origin_of, use_config};
use crate::api::session::{self, Connection};
use crate::api::{calls, use_api, ApiClient, ApiError};
use crate::shared::routes::{self, tenant_in_path};
use crate::widgets::field::{CheckField, SelectField, TextField};
use crate::widgets::toast::use_toasts;

/// What the form holds once every field is valid.
#[derive(Clone)]
struct Checked {
    connection: Connection,
    tenant: TenantLocator,
}

/// The result of trying the connection, in words.
#[derive(Clone, PartialEq)]
enum Outcome {
    Connected(String),
    Failed(String),
}

/// Calls the list endpoint with `count=1` using `checked`, without saving anything.
async fn try_connection(checked: Checked) -> Result<(), ApiError> {
    let probe = ApiClient::new(Some(checked.connection));
    probe.run(calls::list_webhooks(checked.tenant, vec![("count", "1".to_owned())])).await.map(drop)
}

/// The connection form: base URL (or a configured environment), token, tenant.
#[component]
pub fn ConnectPage() -> impl IntoView {
    let client = use_api();
    let config = use_config();
    let query = use_query_map();
    let navigate = use_navigate();
    let toasts = use_toasts();

    let saved = client.connection.get_untracked();
    let next = move || query.with(|q| q.get("next")).filter(|next| session::is_local_path(next));
    let tenant_from_next = next().as_deref().and_then(tenant_in_path).map(str::to_owned);

    let base_url = RwSignal::new(saved.as_ref().map(|c| c.base_url.clone()).unwrap_or_default());
    let token = RwSignal::new(saved.as_ref().map(|c| c.token.clone()).unwrap_or_default());
    let remember = RwSignal::new(saved.as_ref().is_some_and(|c| c.remember));
    let tenant = RwSignal::new(tenant_from_next.or_else(session::last_tenant).unwrap_or_default());
    let base_url_error = RwSignal::new(None::<String>);
    let token_error = RwSignal::new(None::<String>);
    let tenant_error = RwSignal::new(None::<String>);
    let outcome = RwSignal::new(None::<Outcome>);
    // Until the user types a base URL, follow config.json's default.
    let base_url_touched = RwSignal::new(saved.is_some());
    Effect::new(move |_| {
        let default = config.get().api_base_url;
        if !base_url_touched.get_untracked() {
            base_url.set(default);
        }
    });

    let check_base_url = move || -> Option<String> {
        let result = normalize_base_url(&base_url.get_untracked()).and_then(|url| {
            if config.get_untracked().allows(&url) {
                Ok(url)
            } else {
                Err(format!(
                    "this dashboard may only call the origins listed in its config.json (its Content-Security-Policy allows \
                        no other): ask its operator to add {}",
                    origin_of(&url)
                ))
            }
        });
        base_url_error.set(result.as_ref().err().cloned());
        result.ok()
    };
    let check_token = move || -> Option<String> {
        let value = token.get_untracked().trim().to_owned();
        token_error.set(value.is_empty().then(|| "enter the bearer token you were given".to_owned()));
        Some(value).filter(|v| !v.is_empty())
    };
    let check_tenant = move || -> Option<TenantLocator> {
        let result = tenant.get_untracked().trim().parse::<TenantLocator>();
        tenant_error.set(result.as_ref().err().map(|e| e.to_string()));
        result.ok()
    };
    let check_all = move || {
        let (base, token, tenant) = (check_base_url(), check_token(), check_tenant());
        Some(Checked {
            connection: Connection { base_url: base?, token: token?, remember: remember.get_untracked() },
            tenant: tenant?,
        })
    };

    let test = Action::new_local(move |checked: &Checked| {
        let checked = checked.clone();
        async move {
            let name = config.get_untracked().environment_name(&checked.connection.base_url);
            let tenant = checked.tenant;
            match try_connection(checked).await {
                Ok(()) => Outcome::Connected(format!(
                    "Connected to {name}: this token can list the webhooks of tenant {tenant}."
                )),
                Err(error) => Outcome::Failed(error.to_string()),
            }
        }
    });
    Effect::new(move |_| {
        if let Some(result) = test.value().get() {
            outcome.set(Some(result));
        }
    });

    let connecting = RwSignal::new(false);
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(checked) = check_all() else { return };
        let navigate = navigate.clone();
        connecting.set(true);
        outcome.set(None);
        spawn_local(async move {
            let result = try_connection(checked.clone()).await;
            connecting.set(false);
            match result {
                Ok(()) => {
                    let name = config.get_untracked().environment_name(&checked.connection.base_url);
                    toasts.success(format!("Connected to {name} as tenant {}.", checked.tenant));
                    session::save_connection(&checked.connection);
                    session::remember_tenant(&checked.tenant.to_string());
                    client.connection.set(Some(checked.connection));
                    let destination = next().unwrap_or_else(|| routes::webhooks(checked.tenant, ""));
                    navigate(&destination, Default::default());
                }
                Err(error) => outcome.set(Some(Outcome::Failed(error.to_string()))),
            }
        });
    };
    let on_test = move |_| {
        outcome.set(None);
        if let Some(checked) = check_all() {
            test.dispatch(checked);
        }
    };
    let sign_out = move |_| {
        session::forget_token();
        client.connection.set(None);
        token.set(String::new());
        outcome.set(Some(Outcome::Connected("Signed out: the token is forgotten on this device.".into())));
    };
    let busy = move || connecting.get() || test.pending().get();

    view! {
        <section class="panel narrow">
            <h1>"Connect to an EC API"</h1>
            <p class="lead">
                "Where the Webhooks API is, the token you sign in with, and the tenant whose webhooks you manage."
            </p>
            {move || {
                next()
                    .map(|_| {
                        view! {
                            <p class="notice" role="note">
                                "Sign in to go back to the page you were on."
                            </p>
                        }
                    })
            }}
            <form on:submit=on_submit novalidate>
                <Show when=move || !config.get().environments.is_empty()>
                    <SelectField
                        id="environment"
                        label="Environment"
                        options=Signal::derive(move || {
                            config.get().environments.into_iter().map(|e| (e.api_base_url, e.name)).collect()
                        })
                        value=base_url
                        on_change=Callback::new(move |chosen| {
                            base_url_touched.set(true);
                            base_url.set(chosen);
                            check_base_url();
                        })
                    />
                </Show>
                <TextField
                    id="base-url"
                    label="API base URL"
                    hint="Empty: the same origin as this dashboard. Otherwise e.g. https://api.sandbox.socotra.com"
                    value=base_url
                    on_input=Callback::new(move |typed| {
                        base_url.set(typed);
                        base_url_touched.set(true);
                    })
                    error=base_url_error
                    on_leave=Callback::new(move |()| {
                        check_base_url();
                    })
                    kind="url"
                />
                <TextField
                    id="token"
                    label="Bearer token"
                    hint="Never put in a URL. Kept for this tab only unless you tick the box below."
                    value=token
                    on_input=Callback::new(move |typed| token.set(typed))
                    error=token_error
                    on_leave=Callback::new(move |()| {
                        check_token();
                    })
                    kind="password"
                />
                <CheckField
                    label="Remember on this device"
                    checked=remember
                    on_change=Callback::new(move |on| remember.set(on))
                />
                <TextField
                    id="tenant"
                    label="Tenant locator"
                    hint="A UUID, e.g. 6f1c7a52-0d3e-4b8a-9d1e-5e2f3a4b5c6d"
                    value=tenant
                    on_input=Callback::new(move |typed| tenant.set(typed))
                    error=tenant_error
                    on_leave=Callback::new(move |()| {
                        check_tenant();
                    })
                />
                <RecentTenants tenant />
                <div class="actions">
                    <button type="submit" class="button primary" disabled=busy>
                        {move || if connecting.get() { "Connecting…" } else { "Connect" }}
                    </button>
                    <button type="button" class="button" on:click=on_test disabled=busy>
                        {move || if test.pending().get() { "Testing…" } else { "Test connection" }}
                    </button>
                    <Show when=move || client.connection.get().is_some()>
                        <button type="button" class="button subtle" on:click=sign_out>
                            "Sign out"
                        </button>
                    </Show>
                </div>
            </form>
            <div class="outcome" role="status" aria-live="polite" data-testid="connection-outcome">
                {move || {
                    outcome
                        .get()
                        .map(|outcome| match outcome {
                            Outcome::Connected(message) => view! { <p class="ok">{message}</p> }.into_any(),
                            Outcome::Failed(message) => view! { <p class="error-text">{message}</p> }.into_any(),
                        })
                }}
            </div>
        </section>
    }
}

/// Buttons for the tenants opened recently.
#[component]
fn RecentTenants(tenant: RwSignal<String>) -> impl IntoView {
    let recent = session::recent_tenants();
    (!recent.is_empty()).then(|| {
        view! {
            <div class="recent" role="group" aria-label="Recent tenants">
                <span class="hint">"Recent:"</span>
                {recent
                    .into_iter()
                    .map(|recent| {
                        let value = recent.clone();
                        view! {
                            <button type="button" class="chip-button" on:click=move |_| tenant.set(value.clone())>
                                {recent}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
        }
    })
}
