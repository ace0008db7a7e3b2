//! IPTC ninjs 2.1 ("News in JSON"), the news agencies' exchange format.

use serde_json::{Value, json};

use super::{drop_nulls, rfc3339};
use crate::config::{PublicUrls, Publication};
use crate::content::articles::{Article, Status};
use crate::content::photos::Photo;

pub const CONTENT_TYPE: &str = "application/ninjs+json";
pub const VERSION: &str = "2.1";
pub const SCHEMA: &str = "http://www.iptc.org/std/ninjs/ninjs-schema_2.1.json";

/// The article as a ninjs 2.1 news item.
pub fn article(article: &Article, publication: &Publication, urls: &PublicUrls) -> Value {
    let pubstatus = match article.status {
        Status::Published => "usable",
        // Only editorial users see the others: not for use yet, or any more.
        Status::Draft | Status::InReview | Status::Scheduled | Status::Archived => "withheld",
    };
    let mut headlines = vec![json!({"role": "main", "contenttype": "text/plain", "value": article.title})];
    if let Some(kicker) = &article.kicker {
        headlines.push(json!({"role": "kicker", "contenttype": "text/plain", "value": kicker}));
    }
    let mut descriptions = Vec::new();
    if let Some(standfirst) = &article.standfirst {
        descriptions.push(json!({"role": "summary", "contenttype": "text/plain", "value": standfirst}));
    }
    if article.standfirst.as_deref() != Some(article.excerpt.as_str()) {
        descriptions.push(json!({"role": "teaser", "contenttype": "text/plain", "value": article.excerpt}));
    }
    let mut subjects: Vec<Value> = article
        .section
        .iter()
        .map(|s| json!({"name": s.name, "rel": "section", "literal": s.slug, "uri": urls.section(&s.slug)}))
        .collect();
    subjects.extend(article.tags.iter().map(|t| {
        json!({
            "name": t.name,
            "rel": "tag",
            "literal": t.slug,
            "uri": urls.absolute(&format!("/api/v1/articles?tag={}", t.slug)),
        })
    }));
    let bylines: Vec<&str> = article.authors.iter().map(|a| a.byline.as_str()).collect();
    let mut doc = json!({
        "uri": urls.article_by_id(article.id),
        "standard": {"name": "ninjs", "version": VERSION, "schema": SCHEMA},
        "type": "text",
        "representationtype": "full",
        "version": article.version.to_string(),
        "firstcreated": rfc3339(article.created_at),
        "versioncreated": rfc3339(article.updated_at),
        "contentcreated": rfc3339(article.published_at.unwrap_or(article.created_at)),
        "pubstatus": pubstatus,
        "copyrightholder": publication.name,
        "language": article.language,
        "slugline": article.slug,
        "headlines": headlines,
        "descriptions": descriptions,
        "bodies": [{
            "role": "main",
            "contenttype": "text/html",
            "wordcount": article.word_count,
            "value": article.body_html,
        }],
        "by": (!bylines.is_empty()).then(|| bylines.join(", ")),
        "people": article.authors.iter().map(|a| json!({
            "name": a.name,
            "rel": "author",
            "literal": a.slug,
            "uri": urls.author(&a.slug),
        })).collect::<Vec<_>>(),
        "subjects": subjects,
        "infosources": [{"name": publication.name, "role": "publisher", "uri": format!("{}/", urls.base())}],
        "altids": [
            {"role": "id", "value": article.id.to_string()},
            {"role": "url", "value": urls.article(&article.slug)},
        ],
        "associations": article.main_photo.iter().map(|p| picture("featuremedia", p, urls)).collect::<Vec<_>>(),
    });
    drop_nulls(&mut doc);
    doc
}

/// A photo as an associated ninjs item.
fn picture(name: &str, photo: &Photo, urls: &PublicUrls) -> Value {
    let mut renditions = vec![json!({
        "name": "original",
        "href": photo.url,
        "contenttype": photo.mime_type,
        "width": photo.width,
        "height": photo.height,
        "sizeinbytes": photo.byte_size,
    })];
    renditions.extend(photo.renditions.iter().map(|r| {
        let height = (f64::from(photo.height) * f64::from(r.width) / f64::from(photo.width.max(1))).round();
        json!({"name": format!("w{}", r.width), "href": r.url, "width": r.width, "height": height})
    }));
    let mut descriptions = Vec::new();
    if let Some(caption) = &photo.caption {
        descriptions.push(json!({"role": "caption", "contenttype": "text/plain", "value": caption}));
    }
    if let Some(alt) = &photo.alt {
        descriptions.push(json!({"role": "alt", "contenttype": "text/plain", "value": alt}));
    }
    json!({
        "name": name,
        "uri": urls.absolute(&format!("/api/v1/photos/{}", photo.id)),
        "type": "picture",
        "representationtype": "full",
        "versioncreated": rfc3339(photo.updated_at),
        "by": photo.credit,
        "descriptions": descriptions,
        "renditions": renditions,
    })
}
