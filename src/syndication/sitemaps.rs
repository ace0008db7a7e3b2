//! Sitemaps (sitemaps.org protocol 0.9): an index, article pages, and a
//! Google News sitemap.

use std::io;
use std::ops::Range;

use chrono::{DateTime, SecondsFormat, Utc};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use crate::config::Publication;

/// The most URLs one sitemap file may list (the protocol's limit).
pub const PAGE_SIZE: usize = 50_000;

pub const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
pub const NEWS_NS: &str = "http://www.google.com/schemas/sitemap-news/0.9";

/// How many article pages `total` articles fill: at least one, so that the
/// index never names an empty set of pages.
pub fn page_count(total: usize, page_size: usize) -> usize {
    total.div_ceil(page_size.max(1)).max(1)
}

/// The positions of the articles on page `n` (counted from 1), or `None`
/// when there is no such page.
pub fn page_range(n: usize, total: usize, page_size: usize) -> Option<Range<usize>> {
    if n == 0 || n > page_count(total, page_size) {
        return None;
    }
    let start = (n - 1) * page_size;
    Some(start..(start + page_size).min(total))
}

/// Each page's last modification: the latest among its articles, `None`
/// for an empty page.
pub fn page_lastmods<T: Ord + Copy>(lastmods: &[T], page_size: usize) -> Vec<Option<T>> {
    (1..=page_count(lastmods.len(), page_size))
        .map(|n| page_range(n, lastmods.len(), page_size).and_then(|r| lastmods[r].iter().max().copied()))
        .collect()
}

/// The W3C datetime a sitemap takes, to the second.
pub fn w3c(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// An entry of an index or of a URL set.
#[derive(Debug, Clone)]
pub struct Location {
    pub loc: String,
    pub lastmod: Option<DateTime<Utc>>,
}

/// An article of a news sitemap.
#[derive(Debug, Clone)]
pub struct NewsLocation {
    pub loc: String,
    pub title: String,
    pub language: String,
    pub published_at: DateTime<Utc>,
}

type XmlWriter = Writer<Vec<u8>>;

fn start() -> io::Result<XmlWriter> {
    let mut w = Writer::new(Vec::new());
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    Ok(w)
}

fn text(w: &mut XmlWriter, name: &str, value: &str) -> io::Result<()> {
    w.create_element(name).write_text_content(BytesText::new(value))?;
    Ok(())
}

fn locations(root: &str, child: &str, entries: &[Location]) -> io::Result<Vec<u8>> {
    let mut w = start()?;
    w.create_element(root)
        .with_attribute(("xmlns", SITEMAP_NS))
        .write_inner_content(|w| {
            for entry in entries {
                w.create_element(child).write_inner_content(|w| {
                    text(w, "loc", &entry.loc)?;
                    if let Some(lastmod) = entry.lastmod {
                        text(w, "lastmod", &w3c(lastmod))?;
                    }
                    Ok(())
                })?;
            }
            Ok(())
        })?;
    Ok(w.into_inner())
}

/// A sitemap index naming `sitemaps`.
pub fn index(sitemaps: &[Location]) -> io::Result<Vec<u8>> {
    locations("sitemapindex", "sitemap", sitemaps)
}

/// A sitemap listing `urls`.
pub fn urlset(urls: &[Location]) -> io::Result<Vec<u8>> {
    locations("urlset", "url", urls)
}

/// A Google News sitemap of `articles`.
pub fn news(publication: &Publication, articles: &[NewsLocation]) -> io::Result<Vec<u8>> {
    let mut w = start()?;
    w.create_element("urlset")
        .with_attribute(("xmlns", SITEMAP_NS))
        .with_attribute(("xmlns:news", NEWS_NS))
        .write_inner_content(|w| {
            for article in articles {
                w.create_element("url").write_inner_content(|w| {
                    text(w, "loc", &article.loc)?;
                    w.create_element("news:news").write_inner_content(|w| {
                        w.create_element("news:publication").write_inner_content(|w| {
                            text(w, "news:name", &publication.name)?;
                            text(w, "news:language", &article.language)
                        })?;
                        text(w, "news:publication_date", &w3c(article.published_at))?;
                        text(w, "news:title", &article.title)
                    })?;
                    Ok(())
                })?;
            }
            Ok(())
        })?;
    Ok(w.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_split_at_the_page_size() {
        assert_eq!(page_count(0, 3), 1);
        assert_eq!(page_count(3, 3), 1);
        assert_eq!(page_count(4, 3), 2);
        assert_eq!(page_count(7, 3), 3);
        assert_eq!(page_range(1, 0, 3), Some(0..0));
        assert_eq!(page_range(1, 7, 3), Some(0..3));
        assert_eq!(page_range(3, 7, 3), Some(6..7));
        assert_eq!(page_range(0, 7, 3), None);
        assert_eq!(page_range(4, 7, 3), None);
        assert_eq!(page_count(PAGE_SIZE, PAGE_SIZE), 1);
        assert_eq!(page_count(PAGE_SIZE + 1, PAGE_SIZE), 2);
        // Every position is on exactly one page, in order.
        for total in 0..20 {
            let positions: Vec<usize> = (1..=page_count(total, 3))
                .flat_map(|n| page_range(n, total, 3).unwrap())
                .collect();
            assert_eq!(positions, (0..total).collect::<Vec<_>>());
        }
    }

    #[test]
    fn each_page_takes_its_latest_change() {
        assert_eq!(page_lastmods::<u32>(&[], 3), vec![None]);
        assert_eq!(
            page_lastmods(&[5, 1, 2, 9, 3, 4, 7], 3),
            vec![Some(5), Some(9), Some(7)]
        );
    }

    #[test]
    fn text_is_escaped() {
        let publication = Publication {
            name: "Dépêche & <Cie>".into(),
            description: String::new(),
            language: "fr".into(),
        };
        let xml = news(
            &publication,
            &[NewsLocation {
                loc: "https://news.example/a?x=1&y=2".into(),
                title: "« L’an \"2\" » ɛ ɔ ɲ ŋ".into(),
                language: "fr".into(),
                published_at: DateTime::UNIX_EPOCH,
            }],
        )
        .unwrap();
        let xml = String::from_utf8(xml).unwrap();
        assert!(
            xml.contains("<loc>https://news.example/a?x=1&amp;y=2</loc>"),
            "{xml}"
        );
        assert!(xml.contains("Dépêche &amp; &lt;Cie&gt;"), "{xml}");
        assert!(xml.contains("ɛ ɔ ɲ ŋ"), "{xml}");
        assert!(xml.contains("<news:publication_date>1970-01-01T00:00:00Z</news:publication_date>"));
    }
}
