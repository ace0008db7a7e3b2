//! Articles: the stored row, the shapes the API shows (full article and teaser),
//! and the queries that read them.

pub mod edit;
mod list;
mod policy;
mod read;
pub mod related;
pub mod revisions;
pub mod workflow;
pub mod write;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::dsl::{AsSelect, Filter, Select};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use list::{ListParams, ListQuery, list};
pub use read::{BySlug, RelatedItem, RelatedList, by_id, by_slug, related};

use super::authors::{self, AuthorRef};
use super::photos::{self, Photo};
use super::sections::{self, SectionRef};
use super::tags::{self, Tag};
use super::{Result, text};
use crate::config::PublicUrls;
use crate::db::schema::articles;
use crate::db::{DbConnection, Fixed, fixed, utc};

/// Where an article stands in the editorial workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    InReview,
    Scheduled,
    Published,
    Archived,
}

/// Who may read an article's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    Public,
    Subscribers,
}

/// Who may contribute comments under an article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Comments {
    Open,
    SubscribersOnly,
    Closed,
}

/// Stored values are written only through these enums, and the schema's CHECK
/// constraints hold them to the same sets.
macro_rules! stored_enum {
    ($ty:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $ty {
            pub fn as_str(self) -> &'static str {
                match self { $($ty::$variant => $text),+ }
            }
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($text => Some($ty::$variant),)+ _ => None }
            }
            /// A stored value; the CHECK constraint rules out anything else.
            fn from_stored(s: &str) -> Self {
                Self::parse(s).unwrap_or_else(|| panic!("unexpected stored {} {s:?}", stringify!($ty)))
            }
        }
    };
}

stored_enum!(Status {
    Draft => "draft",
    InReview => "in_review",
    Scheduled => "scheduled",
    Published => "published",
    Archived => "archived",
});
stored_enum!(Access { Public => "public", Subscribers => "subscribers" });
stored_enum!(Comments { Open => "open", SubscribersOnly => "subscribers_only", Closed => "closed" });

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Insertable, Serialize, Deserialize)]
#[diesel(table_name = articles, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct ArticleRow {
    pub id: i64,
    pub slug: String,
    pub status: String,
    pub access: String,
    pub comments: String,
    pub language: String,
    pub kicker: Option<String>,
    pub title: String,
    pub standfirst: Option<String>,
    pub body_html: String,
    pub excerpt: Option<String>,
    pub auto_excerpt: String,
    pub word_count: i32,
    pub section_id: Option<i64>,
    pub main_photo_id: Option<i64>,
    pub published_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub deleted_at: Option<NaiveDateTime>,
    pub version: i64,
    pub created_by: Option<i64>,
}

/// The columns a teaser needs: never the body.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = articles, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct TeaserRow {
    pub id: i64,
    pub slug: String,
    pub status: String,
    pub access: String,
    pub kicker: Option<String>,
    pub title: String,
    pub excerpt: Option<String>,
    pub auto_excerpt: String,
    pub section_id: Option<i64>,
    pub main_photo_id: Option<i64>,
    pub published_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
}

/// An article as listed: enough for a card or a link, no body.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Teaser {
    #[schema(example = 1)]
    pub id: i64,
    /// Only in lists asked for by `status`, for editorial users.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    #[schema(example = "politique-migratoire-le-ministere-de-tutelle-et-l-oim-signent-des-conventions")]
    pub slug: String,
    pub access: Access,
    #[schema(example = "Politique migratoire")]
    pub kicker: Option<String>,
    #[schema(example = "Le ministère de tutelle et l’OIM signent des conventions")]
    pub title: String,
    /// The editor's excerpt, else the standfirst or the body's first words.
    pub excerpt: String,
    pub section: Option<SectionRef>,
    pub authors: Vec<AuthorRef>,
    pub main_photo: Option<Photo>,
    #[schema(example = "2025-01-31T07:30:00Z")]
    pub published_at: Option<DateTime<Utc>>,
    /// Search results only: a short plain-text passage around the first
    /// match, HTML-escaped, the matched words in `<mark>`.
    #[schema(example = "Le <mark>ministère</mark> des Maliens établis à l’Extérieur…")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
}

/// A "Lire aussi" link under an article.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RelatedLink {
    #[schema(example = "Les FAMa neutralisent une cinquantaine de terroristes dans le secteur de Yanfolila")]
    pub title: String,
    #[schema(example = "Région de Bougouni")]
    pub kicker: Option<String>,
    /// Absolute URL: the linked article's API address, or the external page.
    pub url: String,
    pub excerpt: Option<String>,
    /// The linked article, when the link points inside this site.
    pub article: Option<Teaser>,
}

/// A whole article, as a page renders it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Article {
    #[schema(example = 1)]
    pub id: i64,
    #[schema(example = "politique-migratoire-le-ministere-de-tutelle-et-l-oim-signent-des-conventions")]
    pub slug: String,
    pub status: Status,
    pub access: Access,
    pub comments: Comments,
    /// BCP 47 language tag.
    #[schema(example = "fr")]
    pub language: String,
    #[schema(example = "Politique migratoire")]
    pub kicker: Option<String>,
    #[schema(example = "Le ministère de tutelle et l’OIM signent des conventions")]
    pub title: String,
    #[schema(
        example = "Le ministère des Maliens établis à l’Extérieur et de l’Intégration africaine et l’Organisation internationale pour les migrations (OIM) ont signé, hier dans un hôtel de la place, deux conventions de partenariat sur les principaux axes de leur collaboration."
    )]
    pub standfirst: Option<String>,
    /// Sanitised HTML.
    #[schema(example = "<p>Mais aussi sur l’appui de l’OIM à la relecture du document…</p>")]
    pub body_html: String,
    pub excerpt: String,
    pub word_count: i32,
    pub section: Option<SectionRef>,
    pub authors: Vec<AuthorRef>,
    pub tags: Vec<Tag>,
    pub main_photo: Option<Photo>,
    /// Every photo the article shows: the main photo, then those in the body.
    pub photos: Vec<Photo>,
    pub related_links: Vec<RelatedLink>,
    /// Every article the related links point to, shown or not: a copy of
    /// this document is out of date when one of them changes.
    #[serde(skip)]
    pub linked_article_ids: Vec<i64>,
    #[schema(example = "2025-01-31T07:30:00Z")]
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    /// Increases with every change. Editorial reads and writes answer with
    /// `ETag: "v<version>"`, the value `If-Match` takes.
    pub version: i64,
    /// When the article went to the trash; editorial reads only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deleted_at: Option<DateTime<Utc>>,
}

impl Article {
    /// The articles this document shows: itself and those it links to.
    pub fn shown_articles(&self) -> Vec<i64> {
        std::iter::once(self.id)
            .chain(self.linked_article_ids.iter().copied())
            .collect()
    }
}

fn effective_excerpt(excerpt: Option<String>, auto: String) -> String {
    excerpt.filter(|e| !e.trim().is_empty()).unwrap_or(auto)
}

/// Teaser rows with their sections, authors and photos, in the rows' order.
pub fn teasers(
    conn: &mut DbConnection,
    rows: Vec<TeaserRow>,
    urls: &PublicUrls,
    audience: Audience,
) -> Result<Vec<Teaser>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let section_ids: Vec<i64> = rows.iter().filter_map(|r| r.section_id).collect();
    let photo_ids: Vec<i64> = rows.iter().filter_map(|r| r.main_photo_id).collect();
    let sections = sections::refs(conn, &section_ids)?;
    let photos = photos::by_ids(conn, &photo_ids, urls)?;
    let mut authors = authors::of_articles(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|row| Teaser {
            id: row.id,
            status: (audience == Audience::Editorial).then(|| Status::from_stored(&row.status)),
            slug: row.slug,
            access: Access::from_stored(&row.access),
            kicker: row.kicker,
            title: row.title,
            excerpt: effective_excerpt(row.excerpt, row.auto_excerpt),
            section: row.section_id.and_then(|id| sections.get(&id).cloned()),
            authors: authors.remove(&row.id).unwrap_or_default(),
            main_photo: row.main_photo_id.and_then(|id| photos.get(&id).cloned()),
            published_at: row.published_at.map(utc),
            snippet: None,
        })
        .collect())
}

/// A full article from its row.
fn full(
    conn: &mut DbConnection,
    row: ArticleRow,
    urls: &PublicUrls,
    now: NaiveDateTime,
    audience: Audience,
) -> Result<Article> {
    let ids = [row.id];
    let section = match row.section_id {
        Some(id) => sections::refs(conn, &[id])?.remove(&id),
        None => None,
    };
    let photos = photos::of_article(conn, row.main_photo_id, &row.body_html, urls)?;
    let main_photo = photos
        .first()
        .filter(|p| Some(p.id) == row.main_photo_id)
        .cloned();
    let authors = authors::of_articles(conn, &ids)?
        .remove(&row.id)
        .unwrap_or_default();
    let tags = tags::of_articles(conn, &ids)?.remove(&row.id).unwrap_or_default();
    let (related_links, linked_article_ids) = read::curated_links(conn, row.id, urls, now)?;
    let status = match (audience, Status::from_stored(&row.status)) {
        // What readers see is published, whatever the scheduler has yet to note.
        (Audience::Public, _) => Status::Published,
        (Audience::Editorial, status) => status,
    };
    Ok(Article {
        id: row.id,
        slug: row.slug,
        status,
        access: Access::from_stored(&row.access),
        comments: Comments::from_stored(&row.comments),
        language: row.language,
        kicker: row.kicker,
        title: row.title,
        standfirst: row.standfirst,
        body_html: row.body_html,
        excerpt: effective_excerpt(row.excerpt, row.auto_excerpt),
        word_count: row.word_count,
        section,
        authors,
        tags,
        main_photo,
        photos,
        related_links,
        linked_article_ids,
        published_at: row.published_at.map(utc),
        updated_at: utc(row.updated_at),
        created_at: utc(row.created_at),
        version: row.version,
        deleted_at: row.deleted_at.map(utc),
    })
}

/// Articles a reader may see at `now`: published (or scheduled: visible from
/// its time on, even before the scheduler marks it published), not in the
/// trash, and due.
///
/// The statuses are written as SQL text, word for word the condition of the
/// partial indexes on public articles: the planners use a partial index only
/// for a query that repeats its condition, and a statement without a list of
/// bound values can be prepared once and reused.
type Visible = diesel::dsl::And<
    diesel::dsl::And<Fixed, diesel::dsl::IsNull<articles::deleted_at>>,
    diesel::dsl::LtEq<articles::published_at, NaiveDateTime>,
>;

pub fn visible(now: NaiveDateTime) -> Visible {
    fixed(&["articles.status IN ('published', 'scheduled')"])
        .and(articles::deleted_at.is_null())
        .and(articles::published_at.le(now))
}

/// Who is reading: the public sees published articles only; editorial users
/// see every article, in any state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Public,
    Editorial,
}

type VisibleTeasers = Select<Filter<articles::table, Visible>, AsSelect<TeaserRow, crate::db::MultiBackend>>;

/// A teaser query with filters yet to add.
pub type BoxedTeasers<'a> = diesel::dsl::IntoBoxed<'a, VisibleTeasers, crate::db::MultiBackend>;

/// Teaser rows of the articles a reader may see at `now`.
pub fn visible_teasers(now: NaiveDateTime) -> VisibleTeasers {
    articles::table
        .filter(visible(now))
        .select(TeaserRow::as_select())
}

/// Derived columns, recomputed on every write of the text.
pub fn derived_text(standfirst: Option<&str>, body_html: &str) -> (String, i32) {
    (
        text::auto_excerpt(standfirst, body_html),
        text::word_count(body_html),
    )
}
