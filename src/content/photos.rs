//! Photos: the metadata of stored image files (caption, credit, alt text, size).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Error, Result};
use crate::config::PublicUrls;
use crate::db::schema::photos;
use crate::db::{DbConnection, any_of, any_of_text, utc};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Insertable, Serialize, Deserialize)]
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
    pub focal_x: f64,
    pub focal_y: f64,
    pub uploaded_by: Option<i64>,
}

/// Where the subject of a photo is, as fractions of its width and height
/// from the top left: frontends crop around it (`object-position`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FocalPoint {
    #[schema(example = 0.5, minimum = 0.0, maximum = 1.0)]
    pub x: f64,
    #[schema(example = 0.4, minimum = 0.0, maximum = 1.0)]
    pub y: f64,
}

/// A smaller copy of a photo.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Rendition {
    #[schema(example = 640)]
    pub width: u32,
    /// Served as WebP to clients that accept it, when that is smaller.
    pub url: String,
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
    pub focal_point: FocalPoint,
    /// Smaller copies, narrowest first; the original is `url`.
    pub renditions: Vec<Rendition>,
    /// The account that uploaded it, if known.
    pub uploaded_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl Photo {
    pub fn from_row(row: PhotoRow, urls: &PublicUrls) -> Self {
        let original_width = u32::try_from(row.width).unwrap_or(0);
        let renditions = crate::media::images::RENDITION_WIDTHS
            .iter()
            .filter(|w| **w < original_width)
            .map(|&width| Rendition {
                width,
                url: format!("{}?w={width}", urls.media(&row.storage_key)),
            })
            .collect();
        Self {
            id: row.id,
            renditions,
            focal_point: FocalPoint {
                x: row.focal_x,
                y: row.focal_y,
            },
            uploaded_by: row.uploaded_by,
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
        .filter(any_of(conn, photos::id, ids))
        .select(PhotoRow::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| (r.id, Photo::from_row(r, urls)))
        .collect())
}

/// What an upload stores, once its file is checked and stored.
#[derive(Debug)]
pub struct NewPhoto {
    pub storage_key: String,
    pub mime_type: &'static str,
    pub byte_size: i64,
    pub width: i32,
    pub height: i32,
    pub caption: Option<String>,
    pub credit: Option<String>,
    pub alt: Option<String>,
    pub focal_point: FocalPoint,
    pub uploaded_by: i64,
}

/// A photo's texts and focal point, checked.
#[derive(Debug)]
pub struct PhotoFields {
    pub caption: Option<String>,
    pub credit: Option<String>,
    pub alt: Option<String>,
    pub focal_point: FocalPoint,
}

/// Checks a photo's texts and focal point (as sent in a form), naming each
/// bad field.
pub fn validate_fields(
    caption: Option<&str>,
    credit: Option<&str>,
    alt: Option<&str>,
    focal: (Option<&str>, Option<&str>),
) -> Result<PhotoFields> {
    use super::{FieldErrors, validate};
    let mut errors = FieldErrors::default();
    let caption = errors
        .check(validate::optional_text("caption", caption, 1000))
        .flatten();
    let credit = errors
        .check(validate::optional_text("credit", credit, 200))
        .flatten();
    let alt = errors.check(validate::optional_text("alt", alt, 500)).flatten();
    let mut coordinate = |field: &str, raw: Option<&str>| {
        let parsed = raw.map_or(Ok(0.5), |r| {
            r.trim()
                .parse::<f64>()
                .ok()
                .filter(|v| (0.0..=1.0).contains(v))
                .ok_or_else(|| super::FieldError::new(field, "must be a number from 0 to 1"))
        });
        errors.check(parsed).unwrap_or(0.5)
    };
    let focal_point = FocalPoint {
        x: coordinate("focal_x", focal.0),
        y: coordinate("focal_y", focal.1),
    };
    errors.into_result()?;
    Ok(PhotoFields {
        caption,
        credit,
        alt,
        focal_point,
    })
}

pub fn create(conn: &mut DbConnection, new: &NewPhoto, urls: &PublicUrls) -> Result<Photo> {
    let now = crate::db::now();
    let id = diesel::insert_into(photos::table)
        .values((
            photos::storage_key.eq(&new.storage_key),
            photos::mime_type.eq(new.mime_type),
            photos::byte_size.eq(new.byte_size),
            photos::width.eq(new.width),
            photos::height.eq(new.height),
            photos::caption.eq(&new.caption),
            photos::credit.eq(&new.credit),
            photos::alt_text.eq(&new.alt),
            photos::focal_x.eq(new.focal_point.x),
            photos::focal_y.eq(new.focal_point.y),
            photos::uploaded_by.eq(new.uploaded_by),
            photos::created_at.eq(now),
            photos::updated_at.eq(now),
        ))
        .returning(photos::id)
        .get_result::<i64>(conn)?;
    get(conn, id, urls)
}

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Nullable<diesel::sql_types::Text>) -> diesel::sql_types::Nullable<diesel::sql_types::Text>);

/// A validated request for a page of the photo library.
#[derive(Debug)]
pub struct ListQuery {
    /// Words to find in captions and credits.
    pub q: Option<String>,
    pub limit: i64,
    pub after: Option<(NaiveDateTime, i64)>,
}

impl ListQuery {
    pub fn parse(
        q: Option<&str>,
        limit: Option<&str>,
        cursor: Option<&str>,
    ) -> Result<Self, Vec<super::FieldError>> {
        let (q, limit, cursor) = (super::given(q), super::given(limit), super::given(cursor));
        let mut errors = super::FieldErrors::default();
        let q = q
            .and_then(|q| errors.check(super::validate::optional_text("q", Some(q), 200)))
            .flatten();
        let limit = errors.check(super::parse_limit(limit, super::DEFAULT_LIMIT, super::MAX_LIMIT));
        let after = cursor.and_then(|c| {
            errors.check(super::cursor::decode::<(i64, i64)>(c).and_then(|(micros, id)| {
                DateTime::from_timestamp_micros(micros)
                    .map(|t| (t.naive_utc(), id))
                    .ok_or_else(|| super::FieldError::new("cursor", "is not a cursor this API issued"))
            }))
        });
        errors.finish(|| Self {
            q,
            limit: limit.unwrap_or(super::DEFAULT_LIMIT),
            after,
        })
    }
}

/// Newest first; every word of `q` must appear in the caption or the credit.
pub fn list(conn: &mut DbConnection, query: &ListQuery, urls: &PublicUrls) -> Result<super::Page<Photo>> {
    let mut sql = photos::table.select(PhotoRow::as_select()).into_boxed();
    for word in query.q.iter().flat_map(|q| q.split_whitespace()) {
        let pattern = format!("%{}%", word.to_lowercase().replace(['%', '_'], ""));
        sql = sql.filter(
            lower(photos::caption)
                .like(pattern.clone())
                .or(lower(photos::credit).like(pattern)),
        );
    }
    if let Some((at, id)) = query.after {
        sql = sql.filter(
            photos::created_at
                .lt(at)
                .or(photos::created_at.eq(at).and(photos::id.lt(id))),
        );
    }
    let mut rows: Vec<PhotoRow> = sql
        .order((photos::created_at.desc(), photos::id.desc()))
        .limit(query.limit + 1)
        .load(conn)?;
    let next_cursor = super::next_cursor(&mut rows, query.limit, |last| {
        super::cursor::encode(&(last.created_at.and_utc().timestamp_micros(), last.id))
    });
    Ok(super::Page {
        items: rows.into_iter().map(|r| Photo::from_row(r, urls)).collect(),
        next_cursor,
    })
}

/// The editable texts of a photo; a PATCH is a JSON merge patch of it.
#[derive(Debug, Default, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PhotoInput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alt: Option<String>,
    /// Given whole, `x` and `y` together: a patch replaces it, not merges.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub focal_point: Option<FocalPoint>,
}

fn row(conn: &mut DbConnection, id: i64) -> Result<PhotoRow> {
    photos::table
        .find(id)
        .select(PhotoRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::NotFound(format!("no photo {id}")))
}

fn can_change(user: &crate::auth::CurrentUser, row: &PhotoRow) -> Result<()> {
    if user.is(crate::auth::Role::Editor) || row.uploaded_by == Some(user.id) {
        Ok(())
    } else {
        Err(Error::Forbidden(
            "writers may change only the photos they uploaded".into(),
        ))
    }
}

pub fn update(
    conn: &mut DbConnection,
    id: i64,
    patch: &serde_json::Value,
    user: &crate::auth::CurrentUser,
    if_version: Option<i64>,
    urls: &PublicUrls,
) -> Result<Photo> {
    super::versioned(conn, if_version, |conn| {
        let current = row(conn, id)?;
        can_change(user, &current)?;
        super::check_version(current.version, if_version)?;
        // A focal point in the patch replaces the current one whole.
        let replaced = patch.get("focal_point").is_some_and(serde_json::Value::is_object);
        let document = PhotoInput {
            caption: current.caption.clone(),
            credit: current.credit.clone(),
            alt: current.alt_text.clone(),
            focal_point: (!replaced).then_some(FocalPoint {
                x: current.focal_x,
                y: current.focal_y,
            }),
        };
        let input: PhotoInput = super::patch::apply(&document, patch)?;
        let focal = input.focal_point.unwrap_or(FocalPoint { x: 0.5, y: 0.5 });
        let (fx, fy) = (focal.x.to_string(), focal.y.to_string());
        let fields = validate_fields(
            input.caption.as_deref(),
            input.credit.as_deref(),
            input.alt.as_deref(),
            (Some(&fx), Some(&fy)),
        )?;
        let updated = diesel::update(
            photos::table
                .filter(photos::id.eq(id))
                .filter(photos::version.eq(current.version)),
        )
        .set((
            photos::caption.eq(fields.caption),
            photos::credit.eq(fields.credit),
            photos::alt_text.eq(fields.alt),
            photos::focal_x.eq(fields.focal_point.x),
            photos::focal_y.eq(fields.focal_point.y),
            photos::updated_at.eq(crate::db::now()),
            photos::version.eq(current.version + 1),
        ))
        .execute(conn)?;
        if updated == 0 {
            return Err(Error::Stale {
                expected: current.version,
                current: current.version + 1,
            });
        }
        get(conn, id, urls)
    })
}

/// Deletes a photo no article or author uses. Returns its file's key when no
/// other photo shares the file, for the caller to remove after commit.
pub fn delete(
    conn: &mut DbConnection,
    id: i64,
    user: &crate::auth::CurrentUser,
    if_version: Option<i64>,
) -> Result<Option<String>> {
    use crate::db::schema::{articles, authors};
    let current = row(conn, id)?;
    can_change(user, &current)?;
    super::check_version(current.version, if_version)?;
    let users: Vec<i64> = articles::table
        .filter(
            articles::main_photo_id
                .eq(id)
                .or(articles::body_html.like(format!("%/media/{}%", current.storage_key))),
        )
        .select(articles::id)
        .order(articles::id)
        .load(conn)?;
    let authors: Vec<String> = authors::table
        .filter(authors::photo_id.eq(id))
        .select(authors::slug)
        .load(conn)?;
    if !users.is_empty() || !authors.is_empty() {
        let list = |v: Vec<String>| v.join(", ");
        return Err(Error::Conflict(format!(
            "photo {id} is still used by article(s) [{}] and author(s) [{}]",
            list(users.iter().map(ToString::to_string).collect()),
            list(authors)
        )));
    }
    diesel::delete(photos::table.find(id)).execute(conn)?;
    let shared: i64 = photos::table
        .filter(photos::storage_key.eq(&current.storage_key))
        .count()
        .get_result(conn)?;
    Ok((shared == 0).then_some(current.storage_key))
}

/// The photos an article shows: its main photo, then those its body embeds
/// (by their `/media/` URLs), each once.
pub fn of_article(
    conn: &mut DbConnection,
    main_photo_id: Option<i64>,
    body_html: &str,
    urls: &PublicUrls,
) -> Result<Vec<Photo>> {
    let keys: Vec<&str> = body_html
        .match_indices("/media/")
        .filter_map(|(at, _)| {
            let rest = &body_html[at + 7..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
                .unwrap_or(rest.len());
            let key = &rest[..end];
            crate::media::is_valid_key(key).then_some(key)
        })
        .collect();
    let mut rows: Vec<PhotoRow> = photos::table
        .filter(any_of_text(conn, photos::storage_key, &keys).or(photos::id.nullable().eq(main_photo_id)))
        .select(PhotoRow::as_select())
        .load(conn)?;
    rows.sort_by_key(|r| {
        (
            Some(r.id) != main_photo_id,
            keys.iter()
                .position(|k| *k == r.storage_key)
                .unwrap_or(usize::MAX),
            r.id,
        )
    });
    let mut seen = std::collections::HashSet::new();
    rows.retain(|r| seen.insert(r.storage_key.clone()));
    Ok(rows.into_iter().map(|r| Photo::from_row(r, urls)).collect())
}
