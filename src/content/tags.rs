//! Free tags on articles ("OIM", "Migration"…).

use std::collections::HashMap;

use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::Result;
use crate::db::DbConnection;
use crate::db::schema::{article_tags, tags};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Tag {
    #[schema(example = "migration")]
    pub slug: String,
    #[schema(example = "Migration")]
    pub name: String,
}

/// Each article's tags, in the order the editor gave them.
pub fn of_articles(conn: &mut DbConnection, ids: &[i64]) -> Result<HashMap<i64, Vec<Tag>>> {
    let rows: Vec<(i64, String, String)> = article_tags::table
        .inner_join(tags::table)
        .filter(article_tags::article_id.eq_any(ids))
        .order((article_tags::article_id, article_tags::position))
        .select((article_tags::article_id, tags::slug, tags::name))
        .load(conn)?;
    let mut by_article: HashMap<i64, Vec<Tag>> = HashMap::new();
    for (article, slug, name) in rows {
        by_article.entry(article).or_default().push(Tag { slug, name });
    }
    Ok(by_article)
}

pub fn id_of(conn: &mut DbConnection, slug: &str) -> Result<Option<i64>> {
    Ok(tags::table
        .filter(tags::slug.eq(slug))
        .select(tags::id)
        .first(conn)
        .optional()?)
}
