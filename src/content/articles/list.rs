//! The article list: filters, newest first, keyset pagination; with `q`, a
//! full-text search over the same filters (see [`crate::content::search`]).

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Deserialize;
use utoipa::IntoParams;

use super::{Audience, BoxedTeasers, Status, Teaser, TeaserRow, teasers, visible_teasers};
use crate::config::PublicUrls;
use crate::content::{
    DEFAULT_LIMIT, FieldError, FieldErrors, MAX_LIMIT, Page, Result, authors, cursor, next_cursor,
    parse_limit, search, sections, tags,
};
use crate::db::schema::{article_authors, article_tags, articles};
use crate::db::{DbConnection, any_of, any_of_text, now};

/// Query parameters of the article list, as sent. Every one is optional.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Full-text search over kicker, title, standfirst, body and author
    /// names, at most 200 characters. Case and accents do not matter, and
    /// word forms are matched ("convention" finds "conventions"). All words
    /// must match; `"a phrase"` matches words in order; `-word` excludes; the
    /// last word also matches as a prefix unless a space follows it. Common
    /// words ("le", "the") are ignored; a query of nothing else is refused.
    /// Results come most relevant first (every word in the kicker or title,
    /// then in the standfirst, then anywhere), newest first within each, and
    /// each teaser has a `snippet`. Not combinable with `status`.
    #[param(example = "ministère conventions")]
    pub q: Option<String>,
    /// Only this section and its sub-sections (section slug).
    #[param(example = "politique", pattern = "^([a-z0-9]+(-[a-z0-9]+)*)?$")]
    pub section: Option<String>,
    /// Only articles signed by this author (author slug).
    #[param(example = "nfamoro-keita", pattern = "^([a-z0-9]+(-[a-z0-9]+)*)?$")]
    pub author: Option<String>,
    /// Only articles with this tag (tag slug).
    #[param(example = "migration", pattern = "^([a-z0-9]+(-[a-z0-9]+)*)?$")]
    pub tag: Option<String>,
    /// Only articles published at or after this time (RFC 3339, or a date).
    #[param(value_type = Option<String>, example = "2025-01-01T00:00:00Z", pattern = "^$|^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])([Tt](0[0-9]|1[0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,6})?([Zz]|[+-](0[0-9]|1[0-3]):[0-5][0-9]))?$")]
    pub since: Option<String>,
    /// Only articles published before this time (RFC 3339, or a date).
    #[param(value_type = Option<String>, example = "2026-01-01", pattern = "^$|^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])([Tt](0[0-9]|1[0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,6})?([Zz]|[+-](0[0-9]|1[0-3]):[0-5][0-9]))?$")]
    pub until: Option<String>,
    /// Page size, 1 to 100; 20 when absent.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100, example = 20)]
    pub limit: Option<String>,
    /// The `next_cursor` of the previous page.
    #[param(pattern = "^[A-Za-z0-9_-]*$")]
    pub cursor: Option<String>,
    /// Editorial users only: articles in these states (comma-separated:
    /// `draft`, `in_review`, `scheduled`, `published`, `archived`), most
    /// recently changed first, trash excluded.
    #[param(
        example = "draft,in_review",
        pattern = "^((draft|in_review|scheduled|published|archived)(,(draft|in_review|scheduled|published|archived))*)?$"
    )]
    pub status: Option<String>,
}

impl ListParams {
    /// The same parameters, an empty one (`?tag=`) counting as absent, as
    /// forms send them.
    fn without_empty_values(&self) -> Self {
        let given = |v: &Option<String>| crate::content::given(v.as_deref()).map(str::to_owned);
        Self {
            q: given(&self.q),
            section: given(&self.section),
            author: given(&self.author),
            tag: given(&self.tag),
            since: given(&self.since),
            until: given(&self.until),
            limit: given(&self.limit),
            cursor: given(&self.cursor),
            status: given(&self.status),
        }
    }
}

/// A validated article list request.
#[derive(Debug, Default)]
pub struct ListQuery {
    pub section: Option<String>,
    pub author: Option<String>,
    pub tag: Option<String>,
    pub since: Option<NaiveDateTime>,
    pub until: Option<NaiveDateTime>,
    pub limit: i64,
    /// Sort time and id of the last item seen.
    pub after: Option<(NaiveDateTime, i64)>,
    /// For editorial lists: the states asked for.
    pub statuses: Option<Vec<Status>>,
    /// A full-text search, and where its page starts.
    pub search: Option<search::SearchQuery>,
    pub search_after: Option<search::After>,
}

fn parse_time(field: &str, raw: &str) -> Result<NaiveDateTime, FieldError> {
    let raw = raw.trim();
    DateTime::parse_from_rfc3339(raw)
        .map(|t| t.with_timezone(&Utc).naive_utc())
        .or_else(|_| NaiveDate::parse_from_str(raw, "%Y-%m-%d").map(|d| d.and_time(Default::default())))
        .map_err(|_| FieldError::new(field, "must be an RFC 3339 time or a YYYY-MM-DD date"))
}

fn parse_slug(field: &str, raw: &str) -> Result<String, FieldError> {
    let ok = !raw.is_empty()
        && raw.len() <= 200
        && raw
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(raw.to_owned())
    } else {
        Err(FieldError::new(
            field,
            "must be a slug: lowercase letters, digits and hyphens",
        ))
    }
}

impl ListQuery {
    pub fn parse(p: &ListParams) -> Result<Self, Vec<FieldError>> {
        let p = &p.without_empty_values();
        let mut errors = FieldErrors::default();
        let section = p
            .section
            .as_deref()
            .and_then(|s| errors.check(parse_slug("section", s)));
        let author = p
            .author
            .as_deref()
            .and_then(|s| errors.check(parse_slug("author", s)));
        let tag = p.tag.as_deref().and_then(|s| errors.check(parse_slug("tag", s)));
        let since = p
            .since
            .as_deref()
            .and_then(|s| errors.check(parse_time("since", s)));
        let until = p
            .until
            .as_deref()
            .and_then(|s| errors.check(parse_time("until", s)));
        let limit = errors.check(parse_limit(p.limit.as_deref(), DEFAULT_LIMIT, MAX_LIMIT));
        let statuses = p.status.as_deref().and_then(|s| errors.check(parse_statuses(s)));
        let search =
            p.q.as_deref()
                .and_then(|q| errors.check(search::SearchQuery::parse(q)));
        if p.q.is_some() && p.status.is_some() {
            errors.push(FieldError::new("q", "cannot be combined with status"));
        }
        let (after, search_after) = match (p.cursor.as_deref(), p.q.is_some()) {
            (Some(c), false) => (errors.check(parse_cursor(c)), None),
            (Some(c), true) => (None, errors.check(search::parse_cursor(c))),
            (None, _) => (None, None),
        };
        errors.finish(|| Self {
            section,
            author,
            tag,
            since,
            until,
            limit: limit.unwrap_or(DEFAULT_LIMIT),
            after,
            statuses,
            search,
            search_after,
        })
    }
}

fn parse_statuses(raw: &str) -> Result<Vec<Status>, FieldError> {
    raw.split(',')
        .map(|s| Status::parse(s.trim()))
        .collect::<Option<Vec<_>>>()
        .filter(|list| !list.is_empty())
        .ok_or_else(|| {
            FieldError::new(
                "status",
                "must list states among draft, in_review, scheduled, published, archived",
            )
        })
}

fn parse_cursor(raw: &str) -> Result<(NaiveDateTime, i64), FieldError> {
    let (micros, id) = cursor::decode::<(i64, i64)>(raw)?;
    DateTime::from_timestamp_micros(micros)
        .map(|t| (t.naive_utc(), id))
        .ok_or_else(|| FieldError::new("cursor", "is not a cursor this API issued"))
}

/// A page of teasers: for readers, the articles they may see, newest first;
/// for editorial lists (`statuses`), articles in those states, most recently
/// changed first; for a search, matching articles, most relevant first.
pub fn list(conn: &mut DbConnection, q: &ListQuery, urls: &PublicUrls) -> Result<Page<Teaser>> {
    let audience = if q.statuses.is_some() {
        Audience::Editorial
    } else {
        Audience::Public
    };
    if let Some(query) = &q.search {
        return search::page(
            conn,
            |conn| filtered(conn, q),
            query,
            q.search_after,
            q.limit,
            urls,
        );
    }
    let mut sql = filtered(conn, q)?;
    // After (at, id): `time <= at AND (time < at OR id < id)`. The first
    // term is where an index range can start; with the second alone, the
    // planners read the index from the top, and a deep page cost as much as
    // an offset.
    sql = match (audience, q.after) {
        (Audience::Public, Some((at, id))) => sql.filter(
            articles::published_at
                .le(at)
                .and(articles::published_at.lt(at).or(articles::id.lt(id))),
        ),
        (Audience::Editorial, Some((at, id))) => sql.filter(
            articles::updated_at
                .le(at)
                .and(articles::updated_at.lt(at).or(articles::id.lt(id))),
        ),
        (_, None) => sql,
    };
    sql = match audience {
        Audience::Public => sql.order((articles::published_at.desc(), articles::id.desc())),
        Audience::Editorial => sql.order((articles::updated_at.desc(), articles::id.desc())),
    };
    let mut rows: Vec<TeaserRow> = sql.limit(q.limit + 1).load(conn)?;
    let next_cursor = next_cursor(&mut rows, q.limit, |last| {
        let at = match audience {
            Audience::Public => last.published_at,
            Audience::Editorial => Some(last.updated_at),
        };
        cursor::encode(&(at.map_or(0, |t| t.and_utc().timestamp_micros()), last.id))
    });
    Ok(Page {
        items: teasers(conn, rows, urls, audience)?,
        next_cursor,
    })
}

/// The articles the query's audience may see, with its filters applied.
fn filtered(conn: &mut DbConnection, q: &ListQuery) -> Result<BoxedTeasers<'static>> {
    let mut sql = match &q.statuses {
        None => visible_teasers(now()).into_boxed(),
        Some(statuses) => articles::table
            .filter(articles::deleted_at.is_null())
            .filter(any_of_text(
                conn,
                articles::status,
                &statuses.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
            ))
            .select(TeaserRow::as_select())
            .into_boxed(),
    };
    // A filter naming no existing section, author or tag matches nothing.
    let none = any_of(conn, articles::id, &[]);
    if let Some(slug) = &q.section {
        let Some(ids) = sections::ids_with_children(conn, slug)? else {
            return Ok(sql.filter(none));
        };
        sql = sql.filter(any_of(conn, articles::section_id, &ids));
    }
    if let Some(slug) = &q.author {
        let Some(id) = authors::id_of(conn, slug)? else {
            return Ok(sql.filter(none));
        };
        sql = sql.filter(
            articles::id.eq_any(
                article_authors::table
                    .filter(article_authors::author_id.eq(id))
                    .select(article_authors::article_id),
            ),
        );
    }
    if let Some(slug) = &q.tag {
        let Some(id) = tags::id_of(conn, slug)? else {
            return Ok(sql.filter(none));
        };
        sql = sql.filter(
            articles::id.eq_any(
                article_tags::table
                    .filter(article_tags::tag_id.eq(id))
                    .select(article_tags::article_id),
            ),
        );
    }
    if let Some(since) = q.since {
        sql = sql.filter(articles::published_at.ge(since));
    }
    if let Some(until) = q.until {
        sql = sql.filter(articles::published_at.lt(until));
    }
    Ok(sql)
}
