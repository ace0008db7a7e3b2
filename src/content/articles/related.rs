//! Editing an article's curated "Lire aussi" links.

use diesel::prelude::*;
use serde::Deserialize;
use utoipa::ToSchema;

use super::edit::{bump_version, row};
use super::policy;
use super::revisions::{self, Change};
use super::write::{self, Link};
use crate::auth::CurrentUser;
use crate::content::{FieldError, FieldErrors, Result, check_version, validate};
use crate::db::schema::articles;
use crate::db::{DbConnection, now};

const MAX_LINKS: usize = 20;

/// One curated link: to an article of the site, or to an external page.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkInput {
    /// The linked article's id; give this or `url`.
    #[schema(example = 12)]
    pub article_id: Option<i64>,
    /// An external page; give this or `article_id`.
    pub url: Option<String>,
    /// Required for external links; defaults to the linked article's title.
    pub title: Option<String>,
    pub kicker: Option<String>,
    pub excerpt: Option<String>,
}

fn validate_links(conn: &mut DbConnection, article_id: i64, links: &[LinkInput]) -> Result<Vec<Link>> {
    let mut errors = FieldErrors::default();
    if links.len() > MAX_LINKS {
        errors.push(FieldError::new("body", format!("at most {MAX_LINKS} links")));
    }
    let mut valid = Vec::new();
    for (i, link) in links.iter().enumerate().take(MAX_LINKS) {
        let field = |name: &str| format!("[{i}].{name}");
        let kicker = errors
            .check(validate::optional_text(
                &field("kicker"),
                link.kicker.as_deref(),
                120,
            ))
            .flatten();
        let excerpt = errors
            .check(validate::optional_text(
                &field("excerpt"),
                link.excerpt.as_deref(),
                1000,
            ))
            .flatten();
        let title = errors
            .check(validate::optional_text(
                &field("title"),
                link.title.as_deref(),
                300,
            ))
            .flatten();
        match (link.article_id, link.url.as_deref()) {
            (Some(target), None) => {
                let target_title = articles::table
                    .find(target)
                    .select(articles::title)
                    .first::<String>(conn)
                    .optional()?;
                match target_title {
                    _ if target == article_id => {
                        errors.push(FieldError::new(
                            field("article_id"),
                            "an article cannot link to itself",
                        ));
                    }
                    None => errors.push(FieldError::new(
                        field("article_id"),
                        format!("no article {target}"),
                    )),
                    Some(target_title) => valid.push(Link {
                        target_article_id: Some(target),
                        url: None,
                        title: title.unwrap_or(target_title),
                        kicker,
                        excerpt,
                    }),
                }
            }
            (None, Some(url)) => {
                let url = errors.check(validate::url(&field("url"), url));
                match (url, title) {
                    (Some(url), Some(title)) => valid.push(Link {
                        target_article_id: None,
                        url: Some(url),
                        title,
                        kicker,
                        excerpt,
                    }),
                    (_, None) => errors.push(FieldError::new(
                        field("title"),
                        "is required for an external link",
                    )),
                    _ => {}
                }
            }
            _ => errors.push(FieldError::new(
                field("article_id"),
                "give either article_id or url",
            )),
        }
    }
    errors.into_result()?;
    Ok(valid)
}

/// Replaces the article's links as a new version of it.
pub fn replace(
    conn: &mut DbConnection,
    article_id: i64,
    links: &[LinkInput],
    user: &CurrentUser,
    if_version: Option<i64>,
) -> Result<()> {
    crate::content::versioned(conn, if_version, |conn| {
        let current = row(conn, article_id)?;
        policy::can_edit(user, &current)?;
        check_version(current.version, if_version)?;
        let links = validate_links(conn, article_id, links)?;
        let now = now();
        bump_version(conn, &current, now)?;
        write::set_related_links(conn, article_id, &links)?;
        revisions::record(conn, article_id, Some(user.id), Change::Update, now)
    })
}
