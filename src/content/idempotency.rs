//! `Idempotency-Key` on creates: the first answer to a key is stored in the
//! same transaction as what it created, and replayed to every retry.

use diesel::prelude::*;
use sha2::{Digest, Sha256};

use super::{Error, Result};
use crate::db::schema::idempotency_keys;
use crate::db::{DbConnection, now};

/// A create's answer, as stored and replayed.
#[derive(Debug, Clone)]
pub struct Stored {
    pub status: u16,
    pub location: Option<String>,
    pub etag: Option<String>,
    pub body: String,
}

/// Longest key accepted.
pub const MAX_KEY_LEN: usize = 255;

/// A fingerprint of the request, so a key reused for another request is refused.
pub fn fingerprint(route: &str, body: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(route.as_bytes());
    hasher.update([0]);
    hasher.update(body);
    format!("{:x}", hasher.finalize())
}

/// The answer stored for `key`, if any. A key reused for a different request
/// is refused.
pub fn find(conn: &mut DbConnection, user_id: i64, key: &str, fingerprint: &str) -> Result<Option<Stored>> {
    let existing = idempotency_keys::table
        .filter(idempotency_keys::user_id.eq(user_id))
        .filter(idempotency_keys::key.eq(key))
        .select((
            idempotency_keys::request_hash,
            idempotency_keys::status,
            idempotency_keys::location,
            idempotency_keys::etag,
            idempotency_keys::body,
        ))
        .first::<(String, i32, Option<String>, Option<String>, String)>(conn)
        .optional()?;
    let Some((hash, status, location, etag, body)) = existing else {
        return Ok(None);
    };
    if hash != fingerprint {
        return Err(Error::Conflict(
            "this Idempotency-Key was already used for a different request".into(),
        ));
    }
    Ok(Some(Stored {
        status: u16::try_from(status).unwrap_or(500),
        location,
        etag,
        body,
    }))
}

/// Replays the stored answer for `key`, or runs `create` and stores its answer.
/// Call inside a write transaction.
pub fn once(
    conn: &mut DbConnection,
    user_id: i64,
    key: &str,
    fingerprint: &str,
    create: impl FnOnce(&mut DbConnection) -> Result<Stored>,
) -> Result<Stored> {
    if let Some(stored) = find(conn, user_id, key, fingerprint)? {
        return Ok(stored);
    }
    let stored = create(conn)?;
    diesel::insert_into(idempotency_keys::table)
        .values((
            idempotency_keys::user_id.eq(user_id),
            idempotency_keys::key.eq(key),
            idempotency_keys::request_hash.eq(fingerprint),
            idempotency_keys::status.eq(i32::from(stored.status)),
            idempotency_keys::location.eq(&stored.location),
            idempotency_keys::etag.eq(&stored.etag),
            idempotency_keys::body.eq(&stored.body),
            idempotency_keys::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(stored)
}
