//! The connection feature: the page where an administrator enters the API's address, a
//! token and the tenant (`page.rs`). Its route is [`routes`].

mod page;

use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::{path, Lazy};

use crate::widgets::lazy::lazy_route;
use page::ConnectPage;

/// The feature's page: `/connect`.
pub fn routes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! { <Route path=path!("/connect") view={Lazy::<ConnectRoute>::new()} /> }.into_inner()
}

lazy_route!(
    /// `/connect`, in the `connect` chunk (signed-in administrators rarely open it).
    ConnectRoute, ConnectPage, connect, connect_view, connect_split
);
