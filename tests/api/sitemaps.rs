//! Sitemaps (sitemaps.org 0.9) and the Google News sitemap, parsed as XML.

use std::collections::BTreeSet;

use actix_web::http::Method;
use chrono::{DateTime, Duration, DurationRound, Utc};
use depeche::content::articles::{Access, Status};
use depeche::db::now;

use crate::fixtures::ArticleBuilder;
use crate::helpers::{Backend, PUBLIC_URL, Response, TestApp};
use crate::syndication::{TRICKY_HEADLINE, arrange, published_slugs};
use crate::xml::{self, Element};

const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const NEWS_NS: &str = "http://www.google.com/schemas/sitemap-news/0.9";
/// The protocol's limit of URLs per file.
const MAX_URLS: usize = 50_000;

fn parse(res: &Response) -> Element {
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    assert!(
        res.header("content-type")
            .is_some_and(|t| t.starts_with("application/xml")),
        "content type {:?}",
        res.header("content-type")
    );
    assert!(
        res.header("etag").is_some_and(|t| t.starts_with('"')),
        "no strong ETag"
    );
    assert!(res.header("cache-control").is_some(), "no Cache-Control");
    xml::parse(&res.body)
}

/// A W3C datetime to the second, in UTC ("2025-01-31T07:30:00Z").
fn w3c(text: &str) -> DateTime<Utc> {
    assert_eq!(text.len(), 20, "{text}");
    assert!(text.ends_with('Z'), "{text}");
    DateTime::parse_from_rfc3339(text)
        .unwrap_or_else(|e| panic!("{text}: {e}"))
        .with_timezone(&Utc)
}

/// An API time, to the second as sitemaps give it.
fn seconds(api_time: &serde_json::Value) -> DateTime<Utc> {
    let t: DateTime<Utc> = api_time.as_str().unwrap().parse().unwrap();
    t.duration_trunc(Duration::seconds(1)).unwrap()
}

fn local(loc: &str) -> &str {
    loc.strip_prefix(PUBLIC_URL)
        .filter(|p| p.starts_with('/'))
        .unwrap_or_else(|| panic!("{loc} is not an absolute URL under {PUBLIC_URL}"))
}

pub async fn index_lists_every_published_article(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let arranged = arrange(&app).await;
    let expected: BTreeSet<String> = published_slugs(&app).await.into_iter().collect();
    assert_eq!(expected.len(), 16);

    let index = parse(&app.get("/sitemap.xml").await);
    assert_eq!(index.name, "sitemapindex");
    assert_eq!(index.attr("xmlns"), Some(SITEMAP_NS));
    let sitemaps: Vec<&Element> = index.all("sitemap").collect();
    let locs: Vec<&str> = sitemaps.iter().map(|s| local(s.text_of("loc"))).collect();
    assert_eq!(locs, ["/sitemaps/articles-1.xml", "/sitemaps/news.xml"]);
    let lastmod = w3c(sitemaps[0].text_of("lastmod"));

    let page = parse(&app.get("/sitemaps/articles-1.xml").await);
    assert_eq!(page.name, "urlset");
    assert_eq!(page.attr("xmlns"), Some(SITEMAP_NS));
    let urls: Vec<&Element> = page.all("url").collect();
    assert!(urls.len() <= MAX_URLS);
    let mut seen = BTreeSet::new();
    let mut latest = DateTime::<Utc>::MIN_UTC;
    for url in &urls {
        let path = local(url.text_of("loc"));
        let slug = path
            .strip_prefix("/api/v1/articles/slug/")
            .expect("an article URL");
        assert!(seen.insert(slug.to_owned()), "{slug} listed twice");
        latest = latest.max(w3c(url.text_of("lastmod")));
    }
    assert_eq!(seen, expected, "every published article, nothing else");
    assert_eq!(lastmod, latest, "the index gives the page's latest change");
    // lastmod is the article's updated_at.
    let main = &arranged.main;
    let entry = urls
        .iter()
        .find(|u| u.text_of("loc").ends_with(main["slug"].as_str().unwrap()))
        .unwrap();
    assert_eq!(w3c(entry.text_of("lastmod")), seconds(&main["updated_at"]));
    // The URLs lead to the articles.
    app.follow(entry.text_of("loc")).await.ok_json();

    for missing in [
        "articles-2.xml",
        "articles-0.xml",
        "articles-un.xml",
        "articles-.xml",
    ] {
        app.get(&format!("/sitemaps/{missing}")).await.problem(404);
    }
    let etag = app.get("/sitemap.xml").await.header("etag").unwrap().to_owned();
    let res = app
        .request(Method::GET, "/sitemap.xml", &[("if-none-match", &etag)])
        .await;
    assert_eq!(res.status, 304);
}

pub async fn news_sitemap_has_the_last_two_days(backend: Backend) {
    let name = "L’Essor & <Cie> ɲɛ";
    let app = TestApp::spawn_with(backend, &[("DEPECHE_PUBLICATION_NAME", name)]).await;
    // The demo's articles are older than two days; these are not.
    let arranged = arrange(&app).await;
    let (_, almost_old) = ArticleBuilder::new("Publié il y a 47 heures")
        .published_at(now() - Duration::hours(47))
        .insert(&app.db);
    ArticleBuilder::new("Publié il y a 49 heures")
        .published_at(now() - Duration::hours(49))
        .insert(&app.db);
    ArticleBuilder::new("Abonnés, récent")
        .access(Access::Subscribers)
        .insert(&app.db);
    ArticleBuilder::new("En relecture")
        .status(Status::InReview)
        .insert(&app.db);
    let tricky = app
        .get(&format!("/api/v1/articles/{}", arranged.tricky_id))
        .await
        .ok_json();

    let doc = parse(&app.get("/sitemaps/news.xml").await);
    assert_eq!(doc.name, "urlset");
    assert_eq!(doc.attr("xmlns"), Some(SITEMAP_NS));
    assert_eq!(doc.attr("xmlns:news"), Some(NEWS_NS));
    let urls: Vec<&Element> = doc.all("url").collect();
    let titles: Vec<&str> = urls
        .iter()
        .map(|u| u.one("news:news").text_of("news:title"))
        .collect();
    // Free articles only, from the last 48 hours, newest first.
    assert_eq!(titles, [TRICKY_HEADLINE, "Publié il y a 47 heures"]);
    let oldest_allowed = Utc::now() - Duration::hours(48);
    for url in &urls {
        local(url.text_of("loc"));
        let news = url.one("news:news");
        let publication = news.one("news:publication");
        assert_eq!(publication.text_of("news:name"), name);
        assert_eq!(publication.text_of("news:language"), "fr");
        assert!(w3c(news.text_of("news:publication_date")) >= oldest_allowed);
    }
    assert_eq!(
        urls[0].text_of("loc"),
        format!(
            "{PUBLIC_URL}/api/v1/articles/slug/{}",
            tricky["slug"].as_str().unwrap()
        )
    );
    assert_eq!(
        w3c(urls[0].one("news:news").text_of("news:publication_date")),
        seconds(&tricky["published_at"])
    );
    assert!(urls[1].text_of("loc").ends_with(&almost_old));
}
