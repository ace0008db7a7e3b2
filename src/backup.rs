//! Portable backups: every row as JSON lines, one file per table, with the
//! media files beside them. An export from one backend imports into an empty
//! database of either backend.
//!
//! Sessions (refresh tokens) and idempotency records are not carried over:
//! they are short-lived, and users simply sign in again.

use std::fs;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;

use anyhow::{Context, bail};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::content::articles::ArticleRow;
use crate::content::authors::AuthorRow;
use crate::content::photos::PhotoRow;
use crate::content::sections::SectionRow;
use crate::content::users::UserRow;
use crate::db::schema::{
    article_authors, article_revisions, article_slugs, article_tags, articles, authors, photos,
    related_links, sections, tags, users,
};
use crate::db::{Backend, Db, DbConnection};
use crate::media::MediaStore;

const FORMAT: &str = "depeche-export";
const VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize, Queryable, Selectable, Insertable)]
#[diesel(table_name = article_authors, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct ArticleAuthorRow {
    article_id: i64,
    author_id: i64,
    position: i32,
}

#[derive(Debug, Serialize, Deserialize, Queryable, Selectable, Insertable)]
#[diesel(table_name = tags, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct TagRow {
    id: i64,
    slug: String,
    name: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    version: i64,
}

#[derive(Debug, Serialize, Deserialize, Queryable, Selectable, Insertable)]
#[diesel(table_name = article_tags, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct ArticleTagRow {
    article_id: i64,
    tag_id: i64,
    position: i32,
}

#[derive(Debug, Serialize, Deserialize, Queryable, Selectable, Insertable)]
#[diesel(table_name = related_links, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct RelatedLinkRow {
    id: i64,
    article_id: i64,
    position: i32,
    title: String,
    kicker: Option<String>,
    url: Option<String>,
    target_article_id: Option<i64>,
    excerpt: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, Queryable, Selectable, Insertable)]
#[diesel(table_name = article_slugs, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct ArticleSlugRow {
    slug: String,
    article_id: i64,
    created_at: NaiveDateTime,
}

#[derive(Debug, Serialize, Deserialize, Queryable, Selectable, Insertable)]
#[diesel(table_name = article_revisions, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct RevisionRow {
    id: i64,
    article_id: i64,
    number: i32,
    article_version: i64,
    user_id: Option<i64>,
    change: String,
    snapshot: String,
    created_at: NaiveDateTime,
}

#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    format: String,
    version: u32,
    /// Rows per table, in import order.
    tables: Vec<(String, usize)>,
    media: Vec<String>,
}

/// Applies `$action!(table name, row type, table, ordering)` to every table,
/// in an order that satisfies the foreign keys.
macro_rules! each_table {
    ($action:ident) => {
        vec![
            $action!("photos", PhotoRow, photos::table, photos::id),
            // Top-level sections before their sub-sections.
            $action!(
                "sections",
                SectionRow,
                sections::table,
                (sections::parent_id.is_not_null(), sections::id)
            ),
            $action!("authors", AuthorRow, authors::table, authors::id),
            $action!("users", UserRow, users::table, users::id),
            $action!("articles", ArticleRow, articles::table, articles::id),
            $action!(
                "article_authors",
                ArticleAuthorRow,
                article_authors::table,
                (article_authors::article_id, article_authors::author_id)
            ),
            $action!("tags", TagRow, tags::table, tags::id),
            $action!(
                "article_tags",
                ArticleTagRow,
                article_tags::table,
                (article_tags::article_id, article_tags::tag_id)
            ),
            $action!(
                "related_links",
                RelatedLinkRow,
                related_links::table,
                related_links::id
            ),
            $action!(
                "article_slugs",
                ArticleSlugRow,
                article_slugs::table,
                article_slugs::slug
            ),
            $action!(
                "article_revisions",
                RevisionRow,
                article_revisions::table,
                article_revisions::id
            ),
        ]
    };
}

fn write_lines<T: Serialize>(path: &Path, rows: &[T]) -> anyhow::Result<()> {
    let mut out =
        BufWriter::new(fs::File::create(path).with_context(|| format!("creating {}", path.display()))?);
    for row in rows {
        serde_json::to_writer(&mut out, row)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

fn read_lines<T: DeserializeOwned>(path: &Path) -> anyhow::Result<Vec<T>> {
    let file = fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    BufReader::new(file)
        .lines()
        .enumerate()
        .map(|(n, line)| {
            serde_json::from_str(&line?).with_context(|| format!("{} line {}", path.display(), n + 1))
        })
        .collect()
}

/// Writes every row and every photo file into `dir` (created, must be empty).
pub fn export(db: &Db, media: &dyn MediaStore, dir: &Path) -> anyhow::Result<Vec<(String, usize)>> {
    fs::create_dir_all(dir.join("media")).with_context(|| format!("creating {}", dir.display()))?;
    if fs::read_dir(dir)?.count() > 1 {
        bail!("{} is not empty", dir.display());
    }
    let mut conn = db.conn()?;
    let conn: &mut DbConnection = &mut conn;
    // One transaction: a consistent snapshot even while the server writes.
    let (tables, keys) = conn.transaction(|conn| -> anyhow::Result<_> {
        macro_rules! dump {
            ($name:literal, $row:ty, $table:expr, $order:expr) => {{
                let rows: Vec<$row> = $table
                    .select(<$row>::as_select())
                    .order($order)
                    .load(conn)?;
                write_lines(&dir.join(concat!($name, ".jsonl")), &rows)?;
                ($name.to_owned(), rows.len())
            }};
        }
        let tables = each_table!(dump);
        let keys: Vec<String> = photos::table
            .select(photos::storage_key)
            .distinct()
            .order(photos::storage_key)
            .load(conn)?;
        Ok((tables, keys))
    })?;
    for key in &keys {
        let source = media
            .path(key)
            .with_context(|| format!("media file {key} is missing"))?;
        fs::copy(&source, dir.join("media").join(key)).with_context(|| format!("copying {key}"))?;
    }
    let manifest = Manifest {
        format: FORMAT.into(),
        version: VERSION,
        tables: tables.clone(),
        media: keys,
    };
    fs::write(dir.join("manifest.json"), serde_json::to_vec_pretty(&manifest)?)?;
    Ok(tables)
}

/// Loads an export into an empty database (either backend) and media store.
pub fn import(db: &Db, media: &dyn MediaStore, dir: &Path) -> anyhow::Result<Vec<(String, usize)>> {
    let manifest: Manifest = serde_json::from_slice(
        &fs::read(dir.join("manifest.json")).with_context(|| format!("{} holds no export", dir.display()))?,
    )?;
    if manifest.format != FORMAT || manifest.version != VERSION {
        bail!("{} is not a version {VERSION} export", dir.display());
    }
    for key in &manifest.media {
        let bytes = fs::read(dir.join("media").join(key)).with_context(|| format!("media file {key}"))?;
        media.put(key, &bytes).with_context(|| format!("storing {key}"))?;
    }
    let backend = db.backend();
    let imported = db.write_blocking(|conn| -> anyhow::Result<_> {
        let existing: i64 = articles::table.count().get_result(conn)?;
        let accounts: i64 = users::table.count().get_result(conn)?;
        if existing + accounts > 0 {
            bail!("the target database is not empty");
        }
        macro_rules! load {
            ($name:literal, $row:ty, $table:expr, $order:expr) => {{
                let rows: Vec<$row> = read_lines(&dir.join(concat!($name, ".jsonl")))?;
                for row in &rows {
                    diesel::insert_into($table).values(row).execute(conn)?;
                }
                ($name.to_owned(), rows.len())
            }};
        }
        let tables = each_table!(load);
        if backend == Backend::Postgres {
            // Explicit ids leave identity sequences behind; move them past the data.
            for table in [
                "photos",
                "sections",
                "authors",
                "users",
                "articles",
                "tags",
                "related_links",
                "article_revisions",
            ] {
                diesel::sql_query(format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                     COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
                ))
                .execute(conn)?;
            }
        }
        // The search index is derived from the rows: rebuilt, not carried.
        crate::content::search::index::index_missing(conn)?;
        Ok(tables)
    })?;
    Ok(imported)
}
