//! Article routes: public reads, editorial writes, the workflow, history.

mod formats;
mod read;
mod revisions;
mod workflow;
mod write;

pub use formats::json_ld;
pub use read::{by_id, by_slug, list, related};
pub use revisions::{get_revision, list_revisions, restore_revision};
pub use workflow::{archive, publish, restore, submit, unpublish};
pub use write::{create, delete, set_related_links, update};

use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;

use super::caching::{self, CachePolicy};
use super::error::ApiError;
use super::response_cache::{self, Changed};
use crate::content::articles::Article;

/// An editorial document: private, tagged with its version for `If-Match`.
pub(crate) fn editorial_json<T: Serialize>(
    req: &HttpRequest,
    body: &T,
    version: i64,
) -> Result<HttpResponse, ApiError> {
    let bytes = serde_json::to_vec(body).map_err(|e| ApiError::Internal(e.into()))?;
    Ok(caching::tagged_response(
        req,
        bytes,
        caching::version_tag(version),
        caching::JSON,
        CachePolicy::Private,
        &mut HttpResponse::Ok(),
    ))
}

/// The answer to a write that changed `article`: the article as saved.
pub(crate) fn article_changed(req: &HttpRequest, article: &Article) -> Result<HttpResponse, ApiError> {
    editorial_json(req, article, article.version)
        .map(|response| response_cache::changed(response, Changed::Article(article.id)))
}
