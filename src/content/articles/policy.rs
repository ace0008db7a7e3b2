//! Who may do what to an article.

use super::{ArticleRow, Status};
use crate::auth::{CurrentUser, Role};
use crate::content::{Error, Result};

fn not_trashed(row: &ArticleRow) -> Result<()> {
    match row.deleted_at {
        Some(_) => Err(Error::Conflict(format!(
            "article {} is in the trash; restore it first",
            row.id
        ))),
        None => Ok(()),
    }
}

/// Editors may; writers only on their own articles not yet published.
fn editor_or_author_before_publication(user: &CurrentUser, row: &ArticleRow, refusal: &str) -> Result<()> {
    let own = row.created_by == Some(user.id);
    let unpublished = matches!(Status::from_stored(&row.status), Status::Draft | Status::InReview);
    if user.is(Role::Editor) || (own && unpublished) {
        Ok(())
    } else {
        Err(Error::Forbidden(refusal.into()))
    }
}

/// Editors edit everything; writers edit their own articles until published.
pub fn can_edit(user: &CurrentUser, row: &ArticleRow) -> Result<()> {
    not_trashed(row)?;
    editor_or_author_before_publication(
        user,
        row,
        "writers may change only their own articles, and only until they are published",
    )
}

/// Editors trash and restore anything; writers only their own unpublished work.
pub fn can_trash(user: &CurrentUser, row: &ArticleRow) -> Result<()> {
    editor_or_author_before_publication(user, row, "writers may trash only their own unpublished articles")
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
