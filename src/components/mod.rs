//! Widgets shared by pages.

pub mod actions;
pub mod confirm;
pub mod diverted_events;
mod error_panel;
pub mod event_type_picker;
pub mod event_view;
pub mod field;
pub mod header_editor;
pub mod selection;
pub mod shell;
pub mod toast;
pub mod unsaved_changes;
pub mod webhook_form;
mod webhook_table;

pub use error_panel::{ErrorPanel, Loaded};
pub use shell::Shell;
pub use webhook_table::WebhookTable;
