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
pub use event_detail::{EventPage, EventPageData};
pub use event_types::{EventTypesData, EventTypesPage};
pub use events::{EventsData, EventsPage};
pub use home::Home;
pub use not_found::NotFound;
pub use webhook_detail::{WebhookDetailData, WebhookDetailPage};
pub use webhook_edit::{EditWebhookData, EditWebhookPage, NewWebhookData, NewWebhookPage};
pub use webhook_list::WebhookListPage;
