//! A confirmation dialog (the native `<dialog>`, modal, so focus stays inside it).

use leptos::html::Dialog;
use leptos::prelude::*;

/// What to confirm.
#[derive(Clone)]
pub struct Confirmation {
    /// The dialog's heading, e.g. "Delete “Invoices”?".
    pub title: String,
    /// What will happen, in words.
    pub message: String,
    /// The confirm button's label, e.g. "Delete".
    pub confirm_label: String,
    /// Run when confirmed.
    pub on_confirm: Callback<()>,
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
            {move || pending.get().map(|c| view! {
                <h2 id="confirm-title">{c.title}</h2>
                <p>{c.message}</p>
                <div class="actions">
                    <button type="button" class="button danger" on:click=confirm>{c.confirm_label}</button>
                    <button type="button" class="button" on:click=move |_| pending.set(None) autofocus>"Cancel"</button>
                </div>
            })}
        </dialog>
    }
}
