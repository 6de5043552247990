//! Bearer tokens: issued on the command line, stored as SHA-256 hashes, each bound to
//! one tenant and a set of `group.permission` grants.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};
use webhooks_api::{permissions, TenantLocator};

use crate::db::StoreError;
use crate::timestamp;

/// A permission: `group.permission`, such as `webhooks.write`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Grant(String);

/// Every permission the API checks, as Socotra writes them, and the dev intake's.
pub const ALL_GRANTS: [&str; 10] = [
    permissions::WEBHOOKS_READ,
    permissions::WEBHOOKS_LIST,
    permissions::WEBHOOKS_WRITE,
    permissions::DIVERTED_READ,
    permissions::DIVERTED_LIST,
    permissions::DIVERTED_RESEND,
    permissions::DIVERTED_DELETE,
    permissions::EVENTS_READ,
    permissions::EVENTS_LIST,
    permissions::DEV_RAISE,
];

impl Grant {
    /// The permission's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A grant that is not `group.permission`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{0}\" is not a permission: write it group.permission, e.g. webhooks.read")]
pub struct BadGrant(String);

impl FromStr for Grant {
    type Err = BadGrant;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let word = |part: &str| !part.is_empty() && part.chars().all(|c| c.is_ascii_lowercase() || c == '-');
        match text.split_once('.') {
            Some((group, permission)) if word(group) && word(permission) => Ok(Self(text.to_owned())),
            _ => Err(BadGrant(text.to_owned())),
        }
    }
}

impl fmt::Display for Grant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Parses a comma-separated list of grants.
pub fn parse_grants(text: &str) -> Result<BTreeSet<Grant>, BadGrant> {
    text.split(',').map(str::trim).filter(|g| !g.is_empty()).map(str::parse).collect()
}

/// What a valid token allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The token's id (not the secret).
    pub token_id: String,
    /// The one tenant the token may act on.
    pub tenant: TenantLocator,
    /// Its permissions.
    pub grants: BTreeSet<Grant>,
}

/// A token as `token list` shows it (never the secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenSummary {
    /// The token's id.
    pub id: String,
    /// Its tenant.
    pub tenant: String,
    /// Its grants, comma-separated.
    pub grants: String,
    /// A note of what it is for.
    pub label: String,
    /// When it was issued.
    pub created_at: String,
    /// When it was revoked, if it was.
    pub revoked_at: Option<String>,
}

fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The text before a token's 64 hex digits.
const TOKEN_PREFIX: &str = "whk_";

/// Whether `token` has the shape [`issue`] gives (`whk_` and 64 lowercase hex digits):
/// any other is refused without a lookup.
pub fn well_formed(token: &str) -> bool {
    token
        .strip_prefix(TOKEN_PREFIX)
        .is_some_and(|hex| hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
}

/// Issues a new token and returns `(id, secret)`; only the secret's hash is stored.
pub fn issue(
    connection: &Connection,
    tenant: TenantLocator,
    grants: &BTreeSet<Grant>,
    label: &str,
) -> Result<(String, String), StoreError> {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|error| StoreError::Task(format!("random source: {error}")))?;
    let token = format!("{TOKEN_PREFIX}{}", secret.iter().map(|byte| format!("{byte:02x}")).collect::<String>());
    let id = ulid::Ulid::generate().to_string();
    let grants = grants.iter().map(Grant::as_str).collect::<Vec<_>>().join(",");
    connection.execute(
        "INSERT INTO tokens (id, hash, tenant, grants, label, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, hash(&token), tenant.to_string(), grants, label, timestamp::now()],
    )?;
    Ok((id, token))
}

/// The principal of a presented token, if it exists and is not revoked.
pub fn authenticate(connection: &Connection, token: &str) -> Result<Option<Principal>, StoreError> {
    let row = connection
        .query_row(
            "SELECT id, tenant, grants FROM tokens WHERE hash = ?1 AND revoked_at IS NULL",
            [hash(token)],
            |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, String>(2)?)),
        )
        .optional()?;
    Ok(row.and_then(|(token_id, tenant, grants)| {
        Some(Principal { token_id, tenant: tenant.parse().ok()?, grants: parse_grants(&grants).ok()? })
    }))
}

/// Every token, oldest first.
pub fn list(connection: &Connection) -> Result<Vec<TokenSummary>, StoreError> {
    let mut statement = connection
        .prepare("SELECT id, tenant, grants, label, created_at, revoked_at FROM tokens ORDER BY created_at, id")?;
    let rows = statement.query_map([], |row| {
        Ok(TokenSummary {
            id: row.get(0)?,
            tenant: row.get(1)?,
            grants: row.get(2)?,
            label: row.get(3)?,
            created_at: row.get(4)?,
            revoked_at: row.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Revokes a token by id; false when there is no such live token.
pub fn revoke(connection: &Connection, id: &str) -> Result<bool, StoreError> {
    let changed = connection.execute(
        "UPDATE tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
        params![id, timestamp::now()],
    )?;
    Ok(changed == 1)
}

/// Revokes every live token of `tenant` labelled `label`; returns how many.
pub fn revoke_labelled(connection: &Connection, tenant: TenantLocator, label: &str) -> Result<usize, StoreError> {
    Ok(connection.execute(
        "UPDATE tokens SET revoked_at = ?3 WHERE tenant = ?1 AND label = ?2 AND revoked_at IS NULL",
        params![tenant.to_string(), label, timestamp::now()],
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;

    #[test]
    fn grants_must_be_group_dot_permission() {
        assert!("webhooks.read".parse::<Grant>().is_ok());
        assert!("diverted-events.resend".parse::<Grant>().is_ok());
        for bad in ["webhooks", "webhooks.", ".read", "Webhooks.Read", "a.b.c", "webhooks read"] {
            assert!(bad.parse::<Grant>().is_err(), "{bad} accepted");
        }
        assert_eq!(parse_grants("webhooks.read, webhooks.list").unwrap().len(), 2);
    }

    #[test]
    fn issued_token_authenticates_until_revoked() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("t.sqlite3")).unwrap();
        let tenant: TenantLocator = "3f2c8a4e-1b7d-4c1e-9a55-0c6f1e2d3b4a".parse().unwrap();
        db.blocking(|c| {
            let (id, token) = issue(c, tenant, &parse_grants("webhooks.read").unwrap(), "test").unwrap();
            let stored: String = c.query_row("SELECT hash FROM tokens WHERE id = ?1", [&id], |r| r.get(0))?;
            assert_ne!(stored, token, "the secret itself must not be stored");
            let principal = authenticate(c, &token)?.expect("token authenticates");
            assert_eq!(principal.tenant, tenant);
            assert!(authenticate(c, "whk_wrong")?.is_none());
            assert!(revoke(c, &id)?);
            assert!(!revoke(c, &id)?);
            assert!(authenticate(c, &token)?.is_none());
            assert_eq!(list(c)?.len(), 1);
            Ok(())
        })
        .unwrap();
    }
}
