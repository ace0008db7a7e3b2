//! Photos: the metadata of stored image files (caption, credit, alt text, size).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::{Error, Result};
use crate::config::PublicUrls;
use crate::db::schema::photos;
use crate::db::{DbConnection, utc};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = photos, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct PhotoRow {
    pub id: i64,
    pub storage_key: String,
    pub mime_type: String,
    pub byte_size: i64,
    pub width: i32,
    pub height: i32,
    pub caption: Option<String>,
    pub credit: Option<String>,
    pub alt_text: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Photo {
    #[schema(example = 1)]
    pub id: i64,
    /// Absolute URL of the image file.
    #[schema(example = "http://127.0.0.1:8080/media/3f1c…9a.png")]
    pub url: String,
    #[schema(example = "image/png")]
    pub mime_type: String,
    pub byte_size: i64,
    #[schema(example = 1200)]
    pub width: i32,
    #[schema(example = 675)]
    pub height: i32,
    #[schema(
        example = "Le ministre Mossa Ag Attaher (g) et le chef de mission de l’OIM, Boubacar Seybou échangent les conventions paraphées"
    )]
    pub caption: Option<String>,
    pub credit: Option<String>,
    /// Text alternative for readers who cannot see the image.
    #[schema(example = "Politique migratoire : Le ministère de tutelle et l’OIM signent des conventions")]
    pub alt: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl Photo {
    pub fn from_row(row: PhotoRow, urls: &PublicUrls) -> Self {
        Self {
            id: row.id,
            url: urls.media(&row.storage_key),
            mime_type: row.mime_type,
            byte_size: row.byte_size,
            width: row.width,
            height: row.height,
            caption: row.caption,
            credit: row.credit,
            alt: row.alt_text,
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
            version: row.version,
        }
    }
}

pub fn get(conn: &mut DbConnection, id: i64, urls: &PublicUrls) -> Result<Photo> {
    photos::table
        .find(id)
        .select(PhotoRow::as_select())
        .first(conn)
        .optional()?
        .map(|row| Photo::from_row(row, urls))
        .ok_or_else(|| Error::NotFound(format!("no photo {id}")))
}

pub fn by_ids(conn: &mut DbConnection, ids: &[i64], urls: &PublicUrls) -> Result<HashMap<i64, Photo>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<PhotoRow> = photos::table
        .filter(photos::id.eq_any(ids))
        .select(PhotoRow::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| (r.id, Photo::from_row(r, urls)))
        .collect())
}
