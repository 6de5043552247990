//! One form for creating and editing a webhook, over the contract's `WebhookDraft`.
//! In edit mode it shows, before saving, what `diff` will send (in words and as JSON),
//! checks for a concurrent change on the server, and never loses what was typed.

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos::task::spawn_local;
use webhooks_api::{
    diff, EndpointDraft, FailureHandlingDraft, RetryStrategy, RetryType, TenantLocator, ValidationErrors, WebhookDraft,
    WebhookResponse,
};

use crate::api::{use_api, ApiError};
use crate::components::event_type_picker::EventTypePicker;
use crate::components::header_editor::HeaderEditor;
use crate::components::toast::use_toasts;
use crate::form_model::{
    describe_update, header_rows, headers_of, join_interval, retry_schedule, split_interval, HeaderRow, INTERVAL_UNITS,
};
use crate::format::pretty_json;
use crate::pages::webhook_path;

/// Which form fields the validation paths belong to (path prefix, element id).
const FIELDS: [(&str, &str); 8] = [
    ("name", "webhook-name"),
    ("endpoint.url", "endpoint-url"),
    ("endpoint.headers", "endpoint-headers"),
    ("eventTypes", "event-types"),
    ("failureHandling.triggers", "trigger-codes"),
    ("failureHandling.retryStrategy", "retry-interval"),
    ("failureHandling.alertEndpoint.url", "alert-url"),
    ("failureHandling.alertEndpoint.headers", "alert-headers"),
];

/// The form's fields, each a signal.
#[derive(Clone, Copy)]
struct Fields {
    name: RwSignal<String>,
    enabled: RwSignal<bool>,
    url: RwSignal<String>,
    headers: RwSignal<Vec<HeaderRow>>,
    event_types: RwSignal<BTreeSet<String>>,
    triggers: RwSignal<BTreeSet<String>>,
    codes: RwSignal<String>,
    retry_kind: RwSignal<Option<RetryType>>,
    interval: RwSignal<i64>,
    unit: RwSignal<&'static str>,
    attempts: RwSignal<i32>,
    divert: RwSignal<bool>,
    suspend: RwSignal<bool>,
    alert: RwSignal<bool>,
    alert_url: RwSignal<String>,
    alert_headers: RwSignal<Vec<HeaderRow>>,
    endpoint_extras: StoredValue<webhooks_api::EndpointExtras>,
    alert_extras: StoredValue<webhooks_api::EndpointExtras>,
}

const CLASS_TRIGGERS: [&str; 3] = ["4xx", "5xx", "timeout"];

impl Fields {
    fn new(draft: &WebhookDraft) -> Self {
        let fields = Self {
            name: RwSignal::new(String::new()),
            enabled: RwSignal::new(true),
            url: RwSignal::new(String::new()),
            headers: RwSignal::new(Vec::new()),
            event_types: RwSignal::new(BTreeSet::new()),
            triggers: RwSignal::new(BTreeSet::new()),
            codes: RwSignal::new(String::new()),
            retry_kind: RwSignal::new(None),
            interval: RwSignal::new(1),
            unit: RwSignal::new("s"),
            attempts: RwSignal::new(3),
            divert: RwSignal::new(false),
            suspend: RwSignal::new(false),
            alert: RwSignal::new(false),
            alert_url: RwSignal::new(String::new()),
            alert_headers: RwSignal::new(Vec::new()),
            endpoint_extras: StoredValue::new(Default::default()),
            alert_extras: StoredValue::new(Default::default()),
        };
        fields.load(draft);
        fields
    }

    /// Puts a draft into the fields.
    fn load(&self, draft: &WebhookDraft) {
        self.name.set(draft.name.clone());
        self.enabled.set(draft.enabled);
        self.url.set(draft.endpoint.url.clone());
        self.headers.set(header_rows(&draft.endpoint.headers, 0));
        self.endpoint_extras.set_value(draft.endpoint.extras.clone());
        self.event_types.set(draft.event_types.clone());
        self.load_policy(&draft.failure_handling);
    }

    fn load_policy(&self, policy: &FailureHandlingDraft) {
        let (classes, codes): (Vec<&String>, Vec<&String>) =
            policy.triggers.iter().partition(|t| CLASS_TRIGGERS.contains(&t.as_str()));
        self.triggers.set(classes.into_iter().cloned().collect());
        self.codes.set(codes.into_iter().cloned().collect::<Vec<_>>().join(", "));
        self.retry_kind.set(policy.retry_strategy.map(|s| s.kind));
        if let Some(strategy) = policy.retry_strategy {
            let (amount, unit) = split_interval(strategy.interval);
            self.interval.set(amount);
            self.unit.set(unit);
            self.attempts.set(strategy.attempts);
        }
        self.divert.set(policy.divert);
        self.suspend.set(policy.suspend);
        self.alert.set(policy.alert_endpoint.is_some());
        let alert = policy.alert_endpoint.clone().unwrap_or_default();
        self.alert_url.set(alert.url);
        self.alert_headers.set(header_rows(&alert.headers, 500));
        self.alert_extras.set_value(alert.extras);
    }

    /// The draft the fields hold now.
    fn draft(&self) -> WebhookDraft {
        let mut triggers = self.triggers.get();
        triggers.extend(self.codes.get().split([',', ' ']).map(str::trim).filter(|c| !c.is_empty()).map(str::to_owned));
        WebhookDraft {
            name: self.name.get(),
            enabled: self.enabled.get(),
            endpoint: EndpointDraft {
                url: self.url.get().trim().to_owned(),
                headers: headers_of(&self.headers.get()),
                extras: self.endpoint_extras.get_value(),
            },
            event_types: self.event_types.get(),
            failure_handling: FailureHandlingDraft {
                triggers,
                retry_strategy: self.retry_kind.get().map(|kind| RetryStrategy {
                    kind,
                    interval: join_interval(self.interval.get(), self.unit.get()),
                    attempts: self.attempts.get(),
                }),
                divert: self.divert.get(),
                suspend: self.suspend.get(),
                alert_endpoint: self.alert.get().then(|| EndpointDraft {
                    url: self.alert_url.get().trim().to_owned(),
                    headers: headers_of(&self.alert_headers.get()),
                    extras: self.alert_extras.get_value(),
                }),
            },
        }
    }
}

/// The first message for a field, by the prefix of its path.
fn error_for(errors: &ValidationErrors, prefix: &str) -> Option<String> {
    errors.0.iter().find(|(path, _)| path.starts_with(prefix)).map(|(_, message)| message.clone())
}

fn focus(id: &str) {
    use wasm_bindgen::JsCast;
    let element = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(id));
    if let Some(element) = element.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = element.focus();
    }
}

/// What the form is for.
#[derive(Clone)]
pub enum FormMode {
    /// A new webhook (possibly a duplicate of another).
    Create,
    /// An existing webhook, as loaded.
    Edit(Box<WebhookResponse>),
}

/// The create and edit form.
#[component]
pub fn WebhookForm(tenant: TenantLocator, initial: WebhookDraft, mode: FormMode) -> impl IntoView {
    let client = use_api();
    let toasts = use_toasts();
    let navigate = leptos_router::hooks::use_navigate();
    let fields = Fields::new(&initial);
    let original = RwSignal::new(match &mode {
        FormMode::Edit(webhook) => Some(webhook.as_ref().clone()),
        FormMode::Create => None,
    });
    let draft = Memo::new(move |_| fields.draft());
    let errors = RwSignal::new(ValidationErrors::default());
    let show_errors = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let conflict = RwSignal::new(None::<WebhookResponse>);
    let saving = RwSignal::new(false);
    let update = Memo::new(move |_| original.get().map(|o| diff(&o, &draft.get())));
    let baseline = StoredValue::new(initial.clone());
    let dirty = move || draft.with(|d| *d != baseline.get_value());
    let unchanged = move || update.with(|u| u.as_ref().is_some_and(|u| *u == Default::default()));

    // Validate as the user leaves a field, and show that field's message (all of them
    // after the first submit), so that messages never jump in under the pointer.
    let touched = RwSignal::new(BTreeSet::<&'static str>::new());
    let check = move |event: leptos::ev::FocusEvent| {
        use wasm_bindgen::JsCast;
        let id = event.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).map(|e| e.id()).unwrap_or_default();
        if let Some((prefix, _)) = FIELDS.iter().find(|(_, field)| *field == id) {
            touched.update(|t| {
                t.insert(prefix);
            });
        }
        errors.set(draft.with(WebhookDraft::validate));
    };

    guard_unsaved_changes(Signal::derive(move || dirty() && !saving.get()));

    let save = move || {
        let current = draft.get_untracked();
        let found = current.validate();
        errors.set(found.clone());
        show_errors.set(true);
        if !found.is_empty() {
            if let Some((_, id)) = FIELDS.iter().find(|(prefix, _)| found.0.keys().any(|p| p.starts_with(prefix))) {
                focus(id);
            }
            return;
        }
        saving.set(true);
        failure.set(None);
        let navigate = navigate.clone();
        spawn_local(async move {
            let result: Result<WebhookResponse, ApiError> = match original.get_untracked() {
                None => client.create_webhook(tenant, &current.to_create_request()).await,
                Some(loaded) => match client.fetch_webhook(tenant, loaded.locator).await {
                    Ok(server) if server != loaded => {
                        conflict.set(Some(server));
                        saving.set(false);
                        return;
                    }
                    Ok(_) => client.update_webhook(tenant, loaded.locator, &diff(&loaded, &current)).await,
                    Err(error) => Err(error),
                },
            };
            saving.set(false);
            match result {
                Ok(saved) => {
                    baseline.set_value(WebhookDraft::from(&saved));
                    if original.get_untracked().is_some() {
                        original.set(Some(saved.clone()));
                        fields.load(&WebhookDraft::from(&saved));
                        toasts.success(format!("Saved “{}”.", saved.name));
                    } else {
                        toasts.success(format!("Created “{}”.", saved.name));
                        navigate(&webhook_path(tenant, saved.locator), Default::default());
                    }
                }
                Err(ApiError::BadRequest { message, field_errors }) => {
                    errors.set(ValidationErrors(field_errors.into_iter().collect()));
                    failure.set(Some(format!("The API refused the webhook: {message}. Correct the marked fields.")));
                }
                Err(error) => failure.set(Some(format!("{error} Your changes are still here."))),
            }
        });
    };
    // My changes (against what I loaded) applied on top of theirs.
    let rebase = move |_| {
        if let (Some(server), Some(loaded)) = (conflict.get_untracked(), original.get_untracked()) {
            let mine = diff(&loaded, &draft.get_untracked());
            if let Ok(rebased) = webhooks_api::apply(&server, &mine) {
                fields.load(&WebhookDraft::from(&rebased));
            }
            original.set(Some(server));
            conflict.set(None);
        }
    };
    let discard = move |_| {
        if let Some(server) = conflict.get_untracked() {
            let fresh = WebhookDraft::from(&server);
            baseline.set_value(fresh.clone());
            fields.load(&fresh);
            original.set(Some(server));
            conflict.set(None);
        }
    };
    let is_edit = matches!(mode, FormMode::Edit(_));
    let error_text = move |prefix: &'static str| {
        move || {
            (show_errors.get() || touched.with(|t| t.contains(prefix)))
                .then(|| errors.with(|e| error_for(e, prefix)))
                .flatten()
        }
    };

    view! {
        <form class="webhook-form" novalidate on:submit=move |e| { e.prevent_default(); save(); } on:focusout=check>
            <Show when=move || show_errors.get() && !errors.with(ValidationErrors::is_empty)>
                <div class="error-panel" role="alert" data-testid="error-summary">
                    <p>{move || format!("{} field(s) need attention:", errors.with(|e| e.0.len()))}</p>
                    <ul>{move || errors.get().0.into_iter().map(|(path, message)| view! { <li><code>{path}</code>": "{message}</li> }).collect_view()}</ul>
                </div>
            </Show>
            <fieldset>
                <legend>"General"</legend>
                <div class="field">
                    <label for="webhook-name">"Name"</label>
                    <input id="webhook-name" aria-describedby="name-error" prop:value=fields.name on:input=move |e| fields.name.set(event_target_value(&e)) aria-invalid=move || error_text("name")().is_some().to_string() />
                    <p class="field-error" id="name-error">{error_text("name")}</p>
                </div>
                <div class="field checkbox">
                    <input id="webhook-enabled" type="checkbox" prop:checked=fields.enabled on:change=move |e| fields.enabled.set(event_target_checked(&e)) />
                    <label for="webhook-enabled">"Enabled: deliver events to the endpoint"</label>
                </div>
            </fieldset>
            <fieldset>
                <legend>"Endpoint"</legend>
                <div class="field">
                    <label for="endpoint-url">"URL"</label>
                    <input id="endpoint-url" aria-describedby="url-error" type="url" spellcheck="false" prop:value=fields.url on:input=move |e| fields.url.set(event_target_value(&e)) aria-invalid=move || error_text("endpoint.url")().is_some().to_string() />
                    <p class="field-error" id="url-error">{error_text("endpoint.url")}</p>
                </div>
                <div id="endpoint-headers" tabindex="-1">
                    <HeaderEditor rows=fields.headers label="Endpoint" error=Signal::derive(error_text("endpoint.headers")) />
                </div>
            </fieldset>
            <fieldset id="event-types" tabindex="-1">
                <legend>"Event types"</legend>
                <EventTypePicker selected=fields.event_types on_change=Callback::new(move |s| fields.event_types.set(s)) id="form-types" group_actions=true />
                <p class="field-error">{error_text("eventTypes")}</p>
            </fieldset>
            <fieldset>
                <legend>"Failure handling"</legend>
                <div class="row">
                    {CLASS_TRIGGERS.into_iter().map(|trigger| view! {
                        <label class="check">
                            <input type="checkbox" prop:checked=move || fields.triggers.with(|t| t.contains(trigger))
                                on:change=move |e| { let on = event_target_checked(&e); fields.triggers.update(|t| { if on { t.insert(trigger.to_owned()); } else { t.remove(trigger); } }); } />
                            {format!("Trigger on {trigger}")}
                        </label>
                    }).collect_view()}
                </div>
                <div class="field">
                    <label for="trigger-codes">"Also trigger on these status codes"</label>
                    <input id="trigger-codes" aria-describedby="triggers-error" placeholder="e.g. 429, 503" prop:value=fields.codes on:input=move |e| fields.codes.set(event_target_value(&e)) />
                    <p class="field-error" id="triggers-error">{error_text("failureHandling.triggers")}</p>
                </div>
                <div class="row">
                    <div class="field">
                        <label for="retry-kind">"Retry"</label>
                        <select id="retry-kind" on:change=move |e| fields.retry_kind.set(match event_target_value(&e).as_str() { "linear" => Some(RetryType::Linear), "exponential" => Some(RetryType::Exponential), _ => None })>
                            <option value="none" selected=move || fields.retry_kind.get().is_none()>"No retry"</option>
                            <option value="linear" selected=move || fields.retry_kind.get() == Some(RetryType::Linear)>"Linear"</option>
                            <option value="exponential" selected=move || fields.retry_kind.get() == Some(RetryType::Exponential)>"Exponential"</option>
                        </select>
                    </div>
                    <Show when=move || fields.retry_kind.get().is_some()>
                        <div class="field">
                            <label for="retry-interval">"Interval"</label>
                            <input id="retry-interval" type="number" min="1" prop:value=move || fields.interval.get().to_string() on:input=move |e| fields.interval.set(event_target_value(&e).parse().unwrap_or(0)) />
                        </div>
                        <div class="field">
                            <label for="retry-unit">"Unit"</label>
                            <select id="retry-unit" on:change=move |e| { let v = event_target_value(&e); fields.unit.set(INTERVAL_UNITS.iter().find(|(u, _)| *u == v).map_or("ms", |(u, _)| u)); }>
                                {INTERVAL_UNITS.into_iter().map(|(unit, _)| view! { <option value=unit selected=move || fields.unit.get() == unit>{unit}</option> }).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="retry-attempts">"Attempts (1–10)"</label>
                            <input id="retry-attempts" type="number" min="1" max="10" prop:value=move || fields.attempts.get().to_string() on:input=move |e| fields.attempts.set(event_target_value(&e).parse().unwrap_or(0)) />
                        </div>
                    </Show>
                </div>
                <p class="hint" data-testid="retry-schedule">{move || draft.with(|d| d.failure_handling.retry_strategy.map_or("No retry: a failure that matches a trigger is handled at once.".to_owned(), |s| format!("After a failed try, {}.", retry_schedule(&s))))}</p>
                <p class="field-error">{error_text("failureHandling.retryStrategy")}</p>
                <label class="check"><input type="checkbox" prop:checked=fields.divert on:change=move |e| fields.divert.set(event_target_checked(&e)) />"Divert: keep failed events for resending"</label>
                <label class="check"><input type="checkbox" prop:checked=fields.suspend on:change=move |e| fields.suspend.set(event_target_checked(&e)) />"Suspend the webhook when retries run out"</label>
                <label class="check"><input type="checkbox" prop:checked=fields.alert on:change=move |e| fields.alert.set(event_target_checked(&e)) />"Send failure alerts to an alert endpoint"</label>
                <Show when=move || fields.alert.get()>
                    <div class="field">
                        <label for="alert-url">"Alert endpoint URL"</label>
                        <input id="alert-url" aria-describedby="alert-url-error" type="url" spellcheck="false" prop:value=fields.alert_url on:input=move |e| fields.alert_url.set(event_target_value(&e)) />
                        <p class="field-error" id="alert-url-error">{error_text("failureHandling.alertEndpoint.url")}</p>
                    </div>
                    <div id="alert-headers" tabindex="-1">
                        <HeaderEditor rows=fields.alert_headers label="Alert endpoint" error=Signal::derive(error_text("failureHandling.alertEndpoint.headers")) />
                    </div>
                </Show>
                <button type="button" class="button subtle" on:click=move |_| fields.load_policy(&FailureHandlingDraft::default())>"Reset to EC's default policy"</button>
            </fieldset>
            <Show when=move || is_edit>
                <section class="review" aria-labelledby="review-title" data-testid="review">
                    <h2 id="review-title">"Review changes"</h2>
                    {move || match update.get() {
                        Some(update) if update != Default::default() => view! {
                            <ul>{describe_update(&update).into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}</ul>
                            <pre class="json" data-testid="patch-body">{pretty_json(&serde_json::to_string(&update).unwrap_or_default())}</pre>
                        }.into_any(),
                        _ => view! { <p class="hint">"No changes yet."</p> }.into_any(),
                    }}
                </section>
            </Show>
            <Show when=move || conflict.with(Option::is_some)>
                <section class="conflict" role="alert" data-testid="conflict">
                    <h2>"Changed on the server since you opened it"</h2>
                    <ul>{move || conflict.get().zip(original.get()).map(|(server, loaded)| describe_update(&diff(&loaded, &WebhookDraft::from(&server))).into_iter().map(|line| view! { <li>{line}</li> }).collect_view())}</ul>
                    <div class="actions">
                        <button type="button" class="button primary" on:click=rebase>"Keep my edit on top of theirs"</button>
                        <button type="button" class="button" on:click=discard>"Discard mine, load theirs"</button>
                    </div>
                </section>
            </Show>
            <p class="error-text" role="alert">{move || failure.get()}</p>
            <div class="actions">
                <button type="submit" class="button primary" disabled=move || saving.get() || (is_edit && unchanged())>
                    {move || match (saving.get(), is_edit) { (true, _) => "Saving…", (false, true) => "Save changes", (false, false) => "Create webhook" }}
                </button>
            </div>
        </form>
    }
}

/// Asks before leaving while `dirty`: on reload or closing the tab, and on in-app links
/// (a capturing listener, so that it runs before the router's).
fn guard_unsaved_changes(dirty: Signal<bool>) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    const QUESTION: &str = "You have unsaved changes. Leave this page and lose them?";
    let unload = window_event_listener(leptos::ev::beforeunload, move |event| {
        if dirty.get_untracked() {
            event.prevent_default();
            event.set_return_value(QUESTION);
        }
    });
    let on_click = Closure::<dyn Fn(web_sys::MouseEvent)>::new(move |event: web_sys::MouseEvent| {
        let on_link = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("a[href]").ok().flatten())
            .is_some();
        if on_link && dirty.get_untracked() {
            let leave = web_sys::window().and_then(|w| w.confirm_with_message(QUESTION).ok()).unwrap_or(true);
            if !leave {
                event.prevent_default();
                event.stop_immediate_propagation();
            }
        }
    });
    let Some(window) = web_sys::window() else { return };
    let listener: js_sys::Function = on_click.as_ref().unchecked_ref::<js_sys::Function>().clone();
    let _ = window.add_event_listener_with_callback_and_bool("click", &listener, true);
    // The browser's objects stay on this thread; cleanup runs there too.
    let held = send_wrapper::SendWrapper::new((on_click, listener));
    on_cleanup(move || {
        unload.remove();
        let (on_click, listener) = held.take();
        if let Some(window) = web_sys::window() {
            let _ = window.remove_event_listener_with_callback_and_bool("click", &listener, true);
        }
        drop(on_click);
    });
}
