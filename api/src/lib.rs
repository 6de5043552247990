//! The contract between the dashboard and the Webhooks API of Socotra Enterprise Core.
//!
//! This crate holds the wire types of `shared/reference/CONTRACT.md` (camelCase JSON)
//! and the typed locators. It performs no I/O and builds for `wasm32-unknown-unknown`
//! as well as natively, so that the dashboard and the reference server share one copy
//! of every type.

mod locator;
mod wire;

pub use locator::{Locator, LocatorError, TenantLocator};
pub use wire::*;
