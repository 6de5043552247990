//! A confirmation dialog (the native `<dialog>`, modal, so focus stays inside it).

use leptos::html::Dialog;
use leptos::prelude::*;

/// What to ask before doing something that cannot be undone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// The dialog's heading, e.g. "Delete “Invoices”?".
    pub title: String,
    /// What will happen, in words.
    pub message: String,
    /// The confirm button's label, e.g. "Delete".
    pub confirm_label: String,
}

/// A question waiting for an answer, and what to do on "yes".
#[derive(Clone)]
pub struct Confirmation {
    /// What the dialog asks.
    pub question: Question,
    /// Run when confirmed.
    pub on_confirm: Callback<()>,
}

/// Runs `go` once `pending`'s dialog confirms `question`, or at once when there is nothing to ask.
pub fn ask_then(pending: RwSignal<Option<Confirmation>>, question: Option<Question>, go: Callback<()>) {
    match question {
        Some(question) => pending.set(Some(Confirmation { question, on_confirm: go })),
        None => go.run(()),
    }
}

/// Shows `pending` as a modal dialog while it is set; Cancel or Escape clears it.
#[component]
pub fn ConfirmDialog(pending: RwSignal<Option<Confirmation>>) -> impl IntoView {
    let dialog = NodeRef::<Dialog>::new();
    Effect::new(move |_| {
        let Some(element) = dialog.get() else { return };
        if pending.with(Option::is_some) {
            if !element.open() {
                let _ = element.show_modal();
            }
        } else if element.open() {
            element.close();
        }
    });
    let confirm = move |_| {
        if let Some(confirmation) = pending.get_untracked() {
            pending.set(None);
            confirmation.on_confirm.run(());
        }
    };
    view! {
        <dialog node_ref=dialog class="dialog" aria-labelledby="confirm-title" on:close=move |_| pending.set(None)>
            {move || {
                pending
                    .get()
                    .map(|c| {
                        view! {
                            <h2 id="confirm-title">{c.question.title}</h2>
                            <p>{c.question.message}</p>
                            <div class="actions">
                                <button type="button" class="button danger" on:click=confirm>
                                    {c.question.confirm_label}
                                </button>
                                <button type="button" class="button" on:click=move |_| pending.set(None) autofocus>
                                    "Cancel"
                                </button>
                            </div>
                        }
                    })
            }}
        </dialog>
    }
}
