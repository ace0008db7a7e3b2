//! Photo metadata and the image files themselves.

use actix_files::NamedFile;
use actix_web::http::header::{self, CacheControl, CacheDirective};
use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse, get};

use super::caching::{self, CachePolicy};
use super::error::ApiError;
use super::{AppState, parse_id};
use crate::content::photos::{self, Photo};
use crate::openapi::{BadRequest, NotFound, NotModified};

/// The bytes of an image file.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
#[expect(dead_code, reason = "only its schema is used")]
pub struct ImageFile(Vec<u8>);

/// Get a photo's metadata.
#[utoipa::path(
    tag = "photos",
    operation_id = "getPhoto",
    params(("id" = i64, Path, description = "The photo's id", minimum = 1, example = 1)),
    responses(
        (status = 200, description = "The photo's metadata", body = Photo,
            headers(("ETag" = String, description = "Entity tag of this representation"))),
        (status = 304, response = NotModified),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
    )
)]
#[get("/photos/{id}")]
pub async fn photo(
    req: HttpRequest,
    state: Data<AppState>,
    id: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&id)?;
    let urls = state.urls.clone();
    let photo = state.db.read(move |conn| photos::get(conn, id, &urls)).await?;
    caching::json(&req, &photo, CachePolicy::Reference)
}

/// Get an image file.
///
/// Files are content-addressed: a key never changes meaning, so responses
/// may be cached for a year. Byte ranges are supported.
#[utoipa::path(
    tag = "photos",
    operation_id = "getMediaFile",
    params(("key" = String, Path, description = "The file's key, as in a photo's `url`")),
    responses(
        (status = 200, description = "The image", content(
            (ImageFile = "image/jpeg"), (ImageFile = "image/png"), (ImageFile = "image/webp"),
            (ImageFile = "image/gif"), (ImageFile = "image/avif"))),
        (status = 206, description = "The requested byte range of the image"),
        (status = 304, response = NotModified),
        (status = 404, response = NotFound),
        (status = 416, description = "The requested range is not satisfiable"),
    )
)]
#[get("/media/{key}")]
pub async fn file(
    req: HttpRequest,
    state: Data<AppState>,
    key: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let missing = || ApiError::NotFound(format!("no media file '{key}'"));
    let path = state.media.path(&key).ok_or_else(missing)?;
    let file = NamedFile::open_async(&path).await.map_err(|_| missing())?;
    let mut response = file.use_last_modified(true).into_response(&req);
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        CacheControl(vec![
            CacheDirective::Public,
            CacheDirective::MaxAge(31_536_000),
            CacheDirective::Extension("immutable".into(), None),
        ])
        .to_string()
        .parse()
        .map_err(|e: header::InvalidHeaderValue| ApiError::Internal(e.into()))?,
    );
    Ok(response)
}
