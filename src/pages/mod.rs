//! One module per route.

mod connect;
mod event_detail;
mod event_types;
mod events;
mod home;
mod not_found;
mod webhook_detail;
mod webhook_edit;
mod webhook_list;

pub use connect::ConnectPage;
pub use event_detail::EventPage;
pub use event_types::EventTypesPage;
pub use events::EventsPage;
pub use home::Home;
pub use not_found::NotFound;
pub use webhook_detail::WebhookDetailPage;
pub use webhook_edit::{EditWebhookPage, NewWebhookPage};
pub use webhook_list::WebhookListPage;
