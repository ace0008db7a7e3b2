//! The search index: one row per article in `article_search`, holding its
//! normalised terms per field, kept in step with every write of the text in
//! the same transaction ([`reindex`] is called by the article write path).
//!
//! Every article is indexed, whatever its state: who may see what is decided
//! at query time by the same `visible(now)` predicate as the lists, so the
//! workflow (publish, unpublish, trash, scheduled publication) never has to
//! touch the index.
//!
//! - SQLite: `article_fts`, an FTS5 table over `article_search` (external
//!   content) kept in step by triggers.
//! - PostgreSQL: `article_search.tsv`, a `tsvector` built here as a literal
//!   (lexemes, positions and weights, no text search configuration involved)
//!   with a GIN index. Weights: A head (kicker, title), B lead (standfirst),
//!   C body, D author names. `head_tsv` (head only) and `lead_tsv` (head and
//!   lead), small and GIN-indexed too, decide the relevance tier.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Text};

use super::normalise::{Stemming, terms};
use super::query::lang_lexeme;
use crate::content::{Result, text};
use crate::db::schema::{article_authors, article_search, articles, authors};
use crate::db::{Backend, DbConnection, any_of};

/// An article's text as indexed: terms per field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub stemming: Stemming,
    /// Kicker and title.
    pub head: Vec<String>,
    /// Standfirst.
    pub lead: Vec<String>,
    pub body: Vec<String>,
    /// Author names.
    pub names: Vec<String>,
}

/// Highest position PostgreSQL keeps in a `tsvector`.
const MAX_POSITION: usize = 16_383;
/// Most positions PostgreSQL keeps per lexeme.
const MAX_POSITIONS_PER_LEXEME: usize = 256;

impl Document {
    pub fn new(
        language: &str,
        kicker: Option<&str>,
        title: &str,
        standfirst: Option<&str>,
        body_html: &str,
        names: &[String],
    ) -> Self {
        let stemming = Stemming::for_language(language);
        let head = format!("{} {title}", kicker.unwrap_or_default());
        Self {
            stemming,
            head: terms(&head, stemming),
            lead: terms(standfirst.unwrap_or_default(), stemming),
            body: terms(&text::plain_text(body_html), stemming),
            names: terms(&names.join(" "), stemming),
        }
    }

    /// The PostgreSQL `tsvector` literal: each field's terms with their
    /// positions and the field's weight, fields one position apart so that no
    /// phrase spans two of them, and the language lexeme.
    pub fn tsvector(&self) -> String {
        self.tsvector_of(4)
    }

    /// The same for the first `fields` fields only (1: head; 2: head and
    /// lead), for the relevance tiers.
    pub fn tsvector_of(&self, fields: usize) -> String {
        let mut lexemes: BTreeMap<&str, Vec<(usize, char)>> = BTreeMap::new();
        let mut position = 0;
        let all = [
            (&self.head, 'A'),
            (&self.lead, 'B'),
            (&self.body, 'C'),
            (&self.names, 'D'),
        ];
        for (field, weight) in all.into_iter().take(fields) {
            for term in field {
                position = (position + 1).min(MAX_POSITION);
                let positions = lexemes.entry(term.as_str()).or_default();
                if positions.len() < MAX_POSITIONS_PER_LEXEME {
                    positions.push((position, weight));
                }
            }
            position = (position + 1).min(MAX_POSITION);
        }
        let mut out = lang_lexeme(self.stemming);
        for (lexeme, positions) in lexemes {
            let _ = write!(out, " '{lexeme}':");
            for (i, (position, weight)) in positions.iter().enumerate() {
                let separator = if i == 0 { "" } else { "," };
                let _ = write!(out, "{separator}{position}{weight}");
            }
        }
        out
    }
}

/// A document as stored: terms joined per field and, for PostgreSQL, its
/// vectors (all fields, head, head and lead).
pub struct Row {
    lang: &'static str,
    head: String,
    lead: String,
    body: String,
    names: String,
    vectors: Option<[String; 3]>,
}

impl Document {
    pub fn row(&self, backend: Backend) -> Row {
        Row {
            lang: self.stemming.code(),
            head: self.head.join(" "),
            lead: self.lead.join(" "),
            body: self.body.join(" "),
            names: self.names.join(" "),
            vectors: (backend == Backend::Postgres)
                .then(|| [self.tsvector_of(4), self.tsvector_of(1), self.tsvector_of(2)]),
        }
    }
}

/// Writes the index row of article `id` from the text just written (so the
/// article need not be read back); only the bylines' names are looked up.
pub fn index_written(
    conn: &mut DbConnection,
    id: i64,
    language: &str,
    (kicker, title, standfirst, body_html): (Option<&str>, &str, Option<&str>, &str),
    author_ids: &[i64],
) -> Result<()> {
    let mut names: Vec<(i64, String)> = authors::table
        .filter(any_of(conn, authors::id, author_ids))
        .select((authors::id, authors::name))
        .load(conn)?;
    names.sort_by_key(|(author, _)| author_ids.iter().position(|a| a == author));
    let names: Vec<String> = names.into_iter().map(|(_, name)| name).collect();
    let doc = Document::new(language, kicker, title, standfirst, body_html, &names);
    store(conn, id, &doc)
}

/// Rewrites the index row of article `id` from its stored text and bylines.
pub fn reindex(conn: &mut DbConnection, id: i64) -> Result<()> {
    let (language, kicker, title, standfirst, body_html): (
        String,
        Option<String>,
        String,
        Option<String>,
        String,
    ) = articles::table
        .find(id)
        .select((
            articles::language,
            articles::kicker,
            articles::title,
            articles::standfirst,
            articles::body_html,
        ))
        .first(conn)?;
    let names: Vec<String> = article_authors::table
        .inner_join(authors::table)
        .filter(article_authors::article_id.eq(id))
        .order(article_authors::position)
        .select(authors::name)
        .load(conn)?;
    let doc = Document::new(
        &language,
        kicker.as_deref(),
        &title,
        standfirst.as_deref(),
        &body_html,
        &names,
    );
    store(conn, id, &doc)
}

fn store(conn: &mut DbConnection, id: i64, doc: &Document) -> Result<()> {
    diesel::delete(article_search::table.find(id)).execute(conn)?;
    let row = doc.row(conn.backend());
    store_new(conn, &[(id, &row)])
}

/// Writes the index rows of articles that have none yet, in one statement.
pub fn store_new(conn: &mut DbConnection, rows: &[(i64, &Row)]) -> Result<()> {
    match conn {
        DbConnection::Sqlite(c) => {
            let values: Vec<_> = rows
                .iter()
                .map(|(id, row)| {
                    (
                        article_search::article_id.eq(*id),
                        article_search::lang.eq(row.lang),
                        article_search::head.eq(&row.head),
                        article_search::lead.eq(&row.lead),
                        article_search::body.eq(&row.body),
                        article_search::names.eq(&row.names),
                    )
                })
                .collect();
            diesel::insert_into(article_search::table)
                .values(values)
                .execute(c)?;
        }
        DbConnection::Postgres(c) => {
            let column =
                |get: fn(&Row) -> &str| -> Vec<&str> { rows.iter().map(|(_, row)| get(row)).collect() };
            let vector = |i: usize| -> Vec<&str> {
                rows.iter()
                    .map(|(_, row)| row.vectors.as_ref().expect("a row made for PostgreSQL")[i].as_str())
                    .collect()
            };
            let ids: Vec<i64> = rows.iter().map(|(id, _)| *id).collect();
            // One array per column whatever the number of rows; the tsvector
            // casts need SQL that diesel's insert does not write.
            diesel::sql_query(
                "INSERT INTO article_search \
                 (article_id, lang, head, lead, body, names, tsv, head_tsv, lead_tsv) \
                 SELECT id, lang, head, lead, body, names, CAST(tsv AS tsvector), \
                 CAST(head_tsv AS tsvector), CAST(lead_tsv AS tsvector) \
                 FROM unnest($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                 AS t(id, lang, head, lead, body, names, tsv, head_tsv, lead_tsv)",
            )
            .bind::<Array<BigInt>, _>(&ids)
            .bind::<Array<Text>, _>(column(|r| r.lang))
            .bind::<Array<Text>, _>(column(|r| &r.head))
            .bind::<Array<Text>, _>(column(|r| &r.lead))
            .bind::<Array<Text>, _>(column(|r| &r.body))
            .bind::<Array<Text>, _>(column(|r| &r.names))
            .bind::<Array<Text>, _>(vector(0))
            .bind::<Array<Text>, _>(vector(1))
            .bind::<Array<Text>, _>(vector(2))
            .execute(c)?;
        }
    }
    Ok(())
}

/// After migrations: the one creating the index finds articles already
/// written. Looking for them reads every article, so only then.
pub fn after_migrations(conn: &mut DbConnection, applied: &[String]) -> Result<usize> {
    if applied.is_empty() {
        return Ok(0);
    }
    index_missing(conn)
}

/// Indexes the articles that have no index row yet (those written before the
/// index existed, or restored from a backup); returns how many.
pub fn index_missing(conn: &mut DbConnection) -> Result<usize> {
    let missing: Vec<i64> = articles::table
        .filter(diesel::dsl::not(diesel::dsl::exists(
            article_search::table.filter(article_search::article_id.eq(articles::id)),
        )))
        .select(articles::id)
        .order(articles::id)
        .load(conn)?;
    for id in &missing {
        reindex(conn, *id)?;
    }
    Ok(missing.len())
}

/// Re-indexes the articles signed by an author, after a change of name.
pub fn reindex_author(conn: &mut DbConnection, author_id: i64) -> Result<()> {
    let ids: Vec<i64> = article_authors::table
        .filter(article_authors::author_id.eq(author_id))
        .select(article_authors::article_id)
        .load(conn)?;
    for id in ids {
        reindex(conn, id)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsvector_keeps_fields_apart_with_weights() {
        let doc = Document::new(
            "fr",
            Some("Politique migratoire"),
            "L’OIM signe",
            Some("Des conventions"),
            "<p>OIM</p>",
            &["N'Famoro Keita".to_owned()],
        );
        assert_eq!(doc.head, ["polit", "migratoir", "oim", "sign"]);
        assert_eq!(
            doc.tsvector(),
            "'lang=fr' 'convent':6B 'famoro':10D 'keit':11D 'migratoir':2A 'oim':3A,8C 'polit':1A 'sign':4A"
        );
    }
}
