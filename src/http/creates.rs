//! Creates: 201 with `Location` and `ETag`, made safe to retry with an
//! `Idempotency-Key`.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header;
use serde::Serialize;

use super::AppState;
use super::caching;
use super::error::ApiError;
use super::extract::IdempotencyKey;
use crate::content;
use crate::content::idempotency::{self, Stored};
use crate::db::DbConnection;

/// What a create answers (201 with the new resource), before it is stored
/// for retries.
pub fn created<T: Serialize>(body: &T, location: String, version: i64) -> content::Result<Stored> {
    Ok(Stored {
        status: 201,
        location: Some(location),
        etag: Some(caching::version_tag(version)),
        body: serde_json::to_string(body).expect("responses serialise"),
    })
}

fn respond(stored: Stored) -> HttpResponse {
    let mut response =
        HttpResponse::build(StatusCode::from_u16(stored.status).unwrap_or(StatusCode::CREATED));
    response
        .content_type(caching::JSON)
        .insert_header((header::CACHE_CONTROL, "no-store"));
    if let Some(location) = stored.location {
        response.insert_header((header::LOCATION, location));
    }
    if let Some(etag) = stored.etag {
        response.insert_header((header::ETAG, etag));
    }
    response.body(stored.body)
}

/// Runs `create` in a transaction; with a key, at most once per key and user.
pub async fn create_once<F>(
    state: &AppState,
    user_id: i64,
    key: IdempotencyKey,
    route: &'static str,
    raw_body: &[u8],
    create: F,
) -> Result<HttpResponse, ApiError>
where
    F: FnOnce(&mut DbConnection) -> content::Result<Stored> + Send + 'static,
{
    let Some(key) = key.0 else {
        return Ok(respond(state.db.write(create).await?));
    };
    let fingerprint = idempotency::fingerprint(route, raw_body);
    let (k, f) = (key.clone(), fingerprint.clone());
    let first = state
        .db
        .write(move |conn| idempotency::once(conn, user_id, &k, &f, create))
        .await;
    match first {
        Ok(stored) => Ok(respond(stored)),
        // A concurrent request with the same key may have won the race:
        // replay its answer if there is one, else report this failure.
        Err(error) => match state
            .db
            .read(move |conn| idempotency::find(conn, user_id, &key, &fingerprint))
            .await?
        {
            Some(stored) => Ok(respond(stored)),
            None => Err(error.into()),
        },
    }
}
