//! One article, by id or by slug, and its related articles.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::{
    Article, ArticleRow, Audience, RelatedLink, Teaser, TeaserRow, full, teasers, visible, visible_teasers,
};
use crate::config::PublicUrls;
use crate::content::search::{self, normalise::Stemming};
use crate::content::{Error, Result};
use crate::db::schema::{article_search, article_slugs, article_tags, articles, related_links};
use crate::db::{DbConnection, any_of, now};

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

/// The editor's related links of an article, in order, and the ids of every
/// article they point to. Links to articles a reader may not see (yet, or any
/// more) are left out of the first, not of the second.
pub(super) fn curated_links(
    conn: &mut DbConnection,
    article_id: i64,
    urls: &PublicUrls,
    now: NaiveDateTime,
) -> Result<(Vec<RelatedLink>, Vec<i64>)> {
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
            .filter(any_of(conn, articles::id, &target_ids))
            .load(conn)?;
        teasers(conn, target_rows, urls, Audience::Public)?
    };
    let links = rows
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
        .collect();
    Ok((links, target_ids))
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

/// How many candidates each kind of likeness brings, at most.
const CANDIDATES_PER_KIND: i64 = 50;

/// The editor's links, then automatic suggestions, up to `limit` in all;
/// never the article itself, one already linked, or one a reader may not see.
///
/// Suggestions are gathered among the newest visible articles that share a
/// tag, the section, or a term of the kicker and title, then ranked by
/// `3 × shared tags + 2 × same section + shared head terms`, newest first on
/// a tie, then by id: the same on both backends.
pub fn related(conn: &mut DbConnection, id: i64, limit: i64, urls: &PublicUrls) -> Result<RelatedList> {
    let now = now();
    let (section_id, language): (Option<i64>, String) = articles::table
        .filter(articles::id.eq(id))
        .filter(visible(now))
        .select((articles::section_id, articles::language))
        .first(conn)
        .optional()?
        .ok_or_else(|| not_found(id))?;
    let cap = usize::try_from(limit).unwrap_or(0);
    let mut items: Vec<RelatedItem> = curated_links(conn, id, urls, now)?
        .0
        .into_iter()
        .take(cap)
        .map(|link| RelatedItem {
            source: RelatedSource::Curated,
            link,
        })
        .collect();
    let wanted = cap.saturating_sub(items.len());
    if wanted == 0 {
        return Ok(RelatedList { items });
    }
    let mut exclude: Vec<i64> = items
        .iter()
        .filter_map(|i| i.link.article.as_ref().map(|a| a.id))
        .collect();
    exclude.push(id);
    let likeness = Likeness::of(conn, id, section_id, &language)?;
    let rows = likeness.suggestions(conn, now, &exclude, wanted)?;
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
    Ok(RelatedList { items })
}

/// What suggestions are compared on.
struct Likeness {
    section_id: Option<i64>,
    tag_ids: Vec<i64>,
    stemming: Stemming,
    head: HashSet<String>,
}

impl Likeness {
    fn of(conn: &mut DbConnection, id: i64, section_id: Option<i64>, language: &str) -> Result<Self> {
        let tag_ids = article_tags::table
            .filter(article_tags::article_id.eq(id))
            .select(article_tags::tag_id)
            .load(conn)?;
        let head: Option<String> = article_search::table
            .find(id)
            .select(article_search::head)
            .first(conn)
            .optional()?;
        Ok(Self {
            section_id,
            tag_ids,
            stemming: Stemming::for_language(language),
            head: head
                .unwrap_or_default()
                .split_whitespace()
                .map(str::to_owned)
                .collect(),
        })
    }

    fn suggestions(
        &self,
        conn: &mut DbConnection,
        now: NaiveDateTime,
        exclude: &[i64],
        wanted: usize,
    ) -> Result<Vec<TeaserRow>> {
        let excluded = any_of(conn, articles::id, exclude);
        let tagged = any_of(conn, article_tags::tag_id, &self.tag_ids);
        let candidates = || {
            visible_teasers(now)
                .filter(diesel::dsl::not(excluded.clone()))
                .order((articles::published_at.desc(), articles::id.desc()))
                .limit(CANDIDATES_PER_KIND)
                .into_boxed()
        };
        let mut rows: Vec<TeaserRow> = Vec::new();
        if !self.tag_ids.is_empty() {
            rows.extend(
                candidates()
                    .filter(
                        articles::id.eq_any(
                            article_tags::table
                                .filter(tagged.clone())
                                .select(article_tags::article_id),
                        ),
                    )
                    .load::<TeaserRow>(conn)?,
            );
        }
        if let Some(section_id) = self.section_id {
            rows.extend(
                candidates()
                    .filter(articles::section_id.eq(section_id))
                    .load::<TeaserRow>(conn)?,
            );
        }
        let head: Vec<String> = self.head.iter().cloned().collect();
        if let Some(sharing) = search::sharing_head_terms(conn.backend(), self.stemming, &head) {
            rows.extend(candidates().filter(sharing).load::<TeaserRow>(conn)?);
        }
        let mut seen = HashSet::new();
        rows.retain(|r| seen.insert(r.id));
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut shared_tags: HashMap<i64, i64> = HashMap::new();
        if !self.tag_ids.is_empty() {
            let pairs: Vec<i64> = article_tags::table
                .filter(any_of(conn, article_tags::article_id, &ids))
                .filter(any_of(conn, article_tags::tag_id, &self.tag_ids))
                .select(article_tags::article_id)
                .load(conn)?;
            for article in pairs {
                *shared_tags.entry(article).or_default() += 1;
            }
        }
        let heads: HashMap<i64, String> = article_search::table
            .filter(any_of(conn, article_search::article_id, &ids))
            .filter(article_search::lang.eq(self.stemming.code()))
            .select((article_search::article_id, article_search::head))
            .load::<(i64, String)>(conn)?
            .into_iter()
            .collect();
        let score = |row: &TeaserRow| {
            let tags = shared_tags.get(&row.id).copied().unwrap_or(0);
            let section = i64::from(self.section_id.is_some() && row.section_id == self.section_id);
            let shared_terms = heads.get(&row.id).map_or(0, |head| {
                let theirs: HashSet<&str> = head.split_whitespace().collect();
                i64::try_from(theirs.iter().filter(|t| self.head.contains(**t)).count()).unwrap_or(0)
            });
            3 * tags + 2 * section + shared_terms
        };
        let mut scored: Vec<(i64, TeaserRow)> = rows.into_iter().map(|r| (score(&r), r)).collect();
        scored.retain(|(score, _)| *score > 0);
        scored.sort_by(|(sa, a), (sb, b)| {
            sb.cmp(sa)
                .then(b.published_at.cmp(&a.published_at))
                .then(b.id.cmp(&a.id))
        });
        Ok(scored.into_iter().take(wanted).map(|(_, r)| r).collect())
    }
}
