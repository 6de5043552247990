//! Widgets shared by pages.

mod error_panel;
mod webhook_table;

pub use error_panel::ErrorPanel;
pub use webhook_table::WebhookTable;
