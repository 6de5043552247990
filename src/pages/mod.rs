//! One module per route.

mod home;
mod not_found;
mod webhook_list;

pub use home::Home;
pub use not_found::NotFound;
pub use webhook_list::WebhookListPage;
