//! The routes loaded on demand. The list is the first page an administrator sees, so the
//! first load carries the shell and the list only; the connection page, the detail page
//! and the form each come in a wasm chunk of their own when first opened.
//!
//! With the `split` feature (release builds, `make site`), each view below is a split
//! point (`wasm_split`, re-exported by Leptos) that `scripts/split.mjs` cuts out of the
//! wasm. Without it (`trunk serve`, native tests) the views are plain code: a wasm that
//! has split points but was not split cannot start.

use leptos::prelude::*;

use crate::pages::{ConnectPage, EditWebhookPage, NewWebhookPage, WebhookDetailPage};

/// Declares a lazy route `$route` showing `$page`, whose code goes into chunk `$chunk`.
macro_rules! lazy_route {
    ($(#[$doc:meta])* $route:ident, $page:ident, $chunk:ident, $split_view:ident) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $route;

        #[cfg(feature = "split")]
        #[leptos::wasm_split::wasm_split($chunk, wasm_split_path = ::leptos::wasm_split)]
        fn $split_view() -> AnyView {
            view! { <$page /> }.into_any()
        }

        impl leptos_router::LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            async fn view(_this: Self) -> AnyView {
                #[cfg(feature = "split")]
                return $split_view().await;
                #[cfg(not(feature = "split"))]
                view! { <$page /> }.into_any()
            }
        }
    };
}

lazy_route!(
    /// `/tenants/:tenant/webhooks/new`, in the `webhook_form` chunk.
    NewWebhookRoute, NewWebhookPage, webhook_form, new_webhook_view
);
lazy_route!(
    /// `/tenants/:tenant/webhooks/:locator/edit`, in the `webhook_form` chunk too.
    EditWebhookRoute, EditWebhookPage, webhook_form, edit_webhook_view
);
lazy_route!(
    /// `/tenants/:tenant/webhooks/:locator`, in the `webhook_detail` chunk.
    WebhookDetailRoute, WebhookDetailPage, webhook_detail, webhook_detail_view
);
lazy_route!(
    /// `/connect`, in the `connect` chunk (signed-in administrators rarely open it).
    ConnectRoute, ConnectPage, connect, connect_view
);
