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
