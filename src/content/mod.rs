//! The news content: one module per resource, each holding its stored rows, the
//! shapes the API shows, its queries and its validation.

pub mod articles;
pub mod authors;
pub mod cursor;
pub mod demo;
pub mod generate;
pub mod html;
pub mod idempotency;
pub mod patch;
pub mod photos;
#[cfg(test)]
mod properties;
pub mod search;
pub mod sections;
pub mod syndication;
pub mod tags;
pub mod text;
pub mod users;
pub mod validate;

use serde::Serialize;
use utoipa::ToSchema;

use crate::db::DbError;

/// What the content layer reports to its callers.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    NotFound(String),
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("{0}")]
    Conflict(String),
    /// The acting user may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// The client's `If-Match` names a version that is no longer current.
    #[error("the resource has changed since version {expected}; it is now at version {current}")]
    Stale { expected: i64, current: i64 },
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Refuses a write based on an outdated version. Without a version the write
/// goes ahead (last writer wins, as documented).
/// Runs a write that checks and bumps a version in the statement that
/// writes. With `If-Match` (`if_version`), a newer version refuses it.
/// Without, the client set no precondition and the last writer wins: an
/// attempt that lost the version to a concurrent writer (PostgreSQL lets two
/// transactions read the same one) is undone to a savepoint and run again
/// from the new version.
pub fn versioned<T>(
    conn: &mut crate::db::DbConnection,
    if_version: Option<i64>,
    mut write: impl FnMut(&mut crate::db::DbConnection) -> Result<T>,
) -> Result<T> {
    use diesel::Connection;
    // Each retry follows a concurrent writer's commit; this many in a row
    // would take that many editors saving the same resource at once.
    const ATTEMPTS: u32 = 16;
    let mut attempt = 1;
    loop {
        match conn.transaction(&mut write) {
            Err(Error::Stale { .. }) if if_version.is_none() && attempt < ATTEMPTS => attempt += 1,
            done => return done,
        }
    }
}

pub fn check_version(current: i64, expected: Option<i64>) -> Result<()> {
    match expected {
        Some(expected) if expected != current => Err(Error::Stale { expected, current }),
        _ => Ok(()),
    }
}

impl From<diesel::result::Error> for Error {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error as E};
        match e {
            E::NotFound => Error::NotFound("not found".into()),
            E::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                Error::Conflict("a resource with the same unique value already exists".into())
            }
            other => Error::Db(DbError::Query(other)),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One rejected input field and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// The field, query parameter or header at fault, as the client named it.
    #[schema(example = "limit")]
    pub field: String,
    #[schema(example = "must be a whole number from 1 to 100")]
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Collects every field error of an input instead of stopping at the first.
#[derive(Debug, Default)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    /// The value, or `None` with its error recorded.
    pub fn check<T>(&mut self, result: Result<T, FieldError>) -> Option<T> {
        result.map_err(|e| self.0.push(e)).ok()
    }

    /// `value` when nothing was recorded, else every error.
    pub fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, Vec<FieldError>> {
        if self.0.is_empty() {
            Ok(value())
        } else {
            Err(self.0)
        }
    }

    pub fn push(&mut self, error: FieldError) {
        self.0.push(error);
    }

    /// `Ok` when nothing was recorded, else an [`Error::Invalid`].
    pub fn into_result(self) -> Result<()> {
        self.finish(|| ()).map_err(Error::Invalid)
    }
}

impl From<FieldError> for Error {
    fn from(e: FieldError) -> Self {
        Error::Invalid(vec![e])
    }
}

/// A page of a list, newest or first items first.
#[derive(Debug, Serialize, ToSchema)]
#[schema(bound = "T: ToSchema")]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// Page size when the client names none.
pub const DEFAULT_LIMIT: i64 = 20;
/// Largest page a client may ask for.
pub const MAX_LIMIT: i64 = 100;

/// Parses a `limit` query parameter: `default` when absent, else 1 to `max`.
pub fn parse_limit(raw: Option<&str>, default: i64, max: i64) -> Result<i64, FieldError> {
    let Some(raw) = raw else {
        return Ok(default);
    };
    match raw.trim().parse::<i64>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(FieldError::new(
            "limit",
            format!("must be a whole number from 1 to {max}"),
        )),
    }
}

/// Given `limit + 1` rows, drops the extra one and returns the cursor that
/// continues after the last row kept, if there is more.
pub fn next_cursor<R>(rows: &mut Vec<R>, limit: i64, key_of: impl FnOnce(&R) -> String) -> Option<String> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    if rows.len() <= limit {
        return None;
    }
    rows.truncate(limit);
    rows.last().map(key_of)
}

/// A validated request for a page of a list ordered by name (authors, tags).
#[derive(Debug, Default)]
pub struct ByName {
    pub limit: i64,
    pub after: Option<(String, i64)>,
}

impl ByName {
    pub fn parse(limit: Option<&str>, cursor: Option<&str>) -> Result<Self, Vec<FieldError>> {
        let (limit, cursor) = (given(limit), given(cursor));
        let mut errors = FieldErrors::default();
        let limit = errors.check(parse_limit(limit, DEFAULT_LIMIT, MAX_LIMIT));
        let after = cursor.and_then(|c| errors.check(cursor::decode(c)));
        errors.finish(|| Self {
            limit: limit.unwrap_or(DEFAULT_LIMIT),
            after,
        })
    }
}

/// A query parameter's value, an empty one (`?cursor=`) counting as absent.
pub fn given(value: Option<&str>) -> Option<&str> {
    value.filter(|v| !v.is_empty())
}
