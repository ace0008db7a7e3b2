//! What the syndication formats read: the newest articles of a feed with
//! their text, and the article lists of sitemaps. Public content only.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::articles::{self, Access, ListQuery, Teaser, visible};
use super::tags::{self, Tag};
use super::{Result, authors, sections};
use crate::config::PublicUrls;
use crate::db::schema::articles as articles_table;
use crate::db::{DbConnection, any_of, now, utc};

/// How many articles a feed carries.
pub const FEED_LIMIT: i64 = 50;

/// Whose articles a feed lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedScope {
    Site,
    /// A section (with its sub-sections), by slug.
    Section(String),
    /// An author, by slug.
    Author(String),
}

/// One article of a feed.
#[derive(Debug, Clone)]
pub struct FeedEntry {
    pub teaser: Teaser,
    /// The body: only for articles every reader may read.
    pub body_html: Option<String>,
    pub language: String,
    pub tags: Vec<Tag>,
    pub updated_at: DateTime<Utc>,
}

/// A feed's articles, newest first, and the name of what it follows.
#[derive(Debug, Clone)]
pub struct Feed {
    /// The section's or author's name; `None` for the whole site.
    pub subject: Option<String>,
    pub entries: Vec<FeedEntry>,
}

/// The newest published articles of `scope`; unknown sections and authors
/// are not found.
pub fn feed(conn: &mut DbConnection, scope: &FeedScope, urls: &PublicUrls) -> Result<Feed> {
    let (subject, section, author) = match scope {
        FeedScope::Site => (None, None, None),
        FeedScope::Section(slug) => (Some(sections::get(conn, slug)?.name), Some(slug.clone()), None),
        FeedScope::Author(slug) => (
            Some(authors::get(conn, slug, urls)?.name),
            None,
            Some(slug.clone()),
        ),
    };
    let query = ListQuery {
        section,
        author,
        limit: FEED_LIMIT,
        ..ListQuery::default()
    };
    let teasers = articles::list(conn, &query, urls)?.items;
    let ids: Vec<i64> = teasers.iter().map(|t| t.id).collect();
    // One query for the texts and one for the tags, whatever the feed's length.
    let mut texts: HashMap<i64, (String, String, NaiveDateTime)> = articles_table::table
        .filter(any_of(conn, articles_table::id, &ids))
        .select((
            articles_table::id,
            articles_table::body_html,
            articles_table::language,
            articles_table::updated_at,
        ))
        .load::<(i64, String, String, NaiveDateTime)>(conn)?
        .into_iter()
        .map(|(id, body, language, updated)| (id, (body, language, updated)))
        .collect();
    let mut tags = tags::of_articles(conn, &ids)?;
    let entries = teasers
        .into_iter()
        .filter_map(|teaser| {
            let (body, language, updated) = texts.remove(&teaser.id)?;
            Some(FeedEntry {
                body_html: (teaser.access == Access::Public).then_some(body),
                language,
                tags: tags.remove(&teaser.id).unwrap_or_default(),
                updated_at: utc(updated),
                teaser,
            })
        })
        .collect();
    Ok(Feed { subject, entries })
}

/// When each published article last changed, oldest publication first: the
/// order of the article sitemaps, so that new articles fill the last page.
pub fn sitemap_lastmods(conn: &mut DbConnection) -> Result<Vec<NaiveDateTime>> {
    Ok(articles_table::table
        .filter(visible(now()))
        .order((articles_table::published_at.asc(), articles_table::id.asc()))
        .select(articles_table::updated_at)
        .load(conn)?)
}

/// An article as a sitemap lists it.
#[derive(Debug, Clone)]
pub struct SitemapArticle {
    pub slug: String,
    pub updated_at: DateTime<Utc>,
}

/// How many articles the sitemaps list.
pub fn sitemap_count(conn: &mut DbConnection) -> Result<usize> {
    let count: i64 = articles_table::table
        .filter(visible(now()))
        .count()
        .get_result(conn)?;
    Ok(usize::try_from(count).unwrap_or(0))
}

/// The published articles from position `offset`, at most `limit`, in
/// sitemap order.
pub fn sitemap_articles(conn: &mut DbConnection, offset: usize, limit: usize) -> Result<Vec<SitemapArticle>> {
    let offset = i64::try_from(offset).unwrap_or(i64::MAX);
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows: Vec<(String, NaiveDateTime)> = articles_table::table
        .filter(visible(now()))
        .order((articles_table::published_at.asc(), articles_table::id.asc()))
        .select((articles_table::slug, articles_table::updated_at))
        .offset(offset)
        .limit(limit)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(slug, updated)| SitemapArticle {
            slug,
            updated_at: utc(updated),
        })
        .collect())
}

/// An article as a news sitemap lists it.
#[derive(Debug, Clone)]
pub struct NewsArticle {
    pub slug: String,
    pub kicker: Option<String>,
    pub title: String,
    pub language: String,
    pub published_at: DateTime<Utc>,
}

/// Slug, kicker, title, language and publication time.
type NewsRow = (String, Option<String>, String, String, Option<NaiveDateTime>);

/// How far back a news sitemap reaches (Google News: two days).
pub const NEWS_WINDOW_HOURS: i64 = 48;
/// The most URLs a news sitemap may hold.
pub const NEWS_LIMIT: i64 = 1000;

/// Public articles published in the last [`NEWS_WINDOW_HOURS`], newest first.
pub fn news(conn: &mut DbConnection) -> Result<Vec<NewsArticle>> {
    let now = now();
    let since = now - chrono::Duration::hours(NEWS_WINDOW_HOURS);
    let rows: Vec<NewsRow> = articles_table::table
        .filter(visible(now))
        .filter(articles_table::published_at.ge(since))
        .filter(articles_table::access.eq(Access::Public.as_str()))
        .order((articles_table::published_at.desc(), articles_table::id.desc()))
        .select((
            articles_table::slug,
            articles_table::kicker,
            articles_table::title,
            articles_table::language,
            articles_table::published_at,
        ))
        .limit(NEWS_LIMIT)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(slug, kicker, title, language, published)| {
            Some(NewsArticle {
                slug,
                kicker,
                title,
                language,
                published_at: utc(published?),
            })
        })
        .collect())
}
