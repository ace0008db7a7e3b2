//! RSS 2.0, Atom 1.0 and JSON Feed 1.1 documents of a feed's articles.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::rfc3339;
use crate::config::{PublicUrls, Publication};
use crate::content::syndication::{Feed, FeedEntry, FeedScope};
use crate::content::text;

/// A feed's file name, which says its format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub enum Format {
    /// RSS 2.0 (`application/rss+xml`)
    #[serde(rename = "rss.xml")]
    Rss,
    /// Atom 1.0 (`application/atom+xml`)
    #[serde(rename = "atom.xml")]
    Atom,
    /// JSON Feed 1.1 (`application/feed+json`)
    #[serde(rename = "feed.json")]
    JsonFeed,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Rss, Format::Atom, Format::JsonFeed];

    /// The format served under a feed's file name.
    pub fn from_file(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.file() == name)
    }

    pub fn file(self) -> &'static str {
        match self {
            Format::Rss => "rss.xml",
            Format::Atom => "atom.xml",
            Format::JsonFeed => "feed.json",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Rss => "application/rss+xml; charset=utf-8",
            Format::Atom => "application/atom+xml; charset=utf-8",
            Format::JsonFeed => "application/feed+json",
        }
    }

    fn mime_type(self) -> &'static str {
        self.content_type().split(';').next().unwrap_or_default()
    }
}

/// The path of a feed, from the site's root.
pub fn path(scope: &FeedScope, format: Format) -> String {
    match scope {
        FeedScope::Site => format!("/feeds/{}", format.file()),
        FeedScope::Section(slug) => format!("/feeds/sections/{slug}/{}", format.file()),
        FeedScope::Author(slug) => format!("/feeds/authors/{slug}/{}", format.file()),
    }
}

/// What a feed says about itself.
#[derive(Debug, Clone)]
struct Channel {
    title: String,
    description: String,
    /// The page the feed follows.
    home_url: String,
    /// The feed's own address.
    feed_url: String,
    language: String,
    /// The latest change among its articles (the epoch when it has none, so
    /// that the document, and its entity tag, stay the same).
    updated: DateTime<Utc>,
    publisher: String,
    publisher_url: String,
}

impl Channel {
    fn new(
        scope: &FeedScope,
        feed: &Feed,
        format: Format,
        publication: &Publication,
        urls: &PublicUrls,
    ) -> Self {
        let title = match &feed.subject {
            Some(subject) => format!("{} — {subject}", publication.name),
            None => publication.name.clone(),
        };
        let home_url = match scope {
            FeedScope::Site => format!("{}/", urls.base()),
            FeedScope::Section(slug) => urls.section(slug),
            FeedScope::Author(slug) => urls.author(slug),
        };
        Self {
            title,
            description: publication.description.clone(),
            home_url,
            feed_url: urls.absolute(&path(scope, format)),
            language: publication.language.clone(),
            updated: feed
                .entries
                .iter()
                .map(|e| e.updated_at)
                .max()
                .unwrap_or(DateTime::UNIX_EPOCH),
            publisher: publication.name.clone(),
            publisher_url: format!("{}/", urls.base()),
        }
    }
}

/// The feed as a document of `format`.
pub fn render(
    scope: &FeedScope,
    feed: &Feed,
    format: Format,
    publication: &Publication,
    urls: &PublicUrls,
) -> anyhow::Result<Vec<u8>> {
    let channel = Channel::new(scope, feed, format, publication, urls);
    match format {
        Format::Rss => rss(&channel, &feed.entries, urls),
        Format::Atom => atom(&channel, &feed.entries, urls),
        Format::JsonFeed => Ok(serde_json::to_vec(&json_feed(&channel, &feed.entries, urls))?),
    }
}

/// A category of an entry: its label, term and the scheme naming it.
struct Category {
    label: String,
    term: String,
    scheme: String,
}

/// The section, then the tags.
fn categories(entry: &FeedEntry, urls: &PublicUrls) -> Vec<Category> {
    let section = entry.teaser.section.iter().map(|s| Category {
        label: s.name.clone(),
        term: s.slug.clone(),
        scheme: urls.section(&s.slug),
    });
    let tags = entry.tags.iter().map(|t| Category {
        label: t.name.clone(),
        term: t.slug.clone(),
        scheme: urls.absolute(&format!("/api/v1/articles?tag={}", t.slug)),
    });
    section.chain(tags).collect()
}

fn headline(entry: &FeedEntry) -> String {
    text::headline(entry.teaser.kicker.as_deref(), &entry.teaser.title)
}

const ATOM_NS: &str = "http://www.w3.org/2005/Atom";

fn rss(channel: &Channel, entries: &[FeedEntry], urls: &PublicUrls) -> anyhow::Result<Vec<u8>> {
    use std::collections::BTreeMap;

    use rss::extension::Extension;
    use rss::extension::dublincore::DublinCoreExtension;

    let items = entries
        .iter()
        .map(|entry| {
            let teaser = &entry.teaser;
            let creators: Vec<String> = teaser.authors.iter().map(|a| a.name.clone()).collect();
            rss::Item {
                title: Some(headline(entry)),
                link: Some(urls.article(&teaser.slug)),
                description: Some(teaser.excerpt.clone()),
                categories: categories(entry, urls)
                    .into_iter()
                    .map(|c| rss::Category {
                        name: c.label,
                        domain: Some(c.scheme),
                    })
                    .collect(),
                enclosure: teaser.main_photo.as_ref().map(|p| rss::Enclosure {
                    url: p.url.clone(),
                    length: p.byte_size.to_string(),
                    mime_type: p.mime_type.clone(),
                }),
                guid: Some(rss::Guid {
                    value: urls.article_by_id(teaser.id),
                    permalink: true,
                }),
                pub_date: teaser.published_at.map(|t| t.to_rfc2822()),
                content: entry.body_html.clone(),
                dublin_core_ext: (!creators.is_empty()).then(|| DublinCoreExtension {
                    creators,
                    ..Default::default()
                }),
                ..Default::default()
            }
        })
        .collect();
    let document = rss::Channel {
        title: channel.title.clone(),
        link: channel.home_url.clone(),
        description: channel.description.clone(),
        language: Some(channel.language.clone()),
        last_build_date: Some(channel.updated.to_rfc2822()),
        generator: Some("Dépêche".into()),
        items,
        // <atom:link rel="self">, as the RSS Advisory Board recommends.
        namespaces: BTreeMap::from([("atom".to_owned(), ATOM_NS.to_owned())]),
        extensions: BTreeMap::from([(
            "atom".to_owned(),
            BTreeMap::from([(
                "link".to_owned(),
                vec![Extension {
                    name: "atom:link".into(),
                    attrs: BTreeMap::from([
                        ("href".to_owned(), channel.feed_url.clone()),
                        ("rel".to_owned(), "self".to_owned()),
                        ("type".to_owned(), Format::Rss.mime_type().to_owned()),
                    ]),
                    ..Default::default()
                }],
            )]),
        )]),
        ..Default::default()
    };
    Ok(document.write_to(Vec::new())?)
}

fn atom(channel: &Channel, entries: &[FeedEntry], urls: &PublicUrls) -> anyhow::Result<Vec<u8>> {
    use atom_syndication::{Content, Entry, Generator, Link, Person, Text};

    let link = |href: String, rel: &str, mime_type: Option<String>, length: Option<String>| Link {
        href,
        rel: rel.into(),
        mime_type,
        length,
        ..Default::default()
    };
    let entries = entries
        .iter()
        .map(|entry| {
            let teaser = &entry.teaser;
            let mut links = vec![link(
                urls.article(&teaser.slug),
                "alternate",
                Some("application/json".into()),
                None,
            )];
            if let Some(photo) = &teaser.main_photo {
                links.push(link(
                    photo.url.clone(),
                    "enclosure",
                    Some(photo.mime_type.clone()),
                    Some(photo.byte_size.to_string()),
                ));
            }
            let updated = entry.updated_at.fixed_offset();
            Entry {
                title: Text::plain(headline(entry)),
                id: urls.article_by_id(teaser.id),
                updated,
                published: teaser.published_at.map(|t| t.fixed_offset()),
                authors: teaser
                    .authors
                    .iter()
                    .map(|a| Person {
                        name: a.name.clone(),
                        uri: Some(urls.author(&a.slug)),
                        ..Default::default()
                    })
                    .collect(),
                categories: categories(entry, urls)
                    .into_iter()
                    .map(|c| atom_syndication::Category {
                        term: c.term,
                        scheme: Some(c.scheme),
                        label: Some(c.label),
                    })
                    .collect(),
                links,
                summary: Some(Text::plain(teaser.excerpt.clone())),
                content: entry.body_html.as_ref().map(|body| Content {
                    value: Some(body.clone()),
                    content_type: Some("html".into()),
                    lang: Some(entry.language.clone()),
                    ..Default::default()
                }),
                ..Default::default()
            }
        })
        .collect();
    let document = atom_syndication::Feed {
        title: Text::plain(channel.title.clone()),
        id: channel.feed_url.clone(),
        updated: channel.updated.fixed_offset(),
        // Entries without a byline fall back on the publication.
        authors: vec![Person {
            name: channel.publisher.clone(),
            uri: Some(channel.publisher_url.clone()),
            ..Default::default()
        }],
        generator: Some(Generator {
            value: "Dépêche".into(),
            ..Default::default()
        }),
        links: vec![
            link(
                channel.feed_url.clone(),
                "self",
                Some(Format::Atom.mime_type().into()),
                None,
            ),
            link(channel.home_url.clone(), "alternate", None, None),
        ],
        subtitle: Some(Text::plain(channel.description.clone())),
        lang: Some(channel.language.clone()),
        entries,
        ..Default::default()
    };
    Ok(document.write_to(Vec::new())?)
}

/// JSON Feed 1.1 (<https://jsonfeed.org/version/1.1>).
#[derive(Debug, Serialize)]
struct JsonFeed {
    version: &'static str,
    title: String,
    home_page_url: String,
    feed_url: String,
    description: String,
    language: String,
    authors: Vec<JsonAuthor>,
    items: Vec<JsonItem>,
}

#[derive(Debug, Serialize)]
struct JsonAuthor {
    name: String,
    url: String,
}

#[derive(Debug, Serialize)]
struct JsonItem {
    id: String,
    url: String,
    title: String,
    /// The body, for public articles only.
    #[serde(skip_serializing_if = "Option::is_none")]
    content_html: Option<String>,
    /// For the others, the excerpt: an item needs one content or the other.
    #[serde(skip_serializing_if = "Option::is_none")]
    content_text: Option<String>,
    summary: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_published: Option<String>,
    date_modified: String,
    authors: Vec<JsonAuthor>,
    tags: Vec<String>,
    language: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    attachments: Vec<JsonAttachment>,
}

#[derive(Debug, Serialize)]
struct JsonAttachment {
    url: String,
    mime_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    size_in_bytes: i64,
}

fn json_feed(channel: &Channel, entries: &[FeedEntry], urls: &PublicUrls) -> JsonFeed {
    let items = entries
        .iter()
        .map(|entry| {
            let teaser = &entry.teaser;
            JsonItem {
                id: urls.article_by_id(teaser.id),
                url: urls.article(&teaser.slug),
                title: headline(entry),
                content_text: entry.body_html.is_none().then(|| teaser.excerpt.clone()),
                content_html: entry.body_html.clone(),
                summary: teaser.excerpt.clone(),
                image: teaser.main_photo.as_ref().map(|p| p.url.clone()),
                date_published: teaser.published_at.map(rfc3339),
                date_modified: rfc3339(entry.updated_at),
                authors: teaser
                    .authors
                    .iter()
                    .map(|a| JsonAuthor {
                        name: a.name.clone(),
                        url: urls.author(&a.slug),
                    })
                    .collect(),
                tags: categories(entry, urls).into_iter().map(|c| c.label).collect(),
                language: entry.language.clone(),
                attachments: teaser
                    .main_photo
                    .iter()
                    .map(|p| JsonAttachment {
                        url: p.url.clone(),
                        mime_type: p.mime_type.clone(),
                        title: p.caption.clone(),
                        size_in_bytes: p.byte_size,
                    })
                    .collect(),
            }
        })
        .collect();
    JsonFeed {
        version: "https://jsonfeed.org/version/1.1",
        title: channel.title.clone(),
        home_page_url: channel.home_url.clone(),
        feed_url: channel.feed_url.clone(),
        description: channel.description.clone(),
        language: channel.language.clone(),
        authors: vec![JsonAuthor {
            name: channel.publisher.clone(),
            url: channel.publisher_url.clone(),
        }],
        items,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_round_trip() {
        for format in Format::ALL {
            assert_eq!(Format::from_file(format.file()), Some(format));
        }
        assert_eq!(Format::from_file("rss"), None);
        assert_eq!(
            path(&FeedScope::Section("politique".into()), Format::Atom),
            "/feeds/sections/politique/atom.xml"
        );
    }

    #[test]
    fn empty_feeds_are_stable_and_valid() {
        let urls = PublicUrls::new("https://news.example");
        let publication = Publication {
            name: "Dépêche & Cie".into(),
            description: "L’actualité".into(),
            language: "fr".into(),
        };
        let feed = Feed {
            subject: None,
            entries: Vec::new(),
        };
        for format in [Format::Rss, Format::Atom] {
            let a = render(&FeedScope::Site, &feed, format, &publication, &urls).unwrap();
            let b = render(&FeedScope::Site, &feed, format, &publication, &urls).unwrap();
            assert_eq!(a, b);
            let doc = String::from_utf8(a).unwrap();
            assert!(doc.contains("Dépêche &amp; Cie"), "{doc}");
        }
        let json = render(&FeedScope::Site, &feed, Format::JsonFeed, &publication, &urls).unwrap();
        let json: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(json["title"], "Dépêche & Cie");
        assert_eq!(json["items"], serde_json::json!([]));
    }
}
