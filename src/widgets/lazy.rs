//! The views loaded on demand. The list is the first page an administrator sees, so the
//! first load carries the shell and the list only; the connection page, the detail page,
//! the form, and the list filter's event-type picker each come in a wasm chunk of their
//! own when first shown; so do the table's actions (`components/webhook_table.rs`).
//!
//! With the `split` feature (release builds, `make site`), each view below is a split
//! point (`wasm_split`, re-exported by Leptos) that `scripts/split.mjs` cuts out of the
//! wasm. Without it (`trunk serve`, native tests) the views are plain code: a wasm that
//! has split points but was not split cannot start.

use std::collections::BTreeSet;

use leptos::prelude::*;

use crate::components::event_type_picker::EventTypePicker;
use crate::pages::{
    ConnectPage, EditWebhookData, EditWebhookPage, EventPage, EventPageData, EventTypesData, EventTypesPage,
    EventsData, EventsPage, NewWebhookData, NewWebhookPage, WebhookDetailData, WebhookDetailPage,
};

/// Declares `$vis async fn $name(args) -> AnyView`, whose view's code goes into chunk
/// `$chunk` (through the split point `$split`). If the chunk cannot be fetched, the view
/// is [`load_failed`]'s message with a way to try again.
///
/// With `preload $preload $preload_split`, also `$vis async fn $preload()`, which fetches
/// the chunk ahead of need (a failure is left for the view to tell).
macro_rules! lazy_view {
    ($(#[$doc:meta])* $vis:vis $name:ident, $split:ident, $chunk:ident, preload $preload:ident $preload_split:ident,
     ($($arg:ident: $ty:ty),*) => $view:expr) => {
        lazy_view!(@define $(#[$doc])* $vis $name, $split, $chunk, ($($arg: $ty),*) => $view, [preload($preload_split)]);

        /// Fetches the chunk of
        #[doc = concat!("[`", stringify!($name), "`]")]
        /// ahead of need.
        $vis async fn $preload() {
            #[cfg(feature = "split")]
            let _ = $preload_split().await;
        }
    };
    ($(#[$doc:meta])* $vis:vis $name:ident, $split:ident, $chunk:ident, ($($arg:ident: $ty:ty),*) => $view:expr) => {
        lazy_view!(@define $(#[$doc])* $vis $name, $split, $chunk, ($($arg: $ty),*) => $view, []);
    };
    (@define $(#[$doc:meta])* $vis:vis $name:ident, $split:ident, $chunk:ident, ($($arg:ident: $ty:ty),*) => $view:expr,
     [$($preload:tt)*]) => {
        #[cfg(feature = "split")]
        #[leptos::wasm_split::wasm_split($chunk, wasm_split_path = ::leptos::wasm_split, fallible, $($preload)*)]
        fn $split($($arg: $ty),*) -> Result<AnyView, ::leptos::wasm_split::SplitLoaderError> {
            Ok($view.into_any())
        }

        $(#[$doc])*
        #[allow(clippy::clone_on_copy)]
        $vis async fn $name($($arg: $ty),*) -> AnyView {
            #[cfg(feature = "split")]
            return match $split($($arg.clone()),*).await {
                Ok(view) => view,
                // SendWrapper: the future cannot prove itself Send while it is being defined.
                Err(_) => $crate::lazy::load_failed(std::sync::Arc::new(move || Box::pin(send_wrapper::SendWrapper::new($name($($arg.clone()),*))))),
            };
            #[cfg(not(feature = "split"))]
            $view.into_any()
        }
    };
}

/// Fetches a view's chunk again and makes the view.
#[cfg(feature = "split")]
pub(crate) type Reload = dyn Fn() -> std::pin::Pin<Box<dyn std::future::Future<Output = AnyView> + Send>> + Send + Sync;

/// What shows where a view's chunk could not be fetched (the network, or a deployment
/// that replaced the files): what happened, and "Try again", which fetches it again in
/// place (a failed fetch is not remembered).
#[cfg(feature = "split")]
pub(crate) fn load_failed(retry: std::sync::Arc<Reload>) -> AnyView {
    let retried = RwSignal::new(false);
    let message = move || {
        view! {
            <div class="error-panel" role="alert">
                <p>
                    "This part of the console could not be loaded. Check your connection and try again; if the console was just updated, reload the page."
                </p>
                <button type="button" class="button" on:click=move |_| retried.set(true)>
                    "Try again"
                </button>
            </div>
        }
    };
    let again = move || {
        let retry = retry.clone();
        view! { <Suspense>{move || Suspend::new(retry())}</Suspense> }
    };
    view! {
        <Show when=move || retried.get() fallback=message>
            {again.clone()}
        </Show>
    }
    .into_any()
}

pub(crate) use lazy_view;

/// Declares a lazy route `$route` showing `$page`, whose code goes into chunk `$chunk`.
/// With `$data`, the route's `data()` starts the page's requests (`$data::load()`) as
/// soon as the route is chosen, while the chunk is being fetched (its `preload`), and
/// the page gets them: no request waits for the code that shows its answer.
macro_rules! lazy_route {
    ($(#[$doc:meta])* $route:ident, $page:ident, $data:ident, $chunk:ident,
     $view_fn:ident, $split:ident, $preload:ident, $preload_split:ident) => {
        lazy_view!(
            $view_fn, $split, $chunk, preload $preload $preload_split,
            (data: $data) => view! { <$page data /> }
        );

        $(#[$doc])*
        pub struct $route($data);

        impl leptos_router::LazyRoute for $route {
            fn data() -> Self {
                $route($data::load())
            }

            async fn view(this: Self) -> AnyView {
                $view_fn(this.0).await
            }

            async fn preload() {
                $preload().await
            }
        }
    };
    ($(#[$doc:meta])* $route:ident, $page:ident, $chunk:ident, $view_fn:ident, $split:ident) => {
        lazy_view!($view_fn, $split, $chunk, () => view! { <$page /> });

        $(#[$doc])*
        pub struct $route;

        impl leptos_router::LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            async fn view(_this: Self) -> AnyView {
                $view_fn().await
            }
        }
    };
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
lazy_route!(
    /// `/connect`, in the `connect` chunk (signed-in administrators rarely open it).
    ConnectRoute, ConnectPage, connect, connect_view, connect_split
);
lazy_route!(
    /// `/tenants/:tenant/events`, in the `events` chunk.
    EventsRoute, EventsPage, EventsData, events, events_view, events_split, preload_events, preload_events_split
);
lazy_route!(
    /// `/tenants/:tenant/events/:locator`, in the `events` chunk too.
    EventRoute, EventPage, EventPageData, events, event_view, event_split, preload_event, preload_event_split
);
lazy_route!(
    /// `/tenants/:tenant/event-types`, in the `catalog` chunk.
    EventTypesRoute, EventTypesPage, EventTypesData, catalog,
    event_types_view, event_types_split, preload_event_types, preload_event_types_split
);

/// Fetches, one after the other, the chunks of the pages a user reaches from the list and
/// from a webhook (its page, the form, the events pages), once per visit, so that opening
/// one waits for no code. Called at idle time after a page's first paint; without the
/// `split` feature there is nothing to fetch.
pub fn preload_pages() {
    use std::sync::atomic::{AtomicBool, Ordering};
    static STARTED: AtomicBool = AtomicBool::new(false);
    if STARTED.swap(true, Ordering::Relaxed) {
        return;
    }
    request_idle_callback(|| {
        leptos::task::spawn_local(async {
            preload_webhook_detail().await;
            preload_edit_webhook().await;
            preload_events().await;
            preload_event_types().await;
        })
    });
}

lazy_view!(
    /// The list filter's event-type picker, in the `event_types` chunk: most visits to the
    /// list never open that filter.
    pub filter_types_picker, filter_types_picker_split, event_types,
    (selected: Memo<BTreeSet<String>>, on_change: Callback<BTreeSet<String>>) =>
        view! { <EventTypePicker selected on_change id="filter-types" /> }
);
