//! Reader queries: parsing `q`, and compiling it for SQLite FTS5 and for
//! PostgreSQL `tsquery`.
//!
//! Syntax: words (all must match); `"a phrase"` (its words in order and
//! adjacent, after normalisation); `-word` or `-"a phrase"` excludes; the last
//! word, when nothing follows it (no space, no closing quote), also matches as
//! a prefix, for search-as-you-type ("conv" finds "conventions").
//!
//! Words are normalised like the index ([`super::normalise`]). A query does
//! not say its language, so it is compiled once per stemming mode and each
//! version is restricted to the articles indexed in that mode: an article in
//! French is searched with the query's French stems, one in English with its
//! English stems, any other with folded words.

use super::normalise::{self, Stemming};
use crate::content::FieldError;

/// Longest `q` accepted, in characters.
pub const MAX_CHARS: usize = 200;

/// Shortest word completed as a prefix; shorter ones must match whole.
const MIN_PREFIX_CHARS: usize = 2;

/// One part of a query: a word, or a phrase of several.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Folded words, in order.
    pub words: Vec<String>,
    pub negated: bool,
    /// The (single) word may also match as a prefix.
    pub prefix: bool,
}

/// A parsed, valid query: at least one word to find.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    pub items: Vec<Item>,
}

fn invalid(message: &str) -> FieldError {
    FieldError::new("q", message)
}

impl SearchQuery {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        if raw.chars().count() > MAX_CHARS {
            return Err(invalid(&format!("must be at most {MAX_CHARS} characters")));
        }
        let mut items = Vec::new();
        let mut rest = raw;
        loop {
            rest = rest.trim_start();
            if rest.is_empty() {
                break;
            }
            let negated = rest.starts_with('-');
            if negated {
                rest = &rest[1..];
            }
            let (chunk, quoted, at_end);
            if let Some(after) = rest.strip_prefix('"') {
                let end = after.find('"').unwrap_or(after.len());
                chunk = &after[..end];
                rest = after.get(end + 1..).unwrap_or("");
                quoted = true;
                at_end = false;
            } else {
                let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                chunk = &rest[..end];
                rest = &rest[end..];
                quoted = false;
                at_end = rest.is_empty();
            }
            let words: Vec<String> = normalise::words(chunk).into_iter().map(|w| w.folded).collect();
            if words.is_empty() {
                continue;
            }
            let prefix = at_end
                && !quoted
                && !negated
                && words.len() == 1
                && words[0].chars().count() >= MIN_PREFIX_CHARS;
            items.push(Item {
                words,
                negated,
                prefix,
            });
        }
        if !items.iter().any(|i| !i.negated) {
            return Err(invalid(
                "must contain a word to search for (common words such as \"le\" or \"the\" are ignored)",
            ));
        }
        Ok(Self { items })
    }

    pub fn positives(&self) -> impl Iterator<Item = &Item> {
        self.items.iter().filter(|i| !i.negated)
    }

    fn negatives(&self) -> impl Iterator<Item = &Item> {
        self.items.iter().filter(|i| i.negated)
    }

    /// An FTS5 expression matching the articles that answer the query. With
    /// `columns`, every wanted word must be found in those columns.
    pub fn fts5(&self, columns: Option<&str>) -> String {
        let modes: Vec<String> = Stemming::ALL
            .iter()
            .map(|&mode| {
                let positives = join(self.positives().map(|i| fts5_item(i, mode)), " AND ");
                let negatives = join(self.negatives().map(|i| fts5_item(i, mode)), " OR ");
                let text = match columns {
                    Some(columns) => format!("{{{columns}}} : ({positives})"),
                    None => format!("{{{TEXT_COLUMNS}}} : ({positives})"),
                };
                let text = if negatives.is_empty() {
                    text
                } else {
                    format!("({text}) NOT ({{{TEXT_COLUMNS}}} : ({negatives}))")
                };
                format!("(lang : \"{}\" AND ({text}))", mode.code())
            })
            .collect();
        modes.join(" OR ")
    }

    /// A `tsquery` matching the articles that answer the query. With
    /// `weights` (e.g. `"A"`), every wanted word must carry one of them.
    pub fn tsquery(&self, weights: &str) -> String {
        let modes: Vec<String> = Stemming::ALL
            .iter()
            .map(|&mode| {
                let positives = join(self.positives().map(|i| ts_item(i, mode, weights)), " & ");
                let negatives: String = self
                    .negatives()
                    .map(|i| format!(" & !{}", ts_item(i, mode, "")))
                    .collect();
                format!("({} & ({positives}){negatives})", lang_lexeme(mode))
            })
            .collect();
        modes.join(" | ")
    }
}

/// The FTS5 columns holding article text (not the language).
pub const TEXT_COLUMNS: &str = "head lead body names";

/// The `tsvector` lexeme naming an article's stemming mode; no word
/// normalises to it, as words never hold `=`.
pub fn lang_lexeme(mode: Stemming) -> String {
    format!("'lang={}'", mode.code())
}

fn join(parts: impl Iterator<Item = String>, separator: &str) -> String {
    parts.collect::<Vec<_>>().join(separator)
}

fn fts5_item(item: &Item, mode: Stemming) -> String {
    let stems: Vec<String> = item.words.iter().map(|w| mode.stem(w)).collect();
    let phrase = format!("\"{}\"", stems.join(" "));
    if item.prefix {
        format!("({phrase} OR \"{}\"*)", item.words[0])
    } else {
        phrase
    }
}

fn ts_item(item: &Item, mode: Stemming, weights: &str) -> String {
    let suffix = if weights.is_empty() {
        String::new()
    } else {
        format!(":{weights}")
    };
    let stems: Vec<String> = item
        .words
        .iter()
        .map(|w| format!("'{}'{suffix}", mode.stem(w)))
        .collect();
    let phrase = format!("({})", stems.join(" <-> "));
    if item.prefix {
        format!("({phrase} | '{}':*{weights})", item.words[0])
    } else {
        phrase
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(words: &[&str], negated: bool, prefix: bool) -> Item {
        Item {
            words: words.iter().map(|w| (*w).to_owned()).collect(),
            negated,
            prefix,
        }
    }

    #[test]
    fn parses_words_phrases_exclusions_and_prefix() {
        let q = SearchQuery::parse("Ministère \"l’OIM signe\" -Bamako conv").unwrap();
        assert_eq!(
            q.items,
            [
                item(&["ministere"], false, false),
                item(&["oim", "signe"], false, false),
                item(&["bamako"], true, false),
                item(&["conv"], false, true),
            ]
        );
        // A trailing space or a closing quote ends the word.
        assert!(!SearchQuery::parse("conv ").unwrap().items[0].prefix);
        assert!(!SearchQuery::parse("\"conv\"").unwrap().items[0].prefix);
        // An unclosed quote runs to the end.
        assert_eq!(
            SearchQuery::parse("\"migrants maliens").unwrap().items,
            [item(&["migrants", "maliens"], false, false)]
        );
    }

    #[test]
    fn refuses_empty_long_and_negative_only_queries() {
        for bad in ["", "   ", "le la les", "-oim", "\"\""] {
            assert_eq!(SearchQuery::parse(bad).unwrap_err().field, "q", "{bad:?}");
        }
        assert!(SearchQuery::parse(&"a".repeat(MAX_CHARS + 1)).is_err());
        assert!(SearchQuery::parse(&"oim ".repeat(50)).is_ok());
    }

    #[test]
    fn compiles_for_both_backends() {
        let q = SearchQuery::parse("conventions -riz oi").unwrap();
        let fts = q.fts5(None);
        assert!(
            fts.starts_with(
                "(lang : \"fr\" AND (({head lead body names} : (\"convent\" AND (\"oi\" OR \"oi\"*))) \
                 NOT ({head lead body names} : (\"riz\")))) OR (lang : \"en\""
            ),
            "{fts}"
        );
        let ts = q.tsquery("A");
        assert!(
            ts.starts_with("('lang=fr' & (('convent':A) & (('oi':A) | 'oi':*A)) & !('riz'))"),
            "{ts}"
        );
    }
}
