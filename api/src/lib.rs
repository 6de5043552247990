//! The contract between the dashboard and the Webhooks API of Socotra Enterprise Core.
//!
//! This crate holds the wire types of `shared/reference/CONTRACT.md` (camelCase JSON)
//! and the typed locators. It performs no I/O and builds for `wasm32-unknown-unknown`
//! as well as natively, so that the dashboard and the reference server share one copy
//! of every type.
//!
//! It also owns EC's add/remove PATCH semantics, in both directions: [`diff`] turns an
//! edit of a whole webhook into the minimal `UpdateWebhookRequest` (the dashboard sends
//! it), and [`apply`] carries one out (the reference server does). Property tests hold
//! them to `apply(o, diff(o, e)) == e`.
//!
//! ```
//! use webhooks_api::{apply, diff, WebhookDraft, WebhookResponse};
//!
//! let original: WebhookResponse = serde_json::from_str(r#"{
//!     "locator": "01JD8Z6Q4V3N5K7M9P1R2S3T4V", "name": "Invoices", "enabled": true,
//!     "endpoint": {"url": "https://erp.example.com/hooks", "headers": {"X-Env": ["prod"]}},
//!     "failureHandling": {"triggers": ["4xx", "5xx", "timeout"], "divert": false, "suspend": false},
//!     "suspended": false, "suspendedAt": null, "eventTypes": ["billing.invoice.generate"]
//! }"#).unwrap();
//!
//! let mut edited = WebhookDraft::from(&original);
//! edited.name = "Invoices to ERP".into();
//! edited.endpoint.headers.insert("X-Env".into(), vec!["staging".into()]);
//! edited.event_types.insert("billing.invoice.settle".into());
//! edited.failure_handling.divert = true;
//!
//! let update = diff(&original, &edited);
//! assert_eq!(
//!     serde_json::to_string(&update).unwrap(),
//!     r#"{"name":"Invoices to ERP","endpoint":{"addHeaders":{"X-Env":["staging"]},"removeHeaders":["X-Env"]},"#.to_owned()
//!         + r#""failureHandling":{"divert":true},"addEventTypes":["billing.invoice.settle"]}"#
//! );
//! assert_eq!(WebhookDraft::from(&apply(&original, &update).unwrap()), edited);
//! ```

pub mod catalog;
mod draft;
pub mod event_data;
mod locator;
pub mod permissions;
#[cfg(any(test, feature = "proptest"))]
pub mod strategies;
pub mod validate;
mod wire;

pub use draft::{apply, diff, EndpointDraft, FailureHandlingDraft, WebhookDraft};
pub use locator::{Locator, LocatorError, TenantLocator};
pub use validate::ValidationErrors;
pub use wire::*;
