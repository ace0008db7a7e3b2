//! What the public may not see: drafts, future and trashed articles.

use chrono::Duration;
use depeche::content::articles::Status;
use depeche::db::now;

use crate::fixtures::ArticleBuilder;
use crate::helpers::{Backend, PUBLIC_URL, TestApp};

async fn assert_invisible(app: &TestApp, id: i64, slug: &str) {
    app.get(&format!("/api/v1/articles/{id}")).await.problem(404);
    app.get(&format!("/api/v1/articles/slug/{slug}"))
        .await
        .problem(404);
    app.get(&format!("/api/v1/articles/{id}/related"))
        .await
        .problem(404);
    let listed = app.get("/api/v1/articles?limit=100").await.ok_json();
    assert!(
        listed["items"].as_array().unwrap().iter().all(|t| t["id"] != id),
        "article {id} is listed"
    );
}

pub async fn drafts_and_future_articles_are_invisible(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (visible, _) = ArticleBuilder::new("Visible").insert(&app.db);
    for status in [Status::Draft, Status::InReview, Status::Archived] {
        let (id, slug) = ArticleBuilder::new("Hidden").status(status).insert(&app.db);
        assert_invisible(&app, id, &slug).await;
    }
    let tomorrow = now() + Duration::days(1);
    let (id, slug) = ArticleBuilder::new("Tomorrow")
        .published_at(tomorrow)
        .insert(&app.db);
    assert_invisible(&app, id, &slug).await;
    let (id, slug) = ArticleBuilder::new("Scheduled")
        .status(Status::Scheduled)
        .published_at(tomorrow)
        .insert(&app.db);
    assert_invisible(&app, id, &slug).await;
    app.get(&format!("/api/v1/articles/{visible}")).await.ok_json();

    // A scheduled article is public from its time on, before the scheduler
    // has noted it, and shows as published.
    let (due, _) = ArticleBuilder::new("Due")
        .status(Status::Scheduled)
        .insert(&app.db);
    let article = app.get(&format!("/api/v1/articles/{due}")).await.ok_json();
    assert_eq!(article["status"], "published");
}

pub async fn trashed_articles_are_gone(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (id, slug) = ArticleBuilder::new("Supprimé").deleted().insert(&app.db);
    assert_invisible(&app, id, &slug).await;
}

pub async fn old_slugs_redirect_to_the_current_one(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, slug) = ArticleBuilder::new("Nouveau titre")
        .old_slug("ancien-titre")
        .insert(&app.db);
    let res = app.get("/api/v1/articles/slug/ancien-titre").await;
    assert_eq!(res.status, 301);
    let location = res.header("location").unwrap();
    assert_eq!(location, format!("{PUBLIC_URL}/api/v1/articles/slug/{slug}"));
    assert_eq!(app.follow(location).await.ok_json()["slug"], slug.as_str());

    // An old slug of an article the public may not see leads nowhere.
    ArticleBuilder::new("Brouillon")
        .status(Status::Draft)
        .old_slug("ancien-brouillon")
        .insert(&app.db);
    app.get("/api/v1/articles/slug/ancien-brouillon")
        .await
        .problem(404);
}
