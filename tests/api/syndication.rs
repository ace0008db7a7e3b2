//! Shared arrangements for the syndication tests: the demo content, plus
//! articles that must, or must never, appear in feeds and sitemaps.

use chrono::Duration;
use depeche::content::articles::{Access, Status};
use depeche::db::now;
use serde_json::Value;

use crate::fixtures::ArticleBuilder;
use crate::helpers::TestApp;

/// A headline with what XML and JSON must escape, French apostrophes and
/// quotes, and Bambara letters.
pub const TRICKY_KICKER: &str = "Kɛnɛya & ŋaniya";
pub const TRICKY_TITLE: &str = "Q&A : <l’accord> \"à l’essai\" ɲɔgɔn";
pub const TRICKY_HEADLINE: &str = "Kɛnɛya & ŋaniya : Q&A : <l’accord> \"à l’essai\" ɲɔgɔn";
pub const TRICKY_BODY: &str = "<p>Texte &amp; suite « l’ɛ ɔ ɲ ŋ » &lt;fin&gt;</p>";
/// Words only the subscribers' article's body holds.
pub const SECRET: &str = "secret-du-corps";
/// Words in the titles of articles no reader may see.
pub const INVISIBLE: [&str; 3] = [
    "Brouillon invisible",
    "Article futur invisible",
    "Article à la corbeille",
];

pub struct Arranged {
    /// The demo's main article, as the API shows it.
    pub main: Value,
    pub tricky_id: i64,
    pub paywalled_id: i64,
    pub draft_id: i64,
}

/// The demo content, a free article with a tricky headline, a subscribers'
/// article (both in `politique` by `nfamoro-keita`, newer than the demo's),
/// and a draft, a future and a trashed article.
pub async fn arrange(app: &TestApp) -> Arranged {
    let slug = app.load_demo();
    let main = app.get(&format!("/api/v1/articles/slug/{slug}")).await.ok_json();
    let photo_id = main["main_photo"]["id"].as_i64().unwrap();
    let (tricky_id, _) = ArticleBuilder::new(TRICKY_TITLE)
        .kicker(TRICKY_KICKER)
        .standfirst("Un chapô « entre guillemets » & un esperluette.")
        .body(TRICKY_BODY)
        .section("politique")
        .author("nfamoro-keita")
        .tag("bamako")
        .main_photo(photo_id)
        .published_at(now() - Duration::minutes(30))
        .insert(&app.db);
    let (paywalled_id, _) = ArticleBuilder::new("Réservé aux abonnés")
        .access(Access::Subscribers)
        .body(&format!("<p>Le corps : {SECRET}.</p>"))
        .standfirst("Ce qu’en voient tous les lecteurs.")
        .section("politique")
        .author("nfamoro-keita")
        .published_at(now() - Duration::minutes(20))
        .insert(&app.db);
    let (draft_id, _) = ArticleBuilder::new(INVISIBLE[0])
        .status(Status::Draft)
        .section("politique")
        .author("nfamoro-keita")
        .insert(&app.db);
    ArticleBuilder::new(INVISIBLE[1])
        .section("politique")
        .author("nfamoro-keita")
        .published_at(now() + Duration::days(1))
        .insert(&app.db);
    ArticleBuilder::new(INVISIBLE[2])
        .section("politique")
        .author("nfamoro-keita")
        .deleted()
        .insert(&app.db);
    Arranged {
        main,
        tricky_id,
        paywalled_id,
        draft_id,
    }
}

/// The slugs of every article readers may see.
pub async fn published_slugs(app: &TestApp) -> Vec<String> {
    let list = app.get("/api/v1/articles?limit=100").await.ok_json();
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["slug"].as_str().unwrap().to_owned())
        .collect()
}
