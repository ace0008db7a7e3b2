//! Free tags on articles ("OIM", "Migration"…).

use std::collections::HashMap;

use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::Result;
use crate::db::schema::{article_tags, tags};
use crate::db::{DbConnection, any_of};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Tag {
    #[schema(example = "migration")]
    pub slug: String,
    #[schema(example = "Migration")]
    pub name: String,
}

/// Each article's tags, in the order the editor gave them.
pub fn of_articles(conn: &mut DbConnection, ids: &[i64]) -> Result<HashMap<i64, Vec<Tag>>> {
    let rows: Vec<(i64, String, String)> = article_tags::table
        .inner_join(tags::table)
        .filter(any_of(conn, article_tags::article_id, ids))
        .order((article_tags::article_id, article_tags::position))
        .select((article_tags::article_id, tags::slug, tags::name))
        .load(conn)?;
    let mut by_article: HashMap<i64, Vec<Tag>> = HashMap::new();
    for (article, slug, name) in rows {
        by_article.entry(article).or_default().push(Tag { slug, name });
    }
    Ok(by_article)
}

pub fn id_of(conn: &mut DbConnection, slug: &str) -> Result<Option<i64>> {
    Ok(tags::table
        .filter(tags::slug.eq(slug))
        .select(tags::id)
        .first(conn)
        .optional()?)
}

/// The tag `slug`, created with `name` if it does not exist yet.
pub fn ensure(conn: &mut DbConnection, slug: &str, name: &str) -> Result<i64> {
    use diesel::result::{DatabaseErrorKind, Error as E};
    if let Some(id) = id_of(conn, slug)? {
        return Ok(id);
    }
    let now = crate::db::now();
    // In a savepoint: a writer creating the same tag at the same moment
    // (PostgreSQL) wins the insert, and its tag is the one.
    let inserted = conn.transaction(|conn| {
        diesel::insert_into(tags::table)
            .values((
                tags::slug.eq(slug),
                tags::name.eq(name),
                tags::created_at.eq(now),
                tags::updated_at.eq(now),
            ))
            .returning(tags::id)
            .get_result(conn)
    });
    match inserted {
        Err(E::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
            id_of(conn, slug)?.ok_or_else(|| super::Error::Conflict(format!("the tag '{slug}' vanished")))
        }
        other => Ok(other?),
    }
}

/// A tag as the tag routes show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TagEntry {
    #[schema(example = 1)]
    pub id: i64,
    #[schema(example = "migration")]
    pub slug: String,
    #[schema(example = "Migration")]
    pub name: String,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub version: i64,
}

type TagRow = (i64, String, String, chrono::NaiveDateTime, i64);

fn entry((id, slug, name, updated_at, version): TagRow) -> TagEntry {
    TagEntry {
        id,
        slug,
        name,
        updated_at: crate::db::utc(updated_at),
        version,
    }
}

const COLUMNS: (tags::id, tags::slug, tags::name, tags::updated_at, tags::version) =
    (tags::id, tags::slug, tags::name, tags::updated_at, tags::version);

/// A page of tags, by name.
pub fn list(conn: &mut DbConnection, query: &super::ByName) -> Result<super::Page<TagEntry>> {
    let mut sql = tags::table.select(COLUMNS).into_boxed();
    if let Some((name, id)) = &query.after {
        sql = sql.filter(
            tags::name
                .gt(name.clone())
                .or(tags::name.eq(name.clone()).and(tags::id.gt(*id))),
        );
    }
    let mut rows: Vec<TagRow> = sql
        .order((tags::name, tags::id))
        .limit(query.limit + 1)
        .load(conn)?;
    let next_cursor = super::next_cursor(&mut rows, query.limit, |last| {
        super::cursor::encode(&(&last.2, last.0))
    });
    Ok(super::Page {
        items: rows.into_iter().map(entry).collect(),
        next_cursor,
    })
}

/// A tag as editors write it; a PATCH is a JSON merge patch of it.
#[derive(Debug, Default, Clone, Serialize, serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TagInput {
    /// Required; at most 60 characters.
    #[schema(example = "Migration")]
    pub name: Option<String>,
    /// Made from the name when absent on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
}

fn validate_tag(conn: &mut DbConnection, input: &TagInput, current: Option<i64>) -> Result<(String, String)> {
    use super::{Error, FieldErrors, validate};
    let mut errors = FieldErrors::default();
    let name = errors.check(validate::required_text("name", input.name.as_deref(), 60));
    let slug = input
        .slug
        .as_deref()
        .and_then(|s| errors.check(validate::slug("slug", s)));
    errors.into_result()?;
    let name = name.unwrap_or_default();
    let slug = validate::slug_or_default(slug, None, &name)?;
    if id_of(conn, &slug)?.is_some_and(|id| Some(id) != current) {
        return Err(Error::Conflict(format!(
            "slug: '{slug}' is already used by another tag"
        )));
    }
    Ok((slug, name))
}

fn by_slug(conn: &mut DbConnection, slug: &str) -> Result<TagEntry> {
    tags::table
        .filter(tags::slug.eq(slug))
        .select(COLUMNS)
        .first::<TagRow>(conn)
        .optional()?
        .map(entry)
        .ok_or_else(|| super::Error::NotFound(format!("no tag '{slug}'")))
}

pub fn create(conn: &mut DbConnection, input: &TagInput) -> Result<TagEntry> {
    let (slug, name) = validate_tag(conn, input, None)?;
    ensure(conn, &slug, &name)?;
    by_slug(conn, &slug)
}

pub fn update(
    conn: &mut DbConnection,
    slug: &str,
    patch: &serde_json::Value,
    if_version: Option<i64>,
) -> Result<TagEntry> {
    let current = by_slug(conn, slug)?;
    super::check_version(current.version, if_version)?;
    let document = TagInput {
        name: Some(current.name.clone()),
        slug: Some(current.slug.clone()),
    };
    let input = super::patch::apply(&document, patch)?;
    let (new_slug, name) = validate_tag(conn, &input, Some(current.id))?;
    diesel::update(tags::table.find(current.id))
        .set((
            tags::slug.eq(&new_slug),
            tags::name.eq(&name),
            tags::updated_at.eq(crate::db::now()),
            tags::version.eq(current.version + 1),
        ))
        .execute(conn)?;
    by_slug(conn, &new_slug)
}

/// Deletes a tag, taking it off every article.
pub fn delete(conn: &mut DbConnection, slug: &str, if_version: Option<i64>) -> Result<()> {
    let current = by_slug(conn, slug)?;
    super::check_version(current.version, if_version)?;
    diesel::delete(article_tags::table.filter(article_tags::tag_id.eq(current.id))).execute(conn)?;
    diesel::delete(tags::table.find(current.id)).execute(conn)?;
    Ok(())
}
