//! The actions on one webhook ([`RowAction`]: from a row's menu, the bulk bar or the
//! webhook's page) and the button that offers an action, any action, wherever it is.

use leptos::prelude::*;
use leptos::task::spawn_local;
use webhooks_api::{Locator, TenantLocator, UpdateWebhookRequest, WebhookResponse};

use crate::api::{calls, ApiClient, ApiError};
use crate::widgets::confirm::{ask_then, Confirmation, Question};
use crate::widgets::toast::Toasts;

/// A change to one webhook that the table (or a bulk action) can make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowAction {
    /// PATCH `{enabled: true}`.
    Enable,
    /// PATCH `{enabled: false}`.
    Disable,
    /// PATCH …/unsuspend.
    Unsuspend,
    /// DELETE.
    Delete,
}

impl RowAction {
    /// The button's label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Enable => "Enable",
            Self::Disable => "Disable",
            Self::Unsuspend => "Unsuspend",
            Self::Delete => "Delete",
        }
    }

    /// What the toast says was done.
    fn past(self) -> &'static str {
        match self {
            Self::Enable => "Enabled",
            Self::Disable => "Disabled",
            Self::Unsuspend => "Unsuspended",
            Self::Delete => "Deleted",
        }
    }

    /// Calls the API; the webhook after the change (`None` once deleted).
    pub async fn run(
        self,
        client: ApiClient,
        tenant: TenantLocator,
        locator: Locator,
    ) -> Result<Option<WebhookResponse>, ApiError> {
        let enabled = |enabled| UpdateWebhookRequest { enabled: Some(enabled), ..Default::default() };
        match self {
            Self::Enable => client.run(calls::update_webhook(tenant, locator, &enabled(true))).await.map(Some),
            Self::Disable => client.run(calls::update_webhook(tenant, locator, &enabled(false))).await.map(Some),
            Self::Unsuspend => {
                client.run_empty(calls::unsuspend_webhook(tenant, locator)).await?;
                client.run(calls::fetch_webhook(tenant, locator)).await.map(Some)
            }
            Self::Delete => client.run_empty(calls::delete_webhook(tenant, locator)).await.map(|()| None),
        }
    }

    /// Runs the action on one webhook from a row or a page: asks first where it needs to
    /// (through `host.confirm`), says how it went in a toast, and hands the webhook after
    /// the change (`None` once deleted) to `done`.
    pub fn start(
        self,
        host: ActionHost,
        tenant: TenantLocator,
        webhook: &WebhookResponse,
        done: Callback<Option<WebhookResponse>>,
    ) {
        let (locator, name) = (webhook.locator, webhook.name.clone());
        let go = Callback::new(move |()| {
            let name = name.clone();
            spawn_local(async move {
                match self.run(host.client, tenant, locator).await {
                    Ok(after) => {
                        done.run(after);
                        host.toasts.success(format!("{} “{name}”.", self.past()));
                    }
                    Err(error) => {
                        host.toasts.error(format!("Could not {} “{name}”: {error}", self.label().to_lowercase()))
                    }
                }
            });
        });
        ask_then(host.confirm, self.question(&webhook.name), go);
    }

    /// What to ask before running this action on the webhook `name`, if it needs asking.
    fn question(self, name: &str) -> Option<Question> {
        let (title, message) = match self {
            Self::Delete => (
                format!("Delete “{name}”?"),
                "The webhook and its diverted events are deleted for good. Events will no longer be sent to its endpoint.",
            ),
            Self::Unsuspend => (
                format!("Unsuspend “{name}”?"),
                "Deliveries to its endpoint start again with the next event. Diverted events stay until you resend or delete them.",
            ),
            Self::Enable | Self::Disable => return None,
        };
        Some(Question { title, message: message.into(), confirm_label: self.label().into() })
    }
}

/// What running a [`RowAction`] needs from the table or page it runs from.
#[derive(Clone, Copy)]
pub struct ActionHost {
    /// The API client.
    pub client: ApiClient,
    /// Where the outcome is told.
    pub toasts: Toasts,
    /// Where a question is asked first (shown by a `ConfirmDialog`).
    pub confirm: RwSignal<Option<Confirmation>>,
}

/// The button of an action (a [`RowAction`], or a diverted event's), wherever one is
/// offered (row, menu, bulk bar, page): off while `busy`, and off with the reason as its
/// title while the token lacks the permission.
#[component]
pub fn ActionButton<A>(
    action: A,
    /// The text, e.g. "Disable" or "Disable selected".
    label: String,
    /// The accessible name when the text alone is ambiguous (e.g. "Resend event 01H…").
    #[prop(optional)]
    aria_label: Option<String>,
    /// Its classes besides "danger", e.g. "button".
    #[prop(optional)]
    class: &'static str,
    /// Whether it destroys something (styled as danger).
    #[prop(optional)]
    danger: bool,
    /// Why the action is off, if it is (the table's or page's `ApiClient::denial` memo).
    denied: Memo<Option<String>>,
    /// Off while this holds (e.g. while a bulk action runs).
    #[prop(optional, into)]
    busy: Signal<bool>,
    /// Told the action when the button is pressed.
    on_run: Callback<A>,
) -> impl IntoView
where
    A: Copy + Send + Sync + 'static,
{
    view! {
        <button
            type="button"
            class=class
            class:danger=danger
            aria-label=aria_label
            disabled=move || busy.get() || denied.with(Option::is_some)
            title=move || denied.get()
            on:click=move |_| on_run.run(action)
        >
            {label}
        </button>
    }
}
