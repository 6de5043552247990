//! Webhooks in SQLite: the JSON body plus the columns the list filters use.

use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension};
use webhooks_api::{DivertedEventResponse, Locator, TenantLocator, WebhookResponse};

use crate::db::StoreError;

/// One page of a list: rows to skip and rows to return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// Rows to skip.
    pub offset: u32,
    /// Rows to return.
    pub count: u32,
}

impl Default for Page {
    /// The contract's defaults: from the start, 100 rows.
    fn default() -> Self {
        Self { offset: 0, count: 100 }
    }
}

/// The list endpoint's filters, already validated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WebhookFilter {
    /// Which rows of the matches.
    pub page: Page,
    /// Case-insensitive substring of the name.
    pub name: Option<String>,
    /// `enabled` equals this.
    pub enabled: Option<bool>,
    /// `suspended` equals this.
    pub suspended: Option<bool>,
    /// `enabled && !suspended` equals this.
    pub active: Option<bool>,
    /// Has any of these event types (none: no filter).
    pub event_types: Vec<String>,
}

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern.
fn like_substring(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// The filter column of a webhook's event types: `\na\nb\n`.
fn event_types_column(webhook: &WebhookResponse) -> String {
    webhook.event_types.iter().map(|t| format!("\n{t}")).chain(["\n".to_owned()]).collect()
}

/// Inserts or replaces a webhook, keeping the filter columns in step with its body.
pub fn put_webhook(
    connection: &Connection,
    tenant: TenantLocator,
    webhook: &WebhookResponse,
) -> Result<(), StoreError> {
    connection
        .prepare_cached(
            "INSERT INTO webhooks (tenant, locator, name, enabled, suspended, event_types, body)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (tenant, locator) DO UPDATE SET
                 name = excluded.name, enabled = excluded.enabled, suspended = excluded.suspended,
                 event_types = excluded.event_types, body = excluded.body",
        )?
        .execute(params![
            tenant.to_string(),
            webhook.locator.to_string(),
            webhook.name,
            webhook.enabled,
            webhook.suspended,
            event_types_column(webhook),
            serde_json::to_string(webhook)?
        ])?;
    Ok(())
}

/// Replaces a stored webhook with `body` (its JSON) only if its body is still `previous`:
/// false when the webhook changed or went meanwhile, and nothing is written. The work of
/// an update (decoding, applying, validating) thus runs before the write, off the
/// writing connection, which this one short statement holds.
pub fn replace_webhook(
    connection: &Connection,
    tenant: TenantLocator,
    previous: &str,
    webhook: &WebhookResponse,
    body: &str,
) -> Result<bool, StoreError> {
    let replaced = connection
        .prepare_cached(
            "UPDATE webhooks SET name = ?3, enabled = ?4, suspended = ?5, event_types = ?6, body = ?7
             WHERE tenant = ?1 AND locator = ?2 AND body = ?8",
        )?
        .execute(params![
            tenant.to_string(),
            webhook.locator.to_string(),
            webhook.name,
            webhook.enabled,
            webhook.suspended,
            event_types_column(webhook),
            body,
            previous
        ])?;
    Ok(replaced == 1)
}

/// How many webhooks a tenant has.
pub fn count_webhooks(connection: &Connection, tenant: TenantLocator) -> Result<usize, StoreError> {
    Ok(connection
        .prepare_cached("SELECT count(*) FROM webhooks INDEXED BY webhooks_for_filters WHERE tenant = ?1")?
        .query_row([tenant.to_string()], |row| row.get(0))?)
}

/// One page of a tenant's webhooks in locator (creation) order.
///
/// The filters run over the `webhooks_for_filters` index in locator order, stopping
/// after the page; only the page's JSON bodies are read.
pub fn list_webhooks(
    connection: &Connection,
    tenant: TenantLocator,
    filter: &WebhookFilter,
) -> Result<Vec<WebhookResponse>, StoreError> {
    let mut sql = String::from(
        "SELECT body FROM webhooks WHERE tenant = ?1 AND locator IN (
             SELECT locator FROM webhooks INDEXED BY webhooks_for_filters WHERE tenant = ?1",
    );
    let mut values = vec![Value::Text(tenant.to_string())];
    let mut bind = |sql: &mut String, clause: &str, value: Value| {
        values.push(value);
        sql.push_str(&clause.replace('?', &format!("?{}", values.len())));
    };
    if let Some(name) = &filter.name {
        bind(&mut sql, " AND name LIKE ? ESCAPE '\\'", Value::Text(like_substring(name)));
    }
    if let Some(enabled) = filter.enabled {
        bind(&mut sql, " AND enabled = ?", Value::Integer(enabled.into()));
    }
    if let Some(suspended) = filter.suspended {
        bind(&mut sql, " AND suspended = ?", Value::Integer(suspended.into()));
    }
    if let Some(active) = filter.active {
        bind(&mut sql, " AND (enabled = 1 AND suspended = 0) = ?", Value::Integer(active.into()));
    }
    if !filter.event_types.is_empty() {
        sql.push_str(" AND (");
        for (i, event_type) in filter.event_types.iter().enumerate() {
            if i > 0 {
                sql.push_str(" OR ");
            }
            bind(&mut sql, "instr(event_types, ?) > 0", Value::Text(format!("\n{event_type}\n")));
        }
        sql.push(')');
    }
    bind(&mut sql, " ORDER BY locator LIMIT ?", Value::Integer(filter.page.count.into()));
    bind(&mut sql, " OFFSET ?", Value::Integer(filter.page.offset.into()));
    sql.push_str(") ORDER BY locator");

    let mut statement = connection.prepare_cached(&sql)?;
    let bodies = statement.query_map(params_from_iter(values), |row| row.get::<_, String>(0))?;
    bodies.map(|body| Ok(serde_json::from_str(&body?)?)).collect()
}

/// One webhook of a tenant.
pub fn get_webhook(
    connection: &Connection,
    tenant: TenantLocator,
    locator: Locator,
) -> Result<Option<WebhookResponse>, StoreError> {
    Ok(webhook_body(connection, tenant, locator)?.map(|body| serde_json::from_str(&body)).transpose()?)
}

/// One webhook of a tenant as stored (its JSON body), to be replaced by [`replace_webhook`].
pub fn webhook_body(
    connection: &Connection,
    tenant: TenantLocator,
    locator: Locator,
) -> Result<Option<String>, StoreError> {
    text_body(connection, "SELECT body FROM webhooks WHERE tenant = ?1 AND locator = ?2", tenant, locator)
}

/// The `body` text that `sql` selects for a tenant (`?1`) and a locator (`?2`).
pub fn text_body(
    connection: &Connection,
    sql: &str,
    tenant: TenantLocator,
    locator: Locator,
) -> Result<Option<String>, StoreError> {
    Ok(connection
        .prepare_cached(sql)?
        .query_row(params![tenant.to_string(), locator.to_string()], |row| row.get(0))
        .optional()?)
}

/// The JSON `body` that `sql` selects for a tenant (`?1`) and a locator (`?2`), decoded.
pub fn json_body<T: serde::de::DeserializeOwned>(
    connection: &Connection,
    sql: &str,
    tenant: TenantLocator,
    locator: Locator,
) -> Result<Option<T>, StoreError> {
    Ok(text_body(connection, sql, tenant, locator)?.map(|body| serde_json::from_str(&body)).transpose()?)
}

/// Deletes a webhook with its event types, diverted events and pending deliveries.
pub fn delete_webhook(connection: &Connection, tenant: TenantLocator, locator: Locator) -> Result<bool, StoreError> {
    let deleted = connection.execute(
        "DELETE FROM webhooks WHERE tenant = ?1 AND locator = ?2",
        params![tenant.to_string(), locator.to_string()],
    )?;
    Ok(deleted == 1)
}

/// A locator (tenant, webhook or event) stored as text in column `index`.
pub fn locator_column<T>(row: &rusqlite::Row<'_>, index: usize) -> rusqlite::Result<T>
where
    T: std::str::FromStr<Err = webhooks_api::LocatorError>,
{
    row.get::<_, String>(index)?.parse().map_err(|error: webhooks_api::LocatorError| {
        rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, Box::new(error))
    })
}

fn diverted_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<DivertedEventResponse> {
    Ok(DivertedEventResponse {
        event_locator: locator_column(row, 0)?,
        request_locator: locator_column(row, 1)?,
        failure_trigger: row.get(2)?,
        failure_message: row.get(3)?,
        failure_timestamp: row.get(4)?,
    })
}

const DIVERTED_COLUMNS: &str = "event_locator, request_locator, failure_trigger, failure_message, failure_timestamp";

/// Keeps a failed event for the Diverted Events API (replacing an earlier failure of it),
/// then drops the webhook's oldest diverted events beyond the newest `keep`, adding how
/// many to its `diverted_dropped` count; returns that many.
pub fn insert_diverted(
    connection: &Connection,
    tenant: TenantLocator,
    webhook: Locator,
    event: &DivertedEventResponse,
    keep: usize,
) -> Result<usize, StoreError> {
    let (tenant, webhook) = (tenant.to_string(), webhook.to_string());
    connection.execute(
        &format!("INSERT OR REPLACE INTO diverted_events (tenant, webhook, {DIVERTED_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
        params![
            tenant,
            webhook,
            event.event_locator.to_string(),
            event.request_locator.to_string(),
            event.failure_trigger,
            event.failure_message,
            event.failure_timestamp
        ],
    )?;
    let dropped = connection.execute(
        "DELETE FROM diverted_events WHERE tenant = ?1 AND webhook = ?2 AND event_locator <= (
             SELECT event_locator FROM diverted_events WHERE tenant = ?1 AND webhook = ?2
             ORDER BY event_locator DESC LIMIT 1 OFFSET ?3)",
        params![tenant, webhook, keep as i64],
    )?;
    if dropped > 0 {
        connection.execute(
            "UPDATE webhooks SET diverted_dropped = diverted_dropped + ?3 WHERE tenant = ?1 AND locator = ?2",
            params![tenant, webhook, dropped as i64],
        )?;
    }
    Ok(dropped)
}

/// How many diverted events of a webhook were dropped to keep within the quota.
pub fn diverted_dropped(connection: &Connection, tenant: TenantLocator, webhook: Locator) -> Result<u64, StoreError> {
    Ok(connection
        .prepare_cached("SELECT diverted_dropped FROM webhooks WHERE tenant = ?1 AND locator = ?2")?
        .query_row(params![tenant.to_string(), webhook.to_string()], |row| row.get(0))
        .optional()?
        .unwrap_or(0))
}

/// One page of a webhook's diverted events, in event (time) order.
pub fn list_diverted(
    connection: &Connection,
    tenant: TenantLocator,
    webhook: Locator,
    page: Page,
) -> Result<Vec<DivertedEventResponse>, StoreError> {
    let mut statement = connection.prepare_cached(&format!(
        "SELECT {DIVERTED_COLUMNS} FROM diverted_events WHERE tenant = ?1 AND webhook = ?2
         ORDER BY event_locator LIMIT ?3 OFFSET ?4"
    ))?;
    let rows = statement
        .query_map(params![tenant.to_string(), webhook.to_string(), page.count, page.offset], diverted_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One diverted event of a webhook.
pub fn get_diverted(
    connection: &Connection,
    tenant: TenantLocator,
    webhook: Locator,
    event: Locator,
) -> Result<Option<DivertedEventResponse>, StoreError> {
    connection
        .prepare_cached(&format!(
            "SELECT {DIVERTED_COLUMNS} FROM diverted_events WHERE tenant = ?1 AND webhook = ?2 AND event_locator = ?3"
        ))?
        .query_row(params![tenant.to_string(), webhook.to_string(), event.to_string()], diverted_from_row)
        .optional()
        .map_err(StoreError::from)
}

/// Deletes a diverted event; false when there was none.
pub fn delete_diverted(
    connection: &Connection,
    tenant: TenantLocator,
    webhook: Locator,
    event: Locator,
) -> Result<bool, StoreError> {
    let deleted = connection.execute(
        "DELETE FROM diverted_events WHERE tenant = ?1 AND webhook = ?2 AND event_locator = ?3",
        params![tenant.to_string(), webhook.to_string(), event.to_string()],
    )?;
    Ok(deleted == 1)
}

/// Puts a delivery in the outbox, due at `due_at_ms` (Unix milliseconds), unless one of
/// the same event to the same webhook is queued already; true when it was added.
pub fn enqueue_delivery(
    connection: &Connection,
    tenant: TenantLocator,
    webhook: Locator,
    event: Locator,
    due_at_ms: i64,
    resend: bool,
) -> Result<bool, StoreError> {
    let added = connection.execute(
        "INSERT INTO deliveries (tenant, webhook, event_locator, due_at_ms, resend) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (tenant, event_locator, webhook) DO NOTHING",
        params![tenant.to_string(), webhook.to_string(), event.to_string(), due_at_ms, resend],
    )?;
    Ok(added == 1)
}

/// Pending deliveries of a webhook (tests and the detail of a resend).
pub fn pending_deliveries(
    connection: &Connection,
    tenant: TenantLocator,
    webhook: Locator,
) -> Result<Vec<(String, bool)>, StoreError> {
    let mut statement = connection.prepare_cached(
        "SELECT event_locator, resend FROM deliveries WHERE tenant = ?1 AND webhook = ?2 ORDER BY id",
    )?;
    let rows =
        statement.query_map(params![tenant.to_string(), webhook.to_string()], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Whether a server-wide flag is set.
pub fn setting(connection: &Connection, key: &str) -> Result<Option<String>, StoreError> {
    Ok(connection.query_row("SELECT value FROM settings WHERE key = ?1", [key], |row| row.get(0)).optional()?)
}

/// Sets a server-wide flag.
pub fn set_setting(connection: &Connection, key: &str, value: &str) -> Result<(), StoreError> {
    connection.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;
    use webhooks_api::{EndpointResponse, FailureHandlingResponse, Locator};

    fn webhook(n: u64, name: &str, enabled: bool, suspended: bool, event_types: &[&str]) -> WebhookResponse {
        WebhookResponse {
            locator: Locator::from_ulid(ulid::Ulid::from_parts(n, 0)),
            name: name.into(),
            enabled,
            endpoint: EndpointResponse {
                url: "https://e.com".into(),
                headers: Default::default(),
                security: Default::default(),
            },
            failure_handling: FailureHandlingResponse::default(),
            suspended,
            suspended_at: None,
            event_types: event_types.iter().map(|t| t.to_string()).collect(),
        }
    }

    fn names(connection: &Connection, tenant: TenantLocator, filter: WebhookFilter) -> Vec<String> {
        list_webhooks(connection, tenant, &filter).unwrap().into_iter().map(|w| w.name).collect()
    }

    #[test]
    fn filters_combine_with_and() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("s.sqlite3")).unwrap();
        let tenant: TenantLocator = "3f2c8a4e-1b7d-4c1e-9a55-0c6f1e2d3b4a".parse().unwrap();
        let other: TenantLocator = "00000000-0000-4000-8000-000000000001".parse().unwrap();
        db.blocking(|c| {
            put_webhook(c, tenant, &webhook(1, "Billing 100%", true, false, &["billing.invoice.generate"]))?;
            put_webhook(c, tenant, &webhook(2, "Policy_sync", false, false, &["policy.account.create"]))?;
            put_webhook(
                c,
                tenant,
                &webhook(3, "billing alerts", true, true, &["billing.invoice.generate", "claim.fnol.create"]),
            )?;
            put_webhook(c, other, &webhook(4, "Billing elsewhere", true, false, &["billing.invoice.generate"]))?;

            assert_eq!(names(c, tenant, WebhookFilter::default()), ["Billing 100%", "Policy_sync", "billing alerts"]);
            let by_name = |n: &str| WebhookFilter { name: Some(n.into()), ..Default::default() };
            assert_eq!(names(c, tenant, by_name("BILLING")), ["Billing 100%", "billing alerts"]);
            assert_eq!(names(c, tenant, by_name("100%")), ["Billing 100%"]);
            assert_eq!(names(c, tenant, by_name("y_s")), ["Policy_sync"]);
            assert_eq!(names(c, tenant, by_name("%")), ["Billing 100%"]);
            let active = WebhookFilter { active: Some(true), ..Default::default() };
            assert_eq!(names(c, tenant, active), ["Billing 100%"]);
            let inactive = WebhookFilter { active: Some(false), ..Default::default() };
            assert_eq!(names(c, tenant, inactive), ["Policy_sync", "billing alerts"]);
            let types = WebhookFilter {
                event_types: vec!["claim.fnol.create".into(), "policy.account.create".into()],
                enabled: Some(true),
                ..Default::default()
            };
            assert_eq!(names(c, tenant, types), ["billing alerts"]);
            let page = WebhookFilter { page: Page { offset: 1, count: 1 }, ..Default::default() };
            assert_eq!(list_webhooks(c, tenant, &page)?.len(), 1);
            assert_eq!(list_webhooks(c, tenant, &page)?[0].name, "Policy_sync");
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn a_replace_writes_only_over_the_body_it_was_computed_from() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("r.sqlite3")).unwrap();
        let tenant: TenantLocator = "3f2c8a4e-1b7d-4c1e-9a55-0c6f1e2d3b4a".parse().unwrap();
        db.blocking(|c| {
            let read = webhook(1, "as read", true, false, &["a.b"]);
            put_webhook(c, tenant, &read)?;
            let previous = webhook_body(c, tenant, read.locator)?.unwrap();
            // Another write (the engine suspending it) lands between the read and the write.
            put_webhook(c, tenant, &webhook(1, "as read", true, true, &["a.b"]))?;
            let edited = webhook(1, "edited", true, false, &["c.d"]);
            let body = serde_json::to_string(&edited)?;
            assert!(!replace_webhook(c, tenant, &previous, &edited, &body)?, "a stale update is not written");
            let now = get_webhook(c, tenant, read.locator)?.unwrap();
            assert_eq!((now.name.as_str(), now.suspended), ("as read", true));
            let current = webhook_body(c, tenant, read.locator)?.unwrap();
            assert!(replace_webhook(c, tenant, &current, &edited, &body)?);
            assert_eq!(
                names(c, tenant, WebhookFilter { event_types: vec!["c.d".into()], ..Default::default() }),
                ["edited"]
            );
            Ok(())
        })
        .unwrap();
    }
}
