//! The form's Endpoint section, and the fields of an endpoint, used for the endpoint and
//! for the alert endpoint alike.

use leptos::prelude::*;

use super::{form_state, FieldGroup, FormText};
use crate::bind;
use crate::components::header_editor::HeaderEditor;

/// Which endpoint of the webhook a part of the form edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum EndpointSlot {
    /// Where events are delivered.
    Endpoint,
    /// Where failure alerts go.
    Alert,
}

impl EndpointSlot {
    /// How the form names it in labels: "Endpoint", "Alert endpoint".
    fn name(self) -> &'static str {
        match self {
            Self::Endpoint => "Endpoint",
            Self::Alert => "Alert endpoint",
        }
    }

    /// The draft's path of its field `field`, e.g. `failureHandling.alertEndpoint.url`.
    fn path(self, field: &str) -> String {
        match self {
            Self::Endpoint => format!("endpoint.{field}"),
            Self::Alert => format!("failureHandling.alertEndpoint.{field}"),
        }
    }

    /// A field's label: the endpoint's plain, the alert endpoint's prefixed.
    fn label(self, text: &str) -> String {
        match self {
            Self::Endpoint => text.to_owned(),
            Self::Alert => format!("Alert endpoint {text}"),
        }
    }
}

/// `endpoint_bind!(values, slot, draft.url)`: the value `draft.url` of the endpoint in `slot`.
macro_rules! endpoint_bind {
    ($values:expr, $slot:expr, $($path:tt)+) => {
        match $slot {
            EndpointSlot::Endpoint => bind!($values, endpoint.$($path)+),
            EndpointSlot::Alert => bind!($values, alert_endpoint.$($path)+),
        }
    };
}

/// Where events are delivered.
#[component]
pub(super) fn EndpointSection() -> impl IntoView {
    view! {
        <fieldset>
            <legend>"Endpoint"</legend>
            <EndpointFields which=EndpointSlot::Endpoint />
        </fieldset>
    }
}

/// The URL and the headers of the endpoint `which`.
#[component]
pub(super) fn EndpointFields(which: EndpointSlot) -> impl IntoView {
    let (form, slot) = (form_state(), which);
    let values = form.values;
    view! {
        <FormText
            label=slot.label("URL")
            path=slot.path("url")
            bind=endpoint_bind!(values, slot, draft.url)
            kind="url"
        />
        <FieldGroup path=slot.path("headers")>
            <HeaderEditor
                rows=endpoint_bind!(values, slot, headers)
                label=slot.name()
                error=form.error(slot.path("headers"))
            />
        </FieldGroup>
    }
}
