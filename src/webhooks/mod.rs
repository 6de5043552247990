//! The webhooks feature: the list (`list.rs`, its table `table.rs`, its filters and page
//! `query.rs`), one webhook (`detail.rs`, its diverted events `diverted.rs`), the form
//! (`edit.rs`, `form/`), and setup health (`health.rs`). Its routes are
//! [`routes`], below the app's `/tenants/:tenant`.

mod detail;
mod diverted;
mod edit;
pub mod form;
pub mod health;
mod list;
pub mod query;
mod table;

use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::{path, Lazy};

use crate::widgets::lazy::lazy_route;
use detail::{WebhookDetailData, WebhookDetailPage};
use edit::{EditWebhookData, EditWebhookPage, NewWebhookData, NewWebhookPage};
use list::WebhookListPage;

/// The feature's pages, below `/tenants/:tenant`: a new page is one file here and one
/// line below.
pub fn routes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <Route path=path!("/tenants/:tenant/webhooks") view=WebhookListPage />
        <Route path=path!("/tenants/:tenant/webhooks/new") view={Lazy::<NewWebhookRoute>::new()} />
        <Route path=path!("/tenants/:tenant/webhooks/:locator") view={Lazy::<WebhookDetailRoute>::new()} />
        <Route path=path!("/tenants/:tenant/webhooks/:locator/edit") view={Lazy::<EditWebhookRoute>::new()} />
    }
    .into_inner()
}

lazy_route!(
    /// `/tenants/:tenant/webhooks/new`, in the `webhook_form` chunk.
    NewWebhookRoute, NewWebhookPage, NewWebhookData, webhook_form,
    new_webhook_view, new_webhook_split, preload_new_webhook, preload_new_webhook_split
);
lazy_route!(
    /// `/tenants/:tenant/webhooks/:locator/edit`, in the `webhook_form` chunk too.
    EditWebhookRoute, EditWebhookPage, EditWebhookData, webhook_form,
    edit_webhook_view, edit_webhook_split, preload_edit_webhook, preload_edit_webhook_split
);
lazy_route!(
    /// `/tenants/:tenant/webhooks/:locator`, in the `webhook_detail` chunk.
    WebhookDetailRoute, WebhookDetailPage, WebhookDetailData, webhook_detail,
    webhook_detail_view, webhook_detail_split, preload_webhook_detail, preload_webhook_detail_split
);
