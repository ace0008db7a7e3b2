//! Sections of the paper ("Politique", "Économie"…), nested at most one level.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::{Error, Result};
use crate::db::schema::sections;
use crate::db::{DbConnection, utc};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
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
        .filter(sections::id.eq_any(ids))
        .select(SectionRow::as_select())
        .load(conn)?;
    Ok(rows.iter().map(|r| (r.id, SectionRef::from(r))).collect())
}
