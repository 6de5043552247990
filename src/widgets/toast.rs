//! Toasts: short messages about what just happened, read out by screen readers.

use std::time::Duration;

use leptos::prelude::*;

/// How long a toast stays.
const TOAST_LIFETIME: Duration = Duration::from_secs(6);

/// Whether a toast reports success or failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToastKind {
    /// Something was done.
    Success,
    /// Something failed.
    Error,
}

/// One toast.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toast {
    id: u64,
    kind: ToastKind,
    message: String,
}

/// The app's toasts, provided in context.
#[derive(Clone, Copy)]
pub struct Toasts {
    shown: RwSignal<Vec<Toast>>,
    next_id: StoredValue<u64>,
}

impl Toasts {
    /// No toasts yet.
    pub fn new() -> Self {
        Self { shown: RwSignal::new(Vec::new()), next_id: StoredValue::new(0) }
    }

    /// Shows a toast for a while.
    pub fn show(&self, kind: ToastKind, message: impl Into<String>) {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        self.shown.update(|shown| shown.push(Toast { id, kind, message: message.into() }));
        let this = *self;
        set_timeout(move || this.dismiss(id), TOAST_LIFETIME);
    }

    /// Reports success.
    pub fn success(&self, message: impl Into<String>) {
        self.show(ToastKind::Success, message);
    }

    /// Reports a failure.
    pub fn error(&self, message: impl Into<String>) {
        self.show(ToastKind::Error, message);
    }

    /// Copies `text` to the clipboard and says so with `done`, or says how to copy by hand.
    pub fn copy(&self, text: &str, done: impl Into<String>) {
        match web_sys::window().map(|window| window.navigator().clipboard().write_text(text)) {
            Some(_) => self.success(done),
            None => self.error("Copying is not available here: select the text and copy it."),
        }
    }

    fn dismiss(&self, id: u64) {
        self.shown.try_update(|shown| shown.retain(|toast| toast.id != id));
    }
}

impl Default for Toasts {
    fn default() -> Self {
        Self::new()
    }
}

/// The toasts in context.
pub fn use_toasts() -> Toasts {
    expect_context::<Toasts>()
}

/// Where toasts appear: a live region, so that they are announced.
#[component]
pub fn ToastRegion() -> impl IntoView {
    let toasts = use_toasts();
    view! {
        <div class="toasts" role="status" aria-live="polite" data-testid="toasts">
            <For each=move || toasts.shown.get() key=|toast| toast.id let:toast>
                <div class=match toast.kind {
                    ToastKind::Success => "toast toast-success",
                    ToastKind::Error => "toast toast-error",
                }>
                    <span>{toast.message}</span>
                    <button
                        type="button"
                        class="toast-close"
                        aria-label="Dismiss"
                        on:click=move |_| toasts.dismiss(toast.id)
                    >
                        "×"
                    </button>
                </div>
            </For>
        </div>
    }
}

/// A button that copies `text` and says so in a toast (`done`, e.g. "Copied the JSON.").
#[component]
pub fn CopyButton(
    /// What is copied (read when clicked).
    #[prop(into)]
    text: Signal<String>,
    /// The visible label, e.g. "Copy JSON".
    label: &'static str,
    /// The toast once copied.
    #[prop(into)]
    done: String,
    /// Its classes: "button", or "icon-button" beside a value.
    #[prop(default = "button")]
    class: &'static str,
    /// The accessible name when the label alone is ambiguous ("Copy the URL of Invoices").
    #[prop(optional)]
    aria_label: Option<String>,
) -> impl IntoView {
    let toasts = use_toasts();
    view! {
        <button
            type="button"
            class=class
            aria-label=aria_label
            on:click=move |_| text.with_untracked(|text| toasts.copy(text, done.clone()))
        >
            {label}
        </button>
    }
}
