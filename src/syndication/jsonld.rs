//! schema.org `NewsArticle` structured data (JSON-LD), with Google's markup
//! for paywalled content.

use serde_json::{Value, json};

use super::{drop_nulls, rfc3339};
use crate::config::{PublicUrls, Publication};
use crate::content::articles::{Access, Article};
use crate::content::text;

/// The CSS selector of the part of an article page that only subscribers
/// may read: frontends wrap a subscriber article's body in an element of
/// this class, which the `hasPart` markup names.
pub const PAYWALLED_SELECTOR: &str = ".article-body";

/// The article as a schema.org `NewsArticle`.
pub fn news_article(article: &Article, publication: &Publication, urls: &PublicUrls) -> Value {
    let page = urls.article(&article.slug);
    let free = article.access == Access::Public;
    let publisher = json!({
        "@type": "Organization",
        "name": publication.name,
        "url": format!("{}/", urls.base()),
    });
    // An article without a byline is the publication's own.
    let authors: Vec<Value> = if article.authors.is_empty() {
        vec![publisher.clone()]
    } else {
        article
            .authors
            .iter()
            .map(|a| json!({"@type": "Person", "name": a.name, "url": urls.author(&a.slug)}))
            .collect()
    };
    let mut doc = json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": urls.article_by_id(article.id),
        "url": page,
        "mainEntityOfPage": {"@type": "WebPage", "@id": page},
        "headline": text::headline(article.kicker.as_deref(), &article.title),
        "description": article.excerpt,
        "image": article.main_photo.iter().map(|p| json!({
            "@type": "ImageObject",
            "url": p.url,
            "contentUrl": p.url,
            "encodingFormat": p.mime_type,
            "width": p.width,
            "height": p.height,
            "caption": p.caption,
            "creditText": p.credit,
        })).collect::<Vec<_>>(),
        "datePublished": article.published_at.map(rfc3339),
        "dateModified": rfc3339(article.updated_at),
        "author": authors,
        "publisher": publisher,
        "isAccessibleForFree": free,
        "inLanguage": article.language,
        "articleSection": article.section.as_ref().map(|s| s.name.clone()),
        "keywords": article.tags.iter().map(|t| t.name.clone()).collect::<Vec<_>>(),
        "wordCount": article.word_count,
    });
    if !free {
        doc["hasPart"] = json!({
            "@type": "WebPageElement",
            "isAccessibleForFree": false,
            "cssSelector": PAYWALLED_SELECTOR,
        });
    }
    drop_nulls(&mut doc);
    doc
}
