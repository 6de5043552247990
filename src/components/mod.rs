//! Widgets shared by pages.

pub mod confirm;
mod error_panel;
pub mod event_type_picker;
pub mod shell;
pub mod toast;
mod webhook_table;

pub use error_panel::ErrorPanel;
pub use shell::Shell;
pub use webhook_table::WebhookTable;
