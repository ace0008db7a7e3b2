//! Editorial accounts: passwords, tokens, sessions and roles.

pub mod passwords;
pub mod sessions;
pub mod throttle;
pub mod tokens;
pub mod write_limit;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What an editorial account may do; each role may do all a lower one may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Creates articles, edits their own until published, uploads photos.
    Writer,
    /// Manages all content and publishes.
    Editor,
    /// Also manages users.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Writer => "writer",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "writer" => Some(Role::Writer),
            "editor" => Some(Role::Editor),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// The signed-in user a request acts for.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: i64,
    pub role: Role,
    pub display_name: String,
}

impl CurrentUser {
    /// True when the user's role is `role` or above.
    pub fn is(&self, role: Role) -> bool {
        self.role >= role
    }
}
