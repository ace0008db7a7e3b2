//! Sanitising article HTML: an allow-list fit for news text. What is removed
//! is dropped cleanly (disallowed wrappers keep their text; scripts and styles
//! go with their content), so the remaining text still reads.

use std::collections::HashSet;
use std::sync::OnceLock;

fn cleaner() -> &'static ammonia::Builder<'static> {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CLEANER.get_or_init(|| {
        let tags: HashSet<&str> = [
            "p",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "br",
            "hr",
            "strong",
            "em",
            "b",
            "i",
            "u",
            "s",
            "sub",
            "sup",
            "small",
            "mark",
            "q",
            "cite",
            "abbr",
            "code",
            "pre",
            "a",
            "ul",
            "ol",
            "li",
            "blockquote",
            "figure",
            "figcaption",
            "img",
            "table",
            "thead",
            "tbody",
            "tr",
            "th",
            "td",
            "caption",
        ]
        .into();
        let mut builder = ammonia::Builder::default();
        builder
            .tags(tags)
            .clean_content_tags(["script", "style", "template", "iframe", "object", "noscript"].into())
            .tag_attributes(
                [
                    ("a", ["href", "title", "hreflang"].into()),
                    ("img", ["src", "alt", "width", "height", "title"].into()),
                    ("blockquote", ["cite"].into()),
                    ("q", ["cite"].into()),
                    ("abbr", ["title"].into()),
                    ("ol", ["start"].into()),
                    ("th", ["colspan", "rowspan", "scope"].into()),
                    ("td", ["colspan", "rowspan"].into()),
                ]
                .into(),
            )
            .generic_attributes(HashSet::from(["lang", "dir"]))
            .url_schemes(["http", "https", "mailto", "tel"].into())
            .url_relative(ammonia::UrlRelative::PassThrough)
            .link_rel(Some("noopener noreferrer"));
        builder
    })
}

/// `html` with everything outside the allow-list removed.
pub fn sanitise(html: &str) -> String {
    cleaner().clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_news_markup() {
        let html = r#"<h2>Titre</h2><p>Le <em>ministre</em> a dit : <q>«oui»</q>.</p><figure><img src="https://cdn.example/a.jpg" alt="x"><figcaption>Légende</figcaption></figure><ul><li>un</li></ul><blockquote cite="https://a.example"><p>c</p></blockquote>"#;
        assert_eq!(sanitise(html), html);
    }

    #[test]
    fn removes_scripts_handlers_and_dangerous_urls() {
        let dirty = r#"<p onclick="evil()">Texte <script>alert(1)</script>suite <a href="javascript:alert(1)">lien</a> <a href="https://ok.example">ok</a><style>p{}</style><iframe src="x"></iframe></p>"#;
        let clean = sanitise(dirty);
        assert_eq!(
            clean,
            r#"<p>Texte suite <a rel="noopener noreferrer">lien</a> <a href="https://ok.example" rel="noopener noreferrer">ok</a></p>"#
        );
        assert_eq!(sanitise(&clean), clean, "sanitising twice changes nothing");
    }

    #[test]
    fn unwraps_unknown_tags_keeping_text() {
        assert_eq!(
            sanitise("<div><span>Bamako</span> <font>ɛɔɲŋ</font></div>"),
            "Bamako ɛɔɲŋ"
        );
    }
}
