//! Storage: one binary, two backends. The backend is picked at run time from
//! `DATABASE_URL`; queries are written once against diesel's `MultiConnection`.

mod connection;
mod migrations;
mod prepared;
pub mod schema;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, SubsecRound, Utc};
use diesel::r2d2::{Pool, PooledConnection};

pub use connection::{Backend, DbConnection, Manager, MultiBackend};
pub use prepared::{Fixed, any_of, any_of_text, fixed};

/// A multi-row `INSERT` of `rows` into `table` on a [`DbConnection`]: diesel
/// writes those for each backend, not for the connection over both.
macro_rules! insert_rows {
    ($conn:expr, $table:expr, $rows:expr) => {
        match $conn {
            $crate::db::DbConnection::Postgres(c) => diesel::insert_into($table).values($rows).execute(c),
            $crate::db::DbConnection::Sqlite(c) => diesel::insert_into($table).values($rows).execute(c),
        }
    };
}
pub(crate) use insert_rows;
pub use migrations::run_pending as run_migrations;

/// Failures of the storage layer itself, as opposed to what a query found.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// No connection could be had in time: the database is down or saturated.
    #[error("database unavailable")]
    Unavailable(#[source] diesel::r2d2::PoolError),
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
    /// The blocking task running the query was cancelled or panicked.
    #[error("database task failed")]
    Task,
}

/// The connection pool and what callers need to know about the backend.
#[derive(Clone)]
pub struct Db {
    pool: Pool<Manager>,
    backend: Backend,
    /// SQLite has one writer at a time; taking turns here rather than in the
    /// file lock avoids `SQLITE_BUSY` when a read transaction upgrades.
    write_turn: Arc<Mutex<()>>,
}

impl Db {
    /// Opens a pool on `url`. Connections are made lazily, so a database that is
    /// down at start-up is reported by the first query rather than here.
    pub fn connect(url: &str, max_size: u32, timeout: Duration) -> anyhow::Result<Self> {
        let manager = Manager::new(url)?;
        let backend = manager.backend();
        let pool = Pool::builder()
            .max_size(max_size)
            .min_idle(Some(1))
            .connection_timeout(timeout)
            .test_on_check_out(false)
            .build_unchecked(manager);
        Ok(Self {
            pool,
            backend,
            write_turn: Arc::default(),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Connections open, and of those, idle.
    pub fn pool_state(&self) -> (u32, u32) {
        let state = self.pool.state();
        (state.connections, state.idle_connections)
    }

    pub fn conn(&self) -> Result<PooledConnection<Manager>, DbError> {
        self.pool.get().map_err(DbError::Unavailable)
    }

    /// Runs `f` on a pooled connection, off the async executor.
    pub async fn read<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let db = self.clone();
        actix_web::web::block(move || f(&mut *db.conn()?))
            .await
            .map_err(|_| DbError::Task)?
    }

    /// Runs `f` in a transaction, off the async executor; it commits when `f`
    /// returns `Ok` and rolls back otherwise.
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + From<diesel::result::Error> + Send + 'static,
    {
        let db = self.clone();
        actix_web::web::block(move || db.write_blocking(f))
            .await
            .map_err(|_| DbError::Task)?
    }

    /// The synchronous form of [`Db::write`], for the command line.
    pub fn write_blocking<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E>,
        E: From<DbError> + From<diesel::result::Error>,
    {
        use diesel::Connection;
        let mut conn = self.conn()?;
        let _turn = match self.backend {
            Backend::Sqlite => Some(self.write_turn.lock().unwrap_or_else(|e| e.into_inner())),
            Backend::Postgres => None,
        };
        (*conn).transaction(f)
    }

    /// True when a connection can be had and answers a trivial query.
    pub async fn ping(&self) -> bool {
        self.read(|conn| {
            use diesel::connection::SimpleConnection;
            conn.batch_execute("SELECT 1").map_err(DbError::from)
        })
        .await
        .is_ok()
    }

    /// Applies the pending embedded migrations; returns their names.
    pub fn migrate(&self) -> anyhow::Result<Vec<String>> {
        run_migrations(&mut *self.conn()?)
    }

    /// Refreshes the query planner's statistics where they are missing or
    /// stale. Without them SQLite can prefer an index that reads the whole
    /// table; PostgreSQL keeps its own up to date (autovacuum). Counting the
    /// rows of a large table takes seconds: this is for after bulk writes.
    pub fn optimize(&self) -> Result<(), DbError> {
        use diesel::connection::SimpleConnection;
        if self.backend == Backend::Sqlite {
            self.write_blocking(|conn| -> Result<(), DbError> {
                Ok(conn.batch_execute("PRAGMA optimize = 0x10002;")?)
            })?;
        }
        Ok(())
    }

    /// [`Db::optimize`] for a database that has no statistics yet (a new
    /// one, or one written by an older version), so that start-up stays
    /// quick on a large database that has them.
    pub fn optimize_once(&self) -> Result<(), DbError> {
        use diesel::RunQueryDsl;
        use diesel::dsl::sql;
        use diesel::sql_types::Bool;
        if self.backend != Backend::Sqlite {
            return Ok(());
        }
        let has_statistics: bool = diesel::select(sql::<Bool>(
            "EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1')",
        ))
        .get_result(&mut *self.conn()?)?;
        if has_statistics { Ok(()) } else { self.optimize() }
    }
}

/// The database's own consistency check: SQLite's `PRAGMA integrity_check`
/// ("ok" when sound); on PostgreSQL, a full read of every table's heap and
/// indexes through a count, which fails on a damaged page.
pub fn integrity_check(db: &Db) -> anyhow::Result<String> {
    use diesel::RunQueryDsl;
    use diesel::sql_types::Text;
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = Text)]
        result: String,
    }
    let mut conn = db.conn()?;
    let sql = match db.backend() {
        Backend::Sqlite => "SELECT integrity_check AS result FROM pragma_integrity_check",
        Backend::Postgres => {
            "SELECT CASE WHEN (SELECT count(*) FROM articles) >= 0 \
             AND (SELECT count(*) FROM article_revisions) >= 0 THEN 'ok' ELSE 'damaged' END AS result"
        }
    };
    let rows: Vec<Row> = diesel::sql_query(sql).load(&mut *conn)?;
    Ok(rows.into_iter().map(|r| r.result).collect::<Vec<_>>().join("\n"))
}

/// The current time as stored: UTC, truncated to the microsecond, the finest
/// precision both backends keep, so that a value reads back as it was written.
pub fn now() -> NaiveDateTime {
    Utc::now().naive_utc().trunc_subsecs(6)
}

/// A stored time as an instant.
pub fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}
