//! One article, by id or by slug, and its related articles.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::{
    Article, ArticleRow, Audience, RelatedLink, Teaser, TeaserRow, full, teasers, visible, visible_teasers,
};
use crate::config::PublicUrls;
use crate::content::{Error, Result};
use crate::db::schema::{article_slugs, articles, related_links};
use crate::db::{DbConnection, now};

fn not_found(what: impl std::fmt::Display) -> Error {
    Error::NotFound(format!("no published article {what}"))
}

pub fn by_id(conn: &mut DbConnection, id: i64, urls: &PublicUrls, audience: Audience) -> Result<Article> {
    let now = now();
    let mut query = articles::table
        .filter(articles::id.eq(id))
        .select(ArticleRow::as_select())
        .into_boxed();
    if audience == Audience::Public {
        query = query.filter(visible(now));
    }
    let row = query.first(conn).optional()?.ok_or_else(|| not_found(id))?;
    full(conn, row, urls, now, audience)
}

/// What a slug leads to: the article, or the slug it now answers to.
pub enum BySlug {
    Found(Box<Article>),
    Moved(String),
}

pub fn by_slug(conn: &mut DbConnection, slug: &str, urls: &PublicUrls, audience: Audience) -> Result<BySlug> {
    let now = now();
    let mut query = articles::table
        .filter(articles::slug.eq(slug))
        .select(ArticleRow::as_select())
        .into_boxed();
    if audience == Audience::Public {
        query = query.filter(visible(now));
    }
    if let Some(row) = query.first(conn).optional()? {
        return Ok(BySlug::Found(Box::new(full(conn, row, urls, now, audience)?)));
    }
    let current = article_slugs::table
        .inner_join(articles::table)
        .filter(article_slugs::slug.eq(slug))
        .filter(visible(now))
        .select(articles::slug)
        .first::<String>(conn)
        .optional()?;
    current
        .map(BySlug::Moved)
        .ok_or_else(|| not_found(format!("'{slug}'")))
}

#[derive(Queryable)]
struct LinkRow {
    title: String,
    kicker: Option<String>,
    url: Option<String>,
    target_article_id: Option<i64>,
    excerpt: Option<String>,
}

/// The editor's related links of an article, in order. Links to articles a
/// reader may not see (yet, or any more) are left out.
pub(super) fn curated_links(
    conn: &mut DbConnection,
    article_id: i64,
    urls: &PublicUrls,
    now: NaiveDateTime,
) -> Result<Vec<RelatedLink>> {
    let rows: Vec<LinkRow> = related_links::table
        .filter(related_links::article_id.eq(article_id))
        .order((related_links::position, related_links::id))
        .select((
            related_links::title,
            related_links::kicker,
            related_links::url,
            related_links::target_article_id,
            related_links::excerpt,
        ))
        .load(conn)?;
    let target_ids: Vec<i64> = rows.iter().filter_map(|r| r.target_article_id).collect();
    let targets = if target_ids.is_empty() {
        Vec::new()
    } else {
        let target_rows: Vec<TeaserRow> = visible_teasers(now)
            .filter(articles::id.eq_any(&target_ids))
            .load(conn)?;
        teasers(conn, target_rows, urls, Audience::Public)?
    };
    Ok(rows
        .into_iter()
        .filter_map(|row| match row.target_article_id {
            Some(target) => {
                let article = targets.iter().find(|t| t.id == target)?.clone();
                Some(RelatedLink {
                    title: row.title,
                    kicker: row.kicker,
                    url: urls.article(&article.slug),
                    excerpt: row.excerpt.or_else(|| Some(article.excerpt.clone())),
                    article: Some(article),
                })
            }
            None => Some(RelatedLink {
                title: row.title,
                kicker: row.kicker,
                url: row.url?,
                excerpt: row.excerpt,
                article: None,
            }),
        })
        .collect())
}

/// Why an article is suggested.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RelatedSource {
    /// Chosen by the editor ("Lire aussi").
    Curated,
    /// Suggested by the server.
    Automatic,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RelatedItem {
    pub source: RelatedSource,
    #[serde(flatten)]
    pub link: RelatedLink,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RelatedList {
    /// Curated links first, then suggestions.
    pub items: Vec<RelatedItem>,
}

/// The editor's links, then the newest articles of the same section, up to
/// `limit` in all; never the article itself nor one already linked.
pub fn related(conn: &mut DbConnection, id: i64, limit: i64, urls: &PublicUrls) -> Result<RelatedList> {
    let now = now();
    let section_id: Option<i64> = articles::table
        .filter(articles::id.eq(id))
        .filter(visible(now))
        .select(articles::section_id)
        .first(conn)
        .optional()?
        .ok_or_else(|| not_found(id))?;
    let cap = usize::try_from(limit).unwrap_or(0);
    let mut items: Vec<RelatedItem> = curated_links(conn, id, urls, now)?
        .into_iter()
        .take(cap)
        .map(|link| RelatedItem {
            source: RelatedSource::Curated,
            link,
        })
        .collect();
    let wanted = cap.saturating_sub(items.len());
    if let (Some(section_id), true) = (section_id, wanted > 0) {
        let mut exclude: Vec<i64> = items
            .iter()
            .filter_map(|i| i.link.article.as_ref().map(|a| a.id))
            .collect();
        exclude.push(id);
        let rows: Vec<TeaserRow> = visible_teasers(now)
            .filter(articles::section_id.eq(section_id))
            .filter(articles::id.ne_all(exclude))
            .order((articles::published_at.desc(), articles::id.desc()))
            .limit(i64::try_from(wanted).unwrap_or(0))
            .load(conn)?;
        items.extend(
            teasers(conn, rows, urls, Audience::Public)?
                .into_iter()
                .map(|t: Teaser| RelatedItem {
                    source: RelatedSource::Automatic,
                    link: RelatedLink {
                        title: t.title.clone(),
                        kicker: t.kicker.clone(),
                        url: urls.article(&t.slug),
                        excerpt: Some(t.excerpt.clone()),
                        article: Some(t),
                    },
                }),
        );
    }
    Ok(RelatedList { items })
}
