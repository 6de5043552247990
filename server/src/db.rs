//! The SQLite database: opening, migrations, and running work off the async threads.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use rusqlite_migration::{Migrations, M};

/// A storage failure; shown to API callers only as "internal error".
// The cause is the error's `source()`, not part of its message, so that a chain printed
// whole (the command line's `{:#}`, a log's `error.sources`) says it once.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite said no.
    #[error("database")]
    Sqlite(#[from] rusqlite::Error),
    /// The schema could not be brought up to date.
    #[error("migration")]
    Migration(#[from] rusqlite_migration::Error),
    /// A stored JSON body no longer decodes.
    #[error("stored JSON")]
    Json(#[from] serde_json::Error),
    /// The database directory could not be created.
    #[error("database directory")]
    Io(#[from] std::io::Error),
    /// A blocking task was cancelled or panicked.
    #[error("database task: {0}")]
    Task(String),
    /// A read ran past its deadline and SQLite stopped it.
    #[error("the query ran longer than {} ms and was stopped", .0.as_millis())]
    Deadline(Duration),
    /// As many authentications as may wait for their connection already wait.
    #[error("the authentications waiting fill their queue")]
    AuthenticationsWaiting,
}

/// The migrations, embedded in the binary, applied in order on open.
fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(include_str!("../migrations/001_initial.sql")),
        M::up(include_str!("../migrations/002_events.sql")),
        M::up(include_str!("../migrations/003_delivery_claims.sql")),
        M::up(include_str!("../migrations/004_event_stream.sql")),
        M::up(include_str!("../migrations/005_delivery_guards.sql")),
        M::up(include_str!("../migrations/006_quotas.sql")),
    ])
}

/// Connections that only read, beside the one that writes (WAL lets them run together).
const READERS: usize = 4;

/// How long one read may run before SQLite stops it, unless [`Db::with_query_deadline`].
pub const QUERY_DEADLINE: Duration = Duration::from_secs(2);

/// Authentications that may wait for their connection at once, unless
/// [`Db::with_authentication_queue`]; beyond, one is refused at once.
pub const AUTHENTICATION_QUEUE: usize = 64;

/// SQLite's virtual-machine steps between two looks at the clock during a read.
const STEPS_BETWEEN_CHECKS: i32 = 1000;

/// A handle to the database, cheap to clone: one writing connection, a few reading ones
/// for the API and the engine, and one reading connection kept for authentication, so
/// that a token is never checked behind a list query. Each is used by one task at a time.
#[derive(Clone)]
pub struct Db {
    connection: Arc<Mutex<Connection>>,
    readers: Arc<[Mutex<Connection>]>,
    next_reader: Arc<AtomicUsize>,
    authenticator: Arc<Mutex<Connection>>,
    // Places for authentications waiting for `authenticator` (a bounded queue).
    authentications: Arc<tokio::sync::Semaphore>,
    query_deadline: Duration,
}

fn configure(connection: &Connection) -> Result<(), StoreError> {
    // WAL lets readers (other connections, other processes such as `token issue`) work
    // beside the writer; synchronous=FULL makes every acknowledged commit survive a crash.
    connection.pragma_update(None, "journal_mode", "WAL")?;
    connection.pragma_update(None, "synchronous", "FULL")?;
    connection.pragma_update(None, "foreign_keys", "ON")?;
    connection.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(())
}

impl Db {
    /// Opens (creating if needed) the database at `path` in WAL mode and migrates it. It
    /// holds secrets: a directory it creates is 0700, a file 0600 (SQLite gives its WAL
    /// and shared-memory files the database file's mode).
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            private_dir(parent)?;
        }
        private_file(path)?;
        let mut connection = Connection::open(path)?;
        configure(&connection)?;
        // Every transaction takes the write lock when it begins. A deferred one that read
        // first could not take it once another process (`seed`, `token issue`) had written
        // meanwhile: SQLite answers "database is locked" at once, without waiting.
        connection.set_transaction_behavior(TransactionBehavior::Immediate);
        migrations().to_latest(&mut connection)?;
        let open_reader = || -> Result<Mutex<Connection>, StoreError> {
            let reader =
                Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
            reader.busy_timeout(std::time::Duration::from_secs(5))?;
            Ok(Mutex::new(reader))
        };
        let readers = (0..READERS).map(|_| open_reader()).collect::<Result<Vec<_>, StoreError>>()?;
        Ok(Self {
            connection: Arc::new(Mutex::new(connection)),
            readers: readers.into(),
            next_reader: Arc::new(AtomicUsize::new(0)),
            authenticator: Arc::new(open_reader()?),
            authentications: Arc::new(tokio::sync::Semaphore::new(AUTHENTICATION_QUEUE)),
            query_deadline: QUERY_DEADLINE,
        })
    }

    /// The same database with room for `waiting` authentications at once (tests use few).
    pub fn with_authentication_queue(self, waiting: usize) -> Self {
        Self { authentications: Arc::new(tokio::sync::Semaphore::new(waiting)), ..self }
    }

    /// The same database with another deadline for each read (tests use a short one).
    pub fn with_query_deadline(self, deadline: Duration) -> Self {
        Self { query_deadline: deadline, ..self }
    }

    /// Runs `work` on the writing connection, on a blocking thread.
    pub async fn call<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let connection = Arc::clone(&self.connection);
        tokio::task::spawn_blocking(move || work(&mut lock(&connection)))
            .await
            .map_err(|error| StoreError::Task(error.to_string()))?
    }

    /// Runs read-only `work` on one of the reading connections, on a blocking thread.
    pub async fn read<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let readers = Arc::clone(&self.readers);
        let first = self.next_reader.fetch_add(1, Ordering::Relaxed);
        let deadline = self.query_deadline;
        tokio::task::spawn_blocking(move || {
            // A free reader if there is one, else wait for the next in turn.
            let free = (0..readers.len()).find_map(|i| readers[(first + i) % readers.len()].try_lock().ok());
            match free {
                Some(reader) => within_deadline(&reader, deadline, work),
                None => within_deadline(&lock(&readers[first % readers.len()]), deadline, work),
            }
        })
        .await
        .map_err(|error| StoreError::Task(error.to_string()))?
    }

    /// Runs read-only `work` on the connection kept for authentication, if fewer than its
    /// queue's room wait for it (else [`StoreError::AuthenticationsWaiting`] at once).
    pub async fn read_for_authentication<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let place =
            Arc::clone(&self.authentications).try_acquire_owned().map_err(|_| StoreError::AuthenticationsWaiting)?;
        let authenticator = Arc::clone(&self.authenticator);
        let deadline = self.query_deadline;
        tokio::task::spawn_blocking(move || {
            let _place = place;
            within_deadline(&lock(&authenticator), deadline, work)
        })
        .await
        .map_err(|error| StoreError::Task(error.to_string()))?
    }

    /// Runs `work` on the connection right here (command-line use, no runtime).
    pub fn blocking<T>(&self, work: impl FnOnce(&mut Connection) -> Result<T, StoreError>) -> Result<T, StoreError> {
        work(&mut lock(&self.connection))
    }
}

/// Creates `dir` and its missing parents, readable by this user only (0700 on Unix).
fn private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Creates the file at `path` if it is missing, readable by this user only (0600 on Unix).
fn private_file(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map(drop)
}

/// Runs `work` on `reader`, which SQLite interrupts once `deadline` has passed: no request
/// holds a reader for longer, whatever it asks for.
fn within_deadline<T>(
    reader: &Connection,
    deadline: Duration,
    work: impl FnOnce(&Connection) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let stop_at = Instant::now() + deadline;
    reader.progress_handler(STEPS_BETWEEN_CHECKS, Some(move || Instant::now() >= stop_at));
    let result = work(reader);
    reader.progress_handler(0, None::<fn() -> bool>);
    result.map_err(|error| match error {
        StoreError::Sqlite(rusqlite::Error::SqliteFailure(failure, _))
            if failure.code == rusqlite::ErrorCode::OperationInterrupted =>
        {
            StoreError::Deadline(deadline)
        }
        other => other,
    })
}

/// Locks a connection; a panic in other work leaves the connection usable.
fn lock(connection: &Mutex<Connection>) -> std::sync::MutexGuard<'_, Connection> {
    connection.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
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

    #[cfg(unix)]
    #[test]
    fn the_database_is_readable_by_its_user_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("secret/db.sqlite3")).unwrap();
        db.blocking(|c| Ok(c.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1)")?)).unwrap();
        let mode = |name: &str| std::fs::metadata(dir.path().join(name)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode("secret"), 0o700);
        for file in ["secret/db.sqlite3", "secret/db.sqlite3-wal", "secret/db.sqlite3-shm"] {
            assert_eq!(mode(file), 0o600, "{file}");
        }
    }

    #[tokio::test]
    async fn a_read_past_its_deadline_is_stopped_and_the_reader_stays_usable() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("slow.sqlite3")).unwrap().with_query_deadline(Duration::from_millis(50));
        // A query of about a hundred million steps: seconds of work without the deadline.
        let slow =
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000000) SELECT count(*) FROM n";
        for _ in 0..READERS + 1 {
            let started = Instant::now();
            let result = db.read(move |c| Ok(c.query_row(slow, [], |row| row.get::<_, i64>(0))?)).await;
            assert!(matches!(result, Err(StoreError::Deadline(_))), "{result:?}");
            assert!(started.elapsed() < Duration::from_secs(1), "stopped after {:?}", started.elapsed());
        }
        let stopped = db.read_for_authentication(move |c| Ok(c.query_row(slow, [], |row| row.get::<_, i64>(0))?)).await;
        assert!(matches!(stopped, Err(StoreError::Deadline(_))));
        let quick = db.read(|c| Ok(c.query_row("SELECT 41 + 1", [], |row| row.get::<_, i64>(0))?)).await.unwrap();
        assert_eq!(quick, 42, "a stopped read leaves its connection usable");
    }

    #[test]
    fn a_transaction_waits_for_another_process_writing_instead_of_failing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("two.sqlite3");
        let server = Db::open(&path).unwrap();
        // Another process on the same file, e.g. `webhooks-server token issue`.
        let other = Db::open(&path).unwrap();
        server.blocking(|c| Ok(c.execute_batch("CREATE TABLE scratch (writer TEXT)")?)).unwrap();
        server
            .blocking(|c| {
                let transaction = c.transaction()?;
                let before: i64 = transaction.query_row("SELECT count(*) FROM scratch", [], |row| row.get(0))?;
                let meanwhile = std::thread::spawn(move || {
                    other.blocking(|c| Ok(c.execute("INSERT INTO scratch VALUES ('other')", [])?))
                });
                std::thread::sleep(std::time::Duration::from_millis(100));
                transaction.execute("INSERT INTO scratch VALUES (?1)", [format!("server after {before}")])?;
                transaction.commit()?;
                meanwhile.join().unwrap()?;
                Ok(())
            })
            .unwrap();
        let rows: i64 =
            server.blocking(|c| Ok(c.query_row("SELECT count(*) FROM scratch", [], |row| row.get(0))?)).unwrap();
        assert_eq!(rows, 2);
    }
}
