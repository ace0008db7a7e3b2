//! Who may do what to an article.

use super::{ArticleRow, Status};
use crate::auth::{CurrentUser, Role};
use crate::content::{Error, Result};

fn owns(user: &CurrentUser, row: &ArticleRow) -> bool {
    row.created_by == Some(user.id)
}

fn not_trashed(row: &ArticleRow) -> Result<()> {
    match row.deleted_at {
        Some(_) => Err(Error::Conflict(format!(
            "article {} is in the trash; restore it first",
            row.id
        ))),
        None => Ok(()),
    }
}

/// Editors edit everything; writers edit their own articles until published.
pub fn can_edit(user: &CurrentUser, row: &ArticleRow) -> Result<()> {
    not_trashed(row)?;
    if user.is(Role::Editor) {
        return Ok(());
    }
    let status = Status::from_stored(&row.status);
    if owns(user, row) && matches!(status, Status::Draft | Status::InReview) {
        return Ok(());
    }
    Err(Error::Forbidden(
        "writers may change only their own articles, and only until they are published".into(),
    ))
}

/// Publishing, unpublishing and archiving are editors' decisions.
pub fn can_decide(user: &CurrentUser, row: &ArticleRow) -> Result<()> {
    not_trashed(row)?;
    if user.is(Role::Editor) {
        Ok(())
    } else {
        Err(Error::Forbidden(
            "only editors publish, unpublish and archive".into(),
        ))
    }
}

/// Editors trash and restore anything; writers only their own unpublished work.
pub fn can_trash(user: &CurrentUser, row: &ArticleRow) -> Result<()> {
    if user.is(Role::Editor) {
        return Ok(());
    }
    let status = Status::from_stored(&row.status);
    if owns(user, row) && matches!(status, Status::Draft | Status::InReview) {
        return Ok(());
    }
    Err(Error::Forbidden(
        "writers may trash only their own unpublished articles".into(),
    ))
}

/// Deleting for good is for admins, and only from the trash.
pub fn can_purge(user: &CurrentUser, row: &ArticleRow) -> Result<()> {
    if !user.is(Role::Admin) {
        return Err(Error::Forbidden("only admins delete articles permanently".into()));
    }
    if row.deleted_at.is_none() {
        return Err(Error::Conflict(format!(
            "article {} is not in the trash; trash it before deleting it permanently",
            row.id
        )));
    }
    Ok(())
}
