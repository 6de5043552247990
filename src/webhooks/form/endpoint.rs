//! The form's Endpoint section, and the fields of an endpoint, used for the endpoint and
//! for the alert endpoint alike.

use leptos::prelude::*;

use super::headers::HeaderEditor;
use super::{form_state, FieldGroup, FormCheck, FormText};
use crate::bind;
use crate::shared::format::today;
use crate::webhooks::health::FormSection;
use crate::widgets::field::RevealToggle;
use crate::widgets::toast::CopyButton;

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

    /// A field's label: the endpoint's plain, the alert endpoint's prefixed ("URL" →
    /// "Alert endpoint URL", "Secret tag" → "Alert endpoint secret tag").
    fn label(self, text: &str) -> String {
        match self {
            Self::Endpoint => text.to_owned(),
            Self::Alert if text.chars().nth(1).is_some_and(char::is_lowercase) => {
                format!("Alert endpoint {}{}", text[..1].to_lowercase(), &text[1..])
            }
            Self::Alert => format!("Alert endpoint {text}"),
        }
    }

    /// The id of its Security section (the anchor that health warnings link to).
    fn security_anchor(self) -> &'static str {
        match self {
            Self::Endpoint => FormSection::EndpointSecurity.anchor(),
            Self::Alert => FormSection::AlertSecurity.anchor(),
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
        <fieldset id=FormSection::Endpoint.anchor() tabindex="-1">
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
        <SecurityFields which=slot />
    }
}

/// A new secret in the Standard Webhooks form, which its libraries take as it is:
/// `whsec_` + the base64 of 32 random bytes from the browser's `crypto.getRandomValues`.
fn random_secret() -> Option<String> {
    let window = web_sys::window()?;
    let mut bytes = [0u8; 32];
    window.crypto().ok()?.get_random_values_with_u8_array(&mut bytes).ok()?;
    let binary: String = bytes.iter().map(|byte| char::from(*byte)).collect();
    window.btoa(&binary).ok().map(|base64| format!("{}{base64}", webhooks_api::validate::WHSEC_PREFIX))
}

/// The signing and TLS settings of the endpoint `which`: sign deliveries, the secret
/// (masked, with Reveal, Copy and Generate), its tag, and TLS verification.
#[component]
fn SecurityFields(which: EndpointSlot) -> impl IntoView {
    let (form, slot) = (form_state(), which);
    let values = form.values;
    let secret = endpoint_bind!(values, slot, draft.secret);
    let tag = endpoint_bind!(values, slot, draft.tag);
    let tag_typed = endpoint_bind!(values, slot, tag_typed);
    let revealed = RwSignal::new(false);
    let generated = RwSignal::new(None::<&'static str>);
    // A new secret; its tag becomes today's date unless the user typed one.
    let generate = move |_| match random_secret() {
        Some(new) => {
            secret.set(new);
            if !tag_typed.with_untracked(|typed| *typed) {
                tag.set(today());
            }
            generated.set(Some("A new secret is in the field. Save to use it; your endpoint needs it too."));
        }
        None => generated.set(Some("This browser cannot make a random secret: type one of at least 24 characters.")),
    };
    let (sign_label, verify_label) = match slot {
        EndpointSlot::Endpoint => ("Sign deliveries (Standard Webhooks, HMAC-SHA256)", "Verify the TLS certificate"),
        EndpointSlot::Alert => {
            ("Sign alert notices (Standard Webhooks, HMAC-SHA256)", "Verify the alert endpoint's TLS certificate")
        }
    };
    view! {
        <fieldset class="security" id=slot.security_anchor() tabindex="-1">
            <legend>{slot.label("Security")}</legend>
            <FormCheck label=sign_label bind=endpoint_bind!(values, slot, draft.hmac_enabled) />
            <div class="secret-row">
                <FormText
                    label=slot.label("Signing secret")
                    path=slot.path("secret")
                    bind=secret
                    kind="password"
                    revealed=Some(revealed)
                    hint="Generate makes one in the Standard Webhooks form (whsec_ + base64), which its libraries take as it \
                    is; your endpoint keeps the same secret to check signatures."
                />
                <div class="actions">
                    <RevealToggle revealed what="secret" class="button subtle" />
                    <CopyButton
                        text=Signal::derive(move || secret.get())
                        label="Copy secret"
                        done="Copied the signing secret."
                        class="button subtle"
                    />
                    <button type="button" class="button" on:click=generate>
                        "Generate"
                    </button>
                </div>
                <p class="hint" role="status">
                    {move || generated.get()}
                </p>
            </div>
            <FormText
                label=slot.label("Secret tag")
                path=slot.path("tag")
                bind=tag
                hint="Your label for the secret in use, e.g. the date it was made; the reference server sends it as \
                webhook-secret-tag (EC documents the tag, not its headers)."
                on_typed=Callback::new(move |()| tag_typed.set(true))
            />
            <FormCheck label=verify_label bind=endpoint_bind!(values, slot, draft.secure_ssl) />
        </fieldset>
    }
}
