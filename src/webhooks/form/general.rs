//! The form's General and Event types sections.

use leptos::prelude::*;

use super::{form_state, FieldGroup, FormCheck, FormText};
use crate::bind;
use crate::webhooks::health::FormSection;
use crate::widgets::event_type_picker::EventTypePicker;

/// The name, and whether events are delivered.
#[component]
pub(super) fn GeneralSection() -> impl IntoView {
    let values = form_state().values;
    view! {
        <fieldset>
            <legend>"General"</legend>
            <FormText label="Name" path="name" bind=bind!(values, draft.name) />
            <FormCheck label="Enabled: deliver events to the endpoint" bind=bind!(values, draft.enabled) />
        </fieldset>
    }
}

/// The event types the webhook receives, picked from EC's catalog or typed.
#[component]
pub(super) fn EventTypesSection() -> impl IntoView {
    let form = form_state();
    let event_types = bind!(form.values, draft.event_types);
    let error = form.error("eventTypes".to_owned());
    view! {
        <fieldset id=FormSection::EventTypes.anchor() tabindex="-1">
            <legend>"Event types"</legend>
            <FieldGroup path="eventTypes">
                <EventTypePicker
                    selected=event_types.memo()
                    on_change=Callback::new(move |types| event_types.set(types))
                    id="form-types"
                    group_actions=true
                />
            </FieldGroup>
            <p class="field-error">{move || error.get()}</p>
        </fieldset>
    }
}
