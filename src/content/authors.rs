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
use crate::db::{DbConnection, any_of, utc};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Insertable, Serialize, Deserialize)]
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
    /// Contact address; editorial reads only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
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
        // Contact addresses are not for the public.
        email: None,
        updated_at: utc(row.updated_at),
        version: row.version,
    }
}

pub fn list(conn: &mut DbConnection, query: &super::ByName, urls: &PublicUrls) -> Result<Page<Author>> {
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

fn row_by_slug(conn: &mut DbConnection, slug: &str) -> Result<AuthorRow> {
    authors::table
        .filter(authors::slug.eq(slug))
        .select(AuthorRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::NotFound(format!("no author '{slug}'")))
}

pub fn get(conn: &mut DbConnection, slug: &str, urls: &PublicUrls) -> Result<Author> {
    let row = row_by_slug(conn, slug)?;
    let photo = row.photo_id.map(|id| photos::get(conn, id, urls)).transpose()?;
    Ok(view(row, photo))
}

/// The author with what only editorial users see.
pub fn get_editorial(conn: &mut DbConnection, slug: &str, urls: &PublicUrls) -> Result<Author> {
    let email = row_by_slug(conn, slug)?.email;
    Ok(Author {
        email,
        ..get(conn, slug, urls)?
    })
}

/// An author as editors write it; a PATCH is a JSON merge patch of it.
#[derive(Debug, Default, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthorInput {
    /// Required; at most 120 characters.
    #[schema(example = "N'Famoro Keita")]
    pub name: Option<String>,
    /// Made from the name when absent on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    /// The name as printed under articles; the name when absent.
    #[schema(example = "N'Famoro KEITA")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub byline: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bio: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub photo_id: Option<i64>,
    /// Contact address, never shown to the public.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub links: Option<Vec<AuthorLink>>,
}

struct ValidAuthor {
    slug: String,
    name: String,
    byline: String,
    bio: Option<String>,
    photo_id: Option<i64>,
    email: Option<String>,
    links: String,
}

fn validate_author(
    conn: &mut DbConnection,
    input: &AuthorInput,
    current: Option<&AuthorRow>,
) -> Result<ValidAuthor> {
    use super::validate;
    use crate::db::schema::photos;
    let mut errors = FieldErrors::default();
    let name = errors.check(validate::required_text("name", input.name.as_deref(), 120));
    let slug = input
        .slug
        .as_deref()
        .and_then(|s| errors.check(validate::slug("slug", s)));
    let byline = errors
        .check(validate::optional_text("byline", input.byline.as_deref(), 120))
        .flatten();
    let bio = errors
        .check(validate::optional_text("bio", input.bio.as_deref(), 5000))
        .flatten();
    let email = input
        .email
        .as_deref()
        .and_then(|e| errors.check(validate::email("email", e)));
    let links = input.links.as_deref().unwrap_or_default();
    if links.len() > 20 {
        errors.push(FieldError::new("links", "at most 20 links"));
    }
    let links: Vec<AuthorLink> = links
        .iter()
        .enumerate()
        .take(20)
        .filter_map(|(i, l)| {
            let label = errors.check(validate::text(&format!("links[{i}].label"), &l.label, 1, 60));
            let url = errors.check(validate::url(&format!("links[{i}].url"), &l.url));
            Some(AuthorLink {
                label: label?,
                url: url?,
            })
        })
        .collect();
    if let Some(photo) = input.photo_id {
        let exists = photos::table
            .find(photo)
            .select(photos::id)
            .first::<i64>(conn)
            .optional()?
            .is_some();
        if !exists {
            errors.push(FieldError::new("photo_id", format!("no photo {photo}")));
        }
    }
    errors.into_result()?;
    let name = name.unwrap_or_default();
    let slug = validate::slug_or_default(slug, current.map(|c| c.slug.as_str()), &name)?;
    let taken = authors::table
        .filter(authors::slug.eq(&slug))
        .filter(authors::id.ne(current.map_or(0, |c| c.id)))
        .count()
        .get_result::<i64>(conn)?;
    if taken > 0 {
        return Err(Error::Conflict(format!(
            "slug: '{slug}' is already used by another author"
        )));
    }
    Ok(ValidAuthor {
        slug,
        byline: byline.unwrap_or_else(|| name.clone()),
        name,
        bio,
        photo_id: input.photo_id,
        email,
        links: serde_json::to_string(&links).expect("links serialise"),
    })
}

pub fn create(conn: &mut DbConnection, input: &AuthorInput, urls: &PublicUrls) -> Result<Author> {
    let valid = validate_author(conn, input, None)?;
    let now = crate::db::now();
    diesel::insert_into(authors::table)
        .values((
            authors::slug.eq(&valid.slug),
            authors::name.eq(&valid.name),
            authors::byline.eq(&valid.byline),
            authors::bio.eq(&valid.bio),
            authors::photo_id.eq(valid.photo_id),
            authors::email.eq(&valid.email),
            authors::links.eq(&valid.links),
            authors::created_at.eq(now),
            authors::updated_at.eq(now),
        ))
        .execute(conn)?;
    get_editorial(conn, &valid.slug, urls)
}

fn editable(row: &AuthorRow) -> AuthorInput {
    AuthorInput {
        name: Some(row.name.clone()),
        slug: Some(row.slug.clone()),
        byline: Some(row.byline.clone()),
        bio: row.bio.clone(),
        photo_id: row.photo_id,
        email: row.email.clone(),
        links: Some(serde_json::from_str(&row.links).unwrap_or_default()),
    }
}

/// Applies a merge patch to the author, if `if_version` is still current.
pub fn update(
    conn: &mut DbConnection,
    slug: &str,
    patch: &serde_json::Value,
    if_version: Option<i64>,
    urls: &PublicUrls,
) -> Result<Author> {
    super::versioned(conn, if_version, |conn| {
        let current = row_by_slug(conn, slug)?;
        super::check_version(current.version, if_version)?;
        let input = super::patch::apply(&editable(&current), patch)?;
        let valid = validate_author(conn, &input, Some(&current))?;
        let updated = diesel::update(
            authors::table
                .filter(authors::id.eq(current.id))
                .filter(authors::version.eq(current.version)),
        )
        .set((
            authors::slug.eq(&valid.slug),
            authors::name.eq(&valid.name),
            authors::byline.eq(&valid.byline),
            authors::bio.eq(&valid.bio),
            authors::photo_id.eq(valid.photo_id),
            authors::email.eq(&valid.email),
            authors::links.eq(&valid.links),
            authors::updated_at.eq(crate::db::now()),
            authors::version.eq(current.version + 1),
        ))
        .execute(conn)?;
        if updated == 0 {
            return Err(Error::Stale {
                expected: current.version,
                current: current.version + 1,
            });
        }
        if valid.name != current.name {
            super::search::index::reindex_author(conn, current.id)?;
        }
        get_editorial(conn, &valid.slug, urls)
    })
}

/// Deletes an author who signs no article.
pub fn delete(conn: &mut DbConnection, slug: &str, if_version: Option<i64>) -> Result<()> {
    let current = row_by_slug(conn, slug)?;
    super::check_version(current.version, if_version)?;
    let bylines: i64 = article_authors::table
        .filter(article_authors::author_id.eq(current.id))
        .count()
        .get_result(conn)?;
    if bylines > 0 {
        return Err(Error::Conflict(format!(
            "author '{slug}' still signs {bylines} article(s); remove the bylines first"
        )));
    }
    diesel::delete(authors::table.find(current.id)).execute(conn)?;
    Ok(())
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
        .filter(any_of(conn, article_authors::article_id, ids))
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
