//! One form for creating and editing a webhook, over the contract's `WebhookDraft`.
//! In edit mode it shows, before saving, what `diff` will send (in words and as JSON),
//! checks for a concurrent change on the server, and never loses what was typed.
//!
//! The form's state is one signal of [`FormValues`]; every control is bound to a value
//! inside it ([`bind!`](crate::bind)) and checked as the draft's field at its path. A field
//! that the draft has as it is typed costs one line of markup in its section.

mod endpoint;
mod failure_handling;
mod general;
mod headers;
pub mod model;
mod review;
mod unsaved_changes;

use std::collections::BTreeSet;
use std::str::FromStr;

use leptos::prelude::*;
use webhooks_api::{diff, TenantLocator, ValidationErrors, WebhookDraft, WebhookResponse};

use crate::api::{calls, use_api, ApiError};
use crate::shared::routes;
use crate::widgets::field::{Bound, CheckField, SelectField, TextField};
use crate::widgets::toast::use_toasts;
use model::FormValues;
use unsaved_changes::guard_unsaved_changes;

use endpoint::EndpointSection;
use failure_handling::FailureHandlingSection;
use general::{EventTypesSection, GeneralSection};
use review::{ConflictSection, ReviewSection};

/// What the form is for.
#[derive(Clone)]
pub enum FormMode {
    /// A new webhook (possibly a duplicate of another).
    Create,
    /// An existing webhook, as loaded.
    Edit(Box<WebhookResponse>),
}

/// What the form's controls share (in context): the values, the validation errors, and
/// which of them show.
#[derive(Clone, Copy)]
struct FormState {
    values: RwSignal<FormValues>,
    errors: RwSignal<ValidationErrors>,
    /// Paths of the fields the user has left: their errors show.
    touched: RwSignal<BTreeSet<String>>,
    /// After a submit, every error shows.
    show_all: RwSignal<bool>,
}

impl FormState {
    /// The message for the field at `path` (its first error, or one under it), once the
    /// field has been left or the form submitted, so that messages never jump in under
    /// the pointer.
    fn error(&self, path: String) -> Signal<Option<String>> {
        let this = *self;
        Signal::derive(move || {
            let shown = this.show_all.get() || this.touched.with(|touched| touched.contains(&path));
            shown
                .then(|| {
                    this.errors.with(|errors| {
                        errors
                            .0
                            .iter()
                            .find(|(at, _)| at.starts_with(path.as_str()))
                            .map(|(_, message)| message.clone())
                    })
                })
                .flatten()
        })
    }

    /// Marks the field at `path` as left, and checks the whole draft again.
    fn touch(&self, path: &str) {
        if !self.touched.with_untracked(|touched| touched.contains(path)) {
            self.touched.update(|touched| {
                touched.insert(path.to_owned());
            });
        }
        self.errors.set(self.values.with_untracked(|values| values.to_draft().validate()));
    }
}

fn form_state() -> FormState {
    expect_context::<FormState>()
}

/// The element id of the control of the field at `path`.
fn field_id(path: &str) -> String {
    format!("field-{}", path.replace('.', "-"))
}

/// Focuses the first control marked invalid, once the marks are drawn.
fn focus_first_error() {
    use wasm_bindgen::JsCast;
    request_animation_frame(|| {
        let document = web_sys::window().and_then(|w| w.document());
        let first = document
            .and_then(|d| {
                d.query_selector(".webhook-form [aria-invalid=\"true\"], .webhook-form [data-invalid=\"true\"]").ok()
            })
            .flatten();
        if let Some(element) = first.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = element.focus();
        }
    });
}

/// Scrolls to and focuses the section the URL's fragment names, if any.
fn focus_linked_section() {
    use wasm_bindgen::JsCast;
    let Some(window) = web_sys::window() else { return };
    let hash = window.location().hash().unwrap_or_default();
    let Some(id) = hash.strip_prefix('#').filter(|id| !id.is_empty() && !id.contains('=')) else { return };
    let section = window.document().and_then(|d| d.get_element_by_id(id));
    if let Some(section) = section.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        section.scroll_into_view();
        let _ = section.focus();
    }
}

/// A text or number input for the value `bind`, checked as the draft's field at `path`.
#[component]
fn FormText<T>(
    /// The visible label.
    #[prop(into)]
    label: String,
    /// The draft's field path whose errors it shows.
    #[prop(into)]
    path: String,
    /// The value in the form.
    bind: Bound<FormValues, T>,
    /// The input's type.
    #[prop(default = "text")]
    kind: &'static str,
    /// An example shown while empty.
    #[prop(optional)]
    placeholder: Option<&'static str>,
    /// The smallest number (number inputs).
    #[prop(optional_no_strip)]
    min: Option<&'static str>,
    /// The largest number (number inputs).
    #[prop(optional_no_strip)]
    max: Option<&'static str>,
    /// What it says under the input.
    #[prop(optional)]
    hint: Option<&'static str>,
    /// A masked input (`kind` "password") shows its value while this holds.
    #[prop(optional_no_strip)]
    revealed: Option<RwSignal<bool>>,
    /// Told after each change the user types.
    #[prop(optional)]
    on_typed: Option<Callback<()>>,
) -> impl IntoView
where
    T: Clone + PartialEq + ToString + FromStr + Default + Send + Sync + 'static,
{
    let form = form_state();
    let shown = bind.memo();
    let leave = path.clone();
    let on_input = Callback::new(move |text: String| {
        bind.set(text.trim().parse().unwrap_or_default());
        if let Some(on_typed) = on_typed {
            on_typed.run(());
        }
    });
    view! {
        <TextField
            id=field_id(&path)
            label
            hint=hint.unwrap_or_default()
            value=Signal::derive(move || shown.with(T::to_string))
            on_input
            error=form.error(path)
            on_leave=Callback::new(move |()| form.touch(&leave))
            kind
            placeholder=placeholder.unwrap_or_default()
            min
            max
            revealed
        />
    }
}

/// A `<select>` of `options` (key, label) for the key `bind`.
#[component]
fn FormSelect(
    /// The visible label.
    #[prop(into)]
    label: String,
    /// The draft's field path whose errors it shows.
    #[prop(into)]
    path: String,
    /// The key chosen, in the form.
    bind: Bound<FormValues, &'static str>,
    /// The choices.
    options: Vec<(&'static str, &'static str)>,
) -> impl IntoView {
    let form = form_state();
    let shown = bind.memo();
    let choices: Vec<(String, String)> =
        options.iter().map(|(key, text)| ((*key).to_owned(), (*text).to_owned())).collect();
    let on_change = Callback::new(move |key: String| {
        if let Some((chosen, _)) = options.iter().find(|(option, _)| *option == key) {
            bind.set(chosen);
        }
    });
    view! {
        <SelectField
            id=field_id(&path)
            label
            options=Signal::stored(choices)
            value=Signal::derive(move || shown.get().to_owned())
            on_change
            error=form.error(path)
        />
    }
}

/// A checkbox for the flag `bind`.
#[component]
fn FormCheck(
    /// What ticking it means.
    #[prop(into)]
    label: String,
    /// The flag in the form.
    bind: Bound<FormValues, bool>,
) -> impl IntoView {
    view! { <CheckField label checked=bind.memo() on_change=Callback::new(move |on| bind.set(on)) /> }
}

/// A group of controls (headers, event types) checked as the draft's field at `path`:
/// marked invalid (the focus goes there after a failed submit) and left as one.
#[component]
fn FieldGroup(
    /// The draft's field path.
    #[prop(into)]
    path: String,
    children: Children,
) -> impl IntoView {
    let form = form_state();
    let error = form.error(path.clone());
    view! {
        <div
            class="field-group"
            id=field_id(&path)
            tabindex="-1"
            data-invalid=move || error.with(Option::is_some).to_string()
            on:focusout=move |_| form.touch(&path)
        >
            {children()}
        </div>
    }
}

/// The create and edit form. `on_saved` hears of every saved edit.
#[component]
pub fn WebhookForm(
    tenant: TenantLocator,
    initial: WebhookDraft,
    mode: FormMode,
    /// Told the webhook after each save of an edit.
    #[prop(optional)]
    on_saved: Option<Callback<WebhookResponse>>,
) -> impl IntoView {
    let client = use_api();
    let toasts = use_toasts();
    let navigate = leptos_router::hooks::use_navigate();
    let form = FormState {
        values: RwSignal::new(FormValues::from_draft(&initial)),
        errors: RwSignal::new(ValidationErrors::default()),
        touched: RwSignal::new(BTreeSet::new()),
        show_all: RwSignal::new(false),
    };
    provide_context(form);
    let values = form.values;
    let original = RwSignal::new(match &mode {
        FormMode::Edit(webhook) => Some(webhook.as_ref().clone()),
        FormMode::Create => None,
    });
    let draft = Memo::new(move |_| values.with(FormValues::to_draft));
    let failure = RwSignal::new(None::<String>);
    let conflict = RwSignal::new(None::<WebhookResponse>);
    let update = Memo::new(move |_| original.get().map(|o| diff(&o, &draft.get())));
    let baseline = StoredValue::new(initial);
    let dirty = move || draft.with(|d| *d != baseline.get_value());
    let unchanged = move || update.with(|u| u.as_ref().is_some_and(|u| *u == Default::default()));
    // Puts a saved or fetched webhook into the form, as what it now starts from.
    let load = move |webhook: WebhookResponse| {
        let loaded = WebhookDraft::from(&webhook);
        baseline.set_value(loaded.clone());
        values.set(FormValues::from_draft(&loaded));
        original.set(Some(webhook));
    };

    let save = Action::new_local(move |current: &WebhookDraft| {
        let current = current.clone();
        let navigate = navigate.clone();
        async move {
            failure.set(None);
            let result = match original.get_untracked() {
                None => client.run(calls::create_webhook(tenant, &current.to_create_request())).await,
                Some(loaded) => match client.run(calls::fetch_webhook(tenant, loaded.locator)).await {
                    Ok(server) if server != loaded => {
                        conflict.set(Some(server));
                        return;
                    }
                    Ok(_) => client.run(calls::update_webhook(tenant, loaded.locator, &diff(&loaded, &current))).await,
                    Err(error) => Err(error),
                },
            };
            match result {
                Ok(saved) if original.get_untracked().is_some() => {
                    toasts.success(format!("Saved “{}”.", saved.name));
                    if let Some(on_saved) = on_saved {
                        on_saved.run(saved.clone());
                    }
                    load(saved);
                }
                Ok(created) => {
                    baseline.set_value(WebhookDraft::from(&created));
                    toasts.success(format!("Created “{}”.", created.name));
                    navigate(&routes::webhook(tenant, created.locator), Default::default());
                }
                Err(ApiError::BadRequest { message, field_errors }) => {
                    form.errors.set(ValidationErrors(field_errors.into_iter().collect()));
                    failure.set(Some(format!("The API refused the webhook: {message}. Correct the marked fields.")));
                    focus_first_error();
                }
                Err(error) => failure.set(Some(format!("{error} Your changes are still here."))),
            }
        }
    });
    let saving = save.pending();
    guard_unsaved_changes(Signal::derive(move || dirty() && !saving.get()));
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let current = draft.get_untracked();
        let found = current.validate();
        let valid = found.is_empty();
        form.errors.set(found);
        form.show_all.set(true);
        if valid {
            save.dispatch_local(current);
        } else {
            focus_first_error();
        }
    };
    // My changes (against what I loaded) applied on top of theirs.
    let rebase = Callback::new(move |()| {
        if let (Some(server), Some(loaded)) = (conflict.get_untracked(), original.get_untracked()) {
            let mine = diff(&loaded, &draft.get_untracked());
            if let Ok(rebased) = webhooks_api::apply(&server, &mine) {
                values.set(FormValues::from_draft(&WebhookDraft::from(&rebased)));
            }
            original.set(Some(server));
            conflict.set(None);
        }
    });
    let discard = Callback::new(move |()| {
        if let Some(server) = conflict.get_untracked() {
            load(server);
            conflict.set(None);
        }
    });
    let is_edit = matches!(mode, FormMode::Edit(_));
    // A link to a section (a health warning's "…/edit#failure-handling") opens it.
    request_animation_frame(focus_linked_section);
    let on_focusout = move |_| form.errors.set(draft.with(WebhookDraft::validate));

    view! {
        <form class="webhook-form" novalidate on:submit=on_submit on:focusout=on_focusout>
            <Show when=move || form.show_all.get() && !form.errors.with(ValidationErrors::is_empty)>
                <div class="error-panel" role="alert" data-testid="error-summary">
                    <p>{move || format!("{} field(s) need attention:", form.errors.with(|e| e.0.len()))}</p>
                    <ul>
                        {move || {
                            form.errors
                                .get()
                                .0
                                .into_iter()
                                .map(|(path, message)| {
                                    view! {
                                        <li>
                                            <code>{path}</code>
                                            ": "
                                            {message}
                                        </li>
                                    }
                                })
                                .collect_view()
                        }}
                    </ul>
                </div>
            </Show>
            <GeneralSection />
            <EndpointSection />
            <EventTypesSection />
            <FailureHandlingSection />
            <Show when=move || is_edit>
                <ReviewSection update />
            </Show>
            <ConflictSection conflict original rebase discard />
            <p class="error-text" role="alert">
                {move || failure.get()}
            </p>
            <div class="actions">
                <button type="submit" class="button primary" disabled=move || saving.get() || (is_edit && unchanged())>
                    {move || match (saving.get(), is_edit) {
                        (true, _) => "Saving…",
                        (false, true) => "Save changes",
                        (false, false) => "Create webhook",
                    }}
                </button>
            </div>
        </form>
    }
}
