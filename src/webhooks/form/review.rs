//! The form's Review changes panel (edit only) and the panel of a concurrent change.

use leptos::prelude::*;
use webhooks_api::{diff, UpdateWebhookRequest, WebhookDraft, WebhookResponse};

use super::model::{describe_update, mask_secrets};
use crate::shared::format::pretty_json;
use crate::widgets::field::RevealToggle;

/// The minimal PATCH body that `diff` computed, in words and as the exact JSON.
#[component]
pub(super) fn ReviewSection(update: Memo<Option<UpdateWebhookRequest>>) -> impl IntoView {
    view! {
        <section class="review" aria-labelledby="review-title" data-testid="review">
            <h2 id="review-title">"Review changes"</h2>
            {move || match update.get() {
                Some(update) if update != Default::default() => {
                    view! {
                        <ul>
                            {describe_update(&update).into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
                        </ul>
                        <PatchBody json=serde_json::to_string(&update).unwrap_or_default() />
                    }
                        .into_any()
                }
                _ => view! { <p class="hint">"No changes yet."</p> }.into_any(),
            }}
        </section>
    }
}

/// The PATCH body as JSON, its secrets (a new signing secret, secret header values)
/// masked until revealed.
#[component]
fn PatchBody(json: String) -> impl IntoView {
    let (masked, plain) = (pretty_json(&mask_secrets(&json)), pretty_json(&json));
    let has_secrets = masked != plain;
    let revealed = RwSignal::new(false);
    view! {
        {has_secrets
            .then(|| {
                view! { <RevealToggle revealed what="secrets" class="button subtle" /> }
            })}
        <pre class="json" data-testid="patch-body">
            {move || if revealed.get() { plain.clone() } else { masked.clone() }}
        </pre>
    }
}

/// What changed on the server since the form was loaded, and the two ways on.
#[component]
pub(super) fn ConflictSection(
    /// The webhook as the server has it now, while it differs from what was loaded.
    conflict: RwSignal<Option<WebhookResponse>>,
    /// The webhook as it was loaded.
    original: RwSignal<Option<WebhookResponse>>,
    /// Re-applies the user's edit on top of the server's version.
    rebase: Callback<()>,
    /// Drops the user's edit and loads the server's version.
    discard: Callback<()>,
) -> impl IntoView {
    let changes = move || {
        conflict.get().zip(original.get()).map(|(server, loaded)| {
            describe_update(&diff(&loaded, &WebhookDraft::from(&server)))
                .into_iter()
                .map(|line| view! { <li>{line}</li> })
                .collect_view()
        })
    };
    view! {
        <Show when=move || conflict.with(Option::is_some)>
            <section class="conflict" role="alert" data-testid="conflict">
                <h2>"Changed on the server since you opened it"</h2>
                <ul>{changes}</ul>
                <div class="actions">
                    <button type="button" class="button primary" on:click=move |_| rebase.run(())>
                        "Keep my edit on top of theirs"
                    </button>
                    <button type="button" class="button" on:click=move |_| discard.run(())>
                        "Discard mine, load theirs"
                    </button>
                </div>
            </section>
        </Show>
    }
}
