//! The demo content: the seed article page of a Malian daily cut into fields
//! (`demo/demo-content.json`, embedded in the binary), with a placeholder main
//! photo. Loading it twice changes nothing.

use anyhow::Context;
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Deserialize;

use super::articles::write::{self, Link, NewArticle};
use super::articles::{Access, Comments, Status};
use super::{Result, text};
use crate::db::schema::{articles, authors, photos, sections};
use crate::db::{Db, DbConnection, now};
use crate::media::{self, MediaStore};

const CONTENT: &str = include_str!("../../demo/demo-content.json");
const MAIN_PHOTO: &[u8] = include_bytes!("../../demo/main-photo.png");
const MAIN_PHOTO_SIZE: (i32, i32) = (1200, 675);

#[derive(Deserialize)]
struct Demo {
    sections: Vec<DemoSection>,
    authors: Vec<DemoAuthor>,
    main: DemoMain,
    read_also: Vec<DemoTeaser>,
    author_articles: Vec<DemoTeaser>,
}

#[derive(Deserialize)]
struct DemoSection {
    slug: String,
    name: String,
}

#[derive(Deserialize)]
struct DemoAuthor {
    slug: String,
    name: String,
    byline: String,
}

#[derive(Deserialize)]
struct DemoMain {
    kicker: String,
    title: String,
    section: String,
    standfirst: String,
    published_at: DateTime<Utc>,
    authors: Vec<String>,
    main_photo: DemoPhoto,
    body_paragraphs: Vec<String>,
    access: String,
    comments: String,
}

#[derive(Deserialize)]
struct DemoPhoto {
    alt: String,
    caption: String,
}

/// An article the page shows only as a teaser: its excerpt is all there is.
#[derive(Deserialize)]
struct DemoTeaser {
    kicker: Option<String>,
    title: String,
    excerpt: String,
    section: String,
    #[serde(default)]
    authors: Vec<String>,
    published_at: Option<DateTime<Utc>>,
}

/// What loading the demo content did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Loaded {
    pub sections: usize,
    pub authors: usize,
    pub articles: usize,
    /// The slug of the seed page's main article.
    pub main_slug: String,
}

/// Stores the demo photo's file; returns its key.
pub fn store_photo(media: &dyn MediaStore) -> anyhow::Result<String> {
    let key = media::content_key(MAIN_PHOTO, "png");
    media.put(&key, MAIN_PHOTO).context("storing the demo photo")?;
    Ok(key)
}

/// Loads the demo content, creating only what is not there yet.
pub fn load(db: &Db, media: &dyn MediaStore) -> anyhow::Result<Loaded> {
    let demo: Demo = serde_json::from_str(CONTENT).expect("the embedded demo content is valid");
    let photo_key = media::content_key(MAIN_PHOTO, "png");
    media
        .put(&photo_key, MAIN_PHOTO)
        .context("storing the demo photo")?;
    Ok(db.write_blocking(|conn| load_rows(conn, &demo, &photo_key))?)
}

fn load_rows(conn: &mut DbConnection, demo: &Demo, photo_key: &str) -> Result<Loaded> {
    let now = now();
    let mut loaded = Loaded::default();
    for (position, s) in demo.sections.iter().enumerate() {
        let exists = sections::table
            .filter(sections::slug.eq(&s.slug))
            .count()
            .get_result::<i64>(conn)?
            > 0;
        if !exists {
            diesel::insert_into(sections::table)
                .values((
                    sections::slug.eq(&s.slug),
                    sections::name.eq(&s.name),
                    sections::position.eq(i32::try_from(position).unwrap_or(i32::MAX)),
                    sections::created_at.eq(now),
                    sections::updated_at.eq(now),
                ))
                .execute(conn)?;
            loaded.sections += 1;
        }
    }
    for a in &demo.authors {
        let exists = authors::table
            .filter(authors::slug.eq(&a.slug))
            .count()
            .get_result::<i64>(conn)?
            > 0;
        if !exists {
            diesel::insert_into(authors::table)
                .values((
                    authors::slug.eq(&a.slug),
                    authors::name.eq(&a.name),
                    authors::byline.eq(&a.byline),
                    authors::links.eq("[]"),
                    authors::created_at.eq(now),
                    authors::updated_at.eq(now),
                ))
                .execute(conn)?;
            loaded.authors += 1;
        }
    }

    let main = &demo.main;
    let main_published = main.published_at.naive_utc();
    let mut related = Vec::new();
    for (i, teaser) in demo.read_also.iter().enumerate() {
        // The page gives no time for these; place them just before the main article.
        let fallback = main_published - Duration::days(i64::try_from(i).unwrap_or(0) + 1);
        let (id, created) = ensure_teaser_article(conn, teaser, fallback, now)?;
        loaded.articles += usize::from(created);
        related.push((id, teaser));
    }
    for teaser in &demo.author_articles {
        let (_, created) = ensure_teaser_article(conn, teaser, main_published, now)?;
        loaded.articles += usize::from(created);
    }

    loaded.main_slug = text::slugify(&text::headline(Some(&main.kicker), &main.title));
    if article_exists(conn, &loaded.main_slug)? {
        return Ok(loaded);
    }
    let photo_id = diesel::insert_into(photos::table)
        .values((
            photos::storage_key.eq(photo_key),
            photos::mime_type.eq("image/png"),
            photos::byte_size.eq(i64::try_from(MAIN_PHOTO.len()).unwrap_or(i64::MAX)),
            photos::width.eq(MAIN_PHOTO_SIZE.0),
            photos::height.eq(MAIN_PHOTO_SIZE.1),
            photos::caption.eq(&main.main_photo.caption),
            photos::alt_text.eq(&main.main_photo.alt),
            photos::created_at.eq(now),
            photos::updated_at.eq(now),
        ))
        .returning(photos::id)
        .get_result::<i64>(conn)?;
    let body_html = main
        .body_paragraphs
        .iter()
        .map(|p| format!("<p>{}</p>", text::escape_html(p)))
        .collect::<Vec<_>>()
        .join("\n");
    let section_id = section_id(conn, &main.section)?;
    let author_ids = author_ids(conn, &main.authors)?;
    let id = write::insert(
        conn,
        &NewArticle {
            slug: loaded.main_slug.clone(),
            status: Status::Published,
            access: Access::parse(&main.access).unwrap_or(Access::Public),
            comments: Comments::parse(&main.comments).unwrap_or(Comments::SubscribersOnly),
            language: "fr".into(),
            kicker: Some(main.kicker.clone()),
            title: main.title.clone(),
            standfirst: Some(main.standfirst.clone()),
            body_html,
            excerpt: None,
            section_id: Some(section_id),
            main_photo_id: Some(photo_id),
            published_at: Some(main_published),
            author_ids,
        },
        None,
        now,
    )?;
    let links: Vec<Link> = related
        .iter()
        .map(|(target, t)| Link {
            target_article_id: Some(*target),
            url: None,
            title: t.title.clone(),
            kicker: t.kicker.clone(),
            excerpt: Some(t.excerpt.clone()),
        })
        .collect();
    write::set_related_links(conn, id, &links)?;
    loaded.articles += 1;
    Ok(loaded)
}

fn article_exists(conn: &mut DbConnection, slug: &str) -> Result<bool> {
    Ok(articles::table
        .filter(articles::slug.eq(slug))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

fn section_id(conn: &mut DbConnection, slug: &str) -> Result<i64> {
    Ok(sections::table
        .filter(sections::slug.eq(slug))
        .select(sections::id)
        .first(conn)?)
}

fn author_ids(conn: &mut DbConnection, slugs: &[String]) -> Result<Vec<i64>> {
    slugs
        .iter()
        .map(|slug| {
            Ok(authors::table
                .filter(authors::slug.eq(slug))
                .select(authors::id)
                .first(conn)?)
        })
        .collect()
}

/// The article behind a teaser, created from what the page shows if missing.
fn ensure_teaser_article(
    conn: &mut DbConnection,
    teaser: &DemoTeaser,
    fallback_time: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<(i64, bool)> {
    let slug = text::slugify(&text::headline(teaser.kicker.as_deref(), &teaser.title));
    let existing = articles::table
        .filter(articles::slug.eq(&slug))
        .select(articles::id)
        .first::<i64>(conn)
        .optional()?;
    if let Some(id) = existing {
        return Ok((id, false));
    }
    let section_id = section_id(conn, &teaser.section)?;
    let author_ids = author_ids(conn, &teaser.authors)?;
    let id = write::insert(
        conn,
        &NewArticle {
            slug,
            status: Status::Published,
            access: Access::Public,
            comments: Comments::SubscribersOnly,
            language: "fr".into(),
            kicker: teaser.kicker.clone(),
            title: teaser.title.clone(),
            standfirst: None,
            body_html: format!("<p>{}</p>", text::escape_html(&teaser.excerpt)),
            excerpt: Some(teaser.excerpt.clone()),
            section_id: Some(section_id),
            main_photo_id: None,
            published_at: Some(teaser.published_at.map_or(fallback_time, |t| t.naive_utc())),
            author_ids,
        },
        None,
        now,
    )?;
    Ok((id, true))
}

/// A demo account and its freshly set password.
pub struct DemoUser {
    pub email: String,
    pub role: crate::auth::Role,
    pub password: String,
}

/// Creates the demo accounts (admin, editor, writer; the writer signs as the
/// demo author), or gives existing ones new random passwords, so the
/// passwords shown at start-up are the ones that work.
pub fn users(db: &Db) -> anyhow::Result<Vec<DemoUser>> {
    use crate::auth::{Role, passwords};
    use crate::content::users::{self as accounts, NewUser, UserPatch};
    let mut created = Vec::new();
    for (role, name, author) in [
        (Role::Admin, "Admin démo", None),
        (Role::Editor, "Rédaction en chef démo", None),
        (Role::Writer, "N'Famoro Keita", Some("nfamoro-keita")),
    ] {
        let email = format!("{}@demo.depeche.invalid", role.as_str());
        let password = passwords::generate();
        let hash = passwords::hash(&password)?;
        db.write_blocking(|conn| -> Result<()> {
            match accounts::row_by_email(conn, &email)? {
                Some(existing) => {
                    let reset = UserPatch {
                        disabled: Some(false),
                        ..UserPatch::default()
                    };
                    accounts::update(conn, existing.id, &reset, Some(&hash), None)?;
                }
                None => {
                    let new = NewUser {
                        email: email.clone(),
                        display_name: name.into(),
                        role,
                        password: String::new(),
                        author: author.map(str::to_owned),
                    };
                    accounts::create(conn, &new, &hash)?;
                }
            }
            Ok(())
        })?;
        created.push(DemoUser {
            email,
            role,
            password,
        });
    }
    Ok(created)
}
