//! The photo library and the image files themselves.

use actix_files::NamedFile;
use actix_multipart::Multipart;
use actix_web::http::header::{self, HeaderValue};
use actix_web::web::{self, Data, Path, Query};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post};
use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::articles::editorial_json;
use super::caching::{self, CachePolicy};
use super::creates::{create_once, created};
use super::error::ApiError;
use super::extract::{IdempotencyKey, IfMatch, JsonBody, SignedIn};
use super::response_cache::{Changed, changed};
use super::{AppState, parse_id};
use crate::auth::Role;
use crate::content::photos::{self, ListQuery, NewPhoto, Photo, PhotoInput};
use crate::content::{FieldError, Page};
use crate::media::images::{self, Format, ImageError};
use crate::media::{self, MediaStore};
use crate::openapi::{
    BadRequest, Conflict, Forbidden, NotFound, NotModified, PayloadTooLarge, PreconditionFailed,
    Unauthorized, UnsupportedMediaType,
};

/// The bytes of an image file.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
#[expect(dead_code, reason = "only its schema is used")]
pub struct ImageFile(Vec<u8>);

/// An upload form (`multipart/form-data`).
#[derive(ToSchema)]
#[expect(dead_code, reason = "only its schema is used")]
pub struct PhotoUpload {
    /// The image: JPEG, PNG, WebP or GIF, decided from its bytes.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// Prefilled from the file's IPTC or EXIF description when left out.
    caption: Option<String>,
    /// Prefilled from the file's IPTC credit or EXIF artist when left out.
    credit: Option<String>,
    alt: Option<String>,
    /// Where the subject is, from 0 (left) to 1 (right); 0.5 when absent.
    #[schema(minimum = 0.0, maximum = 1.0)]
    focal_x: Option<f64>,
    /// Where the subject is, from 0 (top) to 1 (bottom); 0.5 when absent.
    #[schema(minimum = 0.0, maximum = 1.0)]
    focal_y: Option<f64>,
}

/// Longest text field accepted in an upload form.
const MAX_FIELD_BYTES: usize = 8 * 1024;

#[derive(Default)]
struct Form {
    file: Option<Vec<u8>>,
    caption: Option<String>,
    credit: Option<String>,
    alt: Option<String>,
    focal_x: Option<String>,
    focal_y: Option<String>,
}

fn too_large(limit: usize) -> ApiError {
    ApiError::Status(
        actix_web::http::StatusCode::PAYLOAD_TOO_LARGE,
        format!("the file is larger than the {limit}-byte limit"),
    )
}

async fn read_form(mut multipart: Multipart, max_file: usize) -> Result<Form, ApiError> {
    let malformed = |e: actix_multipart::MultipartError| {
        ApiError::invalid(vec![FieldError::new(
            "body",
            format!("malformed multipart body: {e}"),
        )])
    };
    let mut form = Form::default();
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(malformed)?;
        let name = field.name().unwrap_or_default().to_owned();
        let limit = if name == "file" { max_file } else { MAX_FIELD_BYTES };
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(malformed)?;
            if bytes.len() + chunk.len() > limit {
                return Err(match name.as_str() {
                    "file" => too_large(max_file),
                    _ => ApiError::invalid(vec![FieldError::new(name, "is too long")]),
                });
            }
            bytes.extend_from_slice(&chunk);
        }
        let text = || {
            String::from_utf8(bytes.clone())
                .map_err(|_| ApiError::invalid(vec![FieldError::new(name.clone(), "must be UTF-8 text")]))
        };
        match name.as_str() {
            "file" => form.file = Some(bytes),
            "caption" => form.caption = Some(text()?),
            "credit" => form.credit = Some(text()?),
            "alt" => form.alt = Some(text()?),
            "focal_x" => form.focal_x = Some(text()?),
            "focal_y" => form.focal_y = Some(text()?),
            other => {
                return Err(ApiError::invalid(vec![FieldError::new(
                    other,
                    "is not a field of this form",
                )]));
            }
        }
    }
    Ok(form)
}

fn image_error(e: ImageError) -> ApiError {
    match e {
        ImageError::Unsupported => {
            ApiError::Status(actix_web::http::StatusCode::UNSUPPORTED_MEDIA_TYPE, e.to_string())
        }
        _ => ApiError::invalid(vec![FieldError::new("file", e.to_string())]),
    }
}

/// Upload a photo (writer and above).
///
/// The file's type is read from its bytes. Its EXIF and IPTC metadata (GPS
/// position included) is removed from the stored file, its EXIF orientation
/// applied; an empty caption or credit is prefilled from that metadata.
/// Files are content-addressed: the same file uploaded twice is stored once.
#[utoipa::path(
    tag = "photos",
    operation_id = "uploadPhoto",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries of this upload safe")),
    request_body(content = PhotoUpload, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Stored", body = Photo, headers(
            ("Location" = String, description = "The photo's URL"),
            ("ETag" = String, description = "Its version tag"))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
    )
)]
#[post("/photos")]
pub async fn upload(
    req: HttpRequest,
    state: Data<AppState>,
    user: SignedIn,
    key: IdempotencyKey,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let user = user.at_least(Role::Writer)?;
    let multipart = Multipart::new(req.headers(), payload);
    let form = read_form(multipart, state.max_upload_bytes).await?;
    let fields = photos::validate_fields(
        form.caption.as_deref(),
        form.credit.as_deref(),
        form.alt.as_deref(),
        (form.focal_x.as_deref(), form.focal_y.as_deref()),
    )?;
    let file = form
        .file
        .filter(|f| !f.is_empty())
        .ok_or_else(|| ApiError::invalid(vec![FieldError::new("file", "is required")]))?;
    let fingerprint_source = file.clone();
    let prepared = web::block(move || images::prepare(&file))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?
        .map_err(image_error)?;
    let storage_key = media::content_key(&prepared.bytes, prepared.format.extension());
    let store = state.media.clone();
    let (bytes, put_key) = (prepared.bytes, storage_key.clone());
    let byte_size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
    web::block(move || store.put(&put_key, &bytes))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?
        .map_err(|e| ApiError::Internal(e.into()))?;
    let new = NewPhoto {
        storage_key,
        mime_type: prepared.format.mime(),
        byte_size,
        width: i32::try_from(prepared.width).unwrap_or(i32::MAX),
        height: i32::try_from(prepared.height).unwrap_or(i32::MAX),
        caption: fields.caption.or(prepared.caption),
        credit: fields.credit.or(prepared.credit),
        alt: fields.alt,
        focal_point: fields.focal_point,
        uploaded_by: user.id,
    };
    let urls = state.urls.clone();
    create_once(
        &state,
        user.id,
        key,
        "POST /api/v1/photos",
        &fingerprint_source,
        move |conn| {
            let photo = photos::create(conn, &new, &urls)?;
            created(
                &photo,
                urls.absolute(&format!("/api/v1/photos/{}", photo.id)),
                photo.version,
            )
        },
    )
    .await
    .map(|response| changed(response, Changed::NewItem))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PhotoListParams {
    /// Words that must all appear in the caption or the credit.
    #[param(example = "ministre")]
    q: Option<String>,
    /// Page size, 1 to 100; 20 when absent.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100, example = 20)]
    limit: Option<String>,
    /// The `next_cursor` of the previous page.
    #[param(pattern = "^[A-Za-z0-9_-]*$")]
    cursor: Option<String>,
}

/// Search the photo library, newest first.
#[utoipa::path(
    tag = "photos",
    operation_id = "listPhotos",
    params(PhotoListParams),
    responses(
        (status = 200, description = "A page of photos", body = Page<Photo>,
            headers(("ETag" = String, description = "Entity tag of this page"))),
        (status = 304, response = NotModified),
        (status = 400, response = BadRequest),
    )
)]
#[get("/photos")]
pub async fn list(
    req: HttpRequest,
    state: Data<AppState>,
    params: Query<PhotoListParams>,
) -> Result<HttpResponse, ApiError> {
    let query = ListQuery::parse(
        params.q.as_deref(),
        params.limit.as_deref(),
        params.cursor.as_deref(),
    )
    .map_err(ApiError::invalid)?;
    let urls = state.urls.clone();
    let page = state
        .db
        .read(move |conn| photos::list(conn, &query, &urls))
        .await?;
    caching::json(&req, &page, CachePolicy::Reference)
}

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
pub async fn get(
    req: HttpRequest,
    state: Data<AppState>,
    id: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&id)?;
    let urls = state.urls.clone();
    let photo = state.db.read(move |conn| photos::get(conn, id, &urls)).await?;
    caching::json(&req, &photo, CachePolicy::Reference)
}

/// Edit a photo's caption, credit, alt text or focal point (its uploader,
/// or an editor), with a JSON merge patch.
#[utoipa::path(
    tag = "photos",
    operation_id = "updatePhoto",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "The photo's id", minimum = 1),
        ("If-Match" = Option<String>, Header, description = "The version tag last seen"),
    ),
    request_body(content = PhotoInput, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "The photo as saved", body = Photo),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 412, response = PreconditionFailed),
    )
)]
#[patch("/photos/{id}")]
pub async fn update(
    req: HttpRequest,
    state: Data<AppState>,
    user: SignedIn,
    id: Path<String>,
    if_match: IfMatch,
    body: JsonBody<Value>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&id)?;
    let (user, patch, urls) = (user.0, body.value, state.urls.clone());
    let photo = state
        .db
        .write(move |conn| photos::update(conn, id, &patch, &user, if_match.0, &urls))
        .await?;
    editorial_json(&req, &photo, photo.version)
}

/// Delete a photo no article or author uses (its uploader, or an editor).
///
/// A photo still in use answers 409, naming the articles and authors.
#[utoipa::path(
    tag = "photos",
    operation_id = "deletePhoto",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "The photo's id", minimum = 1),
        ("If-Match" = Option<String>, Header, description = "The version tag last seen"),
    ),
    responses(
        (status = 204, description = "Deleted, with its file unless another photo shares it"),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 412, response = PreconditionFailed),
    )
)]
#[delete("/photos/{id}")]
pub async fn remove(
    state: Data<AppState>,
    user: SignedIn,
    id: Path<String>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&id)?;
    let user = user.0;
    let unused = state
        .db
        .write(move |conn| photos::delete(conn, id, &user, if_match.0))
        .await?;
    if let Some(key) = unused {
        let store = state.media.clone();
        let removed = web::block(move || -> std::io::Result<()> {
            for width in images::RENDITION_WIDTHS {
                for format in [Format::Jpeg, Format::Png, Format::Webp] {
                    store.delete(&media::rendition_key(&key, width, format.extension()))?;
                }
            }
            store.delete(&key)
        })
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
        if let Err(e) = removed {
            // The row is gone; a file left behind is harmless and logged.
            tracing::warn!(error = %e, "could not remove a deleted photo's files");
        }
    }
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FileParams {
    /// A rendition width: 320, 640, 1024 or 1600. Widths at or above the
    /// original's get the original.
    #[param(value_type = Option<u32>, schema_with = rendition_width, example = 640)]
    w: Option<String>,
}

fn rendition_width() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::Integer)
        .enum_values(Some(
            images::RENDITION_WIDTHS.iter().map(|w| serde_json::json!(w)),
        ))
        .build()
}

/// Get an image file, or a smaller rendition of it.
///
/// Files are content-addressed: a key never changes meaning, so responses
/// may be cached for a year. Renditions are made once and kept; a PNG's are
/// WebP for clients that accept it. Byte ranges are supported.
#[utoipa::path(
    tag = "photos",
    operation_id = "getMediaFile",
    params(("key" = String, Path, description = "The file's key, as in a photo's `url`"), FileParams),
    responses(
        (status = 200, description = "The image", content(
            (ImageFile = "image/jpeg"), (ImageFile = "image/png"), (ImageFile = "image/webp"),
            (ImageFile = "image/gif"))),
        (status = 206, description = "The requested byte range of the image"),
        (status = 304, response = NotModified),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 416, description = "The requested range is not satisfiable"),
    )
)]
#[get("/media/{key}")]
pub async fn media_file(
    req: HttpRequest,
    state: Data<AppState>,
    key: Path<String>,
    params: Query<FileParams>,
) -> Result<HttpResponse, ApiError> {
    let key = key.into_inner();
    let missing = || ApiError::NotFound(format!("no media file '{key}'"));
    let width = match crate::content::given(params.w.as_deref()) {
        None => None,
        Some(raw) => Some(
            raw.parse::<u32>()
                .ok()
                .filter(|w| images::RENDITION_WIDTHS.contains(w))
                .ok_or_else(|| {
                    ApiError::invalid(vec![FieldError::new("w", "must be one of 320, 640, 1024, 1600")])
                })?,
        ),
    };
    let source = key
        .split_once('.')
        .filter(|(hash, _)| !hash.contains("-w"))
        .and_then(|(_, ext)| Format::from_extension(ext))
        .ok_or_else(missing)?;
    let original = state.media.path(&key).ok_or_else(missing)?;
    let accepts_webp = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("image/webp"));
    let path = match width {
        Some(width) if source != Format::Gif => {
            let store = state.media.clone();
            let k = key.clone();
            web::block(move || rendition(store.as_ref(), &k, &original, source, width, accepts_webp))
                .await
                .map_err(|e| ApiError::Internal(e.into()))??
        }
        _ => original,
    };
    let file = NamedFile::open_async(&path).await.map_err(|_| missing())?;
    let mut response = file.use_last_modified(true).into_response(&req);
    let headers = response.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    if width.is_some() {
        headers.insert(header::VARY, HeaderValue::from_static("Accept"));
    }
    Ok(response)
}

/// The file of a rendition, made and stored on first request.
fn rendition(
    store: &dyn MediaStore,
    key: &str,
    original: &std::path::Path,
    source: Format,
    width: u32,
    accepts_webp: bool,
) -> Result<std::path::PathBuf, ApiError> {
    let format = images::rendition_format(source, accepts_webp);
    let rendition_key = media::rendition_key(key, width, format.extension());
    if let Some(path) = store.path(&rendition_key) {
        return Ok(path);
    }
    let stored = std::fs::read(original).map_err(|e| ApiError::Internal(e.into()))?;
    let image = image::load_from_memory(&stored).map_err(|e| ApiError::Internal(e.into()))?;
    if width >= image.width() {
        return Ok(original.to_owned());
    }
    let bytes =
        images::rendition(&stored, source, width, format).map_err(|e| ApiError::Internal(e.into()))?;
    store
        .put(&rendition_key, &bytes)
        .map_err(|e| ApiError::Internal(e.into()))?;
    store
        .path(&rendition_key)
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("rendition {rendition_key} vanished")))
}
