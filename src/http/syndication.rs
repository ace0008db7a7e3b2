//! Feeds and sitemaps: the published articles for feed readers, aggregators
//! and search engines.

use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse, get};

use crate::content::syndication::{self, FeedScope};
use crate::db::utc;
use crate::http::AppState;
use crate::http::caching::{self, CachePolicy};
use crate::http::error::ApiError;
use crate::openapi::{NotFound, NotModified};
use crate::syndication::feeds::{self, Format};
use crate::syndication::sitemaps::{self, Location, NewsLocation, PAGE_SIZE};

async fn feed_response(
    req: &HttpRequest,
    state: &AppState,
    scope: FeedScope,
    file: &str,
) -> Result<HttpResponse, ApiError> {
    let format = Format::from_file(file).ok_or_else(|| {
        ApiError::NotFound(format!(
            "no feed '{file}': feeds are rss.xml, atom.xml and feed.json"
        ))
    })?;
    let urls = state.urls.clone();
    let query_scope = scope.clone();
    let feed = state
        .db
        .read(move |conn| syndication::feed(conn, &query_scope, &urls))
        .await?;
    let bytes =
        feeds::render(&scope, &feed, format, &state.publication, &state.urls).map_err(ApiError::Internal)?;
    Ok(caching::bytes(
        req,
        bytes,
        format.content_type(),
        CachePolicy::Content,
    ))
}

/// The site's feed.
///
/// The 50 newest published articles, in RSS 2.0 (`rss.xml`), Atom 1.0
/// (`atom.xml`) or JSON Feed 1.1 (`feed.json`). Each item has the headline,
/// links, the excerpt, the authors, the section and tags, the main photo as
/// an enclosure, and the full body when the article is free to read.
#[utoipa::path(
    tag = "syndication",
    operation_id = "getFeed",
    params(("file" = inline(Format), Path, description = "The feed's file name, which says its format")),
    responses(
        (status = 200, description = "The feed", content(
                (String = "application/rss+xml"),
                (String = "application/atom+xml"),
                (Object = "application/feed+json"),
            ),
            headers(("ETag" = String, description = "Entity tag of this feed"))),
        (status = 304, response = NotModified),
        (status = 404, response = NotFound),
    )
)]
#[get("/feeds/{file}")]
pub async fn site_feed(
    req: HttpRequest,
    state: Data<AppState>,
    file: Path<String>,
) -> Result<HttpResponse, ApiError> {
    feed_response(&req, &state, FeedScope::Site, &file).await
}

/// A section's feed.
///
/// Like the site's feed, for the articles of a section and its sub-sections.
#[utoipa::path(
    tag = "syndication",
    operation_id = "getSectionFeed",
    params(
        ("slug" = String, Path, description = "The section's slug", example = "politique"),
        ("file" = inline(Format), Path, description = "The feed's file name, which says its format"),
    ),
    responses(
        (status = 200, description = "The feed", content(
                (String = "application/rss+xml"),
                (String = "application/atom+xml"),
                (Object = "application/feed+json"),
            ),
            headers(("ETag" = String, description = "Entity tag of this feed"))),
        (status = 304, response = NotModified),
        (status = 404, response = NotFound),
    )
)]
#[get("/feeds/sections/{slug}/{file}")]
pub async fn section_feed(
    req: HttpRequest,
    state: Data<AppState>,
    path: Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (slug, file) = path.into_inner();
    feed_response(&req, &state, FeedScope::Section(slug), &file).await
}

/// An author's feed.
///
/// Like the site's feed, for the articles an author signed.
#[utoipa::path(
    tag = "syndication",
    operation_id = "getAuthorFeed",
    params(
        ("slug" = String, Path, description = "The author's slug", example = "nfamoro-keita"),
        ("file" = inline(Format), Path, description = "The feed's file name, which says its format"),
    ),
    responses(
        (status = 200, description = "The feed", content(
                (String = "application/rss+xml"),
                (String = "application/atom+xml"),
                (Object = "application/feed+json"),
            ),
            headers(("ETag" = String, description = "Entity tag of this feed"))),
        (status = 304, response = NotModified),
        (status = 404, response = NotFound),
    )
)]
#[get("/feeds/authors/{slug}/{file}")]
pub async fn author_feed(
    req: HttpRequest,
    state: Data<AppState>,
    path: Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (slug, file) = path.into_inner();
    feed_response(&req, &state, FeedScope::Author(slug), &file).await
}

fn xml(req: &HttpRequest, document: std::io::Result<Vec<u8>>) -> Result<HttpResponse, ApiError> {
    let bytes = document.map_err(|e| ApiError::Internal(e.into()))?;
    Ok(caching::bytes(req, bytes, caching::XML, CachePolicy::Content))
}

/// The sitemap index.
///
/// Names the article sitemaps (`/sitemaps/articles-{n}.xml`, at most 50,000
/// articles each, oldest first, so that new articles fill the last one) with
/// the latest change of each, and the news sitemap.
#[utoipa::path(
    tag = "syndication",
    operation_id = "getSitemapIndex",
    responses(
        (status = 200, description = "A sitemap index (sitemaps.org 0.9)", content((String = "application/xml")),
            headers(("ETag" = String, description = "Entity tag of this document"))),
        (status = 304, response = NotModified),
    )
)]
#[get("/sitemap.xml")]
pub async fn sitemap_index(req: HttpRequest, state: Data<AppState>) -> Result<HttpResponse, ApiError> {
    let lastmods = state.db.read(syndication::sitemap_lastmods).await?;
    let mut entries: Vec<Location> = sitemaps::page_lastmods(&lastmods, PAGE_SIZE)
        .into_iter()
        .enumerate()
        .map(|(i, lastmod)| Location {
            loc: state.urls.absolute(&format!("/sitemaps/articles-{}.xml", i + 1)),
            lastmod: lastmod.map(utc),
        })
        .collect();
    entries.push(Location {
        loc: state.urls.absolute("/sitemaps/news.xml"),
        lastmod: None,
    });
    xml(&req, sitemaps::index(&entries))
}

/// A page of the articles sitemap.
///
/// Published articles, oldest first, 50,000 a page at most, each with its
/// latest change (`lastmod`). Page 1 always exists.
#[utoipa::path(
    tag = "syndication",
    operation_id = "getArticlesSitemap",
    params(("n" = u32, Path, description = "The page, from 1", minimum = 1, example = 1)),
    responses(
        (status = 200, description = "A sitemap (sitemaps.org 0.9)", content((String = "application/xml")),
            headers(("ETag" = String, description = "Entity tag of this document"))),
        (status = 304, response = NotModified),
        (status = 404, response = NotFound),
    )
)]
#[get("/sitemaps/articles-{n}.xml")]
pub async fn articles_sitemap(
    req: HttpRequest,
    state: Data<AppState>,
    n: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let missing = || ApiError::NotFound(format!("no sitemap page '{n}'"));
    let page: usize = n.parse().map_err(|_| missing())?;
    let articles = state
        .db
        .read(move |conn| {
            let total = syndication::sitemap_count(conn)?;
            match sitemaps::page_range(page, total, PAGE_SIZE) {
                None => Ok(None),
                Some(range) => syndication::sitemap_articles(conn, range.start, range.len()).map(Some),
            }
        })
        .await?
        .ok_or_else(missing)?;
    let entries: Vec<Location> = articles
        .into_iter()
        .map(|a| Location {
            loc: state.urls.article(&a.slug),
            lastmod: Some(a.updated_at),
        })
        .collect();
    xml(&req, sitemaps::urlset(&entries))
}

/// The news sitemap.
///
/// A Google News sitemap of the free articles published in the last 48 hours
/// (at most 1,000), newest first.
#[utoipa::path(
    tag = "syndication",
    operation_id = "getNewsSitemap",
    responses(
        (status = 200, description = "A Google News sitemap", content((String = "application/xml")),
            headers(("ETag" = String, description = "Entity tag of this document"))),
        (status = 304, response = NotModified),
    )
)]
#[get("/sitemaps/news.xml")]
pub async fn news_sitemap(req: HttpRequest, state: Data<AppState>) -> Result<HttpResponse, ApiError> {
    let articles = state.db.read(syndication::news).await?;
    let entries: Vec<NewsLocation> = articles
        .into_iter()
        .map(|a| NewsLocation {
            loc: state.urls.article(&a.slug),
            title: crate::content::text::headline(a.kicker.as_deref(), &a.title),
            language: a.language,
            published_at: a.published_at,
        })
        .collect();
    xml(&req, sitemaps::news(&state.publication, &entries))
}
