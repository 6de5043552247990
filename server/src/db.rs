//! The SQLite database: opening, migrations, and running work off the async threads.

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::Connection;
use rusqlite_migration::{Migrations, M};

/// A storage failure; shown to API callers only as "internal error".
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite said no.
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The schema could not be brought up to date.
    #[error("migration: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    /// A stored JSON body no longer decodes.
    #[error("stored JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The database directory could not be created.
    #[error("database directory: {0}")]
    Io(#[from] std::io::Error),
    /// A blocking task was cancelled or panicked.
    #[error("database task: {0}")]
    Task(String),
}

/// The migrations, embedded in the binary, applied in order on open.
fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(include_str!("../migrations/001_initial.sql")),
        M::up(include_str!("../migrations/002_events.sql")),
    ])
}

/// A handle to the database, cheap to clone; one connection, used by one task at a time.
#[derive(Clone)]
pub struct Db {
    connection: Arc<Mutex<Connection>>,
}

impl Db {
    /// Opens (creating if needed) the database at `path` in WAL mode and migrates it.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        let mut connection = Connection::open(path)?;
        // WAL lets readers in other processes (token issue) work beside the server;
        // synchronous=FULL makes every acknowledged commit survive a crash.
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "FULL")?;
        connection.pragma_update(None, "foreign_keys", "ON")?;
        connection.busy_timeout(std::time::Duration::from_secs(5))?;
        migrations().to_latest(&mut connection)?;
        Ok(Self { connection: Arc::new(Mutex::new(connection)) })
    }

    /// Runs `work` on the connection, on a blocking thread.
    pub async fn call<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let connection = Arc::clone(&self.connection);
        tokio::task::spawn_blocking(move || {
            let mut connection = connection.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            work(&mut connection)
        })
        .await
        .map_err(|error| StoreError::Task(error.to_string()))?
    }

    /// Runs `work` on the connection right here (command-line use, no runtime).
    pub fn blocking<T>(&self, work: impl FnOnce(&mut Connection) -> Result<T, StoreError>) -> Result<T, StoreError> {
        let mut connection = self.connection.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        work(&mut connection)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        migrations().validate().unwrap();
    }

    #[test]
    fn open_creates_the_schema_in_wal_mode() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("nested/w.sqlite3")).unwrap();
        let mode: String = db.blocking(|c| Ok(c.query_row("PRAGMA journal_mode", [], |row| row.get(0))?)).unwrap();
        assert_eq!(mode, "wal");
    }
}
