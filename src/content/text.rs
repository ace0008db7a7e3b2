//! Plain-text views of article text: excerpts and word counts.

/// Longest automatic excerpt, in characters, before the ellipsis.
const EXCERPT_CHARS: usize = 220;

/// The text of sanitised HTML: tags dropped, block ends turned into spaces,
/// the common character references decoded.
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find(['<', '&']) {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        if rest.starts_with('<') {
            let end = rest.find('>').map_or(rest.len(), |i| i + 1);
            out.push(' ');
            rest = &rest[end..];
        } else {
            let (decoded, used) = decode_reference(rest);
            out.push_str(decoded.as_deref().unwrap_or("&"));
            rest = &rest[used..];
        }
    }
    out.push_str(rest);
    collapse_spaces(&out)
}

fn decode_reference(s: &str) -> (Option<String>, usize) {
    let Some(end) = s[..s.len().min(12)].find(';') else {
        return (None, 1);
    };
    let name = &s[1..end];
    let decoded = match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some('\u{a0}'),
        _ => name
            .strip_prefix("#x")
            .or_else(|| name.strip_prefix("#X"))
            .and_then(|hex| u32::from_str_radix(hex, 16).ok())
            .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
            .and_then(char::from_u32),
    };
    match decoded {
        Some(c) => (Some(c.to_string()), end + 1),
        None => (None, 1),
    }
}

fn collapse_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub fn word_count(html: &str) -> i32 {
    let words = plain_text(html)
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count();
    i32::try_from(words).unwrap_or(i32::MAX)
}

/// The excerpt shown in teasers when the editor set none: the standfirst, or
/// else the body's first words, cut on a word boundary with an ellipsis.
pub fn auto_excerpt(standfirst: Option<&str>, body_html: &str) -> String {
    let source = match standfirst.map(str::trim) {
        Some(s) if !s.is_empty() => collapse_spaces(s),
        _ => plain_text(body_html),
    };
    truncate_words(&source, EXCERPT_CHARS)
}

/// `text` if it fits in `max` characters, else its longest prefix of whole
/// words that does, followed by "…".
pub fn truncate_words(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut = text.char_indices().nth(max).map_or(text.len(), |(i, _)| i);
    let head = &text[..cut];
    let head = match head.rfind(char::is_whitespace) {
        Some(space) if space > 0 => &head[..space],
        _ => head,
    };
    let head = head.trim_end_matches(|c: char| c.is_whitespace() || ",;:".contains(c));
    format!("{head}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_drops_tags_and_decodes_references() {
        let html = "<p>L&#8217;OIM &amp; le <em>ministère</em></p><p>signent&nbsp;des&#x20;conventions</p>";
        assert_eq!(plain_text(html), "L’OIM & le ministère signent des conventions");
        assert_eq!(plain_text("a &bogus; b & c"), "a &bogus; b & c");
    }

    #[test]
    fn counts_words_not_punctuation() {
        assert_eq!(word_count("<p>Le ministre – et l’OIM ont signé.</p>"), 6);
        assert_eq!(word_count(""), 0);
    }

    #[test]
    fn excerpt_prefers_the_standfirst_and_cuts_on_words() {
        assert_eq!(auto_excerpt(Some("  Court.  "), "<p>Corps</p>"), "Court.");
        assert_eq!(auto_excerpt(None, "<p>Le corps</p>"), "Le corps");
        let long = "mot ".repeat(100);
        let cut = auto_excerpt(None, &long);
        assert!(cut.ends_with("mot…"), "{cut}");
        assert!(cut.chars().count() <= EXCERPT_CHARS + 1);
    }

    #[test]
    fn truncation_never_splits_a_character() {
        let text = "é".repeat(300);
        let cut = truncate_words(&text, 10);
        assert_eq!(cut, format!("{}…", "é".repeat(10)));
    }
}

/// Longest generated slug; cut at a hyphen so no word is split.
const SLUG_MAX: usize = 120;

/// A URL slug for a headline: accents folded, lowercase ASCII words joined by
/// hyphens ("Sécurité routière : L’anaser…" → "securite-routiere-l-anaser").
pub fn slugify(headline: &str) -> String {
    let slug = slug::slugify(headline);
    if slug.len() <= SLUG_MAX {
        return slug;
    }
    let cut = &slug[..SLUG_MAX];
    cut.rfind('-').map_or(cut, |i| &cut[..i]).to_owned()
}

/// The headline a reader sees: "Kicker : Title", or the title alone.
pub fn headline(kicker: Option<&str>, title: &str) -> String {
    match kicker.map(str::trim).filter(|k| !k.is_empty()) {
        Some(k) => format!("{k} : {title}"),
        None => title.to_owned(),
    }
}

/// Escapes text for inclusion in HTML.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod slug_tests {
    use super::*;

    #[test]
    fn slugs_fold_accents_and_apostrophes() {
        assert_eq!(
            slugify(&headline(
                Some("Sécurité routière"),
                "L’anaser enregistre des résultats probants"
            )),
            "securite-routiere-l-anaser-enregistre-des-resultats-probants"
        );
        assert_eq!(slugify("Projet «Aminata» : 100 %"), "projet-aminata-100");
    }

    #[test]
    fn long_slugs_are_cut_between_words() {
        let slug = slugify(&"conventions ".repeat(30));
        assert!(slug.len() <= SLUG_MAX);
        assert!(slug.ends_with("conventions"), "{slug}");
    }
}
