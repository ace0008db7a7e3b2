//! Authors: the people behind bylines, with a bio, a photo and links.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::photos::{self, Photo};
use super::{Error, FieldError, FieldErrors, Page, Result, cursor};
use crate::config::PublicUrls;
use crate::db::schema::{article_authors, authors};
use crate::db::{DbConnection, utc};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = authors, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct AuthorRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub byline: String,
    pub bio: Option<String>,
    pub photo_id: Option<i64>,
    pub email: Option<String>,
    /// JSON array of [`AuthorLink`].
    pub links: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

/// An author as named on an article.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuthorRef {
    #[schema(example = 1)]
    pub id: i64,
    #[schema(example = "nfamoro-keita")]
    pub slug: String,
    #[schema(example = "N'Famoro Keita")]
    pub name: String,
    /// The name as printed under the article.
    #[schema(example = "N'Famoro KEITA")]
    pub byline: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AuthorLink {
    #[schema(example = "X")]
    pub label: String,
    #[schema(example = "https://example.org/nfamoro")]
    pub url: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Author {
    #[schema(example = 1)]
    pub id: i64,
    #[schema(example = "nfamoro-keita")]
    pub slug: String,
    #[schema(example = "N'Famoro Keita")]
    pub name: String,
    #[schema(example = "N'Famoro KEITA")]
    pub byline: String,
    pub bio: Option<String>,
    pub photo: Option<Photo>,
    pub links: Vec<AuthorLink>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

fn view(row: AuthorRow, photo: Option<Photo>) -> Author {
    Author {
        id: row.id,
        slug: row.slug,
        name: row.name,
        byline: row.byline,
        bio: row.bio,
        photo,
        // Written only by this application as a JSON array; an unreadable value
        // would be a bug, shown as no links rather than a failed page.
        links: serde_json::from_str(&row.links).unwrap_or_default(),
        updated_at: utc(row.updated_at),
        version: row.version,
    }
}

/// A validated request for a page of authors, ordered by name.
#[derive(Debug, Default)]
pub struct ListQuery {
    pub limit: i64,
    pub after: Option<(String, i64)>,
}

impl ListQuery {
    pub fn parse(limit: Option<&str>, cursor: Option<&str>) -> Result<Self, Vec<FieldError>> {
        let mut errors = FieldErrors::default();
        let limit = errors.check(super::parse_limit(limit, super::DEFAULT_LIMIT, super::MAX_LIMIT));
        let after = cursor.and_then(|c| errors.check(cursor::decode(c)));
        errors.finish(|| Self {
            limit: limit.unwrap_or(super::DEFAULT_LIMIT),
            after,
        })
    }
}

pub fn list(conn: &mut DbConnection, query: &ListQuery, urls: &PublicUrls) -> Result<Page<Author>> {
    let mut sql = authors::table.select(AuthorRow::as_select()).into_boxed();
    if let Some((name, id)) = &query.after {
        sql = sql.filter(
            authors::name
                .gt(name.clone())
                .or(authors::name.eq(name.clone()).and(authors::id.gt(*id))),
        );
    }
    let mut rows: Vec<AuthorRow> = sql
        .order((authors::name, authors::id))
        .limit(query.limit + 1)
        .load(conn)?;
    let next_cursor = super::next_cursor(&mut rows, query.limit, |last| {
        cursor::encode(&(&last.name, last.id))
    });
    let photo_ids: Vec<i64> = rows.iter().filter_map(|r| r.photo_id).collect();
    let mut photos = photos::by_ids(conn, &photo_ids, urls)?;
    let items = rows
        .into_iter()
        .map(|row| {
            let photo = row.photo_id.and_then(|id| photos.remove(&id));
            view(row, photo)
        })
        .collect();
    Ok(Page { items, next_cursor })
}

pub fn get(conn: &mut DbConnection, slug: &str, urls: &PublicUrls) -> Result<Author> {
    let row = authors::table
        .filter(authors::slug.eq(slug))
        .select(AuthorRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::NotFound(format!("no author '{slug}'")))?;
    let photo = row.photo_id.map(|id| photos::get(conn, id, urls)).transpose()?;
    Ok(view(row, photo))
}

pub fn id_of(conn: &mut DbConnection, slug: &str) -> Result<Option<i64>> {
    Ok(authors::table
        .filter(authors::slug.eq(slug))
        .select(authors::id)
        .first(conn)
        .optional()?)
}

/// Each article's authors, in byline order.
pub fn of_articles(conn: &mut DbConnection, ids: &[i64]) -> Result<HashMap<i64, Vec<AuthorRef>>> {
    let rows: Vec<(i64, i64, String, String, String)> = article_authors::table
        .inner_join(authors::table)
        .filter(article_authors::article_id.eq_any(ids))
        .order((article_authors::article_id, article_authors::position))
        .select((
            article_authors::article_id,
            authors::id,
            authors::slug,
            authors::name,
            authors::byline,
        ))
        .load(conn)?;
    let mut by_article: HashMap<i64, Vec<AuthorRef>> = HashMap::new();
    for (article, id, slug, name, byline) in rows {
        by_article.entry(article).or_default().push(AuthorRef {
            id,
            slug,
            name,
            byline,
        });
    }
    Ok(by_article)
}
