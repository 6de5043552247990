//! The widgets that two or more features use: labelled fields, actions and their buttons,
//! a table's selection and bulk run, toasts (and copy), the confirmation dialog, the
//! loading and error panel, the event-type picker, and the lazy views' mechanism.

pub mod actions;
pub mod confirm;
mod error_panel;
pub mod event_type_picker;
pub mod field;
pub mod lazy;
pub mod selection;
pub mod toast;

pub use error_panel::{ErrorPanel, Loaded};
