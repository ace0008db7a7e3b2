//! Article history: a full snapshot at every change, listed, read and restored.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::edit::{self, ArticleInput};
use super::{ArticleRow, Status, policy};
use crate::auth::CurrentUser;
use crate::content::{Error, Result, check_version};
use crate::db::schema::{article_revisions, users};
use crate::db::{DbConnection, utc};

/// What a revision changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Create,
    Update,
    Submit,
    Publish,
    Schedule,
    Unpublish,
    Archive,
    Trash,
    Restore,
    /// Content brought back from the revision of this number.
    Revert(i32),
}

impl Change {
    fn describe(self) -> String {
        match self {
            Change::Create => "create".into(),
            Change::Update => "update".into(),
            Change::Submit => "submit".into(),
            Change::Publish => "publish".into(),
            Change::Schedule => "schedule".into(),
            Change::Unpublish => "unpublish".into(),
            Change::Archive => "archive".into(),
            Change::Trash => "trash".into(),
            Change::Restore => "restore".into(),
            Change::Revert(n) => format!("revert:{n}"),
        }
    }
}

/// The article as it stood after a change.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Snapshot {
    pub status: Status,
    pub published_at: Option<DateTime<Utc>>,
    pub deleted: bool,
    pub content: ArticleInput,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionUser {
    pub id: i64,
    pub display_name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Revision {
    /// 1 for the creation, then one more for each change.
    #[schema(example = 1)]
    pub number: i32,
    /// `create`, `update`, `submit`, `publish`, `schedule`, `unpublish`,
    /// `archive`, `trash`, `restore`, or `revert:N`.
    #[schema(example = "update")]
    pub change: String,
    /// The article's version after the change.
    pub article_version: i64,
    /// Who made the change; absent for the server's own (scheduled publication).
    pub user: Option<RevisionUser>,
    pub created_at: DateTime<Utc>,
    /// The full article after the change; only when reading one revision.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<Snapshot>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionList {
    /// Oldest first.
    pub items: Vec<Revision>,
}

/// Records the article's current state as its next revision.
pub fn record(
    conn: &mut DbConnection,
    article_id: i64,
    user_id: Option<i64>,
    change: Change,
    now: NaiveDateTime,
) -> Result<()> {
    let row = edit::row(conn, article_id)?;
    let snapshot = Snapshot {
        status: Status::from_stored(&row.status),
        published_at: row.published_at.map(utc),
        deleted: row.deleted_at.is_some(),
        content: edit::editable(conn, &row)?,
    };
    let last: Option<i32> = article_revisions::table
        .filter(article_revisions::article_id.eq(article_id))
        .select(diesel::dsl::max(article_revisions::number))
        .first(conn)?;
    diesel::insert_into(article_revisions::table)
        .values((
            article_revisions::article_id.eq(article_id),
            article_revisions::number.eq(last.unwrap_or(0) + 1),
            article_revisions::article_version.eq(row.version),
            article_revisions::user_id.eq(user_id),
            article_revisions::change.eq(change.describe()),
            article_revisions::snapshot.eq(serde_json::to_string(&snapshot).expect("snapshots serialise")),
            article_revisions::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

type RevisionRow = (
    i32,
    String,
    i64,
    Option<i64>,
    Option<String>,
    NaiveDateTime,
    String,
);

fn load(conn: &mut DbConnection, article_id: i64, number: Option<i32>) -> Result<Vec<RevisionRow>> {
    edit::row(conn, article_id)?;
    let mut query = article_revisions::table
        .left_join(users::table)
        .filter(article_revisions::article_id.eq(article_id))
        .select((
            article_revisions::number,
            article_revisions::change,
            article_revisions::article_version,
            article_revisions::user_id,
            users::display_name.nullable(),
            article_revisions::created_at,
            article_revisions::snapshot,
        ))
        .order(article_revisions::number)
        .into_boxed();
    if let Some(n) = number {
        query = query.filter(article_revisions::number.eq(n));
    }
    Ok(query.load(conn)?)
}

fn view(
    (number, change, article_version, user_id, name, created_at, snapshot): RevisionRow,
    full: bool,
) -> Revision {
    Revision {
        number,
        change,
        article_version,
        user: user_id
            .zip(name)
            .map(|(id, display_name)| RevisionUser { id, display_name }),
        created_at: utc(created_at),
        // Written only by `record`; an unreadable one is shown without snapshot.
        snapshot: full.then(|| serde_json::from_str(&snapshot).ok()).flatten(),
    }
}

pub fn list(conn: &mut DbConnection, article_id: i64) -> Result<RevisionList> {
    let items = load(conn, article_id, None)?
        .into_iter()
        .map(|r| view(r, false))
        .collect();
    Ok(RevisionList { items })
}

pub fn get(conn: &mut DbConnection, article_id: i64, number: i32) -> Result<Revision> {
    load(conn, article_id, Some(number))?
        .into_iter()
        .next()
        .map(|r| view(r, true))
        .ok_or_else(|| Error::NotFound(format!("article {article_id} has no revision {number}")))
}

/// Brings back the content of revision `number` as a new revision. The
/// workflow state (status, publication time) is left as it is.
pub fn restore(
    conn: &mut DbConnection,
    article_id: i64,
    number: i32,
    user: &CurrentUser,
    if_version: Option<i64>,
) -> Result<()> {
    crate::content::versioned(conn, if_version, |conn| {
        let current: ArticleRow = edit::row(conn, article_id)?;
        policy::can_edit(user, &current)?;
        check_version(current.version, if_version)?;
        let revision = get(conn, article_id, number)?;
        let snapshot = revision
            .snapshot
            .ok_or_else(|| Error::Conflict(format!("revision {number} cannot be read back")))?;
        edit::save(conn, &current, &snapshot.content, user, Change::Revert(number))
    })
}
