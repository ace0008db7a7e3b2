//! Full-text search over articles, the same on SQLite and PostgreSQL.
//!
//! - **Normalisation** ([`normalise`]) is done once, in Rust, both to build the
//!   index and to read queries: split on anything but letters and digits
//!   (both apostrophes included), lowercase, fold accents (Bambara ɛ ɔ ɲ ŋ
//!   kept), drop French elisions and stop words, stem (Snowball) by the
//!   article's language.
//! - **Languages.** Each article is indexed with the stemmer of its own
//!   language (French, English, or none). A query is compiled once per
//!   stemming mode, each version restricted to the articles indexed in that
//!   mode; so "conventions" finds a French article saying "convention" and an
//!   English one saying "convention", each through its own stemmer.
//! - **Index** ([`index`]): one `article_search` row per article (terms of
//!   head = kicker + title, lead = standfirst, body, author names), written
//!   in the same transaction as the article; FTS5 on SQLite, a weighted
//!   `tsvector` with a GIN index on PostgreSQL. Every article is indexed;
//!   visibility is decided at query time.
//! - **Ranking**, computed the same on both backends rather than with bm25 or
//!   `ts_rank` (which differ): a tier, then newest first, then id.
//!   Tier 3: every wanted word is in the kicker or title; tier 2: in the
//!   kicker, title or standfirst; tier 1: anywhere (body, author names).
//!   The cursor carries (tier, publication time, id).

pub mod index;
pub mod normalise;
pub mod query;
pub mod snippet;

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text};

pub use query::SearchQuery;

use self::normalise::Stemming;
use self::snippet::{Matcher, snippet};
use crate::config::PublicUrls;
use crate::content::articles::{Audience, BoxedTeasers, Teaser, TeaserRow, teasers};
use crate::content::{FieldError, Page, Result, cursor, next_cursor, text};
use crate::db::schema::articles;
use crate::db::{Backend, DbConnection, MultiBackend, any_of, fixed};

/// A condition on `articles` rows.
pub type Predicate = Box<dyn BoxableExpression<articles::table, MultiBackend, SqlType = Bool>>;

/// Highest tier: every wanted word in the head (kicker, title).
const TOP_TIER: i32 = 3;

/// Articles whose index row matches `expression` (FTS5 or `tsquery` text,
/// as the backend wants).
fn matching(backend: Backend, expression: String) -> Predicate {
    Box::new(match backend {
        Backend::Sqlite => fixed(&["articles.id IN (SELECT rowid FROM article_fts WHERE article_fts MATCH "])
            .bind(expression, ")"),
        Backend::Postgres => {
            fixed(&["articles.id IN (SELECT article_id FROM article_search WHERE tsv @@ CAST("])
                .bind(expression, " AS tsquery))")
        }
    })
}

/// The index columns of a relevance tier (see the module docs), and those
/// of the tier above, whose matches it leaves out.
fn tier_columns(tier: i32) -> (Option<&'static str>, Option<&'static str>) {
    match tier {
        TOP_TIER => (Some("head"), None),
        2 => (Some("head lead"), Some("head")),
        _ => (None, Some("head lead")),
    }
}

/// The PostgreSQL vector holding the terms of `columns`.
fn vector(columns: Option<&str>) -> &'static str {
    match columns {
        Some("head") => "head_tsv",
        Some(_) => "lead_tsv",
        None => "tsv",
    }
}

/// Articles whose `columns` (all when `None`) answer `query`.
fn within(backend: Backend, query: &SearchQuery, columns: Option<&str>) -> Predicate {
    match backend {
        Backend::Sqlite => matching(backend, query.fts5(columns)),
        Backend::Postgres => Box::new(
            fixed(&[
                "articles.id IN (SELECT article_id FROM article_search WHERE ",
                vector(columns),
                " @@ CAST(",
            ])
            .bind(query.tsquery(""), " AS tsquery))"),
        ),
    }
}

/// Matches a tier counts at most to be read by id and sorted; beyond, the
/// date index is walked, and matches are dense enough to fill a page soon.
const FEW_MATCHES: i64 = 5_000;

#[derive(QueryableByName)]
struct MatchId {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// The ids of the articles whose `columns` answer `query`, if there are
/// few. Walking the date index in search of rare matches would read most
/// of the archive; reading few matches by id and sorting them costs little.
fn few_matches(
    conn: &mut DbConnection,
    query: &SearchQuery,
    columns: Option<&str>,
) -> Result<Option<Vec<i64>>> {
    let rows: Vec<MatchId> = match conn {
        DbConnection::Sqlite(c) => {
            diesel::sql_query("SELECT rowid AS id FROM article_fts WHERE article_fts MATCH ? LIMIT ?")
                .bind::<Text, _>(query.fts5(columns))
                .bind::<BigInt, _>(FEW_MATCHES + 1)
                .load(c)?
        }
        DbConnection::Postgres(c) => diesel::sql_query(format!(
            "SELECT article_id AS id FROM article_search WHERE {} @@ CAST($1 AS tsquery) LIMIT $2",
            vector(columns)
        ))
        .bind::<Text, _>(query.tsquery(""))
        .bind::<BigInt, _>(FEW_MATCHES + 1)
        .load(c)?,
    };
    let few = i64::try_from(rows.len()).unwrap_or(i64::MAX) <= FEW_MATCHES;
    Ok(few.then(|| rows.into_iter().map(|row| row.id).collect()))
}

/// The articles of one relevance tier for `query`: those matching the
/// tier's columns and not the tier above's.
fn in_tier(conn: &mut DbConnection, query: &SearchQuery, tier: i32) -> Result<Predicate> {
    let backend = conn.backend();
    let (columns, above) = tier_columns(tier);
    let this: Predicate = match few_matches(conn, query, columns)? {
        Some(ids) => Box::new(any_of(conn, articles::id, &ids)),
        None => within(backend, query, columns),
    };
    Ok(match above {
        Some(above) => Box::new(this.and(diesel::dsl::not(within(backend, query, Some(above))))),
        None => this,
    })
}

/// Where a search page starts: after this (tier, publication time, id).
pub type After = (i32, NaiveDateTime, i64);

/// Decodes a search cursor; list cursors and forgeries are refused.
pub fn parse_cursor(raw: &str) -> Result<After, FieldError> {
    let invalid = || FieldError::new("cursor", "is not a cursor this API issued");
    let (tier, micros, id) = cursor::decode::<(i64, i64, i64)>(raw)?;
    let tier = i32::try_from(tier)
        .ok()
        .filter(|t| (1..=TOP_TIER).contains(t))
        .ok_or_else(invalid)?;
    let at = DateTime::from_timestamp_micros(micros).ok_or_else(invalid)?;
    Ok((tier, at.naive_utc(), id))
}

/// A page of search results among `candidates` (the articles visible with
/// the list's filters applied, made afresh for each tier), most relevant
/// first. Tiers are read from the top, newest first within each, until the
/// page is full: a page costs a walk down the date index, not a ranking of
/// every match.
pub fn page(
    conn: &mut DbConnection,
    candidates: impl Fn(&mut DbConnection) -> Result<BoxedTeasers<'static>>,
    query: &SearchQuery,
    after: Option<After>,
    limit: i64,
    urls: &PublicUrls,
) -> Result<Page<Teaser>> {
    let wanted = usize::try_from(limit).unwrap_or(0) + 1;
    let first = after.map_or(TOP_TIER, |(tier, ..)| tier);
    let mut found: Vec<(i32, TeaserRow)> = Vec::with_capacity(wanted);
    for tier in (1..=first).rev() {
        let missing = wanted - found.len();
        if missing == 0 {
            break;
        }
        let tier_filter = in_tier(conn, query, tier)?;
        let mut sql = candidates(conn)?.filter(tier_filter);
        if let Some((_, at, id)) = after.filter(|(t, ..)| *t == tier) {
            sql = sql.filter(
                articles::published_at
                    .lt(at)
                    .or(articles::published_at.eq(at).and(articles::id.lt(id))),
            );
        }
        let rows: Vec<TeaserRow> = sql
            .order((articles::published_at.desc(), articles::id.desc()))
            .limit(i64::try_from(missing).unwrap_or(i64::MAX))
            .load(conn)?;
        found.extend(rows.into_iter().map(|row| (tier, row)));
    }
    let mut tiers: Vec<i32> = found.iter().map(|(tier, _)| *tier).collect();
    let mut rows: Vec<TeaserRow> = found.into_iter().map(|(_, row)| row).collect();
    tiers.truncate(usize::try_from(limit).unwrap_or(0));
    let next_cursor = next_cursor(&mut rows, limit, |last| {
        let at = last.published_at.map_or(0, |t| t.and_utc().timestamp_micros());
        let tier = tiers.last().copied().unwrap_or(1);
        cursor::encode(&(i64::from(tier), at, last.id))
    });
    let mut items = teasers(conn, rows, urls, Audience::Public)?;
    add_snippets(conn, &mut items, query)?;
    Ok(Page { items, next_cursor })
}

type SnippetText = (i64, String, Option<String>, String);

fn add_snippets(conn: &mut DbConnection, items: &mut [Teaser], query: &SearchQuery) -> Result<()> {
    let ids: Vec<i64> = items.iter().map(|t| t.id).collect();
    let texts: HashMap<i64, (String, Option<String>, String)> = articles::table
        .filter(any_of(conn, articles::id, &ids))
        .select((
            articles::id,
            articles::language,
            articles::standfirst,
            articles::body_html,
        ))
        .load::<SnippetText>(conn)?
        .into_iter()
        .map(|(id, language, standfirst, body)| (id, (language, standfirst, body)))
        .collect();
    let mut matchers: HashMap<Stemming, Matcher> = HashMap::new();
    for item in items {
        let Some((language, standfirst, body)) = texts.get(&item.id) else {
            continue;
        };
        let stemming = Stemming::for_language(language);
        let matcher = matchers
            .entry(stemming)
            .or_insert_with(|| Matcher::new(query, stemming));
        let body = text::plain_text(body);
        let sources = [
            standfirst.as_deref().unwrap_or_default(),
            body.as_str(),
            item.title.as_str(),
            item.kicker.as_deref().unwrap_or_default(),
        ];
        item.snippet = snippet(matcher, &sources);
    }
    Ok(())
}

/// Articles whose head (kicker, title) shares a term with `head`, among
/// those indexed with the same stemming; `None` when there is nothing to share.
pub fn sharing_head_terms(backend: Backend, stemming: Stemming, head: &[String]) -> Option<Predicate> {
    let mut terms: Vec<&str> = head.iter().map(String::as_str).collect();
    terms.sort_unstable();
    terms.dedup();
    terms.truncate(24);
    if terms.is_empty() {
        return None;
    }
    let expression = match backend {
        Backend::Sqlite => {
            let any: Vec<String> = terms.iter().map(|t| format!("\"{t}\"")).collect();
            format!(
                "lang : \"{}\" AND {{head}} : ({})",
                stemming.code(),
                any.join(" OR ")
            )
        }
        Backend::Postgres => {
            let any: Vec<String> = terms.iter().map(|t| format!("'{t}':A")).collect();
            format!("{} & ({})", query::lang_lexeme(stemming), any.join(" | "))
        }
    };
    Some(matching(backend, expression))
}
