//! Storing article rows and what hangs off them (bylines, tags, links).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{Access, Comments, Status, derived_text};
use crate::content::{Result, search};
use crate::db::schema::{article_authors, article_tags, articles, related_links};
use crate::db::{Backend, DbConnection, insert_rows};

/// An article's own columns, as written; derived columns are computed here.
#[derive(Debug, Clone)]
pub struct NewArticle {
    pub slug: String,
    pub status: Status,
    pub access: Access,
    pub comments: Comments,
    pub language: String,
    pub kicker: Option<String>,
    pub title: String,
    pub standfirst: Option<String>,
    /// Already sanitised.
    pub body_html: String,
    pub excerpt: Option<String>,
    pub section_id: Option<i64>,
    pub main_photo_id: Option<i64>,
    pub published_at: Option<NaiveDateTime>,
    pub author_ids: Vec<i64>,
}

/// The stored columns an article's content sets, derived ones included.
/// `None` is written as NULL: clearing a field clears the column.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = articles, treat_none_as_null = true)]
struct Columns<'a> {
    slug: &'a str,
    status: &'static str,
    access: &'static str,
    comments: &'static str,
    language: &'a str,
    kicker: Option<&'a str>,
    title: &'a str,
    standfirst: Option<&'a str>,
    body_html: &'a str,
    excerpt: Option<&'a str>,
    auto_excerpt: String,
    word_count: i32,
    section_id: Option<i64>,
    main_photo_id: Option<i64>,
    published_at: Option<NaiveDateTime>,
    updated_at: NaiveDateTime,
    version: i64,
}

impl NewArticle {
    fn index(&self, conn: &mut DbConnection, id: i64) -> Result<()> {
        let text = (
            self.kicker.as_deref(),
            self.title.as_str(),
            self.standfirst.as_deref(),
            self.body_html.as_str(),
        );
        search::index::index_written(conn, id, &self.language, text, &self.author_ids)
    }

    fn columns(&self, version: i64, now: NaiveDateTime) -> Columns<'_> {
        self.columns_derived(version, now, self.derived())
    }

    fn derived(&self) -> (String, i32) {
        derived_text(self.standfirst.as_deref(), &self.body_html)
    }

    fn columns_derived(
        &self,
        version: i64,
        now: NaiveDateTime,
        (auto_excerpt, word_count): (String, i32),
    ) -> Columns<'_> {
        Columns {
            slug: &self.slug,
            status: self.status.as_str(),
            access: self.access.as_str(),
            comments: self.comments.as_str(),
            language: &self.language,
            kicker: self.kicker.as_deref(),
            title: &self.title,
            standfirst: self.standfirst.as_deref(),
            body_html: &self.body_html,
            excerpt: self.excerpt.as_deref(),
            auto_excerpt,
            word_count,
            section_id: self.section_id,
            main_photo_id: self.main_photo_id,
            published_at: self.published_at,
            updated_at: now,
            version,
        }
    }
}

/// Inserts the article and its bylines, and indexes it for search; returns its id.
pub fn insert(
    conn: &mut DbConnection,
    new: &NewArticle,
    created_by: Option<i64>,
    now: NaiveDateTime,
) -> Result<i64> {
    let id = diesel::insert_into(articles::table)
        .values((
            new.columns(1, now),
            articles::created_at.eq(now),
            articles::created_by.eq(created_by),
        ))
        .returning(articles::id)
        .get_result::<i64>(conn)?;
    set_authors(conn, id, &new.author_ids)?;
    new.index(conn, id)?;
    Ok(id)
}

/// An article ready for [`insert_many`], with everything derived from its
/// text computed beforehand: data generation does it on another thread
/// than the one writing.
pub struct Prepared {
    pub new: NewArticle,
    derived: (String, i32),
    search: search::index::Row,
}

impl Prepared {
    /// `names`: the bylines' names, in order.
    pub fn new(new: NewArticle, names: &[String], backend: Backend) -> Self {
        let doc = search::index::Document::new(
            &new.language,
            new.kicker.as_deref(),
            &new.title,
            new.standfirst.as_deref(),
            &new.body_html,
            names,
        );
        Self {
            derived: new.derived(),
            search: doc.row(backend),
            new,
        }
    }
}

/// Inserts articles under ids reserved with [`reserve_ids`], their bylines
/// and their search documents, a few statements for the lot: the bulk path
/// of data generation.
pub fn insert_many(conn: &mut DbConnection, articles: &[(i64, &Prepared)], now: NaiveDateTime) -> Result<()> {
    let rows: Vec<_> = articles
        .iter()
        .map(|(id, article)| {
            (
                articles::id.eq(*id),
                article.new.columns_derived(1, now, article.derived.clone()),
                articles::created_at.eq(now),
                articles::created_by.eq(None::<i64>),
            )
        })
        .collect();
    insert_rows!(conn, articles::table, rows)?;
    let bylines: Vec<(i64, &[i64])> = articles
        .iter()
        .map(|(id, article)| (*id, article.new.author_ids.as_slice()))
        .collect();
    add_authors(conn, &bylines)?;
    let rows: Vec<(i64, &search::index::Row)> = articles
        .iter()
        .map(|(id, article)| (*id, &article.search))
        .collect();
    search::index::store_new(conn, &rows)
}

/// Takes `count` article ids from the same sequence inserts use, for rows
/// written by [`insert_many`]. Call inside the transaction that writes them.
pub fn reserve_ids(conn: &mut DbConnection, count: usize) -> Result<Vec<i64>> {
    let count = i64::try_from(count).unwrap_or(i64::MAX);
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    let ids: Vec<Id> = match conn {
        // One writer at a time: nothing can take the ids after the highest.
        DbConnection::Sqlite(_) => {
            let last: Option<i64> = articles::table
                .select(diesel::dsl::max(articles::id))
                .first(conn)?;
            return Ok((1..=count).map(|i| last.unwrap_or(0) + i).collect());
        }
        DbConnection::Postgres(c) => diesel::sql_query(
            "SELECT nextval(pg_get_serial_sequence('articles', 'id')) AS id \
             FROM generate_series(1, $1)",
        )
        .bind::<diesel::sql_types::BigInt, _>(count)
        .load(c)?,
    };
    Ok(ids.into_iter().map(|row| row.id).collect())
}

/// Rewrites the article's own columns and bylines as its next version, and
/// re-indexes it for search.
///
/// Writes only if the article is still at `from_version` (the check and the
/// write are one statement); returns whether it was.
pub fn update(
    conn: &mut DbConnection,
    id: i64,
    new: &NewArticle,
    from_version: i64,
    now: NaiveDateTime,
) -> Result<bool> {
    let updated = diesel::update(
        articles::table
            .filter(articles::id.eq(id))
            .filter(articles::version.eq(from_version)),
    )
    .set(new.columns(from_version + 1, now))
    .execute(conn)?;
    if updated == 0 {
        return Ok(false);
    }
    set_authors(conn, id, &new.author_ids)?;
    new.index(conn, id)?;
    Ok(true)
}

fn position(i: usize) -> i32 {
    i32::try_from(i).unwrap_or(i32::MAX)
}

pub fn set_authors(conn: &mut DbConnection, article_id: i64, author_ids: &[i64]) -> Result<()> {
    diesel::delete(article_authors::table.filter(article_authors::article_id.eq(article_id)))
        .execute(conn)?;
    add_authors(conn, &[(article_id, author_ids)])
}

/// Writes the bylines of articles that have none yet, in one statement.
fn add_authors(conn: &mut DbConnection, bylines: &[(i64, &[i64])]) -> Result<()> {
    let rows: Vec<_> = bylines
        .iter()
        .flat_map(|(article_id, author_ids)| {
            author_ids.iter().enumerate().map(move |(i, author_id)| {
                (
                    article_authors::article_id.eq(*article_id),
                    article_authors::author_id.eq(*author_id),
                    article_authors::position.eq(position(i)),
                )
            })
        })
        .collect();
    if !rows.is_empty() {
        insert_rows!(conn, article_authors::table, rows)?;
    }
    Ok(())
}

pub fn set_tags(conn: &mut DbConnection, article_id: i64, tag_ids: &[i64]) -> Result<()> {
    diesel::delete(article_tags::table.filter(article_tags::article_id.eq(article_id))).execute(conn)?;
    add_tags(conn, &[(article_id, tag_ids)])
}

/// Writes the tags of articles that have none yet, in one statement.
pub fn add_tags(conn: &mut DbConnection, tagged: &[(i64, &[i64])]) -> Result<()> {
    let rows: Vec<_> = tagged
        .iter()
        .flat_map(|(article_id, tag_ids)| {
            tag_ids.iter().enumerate().map(move |(i, tag_id)| {
                (
                    article_tags::article_id.eq(*article_id),
                    article_tags::tag_id.eq(*tag_id),
                    article_tags::position.eq(position(i)),
                )
            })
        })
        .collect();
    if !rows.is_empty() {
        insert_rows!(conn, article_tags::table, rows)?;
    }
    Ok(())
}

/// A curated "Lire aussi" link: to an article of the site, or to a URL.
#[derive(Debug, Clone)]
pub struct Link {
    pub target_article_id: Option<i64>,
    pub url: Option<String>,
    pub title: String,
    pub kicker: Option<String>,
    pub excerpt: Option<String>,
}

/// Replaces the article's related links with `links`, in that order.
pub fn set_related_links(conn: &mut DbConnection, article_id: i64, links: &[Link]) -> Result<()> {
    diesel::delete(related_links::table.filter(related_links::article_id.eq(article_id))).execute(conn)?;
    add_related_links(conn, &[(article_id, links)])
}

/// Writes the related links of articles that have none yet, in one statement.
pub fn add_related_links(conn: &mut DbConnection, linked: &[(i64, &[Link])]) -> Result<()> {
    let rows: Vec<_> = linked
        .iter()
        .flat_map(|(article_id, links)| {
            links.iter().enumerate().map(move |(i, link)| {
                (
                    related_links::article_id.eq(*article_id),
                    related_links::position.eq(position(i)),
                    related_links::title.eq(&link.title),
                    related_links::kicker.eq(&link.kicker),
                    related_links::url.eq(&link.url),
                    related_links::target_article_id.eq(link.target_article_id),
                    related_links::excerpt.eq(&link.excerpt),
                )
            })
        })
        .collect();
    if !rows.is_empty() {
        insert_rows!(conn, related_links::table, rows)?;
    }
    Ok(())
}
