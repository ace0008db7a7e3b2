//! Editorial user accounts.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::authors::AuthorRef;
use super::{Error, FieldError, FieldErrors, Result, validate};
use crate::auth::Role;
use crate::db::schema::{authors, refresh_tokens, users};
use crate::db::{DbConnection, now, utc};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Insertable, Serialize, Deserialize)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub author_id: Option<i64>,
    pub password_hash: String,
    pub disabled_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

impl UserRow {
    pub fn role(&self) -> Role {
        // The CHECK constraint holds roles to the three known ones.
        Role::parse(&self.role).unwrap_or(Role::Writer)
    }
}

/// An editorial account as shown to its owner and to admins.
#[derive(Debug, Serialize, ToSchema)]
pub struct User {
    #[schema(example = 1)]
    pub id: i64,
    #[schema(example = "redaction@journal.example")]
    pub email: String,
    #[schema(example = "N'Famoro Keita")]
    pub display_name: String,
    pub role: Role,
    /// The byline this account writes under, if any.
    pub author: Option<AuthorRef>,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserList {
    pub items: Vec<User>,
}

fn view(conn: &mut DbConnection, row: UserRow) -> Result<User> {
    let author = match row.author_id {
        Some(id) => authors::table
            .find(id)
            .select((authors::id, authors::slug, authors::name, authors::byline))
            .first::<(i64, String, String, String)>(conn)
            .optional()?
            .map(|(id, slug, name, byline)| AuthorRef {
                id,
                slug,
                name,
                byline,
            }),
        None => None,
    };
    Ok(User {
        id: row.id,
        role: row.role(),
        email: row.email,
        display_name: row.display_name,
        author,
        disabled: row.disabled_at.is_some(),
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
        version: row.version,
    })
}

pub fn row_by_id(conn: &mut DbConnection, id: i64) -> Result<UserRow> {
    users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::NotFound(format!("no user {id}")))
}

pub fn row_by_email(conn: &mut DbConnection, email: &str) -> Result<Option<UserRow>> {
    // No stored address holds a control character, and PostgreSQL text
    // cannot even hold NUL: such an address names no account.
    if email.chars().any(char::is_control) {
        return Ok(None);
    }
    Ok(users::table
        .filter(users::email.eq(email.trim().to_lowercase()))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn get(conn: &mut DbConnection, id: i64) -> Result<User> {
    let row = row_by_id(conn, id)?;
    view(conn, row)
}

pub fn list(conn: &mut DbConnection) -> Result<UserList> {
    let rows: Vec<UserRow> = users::table
        .select(UserRow::as_select())
        .order((users::display_name, users::id))
        .load(conn)?;
    let items = rows.into_iter().map(|r| view(conn, r)).collect::<Result<_>>()?;
    Ok(UserList { items })
}

/// A new account, as an admin submits it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    #[schema(example = "redaction@journal.example")]
    pub email: String,
    #[schema(example = "N'Famoro Keita")]
    pub display_name: String,
    pub role: Role,
    /// At least 12 characters.
    #[schema(example = "une phrase de passe assez longue")]
    pub password: String,
    /// Slug of the author byline this account writes under.
    #[schema(example = "nfamoro-keita")]
    pub author: Option<String>,
}

/// Changes to an account; absent fields stay as they are.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    pub email: Option<String>,
    pub display_name: Option<String>,
    pub role: Option<Role>,
    /// A new password, at least 12 characters.
    pub password: Option<String>,
    /// Slug of the author byline; `null` unlinks it.
    #[serde(default, deserialize_with = "super::patch::double_option")]
    #[schema(value_type = Option<String>)]
    pub author: Option<Option<String>>,
    pub disabled: Option<bool>,
}

fn author_id(conn: &mut DbConnection, errors: &mut FieldErrors, slug: &str) -> Result<Option<i64>> {
    let id = authors::table
        .filter(authors::slug.eq(slug))
        .select(authors::id)
        .first::<i64>(conn)
        .optional()?;
    if id.is_none() {
        errors.push(FieldError::new("author", format!("no author '{slug}'")));
    }
    Ok(id)
}

fn email_taken(conn: &mut DbConnection, email: &str, except: Option<i64>) -> Result<bool> {
    let mut query = users::table
        .filter(users::email.eq(email))
        .select(users::id)
        .into_boxed();
    if let Some(id) = except {
        query = query.filter(users::id.ne(id));
    }
    Ok(query.first::<i64>(conn).optional()?.is_some())
}

/// Creates an account; `password_hash` is the already hashed password.
pub fn create(conn: &mut DbConnection, new: &NewUser, password_hash: &str) -> Result<User> {
    let mut errors = FieldErrors::default();
    let email = errors.check(validate::email("email", &new.email));
    let name = errors.check(validate::text("display_name", &new.display_name, 1, 120));
    let author = match &new.author {
        Some(slug) => author_id(conn, &mut errors, slug)?,
        None => None,
    };
    errors.into_result()?;
    let (email, name) = (email.unwrap_or_default(), name.unwrap_or_default());
    if email_taken(conn, &email, None)? {
        return Err(Error::Conflict(format!("an account already uses {email}")));
    }
    let now = now();
    let id = diesel::insert_into(users::table)
        .values((
            users::email.eq(&email),
            users::display_name.eq(&name),
            users::role.eq(new.role.as_str()),
            users::author_id.eq(author),
            users::password_hash.eq(password_hash),
            users::created_at.eq(now),
            users::updated_at.eq(now),
        ))
        .returning(users::id)
        .get_result::<i64>(conn)?;
    get(conn, id)
}

/// Applies `patch` to account `id` if its version is still `if_version`.
/// Disabling an account also ends its sessions.
pub fn update(
    conn: &mut DbConnection,
    id: i64,
    patch: &UserPatch,
    password_hash: Option<&str>,
    if_version: Option<i64>,
) -> Result<User> {
    let current = row_by_id(conn, id)?;
    super::check_version(current.version, if_version)?;
    let mut errors = FieldErrors::default();
    let email = patch
        .email
        .as_deref()
        .and_then(|e| errors.check(validate::email("email", e)));
    let name = patch
        .display_name
        .as_deref()
        .and_then(|n| errors.check(validate::text("display_name", n, 1, 120)));
    let author = match &patch.author {
        Some(Some(slug)) => Some(author_id(conn, &mut errors, slug)?),
        Some(None) => Some(None),
        None => None,
    };
    errors.into_result()?;
    if let Some(email) = &email
        && email_taken(conn, email, Some(id))?
    {
        return Err(Error::Conflict(format!("an account already uses {email}")));
    }
    let now = now();
    let disabled_at = match patch.disabled {
        Some(true) => Some(current.disabled_at.or(Some(now))),
        Some(false) => Some(None),
        None => None,
    };
    diesel::update(users::table.find(id))
        .set((
            users::email.eq(email.unwrap_or(current.email)),
            users::display_name.eq(name.unwrap_or(current.display_name)),
            users::role.eq(patch.role.map_or(current.role, |r| r.as_str().to_owned())),
            users::author_id.eq(author.unwrap_or(current.author_id)),
            users::password_hash.eq(password_hash.map_or(current.password_hash, str::to_owned)),
            users::disabled_at.eq(disabled_at.unwrap_or(current.disabled_at)),
            users::updated_at.eq(now),
            users::version.eq(current.version + 1),
        ))
        .execute(conn)?;
    if patch.disabled == Some(true) || password_hash.is_some() {
        revoke_sessions(conn, id)?;
    }
    get(conn, id)
}

/// Ends every session of the account.
pub fn revoke_sessions(conn: &mut DbConnection, user_id: i64) -> Result<()> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::user_id.eq(user_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(Some(now())))
    .execute(conn)?;
    Ok(())
}
