//! The mechanism of the views loaded on demand; it names no page. The list is the first
//! page an administrator sees, so the first load carries the shell and the list only; the
//! other pages (each feature declares its lazy routes with [`lazy_route!`] in its
//! `mod.rs`), the list filter's event-type picker and the table's actions each come in a
//! wasm chunk of their own when first shown ([`lazy_view!`]).
//!
//! With the `split` feature (release builds, `make site`), each view below is a split
//! point (`wasm_split`, re-exported by Leptos) that `scripts/split.mjs` cuts out of the
//! wasm. Without it (`trunk serve`, native tests) the views are plain code: a wasm that
//! has split points but was not split cannot start.

#[cfg(feature = "split")]
use leptos::prelude::*;

/// Declares `$vis async fn $name(args) -> AnyView`, whose view's code goes into chunk
/// `$chunk` (through the split point `$split`). If the chunk cannot be fetched, the view
/// is [`load_failed`]'s message with a way to try again.
///
/// With `preload $preload $preload_split`, also `$vis async fn $preload()`, which fetches
/// the chunk ahead of need (a failure is left for the view to tell).
macro_rules! lazy_view {
    ($(#[$doc:meta])* $vis:vis $name:ident, $split:ident, $chunk:ident, preload $preload:ident $preload_split:ident,
     ($($arg:ident: $ty:ty),*) => $view:expr) => {
        $crate::widgets::lazy::lazy_view!(
            @define $(#[$doc])* $vis $name, $split, $chunk, ($($arg: $ty),*) => $view, [preload($preload_split)]
        );

        /// Fetches the chunk of
        #[doc = concat!("[`", stringify!($name), "`]")]
        /// ahead of need.
        $vis async fn $preload() {
            #[cfg(feature = "split")]
            let _ = $preload_split().await;
        }
    };
    ($(#[$doc:meta])* $vis:vis $name:ident, $split:ident, $chunk:ident, ($($arg:ident: $ty:ty),*) => $view:expr) => {
        $crate::widgets::lazy::lazy_view!(@define $(#[$doc])* $vis $name, $split, $chunk, ($($arg: $ty),*) => $view, []);
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
                Err(_) => $crate::widgets::lazy::load_failed(std::sync::Arc::new(move || {
                    Box::pin(send_wrapper::SendWrapper::new($name($($arg.clone()),*)))
                })),
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
                    "This part of the console could not be loaded. Check your connection and try again; if the console was \
                        just updated, reload the page."
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
        $crate::widgets::lazy::lazy_view!(
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
        $crate::widgets::lazy::lazy_view!($view_fn, $split, $chunk, () => view! { <$page /> });

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

pub(crate) use lazy_route;

/// What fetches the chunks of the pages reached from the page shown: set once by the app,
/// which knows every lazy route, so that this mechanism and the pages name none. (A static,
/// not a context: it is called from timers, where no context can be read.)
static PRELOADER: std::sync::OnceLock<fn()> = std::sync::OnceLock::new();

/// Sets what [`preload_pages`] runs (the app does, once).
pub fn set_preloader(preload: fn()) {
    let _ = PRELOADER.set(preload);
}

/// Fetches the chunks of the pages reached from here, as the app said (nothing before it
/// has); called after a page's first paint.
pub fn preload_pages() {
    if let Some(preload) = PRELOADER.get() {
        preload();
    }
}
