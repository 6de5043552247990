//! Widgets shared by pages.

pub mod bulk_status;
pub mod confirm;
pub mod diverted_events;
mod error_panel;
pub mod event_type_picker;
pub mod header_editor;
pub mod shell;
pub mod toast;
pub mod webhook_form;
mod webhook_table;

pub use error_panel::ErrorPanel;
pub use shell::Shell;
pub use webhook_table::{ActionButton, ActionHost, RowAction, WebhookTable};
