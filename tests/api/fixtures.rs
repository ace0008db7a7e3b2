//! Builders for arranging content directly in the database.

use chrono::{Duration, NaiveDateTime};
use depeche::content::articles::write::{self, NewArticle};
use depeche::content::articles::{Access, Comments, Status};
use depeche::content::text;
use depeche::db::schema::{article_slugs, article_tags, articles, authors, sections};
use depeche::db::{Db, DbConnection, now};
use diesel::prelude::*;

pub struct ArticleBuilder {
    new: NewArticle,
    section: Option<String>,
    authors: Vec<String>,
    tags: Vec<String>,
    deleted: bool,
    old_slugs: Vec<String>,
}

impl ArticleBuilder {
    /// A published article, an hour old, with a slug made unique.
    pub fn new(title: &str) -> Self {
        let slug = format!("{}-{:08x}", text::slugify(title), rand::random::<u32>());
        Self {
            new: NewArticle {
                slug,
                status: Status::Published,
                access: Access::Public,
                comments: Comments::Open,
                language: "fr".into(),
                kicker: None,
                title: title.into(),
                standfirst: None,
                body_html: format!("<p>{}</p>", text::escape_html(title)),
                excerpt: None,
                section_id: None,
                main_photo_id: None,
                published_at: Some(now() - Duration::hours(1)),
                author_ids: Vec::new(),
            },
            section: None,
            authors: Vec::new(),
            tags: Vec::new(),
            deleted: false,
            old_slugs: Vec::new(),
        }
    }

    pub fn status(mut self, status: Status) -> Self {
        self.new.status = status;
        self
    }

    pub fn published_at(mut self, at: NaiveDateTime) -> Self {
        self.new.published_at = Some(at);
        self
    }

    pub fn access(mut self, access: Access) -> Self {
        self.new.access = access;
        self
    }

    pub fn kicker(mut self, kicker: &str) -> Self {
        self.new.kicker = Some(kicker.into());
        self
    }

    pub fn standfirst(mut self, standfirst: &str) -> Self {
        self.new.standfirst = Some(standfirst.into());
        self
    }

    pub fn main_photo(mut self, photo_id: i64) -> Self {
        self.new.main_photo_id = Some(photo_id);
        self
    }

    pub fn language(mut self, tag: &str) -> Self {
        self.new.language = tag.into();
        self
    }

    pub fn body(mut self, html: &str) -> Self {
        self.new.body_html = html.into();
        self
    }

    pub fn section(mut self, slug: &str) -> Self {
        self.section = Some(slug.into());
        self
    }

    pub fn author(mut self, slug: &str) -> Self {
        self.authors.push(slug.into());
        self
    }

    pub fn tag(mut self, slug: &str) -> Self {
        self.tags.push(slug.into());
        self
    }

    pub fn deleted(mut self) -> Self {
        self.deleted = true;
        self
    }

    pub fn old_slug(mut self, slug: &str) -> Self {
        self.old_slugs.push(slug.into());
        self
    }

    /// Inserts the article; returns its id and slug.
    pub fn insert(mut self, db: &Db) -> (i64, String) {
        let mut conn = db.conn().expect("connection");
        let conn: &mut DbConnection = &mut conn;
        if let Some(slug) = &self.section {
            self.new.section_id = Some(ensure_section(conn, slug));
        }
        self.new.author_ids = self
            .authors
            .iter()
            .map(|slug| ensure_author(conn, slug))
            .collect();
        let now = now();
        let id = write::insert(conn, &self.new, None, now).expect("insert article");
        for (position, slug) in self.tags.iter().enumerate() {
            let tag_id = depeche::content::tags::ensure(conn, slug, slug).expect("tag");
            diesel::insert_into(article_tags::table)
                .values((
                    article_tags::article_id.eq(id),
                    article_tags::tag_id.eq(tag_id),
                    article_tags::position.eq(position as i32),
                ))
                .execute(conn)
                .expect("tag article");
        }
        if self.deleted {
            diesel::update(articles::table.find(id))
                .set(articles::deleted_at.eq(Some(now)))
                .execute(conn)
                .expect("trash article");
        }
        for old in &self.old_slugs {
            diesel::insert_into(article_slugs::table)
                .values((
                    article_slugs::slug.eq(old),
                    article_slugs::article_id.eq(id),
                    article_slugs::created_at.eq(now),
                ))
                .execute(conn)
                .expect("old slug");
        }
        (id, self.new.slug)
    }
}

pub fn ensure_section(conn: &mut DbConnection, slug: &str) -> i64 {
    ensure_section_under(conn, slug, None)
}

pub fn ensure_section_under(conn: &mut DbConnection, slug: &str, parent: Option<i64>) -> i64 {
    if let Some(id) = sections::table
        .filter(sections::slug.eq(slug))
        .select(sections::id)
        .first(conn)
        .optional()
        .expect("find section")
    {
        return id;
    }
    let now = now();
    diesel::insert_into(sections::table)
        .values((
            sections::slug.eq(slug),
            sections::name.eq(slug.to_uppercase()),
            sections::parent_id.eq(parent),
            sections::created_at.eq(now),
            sections::updated_at.eq(now),
        ))
        .returning(sections::id)
        .get_result(conn)
        .expect("insert section")
}

pub fn ensure_author(conn: &mut DbConnection, slug: &str) -> i64 {
    if let Some(id) = authors::table
        .filter(authors::slug.eq(slug))
        .select(authors::id)
        .first(conn)
        .optional()
        .expect("find author")
    {
        return id;
    }
    let now = now();
    diesel::insert_into(authors::table)
        .values((
            authors::slug.eq(slug),
            authors::name.eq(slug),
            authors::byline.eq(slug.to_uppercase()),
            authors::links.eq("[]"),
            authors::created_at.eq(now),
            authors::updated_at.eq(now),
        ))
        .returning(authors::id)
        .get_result(conn)
        .expect("insert author")
}
