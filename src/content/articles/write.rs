//! Storing article rows and what hangs off them (bylines, tags, links).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{Access, Comments, Status, derived_text};
use crate::content::{Result, search};
use crate::db::DbConnection;
use crate::db::schema::{article_authors, article_tags, articles, related_links};

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

/// Inserts the article and its bylines, and indexes it for search; returns its id.
pub fn insert(
    conn: &mut DbConnection,
    new: &NewArticle,
    created_by: Option<i64>,
    now: NaiveDateTime,
) -> Result<i64> {
    let (auto_excerpt, word_count) = derived_text(new.standfirst.as_deref(), &new.body_html);
    let id = diesel::insert_into(articles::table)
        .values((
            articles::slug.eq(&new.slug),
            articles::status.eq(new.status.as_str()),
            articles::access.eq(new.access.as_str()),
            articles::comments.eq(new.comments.as_str()),
            articles::language.eq(&new.language),
            articles::kicker.eq(&new.kicker),
            articles::title.eq(&new.title),
            articles::standfirst.eq(&new.standfirst),
            articles::body_html.eq(&new.body_html),
            articles::excerpt.eq(&new.excerpt),
            articles::auto_excerpt.eq(auto_excerpt),
            articles::word_count.eq(word_count),
            articles::section_id.eq(new.section_id),
            articles::main_photo_id.eq(new.main_photo_id),
            articles::published_at.eq(new.published_at),
            articles::created_at.eq(now),
            articles::updated_at.eq(now),
            articles::version.eq(1_i64),
            articles::created_by.eq(created_by),
        ))
        .returning(articles::id)
        .get_result::<i64>(conn)?;
    set_authors(conn, id, &new.author_ids)?;
    search::index::reindex(conn, id)?;
    Ok(id)
}

/// Rewrites the article's own columns and bylines, re-indexes it for search,
/// and moves it to the next version.
pub fn update(
    conn: &mut DbConnection,
    id: i64,
    new: &NewArticle,
    version: i64,
    now: NaiveDateTime,
) -> Result<()> {
    let (auto_excerpt, word_count) = derived_text(new.standfirst.as_deref(), &new.body_html);
    diesel::update(articles::table.find(id))
        .set((
            articles::slug.eq(&new.slug),
            articles::status.eq(new.status.as_str()),
            articles::access.eq(new.access.as_str()),
            articles::comments.eq(new.comments.as_str()),
            articles::language.eq(&new.language),
            articles::kicker.eq(&new.kicker),
            articles::title.eq(&new.title),
            articles::standfirst.eq(&new.standfirst),
            articles::body_html.eq(&new.body_html),
            articles::excerpt.eq(&new.excerpt),
            articles::auto_excerpt.eq(auto_excerpt),
            articles::word_count.eq(word_count),
            articles::section_id.eq(new.section_id),
            articles::main_photo_id.eq(new.main_photo_id),
            articles::published_at.eq(new.published_at),
            articles::updated_at.eq(now),
            articles::version.eq(version),
        ))
        .execute(conn)?;
    set_authors(conn, id, &new.author_ids)?;
    search::index::reindex(conn, id)
}

fn position(i: usize) -> i32 {
    i32::try_from(i).unwrap_or(i32::MAX)
}

pub fn set_authors(conn: &mut DbConnection, article_id: i64, author_ids: &[i64]) -> Result<()> {
    diesel::delete(article_authors::table.filter(article_authors::article_id.eq(article_id)))
        .execute(conn)?;
    for (i, author_id) in author_ids.iter().enumerate() {
        diesel::insert_into(article_authors::table)
            .values((
                article_authors::article_id.eq(article_id),
                article_authors::author_id.eq(author_id),
                article_authors::position.eq(position(i)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn set_tags(conn: &mut DbConnection, article_id: i64, tag_ids: &[i64]) -> Result<()> {
    diesel::delete(article_tags::table.filter(article_tags::article_id.eq(article_id))).execute(conn)?;
    for (i, tag_id) in tag_ids.iter().enumerate() {
        diesel::insert_into(article_tags::table)
            .values((
                article_tags::article_id.eq(article_id),
                article_tags::tag_id.eq(tag_id),
                article_tags::position.eq(position(i)),
            ))
            .execute(conn)?;
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
    for (i, link) in links.iter().enumerate() {
        diesel::insert_into(related_links::table)
            .values((
                related_links::article_id.eq(article_id),
                related_links::position.eq(position(i)),
                related_links::title.eq(&link.title),
                related_links::kicker.eq(&link.kicker),
                related_links::url.eq(&link.url),
                related_links::target_article_id.eq(link.target_article_id),
                related_links::excerpt.eq(&link.excerpt),
            ))
            .execute(conn)?;
    }
    Ok(())
}
