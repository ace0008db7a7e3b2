//! Creating and editing articles: the editable document, its validation, and
//! JSON merge patches applied to it.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::policy;
use super::revisions::{self, Change};
use super::write::{self, NewArticle};
use super::{Access, ArticleRow, Comments, Status};
use crate::auth::CurrentUser;
use crate::content::{Error, FieldError, FieldErrors, Result, check_version, html, patch, text, validate};
use crate::db::schema::{
    article_authors, article_slugs, article_tags, articles, authors, photos, sections, tags,
};
use crate::db::{DbConnection, now};

const MAX_BODY_BYTES: usize = 512 * 1024;
const MAX_AUTHORS: usize = 20;
const MAX_TAGS: usize = 30;

/// An article as its editors write it. On create, `title` is required and
/// everything else optional; a PATCH is a JSON merge patch of this document.
#[derive(Debug, Default, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ArticleInput {
    /// Required; at most 300 characters.
    #[schema(example = "Le ministère de tutelle et l’OIM signent des conventions")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[schema(example = "Politique migratoire")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kicker: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub standfirst: Option<String>,
    /// HTML; sanitised on save (paragraphs, headings, emphasis, links,
    /// lists, quotes, figures and tables are kept).
    #[schema(example = "<p>Mais aussi sur l’appui de l’OIM…</p>")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_html: Option<String>,
    /// The teaser text; when absent, the standfirst or the body's start.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excerpt: Option<String>,
    /// When absent on create, made from the kicker and title.
    #[schema(example = "politique-migratoire-le-ministere-de-tutelle-et-l-oim-signent-des-conventions")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    /// BCP 47 tag; `fr` when absent.
    #[schema(example = "fr")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access: Option<Access>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comments: Option<Comments>,
    /// Section slug.
    #[schema(example = "politique")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    /// Author slugs, in byline order.
    #[schema(example = json!(["nfamoro-keita"]))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authors: Option<Vec<String>>,
    /// Tag names; new ones are created.
    #[schema(example = json!(["Migration", "OIM"]))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub main_photo_id: Option<i64>,
}

/// An input that passed validation, with its references resolved.
struct Valid {
    columns: NewArticle,
    tag_ids: Vec<i64>,
}

/// Checks `input` and resolves its references. `current` is the article being
/// edited, if any.
fn validate(conn: &mut DbConnection, input: &ArticleInput, current: Option<&ArticleRow>) -> Result<Valid> {
    let mut errors = FieldErrors::default();
    let title = errors.check(validate::required_text("title", input.title.as_deref(), 300));
    let kicker = errors
        .check(validate::optional_text("kicker", input.kicker.as_deref(), 120))
        .flatten();
    let standfirst = errors
        .check(validate::optional_text(
            "standfirst",
            input.standfirst.as_deref(),
            2000,
        ))
        .flatten();
    let excerpt = errors
        .check(validate::optional_text("excerpt", input.excerpt.as_deref(), 1000))
        .flatten();
    let body = input.body_html.as_deref().unwrap_or_default();
    if body.len() > MAX_BODY_BYTES {
        errors.push(FieldError::new(
            "body_html",
            format!("must be at most {MAX_BODY_BYTES} bytes"),
        ));
    }
    let language = errors.check(validate::language(
        "language",
        input.language.as_deref().unwrap_or("fr"),
    ));
    let slug = input
        .slug
        .as_deref()
        .and_then(|s| errors.check(validate::slug("slug", s)));

    let section_id = match &input.section {
        Some(slug) => {
            let id = sections::table
                .filter(sections::slug.eq(slug))
                .select(sections::id)
                .first::<i64>(conn)
                .optional()?;
            if id.is_none() {
                errors.push(FieldError::new("section", format!("no section '{slug}'")));
            }
            id
        }
        None => None,
    };
    let mut author_ids = Vec::new();
    let author_slugs = input.authors.as_deref().unwrap_or_default();
    if author_slugs.len() > MAX_AUTHORS {
        errors.push(FieldError::new(
            "authors",
            format!("at most {MAX_AUTHORS} authors"),
        ));
    }
    for (i, slug) in author_slugs.iter().enumerate().take(MAX_AUTHORS) {
        match authors::table
            .filter(authors::slug.eq(slug))
            .select(authors::id)
            .first::<i64>(conn)
            .optional()?
        {
            Some(id) if author_ids.contains(&id) => {
                errors.push(FieldError::new(format!("authors[{i}]"), "is listed twice"));
            }
            Some(id) => author_ids.push(id),
            None => errors.push(FieldError::new(
                format!("authors[{i}]"),
                format!("no author '{slug}'"),
            )),
        }
    }
    let tag_names = input.tags.as_deref().unwrap_or_default();
    if tag_names.len() > MAX_TAGS {
        errors.push(FieldError::new("tags", format!("at most {MAX_TAGS} tags")));
    }
    let mut tag_slugs: Vec<(String, String)> = Vec::new();
    for (i, name) in tag_names.iter().enumerate().take(MAX_TAGS) {
        let field = format!("tags[{i}]");
        if let Some(name) = errors.check(validate::text(&field, name, 1, 60)) {
            let slug = text::slugify(&name);
            if slug.is_empty() {
                errors.push(FieldError::new(field, "must contain a letter or a digit"));
            } else if !tag_slugs.iter().any(|(s, _)| *s == slug) {
                tag_slugs.push((slug, name));
            }
        }
    }
    if let Some(photo) = input.main_photo_id {
        let exists = photos::table
            .find(photo)
            .select(photos::id)
            .first::<i64>(conn)
            .optional()?
            .is_some();
        if !exists {
            errors.push(FieldError::new("main_photo_id", format!("no photo {photo}")));
        }
    }
    errors.into_result()?;
    let title = title.unwrap_or_default();

    let slug = match (slug, current) {
        (Some(slug), _) => {
            ensure_slug_free(conn, &slug, current.map(|c| c.id))?;
            slug
        }
        (None, Some(current)) => current.slug.clone(),
        (None, None) => free_slug(conn, &text::slugify(&text::headline(kicker.as_deref(), &title)))?,
    };
    let tag_ids = tag_slugs
        .iter()
        .map(|(slug, name)| crate::content::tags::ensure(conn, slug, name))
        .collect::<Result<_>>()?;
    Ok(Valid {
        columns: NewArticle {
            slug,
            status: current.map_or(Status::Draft, |c| Status::from_stored(&c.status)),
            access: input.access.unwrap_or(Access::Public),
            comments: input.comments.unwrap_or(Comments::SubscribersOnly),
            language: language.unwrap_or_default(),
            kicker,
            title,
            standfirst,
            body_html: html::sanitise(body),
            excerpt,
            section_id,
            main_photo_id: input.main_photo_id,
            published_at: current.and_then(|c| c.published_at),
            author_ids,
        },
        tag_ids,
    })
}

/// The article now using `slug`, or that used it before, other than `except`.
fn slug_owner(conn: &mut DbConnection, slug: &str, except: Option<i64>) -> Result<Option<i64>> {
    let current = articles::table
        .filter(articles::slug.eq(slug))
        .select(articles::id)
        .first::<i64>(conn)
        .optional()?;
    let former = article_slugs::table
        .filter(article_slugs::slug.eq(slug))
        .select(article_slugs::article_id)
        .first::<i64>(conn)
        .optional()?;
    Ok(current.or(former).filter(|id| Some(*id) != except))
}

fn ensure_slug_free(conn: &mut DbConnection, slug: &str, except: Option<i64>) -> Result<()> {
    match slug_owner(conn, slug, except)? {
        Some(_) => Err(Error::Conflict(format!(
            "slug: '{slug}' is already used by another article"
        ))),
        None => Ok(()),
    }
}

/// `base`, or `base-2`, `base-3`… whichever is free first.
fn free_slug(conn: &mut DbConnection, base: &str) -> Result<String> {
    let base = if base.is_empty() { "article" } else { base };
    for n in 1..1000 {
        let candidate = if n == 1 {
            base.to_owned()
        } else {
            format!("{base}-{n}")
        };
        if slug_owner(conn, &candidate, None)?.is_none() {
            return Ok(candidate);
        }
    }
    Ok(format!("{base}-{:08x}", rand::random::<u32>()))
}

pub(super) fn row(conn: &mut DbConnection, id: i64) -> Result<ArticleRow> {
    articles::table
        .find(id)
        .select(ArticleRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::NotFound(format!("no article {id}")))
}

/// The editable document of a stored article.
pub fn editable(conn: &mut DbConnection, row: &ArticleRow) -> Result<ArticleInput> {
    let section = match row.section_id {
        Some(id) => Some(
            sections::table
                .find(id)
                .select(sections::slug)
                .first::<String>(conn)?,
        ),
        None => None,
    };
    let author_slugs: Vec<String> = article_authors::table
        .inner_join(authors::table)
        .filter(article_authors::article_id.eq(row.id))
        .order(article_authors::position)
        .select(authors::slug)
        .load(conn)?;
    let tag_names: Vec<String> = article_tags::table
        .inner_join(tags::table)
        .filter(article_tags::article_id.eq(row.id))
        .order(article_tags::position)
        .select(tags::name)
        .load(conn)?;
    Ok(ArticleInput {
        title: Some(row.title.clone()),
        kicker: row.kicker.clone(),
        standfirst: row.standfirst.clone(),
        body_html: Some(row.body_html.clone()),
        excerpt: row.excerpt.clone(),
        slug: Some(row.slug.clone()),
        language: Some(row.language.clone()),
        access: Some(Access::from_stored(&row.access)),
        comments: Some(Comments::from_stored(&row.comments)),
        section,
        authors: Some(author_slugs),
        tags: Some(tag_names),
        main_photo_id: row.main_photo_id,
    })
}

/// Creates a draft; returns its id.
pub fn create(conn: &mut DbConnection, input: &ArticleInput, user: &CurrentUser) -> Result<i64> {
    let valid = validate(conn, input, None)?;
    let now = now();
    let id = write::insert(conn, &valid.columns, Some(user.id), now)?;
    write::set_tags(conn, id, &valid.tag_ids)?;
    revisions::record(conn, id, Some(user.id), Change::Create, now)?;
    Ok(id)
}

/// Applies a JSON merge patch to the article, if `if_version` is still current.
pub fn update(
    conn: &mut DbConnection,
    id: i64,
    merge_patch: &Value,
    user: &CurrentUser,
    if_version: Option<i64>,
) -> Result<()> {
    crate::content::versioned(conn, if_version, |conn| {
        let current = row(conn, id)?;
        policy::can_edit(user, &current)?;
        check_version(current.version, if_version)?;
        let input = patch::apply(&editable(conn, &current)?, merge_patch)?;
        save(conn, &current, &input, user, Change::Update)
    })
}

/// Replaces the article's content with `input` as a new version.
pub(super) fn save(
    conn: &mut DbConnection,
    current: &ArticleRow,
    input: &ArticleInput,
    user: &CurrentUser,
    change: Change,
) -> Result<()> {
    let valid = validate(conn, input, Some(current))?;
    let now = now();
    if !write::update(conn, current.id, &valid.columns, current.version, now)? {
        return Err(stale(conn, current));
    }
    // After the update, which holds the row: concurrent renames take turns.
    if valid.columns.slug != current.slug {
        remember_slug(conn, current, &valid.columns.slug, now)?;
    }
    write::set_tags(conn, current.id, &valid.tag_ids)?;
    revisions::record(conn, current.id, Some(user.id), change, now)
}

/// The refusal of a write that found the article past `current`'s version:
/// another writer got there first.
pub(super) fn stale(conn: &mut DbConnection, current: &ArticleRow) -> Error {
    match row(conn, current.id) {
        Ok(now_at) => Error::Stale {
            expected: current.version,
            current: now_at.version,
        },
        Err(e) => e,
    }
}

/// Moves the article to its next version and marks it changed, failing if
/// another writer got there first: the check and the bump are one statement.
pub(super) fn bump_version(conn: &mut DbConnection, current: &ArticleRow, now: NaiveDateTime) -> Result<()> {
    let updated = diesel::update(
        articles::table
            .filter(articles::id.eq(current.id))
            .filter(articles::version.eq(current.version)),
    )
    .set((
        articles::version.eq(current.version + 1),
        articles::updated_at.eq(now),
    ))
    .execute(conn)?;
    if updated == 0 {
        return Err(stale(conn, current));
    }
    Ok(())
}

/// Keeps a published article's previous slug as a redirect; a slug that
/// comes back to its article stops being a redirect.
fn remember_slug(
    conn: &mut DbConnection,
    current: &ArticleRow,
    new_slug: &str,
    now: NaiveDateTime,
) -> Result<()> {
    diesel::delete(
        article_slugs::table
            .filter(article_slugs::article_id.eq(current.id))
            .filter(article_slugs::slug.eq(new_slug)),
    )
    .execute(conn)?;
    if current.published_at.is_some() {
        diesel::insert_into(article_slugs::table)
            .values((
                article_slugs::slug.eq(&current.slug),
                article_slugs::article_id.eq(current.id),
                article_slugs::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_errors_name_their_field() {
        let err =
            patch::parse::<ArticleInput>(serde_json::json!({"title": "t", "authors": "x"})).unwrap_err();
        let Error::Invalid(errors) = err else {
            panic!("{err:?}")
        };
        assert_eq!(errors[0].field, "authors");
        let err = patch::parse::<ArticleInput>(serde_json::json!({"title": "t", "bogus": 1})).unwrap_err();
        let Error::Invalid(errors) = err else {
            panic!("{err:?}")
        };
        assert!(errors[0].message.contains("bogus"), "{errors:?}");
    }
}
