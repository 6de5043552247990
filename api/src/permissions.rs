//! The permissions (`group.permission`, as Socotra writes them) that the API checks, named
//! once for the server that checks them and the console that explains a refusal.

/// Read one webhook (with [`WEBHOOKS_LIST`], the list).
pub const WEBHOOKS_READ: &str = "webhooks.read";
/// List webhooks (EC's list needs this or [`WEBHOOKS_READ`]).
pub const WEBHOOKS_LIST: &str = "webhooks.list";
/// Create, update, unsuspend or delete a webhook.
pub const WEBHOOKS_WRITE: &str = "webhooks.write";
/// Read one diverted event.
pub const DIVERTED_READ: &str = "diverted-events.read";
/// List a webhook's diverted events (or [`DIVERTED_READ`]).
pub const DIVERTED_LIST: &str = "diverted-events.list";
/// Resend a diverted event.
pub const DIVERTED_RESEND: &str = "diverted-events.resend";
/// Delete a diverted event.
pub const DIVERTED_DELETE: &str = "diverted-events.delete";
/// Read events: one, or a request's (with [`EVENTS_LIST`], the stream).
pub const EVENTS_READ: &str = "events.read";
/// List the event stream (or [`EVENTS_READ`]).
pub const EVENTS_LIST: &str = "events.list";

/// The reference server's own grant for its `--dev` intake (`POST /dev/{tenant}/events`),
/// not EC's.
pub const DEV_RAISE: &str = "dev.raise";
