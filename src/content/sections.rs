//! Sections of the paper ("Politique", "Économie"…), nested at most one level.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Error, Result};
use crate::db::schema::sections;
use crate::db::{DbConnection, any_of, utc};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Insertable, Serialize, Deserialize)]
#[diesel(table_name = sections, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct SectionRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub parent_id: Option<i64>,
    pub position: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

/// A section as named inside other resources.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SectionRef {
    #[schema(example = 1)]
    pub id: i64,
    #[schema(example = "politique")]
    pub slug: String,
    #[schema(example = "Politique")]
    pub name: String,
}

impl From<&SectionRow> for SectionRef {
    fn from(row: &SectionRow) -> Self {
        Self {
            id: row.id,
            slug: row.slug.clone(),
            name: row.name.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Section {
    #[schema(example = 1)]
    pub id: i64,
    #[schema(example = "politique")]
    pub slug: String,
    #[schema(example = "Politique")]
    pub name: String,
    pub description: Option<String>,
    /// The enclosing section, for a sub-section.
    pub parent: Option<SectionRef>,
    /// Sub-sections, in display order.
    pub children: Vec<SectionRef>,
    /// Display order among siblings, smallest first.
    pub position: i32,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SectionList {
    /// Every section: each top-level one followed by its sub-sections.
    pub items: Vec<Section>,
}

fn view(row: &SectionRow, all: &[SectionRow]) -> Section {
    let parent = row
        .parent_id
        .and_then(|p| all.iter().find(|s| s.id == p))
        .map(SectionRef::from);
    let children = all
        .iter()
        .filter(|s| s.parent_id == Some(row.id))
        .map(SectionRef::from)
        .collect();
    Section {
        id: row.id,
        slug: row.slug.clone(),
        name: row.name.clone(),
        description: row.description.clone(),
        parent,
        children,
        position: row.position,
        updated_at: utc(row.updated_at),
        version: row.version,
    }
}

fn all_rows(conn: &mut DbConnection) -> Result<Vec<SectionRow>> {
    Ok(sections::table
        .select(SectionRow::as_select())
        .order((sections::position, sections::name, sections::id))
        .load(conn)?)
}

pub fn list(conn: &mut DbConnection) -> Result<SectionList> {
    let rows = all_rows(conn)?;
    let mut items = Vec::with_capacity(rows.len());
    for top in rows.iter().filter(|s| s.parent_id.is_none()) {
        items.push(view(top, &rows));
        for child in rows.iter().filter(|s| s.parent_id == Some(top.id)) {
            items.push(view(child, &rows));
        }
    }
    Ok(SectionList { items })
}

pub fn get(conn: &mut DbConnection, slug: &str) -> Result<Section> {
    let rows = all_rows(conn)?;
    rows.iter()
        .find(|s| s.slug == slug)
        .map(|row| view(row, &rows))
        .ok_or_else(|| Error::NotFound(format!("no section '{slug}'")))
}

/// The ids of a section and of its sub-sections, for filtering articles.
pub fn ids_with_children(conn: &mut DbConnection, slug: &str) -> Result<Option<Vec<i64>>> {
    let Some(id) = sections::table
        .filter(sections::slug.eq(slug))
        .select(sections::id)
        .first::<i64>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let mut ids: Vec<i64> = sections::table
        .filter(sections::parent_id.eq(id))
        .select(sections::id)
        .load(conn)?;
    ids.push(id);
    Ok(Some(ids))
}

pub fn refs(conn: &mut DbConnection, ids: &[i64]) -> Result<HashMap<i64, SectionRef>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<SectionRow> = sections::table
        .filter(any_of(conn, sections::id, ids))
        .select(SectionRow::as_select())
        .load(conn)?;
    Ok(rows.iter().map(|r| (r.id, SectionRef::from(r))).collect())
}

/// A section as its editors write it; a PATCH is a JSON merge patch of it.
#[derive(Debug, Default, Clone, Serialize, serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SectionInput {
    /// Required; at most 80 characters.
    #[schema(example = "Politique")]
    pub name: Option<String>,
    /// Made from the name when absent on create.
    #[schema(example = "politique")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Slug of the enclosing top-level section, for a sub-section.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Display order among siblings, smallest first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<i32>,
}

struct ValidSection {
    slug: String,
    name: String,
    description: Option<String>,
    parent_id: Option<i64>,
    position: i32,
}

fn validate_section(
    conn: &mut DbConnection,
    input: &SectionInput,
    current: Option<&SectionRow>,
) -> Result<ValidSection> {
    use super::{FieldError, FieldErrors, validate};
    let mut errors = FieldErrors::default();
    let name = errors.check(validate::required_text("name", input.name.as_deref(), 80));
    let slug = input
        .slug
        .as_deref()
        .and_then(|s| errors.check(validate::slug("slug", s)));
    let description = errors
        .check(validate::optional_text(
            "description",
            input.description.as_deref(),
            2000,
        ))
        .flatten();
    let mut parent_id = None;
    if let Some(parent_slug) = &input.parent {
        let parent: Option<SectionRow> = sections::table
            .filter(sections::slug.eq(parent_slug))
            .select(SectionRow::as_select())
            .first(conn)
            .optional()?;
        match parent {
            None => errors.push(FieldError::new("parent", format!("no section '{parent_slug}'"))),
            Some(p) if Some(p.id) == current.map(|c| c.id) => {
                errors.push(FieldError::new("parent", "a section cannot contain itself"));
            }
            Some(p) if p.parent_id.is_some() => errors.push(FieldError::new(
                "parent",
                format!("'{parent_slug}' is itself a sub-section; sections nest one level only"),
            )),
            Some(p) => parent_id = Some(p.id),
        }
        if let (Some(current), Some(_)) = (current, parent_id) {
            let children: i64 = sections::table
                .filter(sections::parent_id.eq(current.id))
                .count()
                .get_result(conn)?;
            if children > 0 {
                errors.push(FieldError::new(
                    "parent",
                    "a section with sub-sections cannot become a sub-section",
                ));
            }
        }
    }
    errors.into_result()?;
    let name = name.unwrap_or_default();
    let slug = validate::slug_or_default(slug, current.map(|c| c.slug.as_str()), &name)?;
    let taken = sections::table
        .filter(sections::slug.eq(&slug))
        .filter(sections::id.ne(current.map_or(0, |c| c.id)))
        .count()
        .get_result::<i64>(conn)?;
    if taken > 0 {
        return Err(Error::Conflict(format!(
            "slug: '{slug}' is already used by another section"
        )));
    }
    Ok(ValidSection {
        slug,
        name,
        description,
        parent_id,
        position: input.position.unwrap_or(current.map_or(0, |c| c.position)),
    })
}

fn row_by_slug(conn: &mut DbConnection, slug: &str) -> Result<SectionRow> {
    sections::table
        .filter(sections::slug.eq(slug))
        .select(SectionRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::NotFound(format!("no section '{slug}'")))
}

pub fn create(conn: &mut DbConnection, input: &SectionInput) -> Result<Section> {
    let valid = validate_section(conn, input, None)?;
    let now = crate::db::now();
    diesel::insert_into(sections::table)
        .values((
            sections::slug.eq(&valid.slug),
            sections::name.eq(&valid.name),
            sections::description.eq(&valid.description),
            sections::parent_id.eq(valid.parent_id),
            sections::position.eq(valid.position),
            sections::created_at.eq(now),
            sections::updated_at.eq(now),
        ))
        .execute(conn)?;
    get(conn, &valid.slug)
}

fn editable(conn: &mut DbConnection, row: &SectionRow) -> Result<SectionInput> {
    let parent = match row.parent_id {
        Some(id) => Some(
            sections::table
                .find(id)
                .select(sections::slug)
                .first::<String>(conn)?,
        ),
        None => None,
    };
    Ok(SectionInput {
        name: Some(row.name.clone()),
        slug: Some(row.slug.clone()),
        description: row.description.clone(),
        parent,
        position: Some(row.position),
    })
}

/// Applies a merge patch to the section, if `if_version` is still current.
pub fn update(
    conn: &mut DbConnection,
    slug: &str,
    patch: &serde_json::Value,
    if_version: Option<i64>,
) -> Result<Section> {
    super::versioned(conn, if_version, |conn| {
        let current = row_by_slug(conn, slug)?;
        super::check_version(current.version, if_version)?;
        let input = super::patch::apply(&editable(conn, &current)?, patch)?;
        let valid = validate_section(conn, &input, Some(&current))?;
        let updated = diesel::update(
            sections::table
                .filter(sections::id.eq(current.id))
                .filter(sections::version.eq(current.version)),
        )
        .set((
            sections::slug.eq(&valid.slug),
            sections::name.eq(&valid.name),
            sections::description.eq(&valid.description),
            sections::parent_id.eq(valid.parent_id),
            sections::position.eq(valid.position),
            sections::updated_at.eq(crate::db::now()),
            sections::version.eq(current.version + 1),
        ))
        .execute(conn)?;
        if updated == 0 {
            return Err(Error::Stale {
                expected: current.version,
                current: current.version + 1,
            });
        }
        get(conn, &valid.slug)
    })
}

/// Deletes a section that holds no articles and no sub-sections.
pub fn delete(conn: &mut DbConnection, slug: &str, if_version: Option<i64>) -> Result<()> {
    use crate::db::schema::articles;
    let current = row_by_slug(conn, slug)?;
    super::check_version(current.version, if_version)?;
    let children: i64 = sections::table
        .filter(sections::parent_id.eq(current.id))
        .count()
        .get_result(conn)?;
    let articles: i64 = articles::table
        .filter(articles::section_id.eq(current.id))
        .count()
        .get_result(conn)?;
    if children > 0 || articles > 0 {
        return Err(Error::Conflict(format!(
            "section '{slug}' still holds {articles} article(s) and {children} sub-section(s); move them first"
        )));
    }
    diesel::delete(sections::table.find(current.id)).execute(conn)?;
    Ok(())
}
