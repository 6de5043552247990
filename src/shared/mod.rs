//! Plain logic that two or more features share: every link and route parameter
//! ([`routes`]), formatting ([`format`]), a webhook's status ([`status`]) and bulk runs
//! ([`bulk`]). Tested natively where it needs no browser.

pub mod bulk;
pub mod format;
pub mod routes;
pub mod status;
