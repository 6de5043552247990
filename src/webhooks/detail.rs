//! `/tenants/:tenant/webhooks/:locator`: one webhook: its fields, why it is suspended,
//! its diverted events (`?tab=diverted&page=N`) and its raw JSON (`?tab=json`).

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use webhooks_api::permissions::WEBHOOKS_WRITE;
use webhooks_api::{EndpointResponse, TenantLocator, WebhookResponse};

use super::diverted::DivertedEvents;
use super::form::model::{describe_policy, is_sensitive_header, mask_secrets, INTERVAL_UNIT_NOTE, MASK};
use crate::api::{calls, use_api, ApiError, Prefetch, WHOLE_PAGE};
use crate::shared::format::{absolute_time, pretty_json, time_ago};
use crate::shared::routes::DetailTab;
use crate::shared::routes::{self, prefetch_by_locator, use_tenant};
use crate::shared::status::WebhookStatus;
use crate::webhooks::health::warnings;
use crate::webhooks::query::page_number;
use crate::widgets::actions::{ActionButton, ActionHost, RowAction};
use crate::widgets::confirm::ConfirmDialog;
use crate::widgets::field::RevealToggle;
use crate::widgets::lazy::preload_pages;
use crate::widgets::toast::{use_toasts, CopyButton};
use crate::widgets::Loaded;

/// The banner counts diverted events with one request of this many (the API's largest page).
const COUNTED_DIVERTED: usize = WHOLE_PAGE;

/// The webhook of the route: fetched as soon as the route is chosen, beside the page's
/// chunk.
#[derive(Clone, Copy)]
pub struct WebhookDetailData(Prefetch<WebhookResponse>);

impl WebhookDetailData {
    /// Starts fetching the webhook of the route.
    pub fn load() -> Self {
        Self(prefetch_by_locator(calls::fetch_webhook))
    }
}

/// Shows one webhook (fetched by `data`) and the chosen tab.
#[component]
pub fn WebhookDetailPage(data: WebhookDetailData) -> impl IntoView {
    let tenant = use_tenant();
    let webhook = data.0;
    let body = move || {
        Suspend::new(async move {
            let (webhook_now, raw) = webhook.value_and_body().await?;
            let tenant = tenant.get_untracked()?;
            Ok::<_, ApiError>(
                view! { <WebhookDetail tenant webhook=webhook_now raw reload=Callback::new(move |()| webhook.refetch()) /> },
            )
        })
    };
    view! {
        <section class="panel">
            <p class="back">
                <a href=move || tenant.link(&|tenant| routes::webhooks(tenant, ""))>"← All webhooks"</a>
            </p>
            <Loaded what="the webhook" heading="Webhook" retry=move || webhook.refetch()>
                {body}
            </Loaded>
        </section>
    }
}

/// The loaded webhook: title, actions, banner, tabs.
#[component]
fn WebhookDetail(tenant: TenantLocator, webhook: WebhookResponse, raw: String, reload: Callback<()>) -> impl IntoView {
    // The form and the events pages are one click away.
    preload_pages();
    let client = use_api();
    let toasts = use_toasts();
    let navigate = use_navigate();
    let query = use_query_map();
    let tab = Memo::new(move |_| query.with(|q| DetailTab::from_key(q.get("tab"))));
    let page = Signal::derive(move || query.with(|q| page_number(q.get("page"))));
    let locator = webhook.locator;
    // The banner's count: asked only of a suspended webhook, the only one with a banner.
    let suspended = webhook.suspended;
    let waiting = LocalResource::new(move || async move {
        if !suspended {
            return Ok(0);
        }
        client.run(calls::list_diverted(tenant, locator, 0, COUNTED_DIVERTED)).await.map(|events| events.len())
    });
    let confirm = RwSignal::new(None);
    let host = ActionHost { client, toasts, confirm };
    let shown = StoredValue::new(webhook.clone());
    let done = {
        let navigate = navigate.clone();
        Callback::new(move |after: Option<WebhookResponse>| match after {
            Some(_) => reload.run(()),
            None => navigate(&routes::webhooks(tenant, ""), NavigateOptions::default()),
        })
    };
    let act = Callback::new(move |action: RowAction| shown.with_value(|w| action.start(host, tenant, w, done)));
    let write_denied = client.denial(WEBHOOKS_WRITE);
    let toggle = if webhook.enabled { RowAction::Disable } else { RowAction::Enable };
    let go_to_page = Callback::new(move |page: u32| {
        navigate(&routes::webhook_tab(tenant, locator, DetailTab::Diverted, Some(page)), NavigateOptions::default())
    });
    let status = WebhookStatus::of(&webhook);
    let count_text = move || {
        waiting.get().map(|counted| match counted {
            Ok(n) if n >= COUNTED_DIVERTED => format!("{COUNTED_DIVERTED} or more diverted events are waiting."),
            Ok(1) => "1 diverted event is waiting.".to_owned(),
            Ok(n) => format!("{n} diverted events are waiting."),
            Err(error) => format!("The diverted events could not be counted: {error}"),
        })
    };
    let suspended_at = webhook.suspended_at.clone().filter(|_| webhook.suspended);
    let divert = webhook.failure_handling.divert;
    let tab_link = move |each: DetailTab| {
        view! {
            <a
                href=routes::webhook_tab(tenant, locator, each, None)
                aria-current=move || (tab.get() == each).then_some("page")
            >
                {each.label()}
            </a>
        }
    };
    view! {
        <div class="panel-head">
            <h1>
                {webhook.name.clone()}" "<span class=status.css_class() data-testid="status">
                    {status.label()}
                </span>
            </h1>
            <div class="actions page-actions">
                <a class="button primary" href=routes::edit_webhook(tenant, locator)>
                    "Edit"
                </a>
                <a class="button" href=routes::duplicate_webhook(tenant, locator)>
                    "Duplicate"
                </a>
                {[toggle, RowAction::Delete]
                    .into_iter()
                    .map(|action| {
                        view! {
                            <ActionButton
                                action
                                label=action.label().to_owned()
                                class="button"
                                danger=action == RowAction::Delete
                                denied=write_denied
                                on_run=act
                            />
                        }
                    })
                    .collect_view()}
            </div>
        </div>
        {suspended_at
            .map(|at| {
                let since = time_ago(&at).unwrap_or_default();
                view! {
                    <section class="banner warning" aria-labelledby="suspended-title" data-testid="suspension-banner">
                        <h2 id="suspended-title">"Suspended "{since}</h2>
                        <p>
                            "Since "<time datetime=at.clone()>{absolute_time(&at)}</time>". "
                            "EC stopped delivering to this endpoint when its retries ran out. Nothing is sent until you unsuspend it; "
                            {if divert {
                                "events raised meanwhile are diverted and kept."
                            } else {
                                "events raised meanwhile are dropped, because divert is off."
                            }}
                        </p>
                        <p data-testid="diverted-waiting">{count_text}</p>
                        <div class="actions">
                            <ActionButton
                                action=RowAction::Unsuspend
                                label="Unsuspend".to_owned()
                                class="button primary"
                                denied=write_denied
                                on_run=act
                            />
                            <a class="button" href=routes::webhook_tab(tenant, locator, DetailTab::Diverted, None)>
                                "Review diverted events"
                            </a>
                        </div>
                    </section>
                }
            })}
        <nav class="tabs" aria-label="Webhook sections">
            {DetailTab::ALL.into_iter().map(tab_link).collect_view()}
        </nav>
        {move || match tab.get() {
            DetailTab::Overview => {
                view! {
                    <SetupWarnings tenant webhook=webhook.clone() />
                    <Overview webhook=webhook.clone() />
                }
                    .into_any()
            }
            DetailTab::Diverted => {
                view! {
                    <DivertedEvents
                        tenant
                        webhook=locator
                        page
                        go_to_page
                        on_change=Callback::new(move |()| waiting.refetch())
                    />
                }
                    .into_any()
            }
            DetailTab::Json => view! { <RawJson raw=raw.clone() /> }.into_any(),
        }}
        <ConfirmDialog pending=confirm />
    }
}

/// The webhook exactly as the API sent it, indented, its secrets masked until revealed;
/// Copy copies what is shown.
#[component]
fn RawJson(raw: String) -> impl IntoView {
    let masked = pretty_json(&mask_secrets(&raw));
    let plain = pretty_json(&raw);
    let has_secrets = masked != plain;
    let revealed = RwSignal::new(false);
    let shown = Memo::new(move |_| if revealed.get() { plain.clone() } else { masked.clone() });
    view! {
        <div class="actions">
            {has_secrets
                .then(|| {
                    view! { <RevealToggle revealed what="secrets" class="button" /> }
                })} <CopyButton text=shown label="Copy JSON" done="Copied the webhook's JSON." />
        </div>
        <pre class="json" data-testid="raw-json" tabindex="0">
            {shown}
        </pre>
    }
}

/// The webhook's setup warnings, each with why it matters and a link to the form's
/// section that fixes it.
#[component]
fn SetupWarnings(tenant: TenantLocator, webhook: WebhookResponse) -> impl IntoView {
    let found = warnings(&webhook);
    let edit = routes::edit_webhook(tenant, webhook.locator);
    view! {
        <section class="health" id="setup-warnings" aria-labelledby="health-title" data-testid="setup-warnings">
            <h2 id="health-title">
                {match found.len() {
                    0 => "Setup health: no warning".to_owned(),
                    1 => "Setup health: 1 warning".to_owned(),
                    n => format!("Setup health: {n} warnings"),
                }}
            </h2>
            <ul>
                {found
                    .into_iter()
                    .map(|warning| {
                        view! {
                            <li>
                                <strong>{warning.title}</strong>
                                ": "
                                {warning.why}
                                " "
                                <a href=format!(
                                    "{edit}#{}",
                                    warning.section.anchor(),
                                )>{format!("Fix: {}", warning.title.to_lowercase())}</a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

/// Every field of the webhook, grouped as in the form.
#[component]
fn Overview(webhook: WebhookResponse) -> impl IntoView {
    let locator = webhook.locator.to_string();
    let policy = describe_policy(&webhook.failure_handling);
    let triggers = webhook.failure_handling.triggers.join(", ");
    let retries = webhook.failure_handling.retry_strategy.is_some();
    view! {
        <div class="overview" data-testid="webhook-fields">
            <section>
                <h2>"General"</h2>
                <dl class="fields">
                    <dt>"Name"</dt>
                    <dd>{webhook.name.clone()}</dd>
                    <dt>"Enabled"</dt>
                    <dd>{if webhook.enabled { "Yes" } else { "No" }}</dd>
                    <dt>"Locator"</dt>
                    <dd>
                        <code>{locator.clone()}</code>
                        " "
                        <CopyButton
                            text=locator.clone()
                            label="Copy locator"
                            done="Copied the locator."
                            class="icon-button"
                        />
                    </dd>
                </dl>
            </section>
            <section>
                <h2>"Endpoint"</h2>
                <EndpointFields endpoint=webhook.endpoint.clone() label="Endpoint" />
            </section>
            <section>
                <h2>"Event types"</h2>
                {if webhook.event_types.is_empty() {
                    view! { <p>"None: this webhook receives no events."</p> }.into_any()
                } else {
                    view! {
                        <ul class="chips">
                            {webhook
                                .event_types
                                .iter()
                                .map(|t| view! { <li class="chip">{t.clone()}</li> })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }}
            </section>
            <section>
                <h2>"Failure handling"</h2>
                <ul class="policy" data-testid="policy">
                    {policy.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
                </ul>
                {retries.then(|| view! { <p class="hint">{INTERVAL_UNIT_NOTE}</p> })}
                <dl class="fields">
                    <dt>"Triggers"</dt>
                    <dd>{if triggers.is_empty() { "none".to_owned() } else { triggers }}</dd>
                </dl>
                {webhook
                    .failure_handling
                    .alert_endpoint
                    .map(|alert| {
                        view! {
                            <h3>"Alert endpoint"</h3>
                            <EndpointFields endpoint=alert label="Alert endpoint" />
                        }
                    })}
            </section>
        </div>
    }
}

/// A secret value, masked until revealed with its button ("Reveal {name}").
#[component]
fn MaskedValue(value: String, name: String) -> impl IntoView {
    let revealed = RwSignal::new(false);
    view! {
        <span class="mono">{move || if revealed.get() { value.clone() } else { MASK.to_owned() }}</span>
        " "
        <RevealToggle revealed what=name class="link-button" />
    }
}

/// An endpoint's URL, headers (values of secret headers masked until revealed), and its
/// security in words; with signing on, how the endpoint checks a signature.
#[component]
fn EndpointFields(endpoint: EndpointResponse, label: &'static str) -> impl IntoView {
    let security = endpoint.security.clone();
    let signs = security.signs();
    let tag = security.tag.clone().filter(|tag| !tag.is_empty());
    let secret = security.secret.clone().filter(|secret| !secret.is_empty());
    view! {
        <dl class="fields">
            <dt>"URL"</dt>
            <dd class="url">{endpoint.url}</dd>
            <dt>"Headers"</dt>
            <dd>
                {if endpoint.headers.is_empty() { Some("none") } else { None }}
                <ul class="header-list" aria-label=format!("{label} headers")>
                    {endpoint
                        .headers
                        .into_iter()
                        .map(|(name, values)| {
                            let value = values.join(", ");
                            view! {
                                <li>
                                    <code>{name.clone()}</code>
                                    ": "
                                    {if is_sensitive_header(&name) {
                                        view! { <MaskedValue value name /> }.into_any()
                                    } else {
                                        view! { <span class="mono">{value}</span> }.into_any()
                                    }}
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </dd>
            <dt>"Signed deliveries"</dt>
            <dd>
                {match (signs, &tag) {
                    (true, Some(tag)) => format!("Yes: HMAC-SHA256, secret tag {tag}"),
                    (true, None) => "Yes: HMAC-SHA256".to_owned(),
                    (false, _) => "No: the endpoint cannot tell a delivery from a forged one".to_owned(),
                }}
            </dd>
            {secret
                .map(|secret| {
                    view! {
                        <dt>"Signing secret"</dt>
                        <dd>
                            <MaskedValue value=secret name=format!("the {} signing secret", label.to_lowercase()) />
                        </dd>
                    }
                })}
            <dt>"TLS certificate"</dt>
            <dd>
                {if security.verifies_tls() {
                    "Verified"
                } else {
                    "Not verified: a self-signed certificate is accepted"
                }}
            </dd>
        </dl>
        {signs.then(|| view! { <VerifyPanel tagged=tag.is_some() /> })}
    }
}

/// How an endpoint checks a signed delivery (`tagged`: the secret has a tag, sent too):
/// with the official Standard Webhooks library, or by hand for a secret of another form.
#[component]
fn VerifyPanel(tagged: bool) -> impl IntoView {
    view! {
        <details class="verify" data-testid="verify-panel">
            <summary>"How your endpoint verifies these requests"</summary>
            <p>
                "The reference server signs as Standard Webhooks specifies: " <code>"webhook-id"</code>
                " (the event's locator), " <code>"webhook-timestamp"</code> " (Unix seconds) and "
                <code>"webhook-signature"</code> {if tagged { ", and " } else { "" }}
                {tagged
                    .then(|| {
                        view! {
                            <code>"webhook-secret-tag"</code>
                            " (the tag of the secret in use)"
                        }
                    })}
                ". EC documents the signing fields (hmacEnabled, secret, tag) but not the headers it sends: to see what your \
                    EC tenant sends, point a webhook at a receiver that prints the request headers (e.g. "
                <code>"nc -l 8000"</code> " on a host EC can reach)."
            </p>
            <p>
                "Verify with the official library (" <code>"standardwebhooks"</code>
                " on PyPI and npm), on the body exactly as received; it refuses a timestamp more than five minutes from now. \
                    A secret that starts with " <code>"whsec_"</code>
                " (as Generate makes them) is passed as it is; any other secret keys the HMAC with its UTF-8 bytes: pass \
                    those bytes, or check by hand."
            </p>
            {[
                ("Copy the library example", "Copied the library example.", VERIFY_LIBRARY),
                ("Copy the by-hand example", "Copied the by-hand example.", VERIFY_BY_HAND),
            ]
                .map(|(label, done, example)| {
                    view! {
                        <div class="actions">
                            <CopyButton text=example.to_owned() label=label done=done />
                        </div>
                        <pre class="json" tabindex="0">
                            {example}
                        </pre>
                    }
                })
                .collect_view()}
        </details>
    }
}

/// Checking a signed delivery with the official Standard Webhooks library, in Python and Node.
const VERIFY_LIBRARY: &str = r#"# Python: pip install standardwebhooks
from standardwebhooks import Webhook

def verify(body: bytes, headers, secret: str):
    """The event when `body` (the raw request body) was signed with `secret`;
    raises WebhookVerificationError otherwise."""
    key = secret if secret.startswith("whsec_") else secret.encode()
    return Webhook(key).verify(body, headers)

// Node: npm install standardwebhooks
import { Webhook } from "standardwebhooks";

export const verify = (body, headers, secret) =>
  (secret.startsWith("whsec_") ? new Webhook(secret) : new Webhook(secret, { format: "raw" }))
    .verify(body, headers);
"#;

/// Checking a delivery signed with a secret that is not in the `whsec_` form, by hand
/// (Python's standard library), where no Standard Webhooks library is at hand.
const VERIFY_BY_HAND: &str = r#"import base64, hashlib, hmac, time

def verify(headers, body: bytes, secret: str) -> bool:
    """True when `body` (the raw request body) was signed with `secret` (not whsec_)."""
    msg_id, timestamp = headers["webhook-id"], headers["webhook-timestamp"]
    if abs(time.time() - int(timestamp)) > 300:
        return False  # too old, or from the future: a replay
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).digest()
    expected = "v1," + base64.b64encode(digest).decode()
    return any(hmac.compare_digest(expected, sig) for sig in headers["webhook-signature"].split())
"#;
