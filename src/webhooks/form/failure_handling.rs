//! The form's Failure handling section: triggers, retry strategy, divert, suspend and
//! the alert endpoint.

use leptos::prelude::*;
use webhooks_api::FailureHandlingDraft;

use super::endpoint::{EndpointFields, EndpointSlot};
use super::model::{retry_schedule, FormValues, INTERVAL_UNITS, INTERVAL_UNIT_NOTE, RETRY_KINDS, TRIGGER_CLASSES};
use super::{form_state, FormCheck, FormSelect, FormText};
use crate::bind;
use crate::webhooks::health::FormSection;
use crate::widgets::field::CheckField;

/// What happens when a delivery fails.
#[component]
pub(super) fn FailureHandlingSection() -> impl IntoView {
    let form = form_state();
    let values = form.values;
    let triggers = bind!(values, draft.failure_handling.triggers);
    let retrying = move || values.with(|v| v.retry.kind != "none");
    let alert = bind!(values, alert);
    let schedule = move || {
        values.with(|v| match v.to_draft().failure_handling.retry_strategy {
            Some(strategy) => format!("After a failed try, {}.", retry_schedule(&strategy)),
            None => "No retry: a failure that matches a trigger is handled at once.".to_owned(),
        })
    };
    let class_check = move |class: &'static str| {
        let checked = Signal::derive(move || triggers.get().contains(class));
        let on_change = Callback::new(move |on: bool| {
            triggers.update(|t| {
                if on {
                    t.insert(class.to_owned());
                } else {
                    t.remove(class);
                }
            })
        });
        view! { <CheckField label=format!("Trigger on {class}") checked on_change /> }
    };
    let units = INTERVAL_UNITS.iter().map(|(unit, _)| (*unit, *unit)).collect::<Vec<_>>();
    view! {
        <fieldset id=FormSection::FailureHandling.anchor() tabindex="-1">
            <legend>"Failure handling"</legend>
            <div class="row">{TRIGGER_CLASSES.map(class_check).collect_view()}</div>
            <FormText
                label="Also trigger on these status codes"
                path="failureHandling.triggers"
                bind=bind!(values, codes)
                placeholder="e.g. 429, 503"
            />
            <div class="row">
                <FormSelect
                    label="Retry"
                    path="failureHandling.retryStrategy.type"
                    bind=bind!(values, retry.kind)
                    options=RETRY_KINDS.to_vec()
                />
                <Show when=retrying>
                    <FormText
                        label="Interval"
                        path="failureHandling.retryStrategy.interval"
                        bind=bind!(values, retry.amount)
                        kind="number"
                        min=Some("1")
                        hint=INTERVAL_UNIT_NOTE
                    />
                    <FormSelect
                        label="Unit"
                        path="failureHandling.retryStrategy.unit"
                        bind=bind!(values, retry.unit)
                        options=units.clone()
                    />
                    <FormText
                        label="Attempts (1–10)"
                        path="failureHandling.retryStrategy.attempts"
                        bind=bind!(values, retry.attempts)
                        kind="number"
                        min=Some("1")
                        max=Some("10")
                    />
                </Show>
            </div>
            <p class="hint" data-testid="retry-schedule">
                {schedule}
            </p>
            <FormCheck
                label="Divert: keep failed events for resending"
                bind=bind!(values, draft.failure_handling.divert)
            />
            <FormCheck
                label="Suspend the webhook when retries run out"
                bind=bind!(values, draft.failure_handling.suspend)
            />
            <FormCheck label="Send failure alerts to an alert endpoint" bind=alert />
            <Show when=move || alert.get()>
                <EndpointFields which=EndpointSlot::Alert />
            </Show>
            <button
                type="button"
                class="button subtle"
                on:click=move |_| values.update(|v: &mut FormValues| v.set_policy(&FailureHandlingDraft::default()))
            >
                "Reset to EC's default policy"
            </button>
        </fieldset>
    }
}
