//! Sign-in sessions: families of refresh tokens, rotated on every use.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::tokens::{hash_refresh_token, new_refresh_token};
use crate::content::Result;
use crate::db::schema::{refresh_tokens, users};
use crate::db::{DbConnection, now};

/// Starts a session (a new family) for `user_id`; returns the refresh token.
pub fn start(conn: &mut DbConnection, user_id: i64, ttl: Duration) -> Result<String> {
    let family = format!("{:032x}", rand::random::<u128>());
    issue(conn, user_id, &family, ttl, now())
}

fn issue(
    conn: &mut DbConnection,
    user_id: i64,
    family: &str,
    ttl: Duration,
    now: NaiveDateTime,
) -> Result<String> {
    let (token, hash) = new_refresh_token();
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::user_id.eq(user_id),
            refresh_tokens::family.eq(family),
            refresh_tokens::token_hash.eq(hash),
            refresh_tokens::created_at.eq(now),
            refresh_tokens::expires_at.eq(now + ttl),
        ))
        .execute(conn)?;
    Ok(token)
}

fn revoke_family(conn: &mut DbConnection, family: &str, now: NaiveDateTime) -> Result<()> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::family.eq(family))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(Some(now)))
    .execute(conn)?;
    Ok(())
}

type TokenRow = (
    i64,
    i64,
    String,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
);

/// Exchanges a refresh token for a new one of the same family; returns the
/// user and the new token, or `None` when the token may not be used. A token
/// that was already exchanged means it leaked: its whole family is revoked.
pub fn rotate(conn: &mut DbConnection, presented: &str, ttl: Duration) -> Result<Option<(i64, String)>> {
    let now = now();
    let row: Option<TokenRow> = refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(hash_refresh_token(presented)))
        .select((
            refresh_tokens::id,
            refresh_tokens::user_id,
            refresh_tokens::family,
            refresh_tokens::expires_at,
            refresh_tokens::replaced_at,
            refresh_tokens::revoked_at,
        ))
        .first(conn)
        .optional()?;
    let Some((id, user_id, family, expires_at, replaced_at, revoked_at)) = row else {
        return Ok(None);
    };
    if replaced_at.is_some() {
        revoke_family(conn, &family, now)?;
        return Ok(None);
    }
    if revoked_at.is_some() || expires_at <= now {
        return Ok(None);
    }
    let disabled: Option<NaiveDateTime> = users::table
        .find(user_id)
        .select(users::disabled_at)
        .first(conn)?;
    if disabled.is_some() {
        revoke_family(conn, &family, now)?;
        return Ok(None);
    }
    diesel::update(refresh_tokens::table.find(id))
        .set(refresh_tokens::replaced_at.eq(Some(now)))
        .execute(conn)?;
    let token = issue(conn, user_id, &family, ttl, now)?;
    Ok(Some((user_id, token)))
}

/// Ends the session the refresh token belongs to. Unknown tokens are ignored.
pub fn end(conn: &mut DbConnection, presented: &str) -> Result<()> {
    let family: Option<String> = refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(hash_refresh_token(presented)))
        .select(refresh_tokens::family)
        .first(conn)
        .optional()?;
    if let Some(family) = family {
        revoke_family(conn, &family, now())?;
    }
    Ok(())
}
