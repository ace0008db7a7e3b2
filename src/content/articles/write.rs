//! Writing article rows.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{Access, Comments, Status, derived_text};
use crate::content::Result;
use crate::db::DbConnection;
use crate::db::schema::{article_authors, articles, related_links};

/// What an article is created from; derived columns are computed here.
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

/// Inserts the article and its bylines; returns its id.
pub fn insert(conn: &mut DbConnection, new: &NewArticle, now: NaiveDateTime) -> Result<i64> {
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
        ))
        .returning(articles::id)
        .get_result::<i64>(conn)?;
    for (position, author_id) in new.author_ids.iter().enumerate() {
        diesel::insert_into(article_authors::table)
            .values((
                article_authors::article_id.eq(id),
                article_authors::author_id.eq(author_id),
                article_authors::position.eq(i32::try_from(position).unwrap_or(i32::MAX)),
            ))
            .execute(conn)?;
    }
    Ok(id)
}

/// A curated "Lire aussi" link to another article of the site.
pub struct InternalLink<'a> {
    pub target_article_id: i64,
    pub title: &'a str,
    pub kicker: Option<&'a str>,
    pub excerpt: Option<&'a str>,
}

/// Replaces the article's related links with `links`, in that order.
pub fn set_related_links(conn: &mut DbConnection, article_id: i64, links: &[InternalLink<'_>]) -> Result<()> {
    diesel::delete(related_links::table.filter(related_links::article_id.eq(article_id))).execute(conn)?;
    for (position, link) in links.iter().enumerate() {
        diesel::insert_into(related_links::table)
            .values((
                related_links::article_id.eq(article_id),
                related_links::position.eq(i32::try_from(position).unwrap_or(i32::MAX)),
                related_links::title.eq(link.title),
                related_links::kicker.eq(link.kicker),
                related_links::target_article_id.eq(link.target_article_id),
                related_links::excerpt.eq(link.excerpt),
            ))
            .execute(conn)?;
    }
    Ok(())
}
