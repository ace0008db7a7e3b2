//! The editorial workflow: submit, publish (now or scheduled), unpublish,
//! archive; trash, restore and permanent deletion.
//!
//! ```text
//! draft ──submit──▶ in_review
//! draft | in_review | scheduled ──publish──▶ published, or scheduled when publish_at is ahead
//! published | scheduled ──unpublish──▶ draft
//! draft | in_review | scheduled | published ──archive──▶ archived ──restore──▶ draft
//! any ──trash (DELETE)──▶ in the trash ──restore──▶ as before
//! ```

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::edit::{row, stale};
use super::revisions::{self, Change};
use super::{ArticleRow, Status, policy};
use crate::auth::CurrentUser;
use crate::content::{Error, Result, check_version};
use crate::db::schema::articles;
use crate::db::{DbConnection, now};

#[derive(Debug, Clone, Copy)]
pub enum Action {
    Submit,
    /// Publish now, or at the given time if it is ahead.
    Publish(Option<NaiveDateTime>),
    Unpublish,
    Archive,
    /// Out of the trash, or out of the archive back to draft.
    Restore,
    /// Into the trash.
    Trash,
}

impl Action {
    fn name(self) -> &'static str {
        match self {
            Action::Submit => "submit",
            Action::Publish(_) => "publish",
            Action::Unpublish => "unpublish",
            Action::Archive => "archive",
            Action::Restore => "restore",
            Action::Trash => "trash",
        }
    }
}

struct Next {
    status: Status,
    published_at: Option<NaiveDateTime>,
    deleted_at: Option<NaiveDateTime>,
    change: Change,
}

fn refuse(action: Action, row: &ArticleRow) -> Error {
    let state = if row.deleted_at.is_some() {
        "in the trash"
    } else {
        row.status.as_str()
    };
    Error::Conflict(format!(
        "cannot {} article {}: it is {state}",
        action.name(),
        row.id
    ))
}

fn next(action: Action, row: &ArticleRow, user: &CurrentUser, now: NaiveDateTime) -> Result<Next> {
    use Status::*;
    let status = Status::from_stored(&row.status);
    let keep = |status, change| Next {
        status,
        published_at: row.published_at,
        deleted_at: row.deleted_at,
        change,
    };
    match action {
        Action::Submit => {
            policy::can_edit(user, row)?;
            match status {
                Draft => Ok(keep(InReview, Change::Submit)),
                _ => Err(refuse(action, row)),
            }
        }
        Action::Publish(at) => {
            policy::can_decide(user, row)?;
            if !matches!(status, Draft | InReview | Scheduled) {
                return Err(refuse(action, row));
            }
            // A republished article keeps its first publication time unless told otherwise.
            let at = at
                .or(row.published_at.filter(|_| status != Scheduled))
                .unwrap_or(now);
            let (status, change) = if at > now {
                (Scheduled, Change::Schedule)
            } else {
                (Published, Change::Publish)
            };
            Ok(Next {
                published_at: Some(at),
                ..keep(status, change)
            })
        }
        Action::Unpublish => {
            policy::can_decide(user, row)?;
            match status {
                Published | Scheduled => Ok(keep(Draft, Change::Unpublish)),
                _ => Err(refuse(action, row)),
            }
        }
        Action::Archive => {
            policy::can_decide(user, row)?;
            match status {
                Archived => Err(refuse(action, row)),
                _ => Ok(keep(Archived, Change::Archive)),
            }
        }
        Action::Trash => {
            policy::can_trash(user, row)?;
            match row.deleted_at {
                Some(_) => Err(refuse(action, row)),
                None => Ok(Next {
                    deleted_at: Some(now),
                    ..keep(status, Change::Trash)
                }),
            }
        }
        Action::Restore => match (row.deleted_at, status) {
            (Some(_), _) => {
                policy::can_trash(user, row)?;
                Ok(Next {
                    deleted_at: None,
                    ..keep(status, Change::Restore)
                })
            }
            (None, Archived) => {
                policy::can_decide(user, row)?;
                Ok(keep(Draft, Change::Restore))
            }
            _ => Err(refuse(action, row)),
        },
    }
}

/// Applies `action` to article `id` if `if_version` is still current.
pub fn apply(
    conn: &mut DbConnection,
    id: i64,
    action: Action,
    user: &CurrentUser,
    if_version: Option<i64>,
) -> Result<()> {
    crate::content::versioned(conn, if_version, |conn| {
        let current = row(conn, id)?;
        let now = now();
        let next = next(action, &current, user, now)?;
        check_version(current.version, if_version)?;
        set_state(conn, &current, &next, Some(user.id), now)
    })
}

fn set_state(
    conn: &mut DbConnection,
    current: &ArticleRow,
    next: &Next,
    user_id: Option<i64>,
    now: NaiveDateTime,
) -> Result<()> {
    let updated = diesel::update(
        articles::table
            .filter(articles::id.eq(current.id))
            .filter(articles::version.eq(current.version)),
    )
    .set((
        articles::status.eq(next.status.as_str()),
        articles::published_at.eq(next.published_at),
        articles::deleted_at.eq(next.deleted_at),
        articles::updated_at.eq(now),
        articles::version.eq(current.version + 1),
    ))
    .execute(conn)?;
    if updated == 0 {
        return Err(stale(conn, current));
    }
    revisions::record(conn, current.id, user_id, next.change, now)
}

/// Deletes an article for good, with its history. Admins only, from the trash.
pub fn purge(conn: &mut DbConnection, id: i64, user: &CurrentUser, if_version: Option<i64>) -> Result<()> {
    let current = row(conn, id)?;
    policy::can_purge(user, &current)?;
    check_version(current.version, if_version)?;
    diesel::delete(articles::table.find(id)).execute(conn)?;
    Ok(())
}

/// Marks scheduled articles whose time has come as published; returns how
/// many. Readers see them from their publication time on regardless: this
/// only brings the stored status in line.
pub fn publish_due(conn: &mut DbConnection) -> Result<usize> {
    let now = now();
    let due: Vec<ArticleRow> = articles::table
        .filter(articles::status.eq(Status::Scheduled.as_str()))
        .filter(articles::published_at.le(now))
        .select(ArticleRow::as_select())
        .load(conn)?;
    for article in &due {
        let next = Next {
            status: Status::Published,
            published_at: article.published_at,
            deleted_at: article.deleted_at,
            change: Change::Publish,
        };
        set_state(conn, article, &next, None, now)?;
    }
    Ok(due.len())
}
