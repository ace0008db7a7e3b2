//! Highlighted snippets: a short plain-text passage around the first match,
//! matched words in `<mark>`, everything else HTML-escaped.

use super::normalise::{self, Stemming};
use super::query::SearchQuery;
use crate::content::text::escape_html;

/// Characters shown before the first match.
const BEFORE: usize = 60;
/// Characters in a snippet, about.
const LENGTH: usize = 200;

/// What a word must be to count as a match in an article of one language.
pub struct Matcher {
    stemming: Stemming,
    stems: Vec<String>,
    prefixes: Vec<String>,
}

impl Matcher {
    pub fn new(query: &SearchQuery, stemming: Stemming) -> Self {
        let mut stems = Vec::new();
        let mut prefixes = Vec::new();
        for item in query.positives() {
            stems.extend(item.words.iter().map(|w| stemming.stem(w)));
            if item.prefix {
                prefixes.extend(item.words.iter().cloned());
            }
        }
        Self {
            stemming,
            stems,
            prefixes,
        }
    }

    fn matches(&self, folded: &str) -> bool {
        self.prefixes.iter().any(|p| folded.starts_with(p.as_str()))
            || self.stems.contains(&self.stemming.stem(folded))
    }
}

/// The snippet of the first of `sources` with a match; else the start of
/// the first non-empty one, unmarked.
pub fn snippet(matcher: &Matcher, sources: &[&str]) -> Option<String> {
    for source in sources {
        let words = normalise::words(source);
        if let Some(first) = words.iter().position(|w| matcher.matches(&w.folded)) {
            return Some(render(source, &words, words[first].start, matcher));
        }
    }
    let source = sources.iter().find(|s| !s.trim().is_empty())?;
    Some(render(source, &[], 0, matcher))
}

/// Byte offset `chars` characters before (negative) or after `from`.
fn shift(text: &str, from: usize, back: bool, chars: usize) -> usize {
    if back {
        text[..from]
            .char_indices()
            .rev()
            .nth(chars.saturating_sub(1))
            .map_or(0, |(i, _)| i)
    } else {
        text[from..]
            .char_indices()
            .nth(chars)
            .map_or(text.len(), |(i, _)| from + i)
    }
}

fn render(text: &str, words: &[normalise::Word], first: usize, matcher: &Matcher) -> String {
    let mut start = shift(text, first, true, BEFORE);
    if start > 0 {
        // Start on a word: after the nearest space at or after the cut.
        start = text[start..first]
            .char_indices()
            .find(|(_, c)| c.is_whitespace())
            .map_or(first, |(i, c)| start + i + c.len_utf8());
    }
    let mut end = shift(text, start, false, LENGTH);
    if end < text.len() {
        end = text[first..end]
            .rfind(char::is_whitespace)
            .map_or(end, |i| first + i);
    }
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    let mut at = start;
    for word in words.iter().filter(|w| w.start >= start && w.end <= end) {
        if matcher.matches(&word.folded) {
            out.push_str(&escape_html(&text[at..word.start]));
            out.push_str("<mark>");
            out.push_str(&escape_html(&text[word.start..word.end]));
            out.push_str("</mark>");
            at = word.end;
        }
    }
    out.push_str(&escape_html(text[at..end].trim_end()));
    if end < text.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_matches_and_escapes_the_rest() {
        let query = SearchQuery::parse("ministere conv").unwrap();
        let matcher = Matcher::new(&query, Stemming::French);
        let text = "Le Ministère & l’OIM <signent> des conventions.";
        assert_eq!(
            snippet(&matcher, &["", text]).unwrap(),
            "Le <mark>Ministère</mark> &amp; l’OIM &lt;signent&gt; des <mark>conventions</mark>."
        );
    }

    #[test]
    fn long_texts_are_cut_around_the_first_match() {
        let query = SearchQuery::parse("migrants ").unwrap();
        let matcher = Matcher::new(&query, Stemming::French);
        let text = format!("{} les migrants {}", "avant ".repeat(40), "après ".repeat(60));
        let cut = snippet(&matcher, &[&text]).unwrap();
        assert!(cut.starts_with("…avant"), "{cut}");
        assert!(cut.ends_with("après…"), "{cut}");
        assert!(cut.contains("les <mark>migrants</mark>"), "{cut}");
        assert!(cut.chars().count() < LENGTH + 20, "{cut}");
    }

    #[test]
    fn cuts_never_split_a_character() {
        let query = SearchQuery::parse("migrants ").unwrap();
        let matcher = Matcher::new(&query, Stemming::French);
        // French typography: non-breaking spaces (two bytes) everywhere.
        let text = format!(
            "{}migrants{}",
            "été\u{a0}: ".repeat(40),
            "\u{a0}« été »".repeat(60)
        );
        let cut = snippet(&matcher, &[&text]).unwrap();
        assert!(cut.contains("<mark>migrants</mark>"), "{cut}");
    }

    #[test]
    fn without_a_match_the_text_starts_unmarked() {
        let query = SearchQuery::parse("keita ").unwrap();
        let matcher = Matcher::new(&query, Stemming::French);
        assert_eq!(snippet(&matcher, &["", "Un texte"]).unwrap(), "Un texte");
        assert_eq!(snippet(&matcher, &["", " "]), None);
    }
}
