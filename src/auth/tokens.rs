//! Access tokens (HS256 JWTs, short-lived) and refresh tokens (random,
//! stored hashed).

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Role;

/// Shortest secret accepted for signing.
pub const MIN_SECRET_BYTES: usize = 32;
const AUDIENCE: &str = "depeche-editorial";

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    /// The user id.
    pub sub: String,
    pub role: Role,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
}

/// Signs and checks access tokens. One algorithm, one key, one issuer and
/// one audience: anything else is refused.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    pub access_ttl: Duration,
    pub refresh_ttl: Duration,
}

impl TokenKeys {
    pub fn new(
        secret: &[u8],
        issuer: &str,
        access_ttl: Duration,
        refresh_ttl: Duration,
    ) -> anyhow::Result<Self> {
        if secret.len() < MIN_SECRET_BYTES {
            anyhow::bail!("the token secret must be at least {MIN_SECRET_BYTES} bytes");
        }
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        validation.leeway = 5;
        Ok(Self {
            encoding: EncodingKey::from_secret(secret)?,
            decoding: DecodingKey::from_secret(secret)?,
            validation,
            issuer: issuer.to_owned(),
            access_ttl,
            refresh_ttl,
        })
    }

    /// An access token for `user_id`; also returns its lifetime in seconds.
    pub fn issue(&self, user_id: i64, role: Role) -> anyhow::Result<(String, i64)> {
        let now = Utc::now().timestamp();
        let ttl = i64::try_from(self.access_ttl.as_secs()).unwrap_or(i64::MAX);
        let claims = Claims {
            sub: user_id.to_string(),
            role,
            iat: now,
            exp: now.saturating_add(ttl),
            iss: self.issuer.clone(),
            aud: AUDIENCE.to_owned(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?;
        Ok((token, ttl))
    }

    /// The claims of a valid token: right algorithm and signature, not
    /// expired, issued by us for our audience.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .ok()?
            .claims;
        // A token claiming to be issued in the future was not issued by us.
        (claims.iat <= Utc::now().timestamp() + 60).then_some(claims)
    }
}

/// A new refresh token: what the client keeps, and what the database keeps.
pub fn new_refresh_token() -> (String, String) {
    let token = URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>());
    let hash = hash_refresh_token(&token);
    (token, hash)
}

pub fn hash_refresh_token(token: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> TokenKeys {
        TokenKeys::new(
            &[7; 32],
            "https://news.example",
            Duration::from_secs(900),
            Duration::from_secs(3600),
        )
        .unwrap()
    }

    #[test]
    fn issued_tokens_verify() {
        let keys = keys();
        let (token, ttl) = keys.issue(42, Role::Editor).unwrap();
        assert_eq!(ttl, 900);
        let claims = keys.verify(&token).unwrap();
        assert_eq!((claims.sub.as_str(), claims.role), ("42", Role::Editor));
    }

    #[test]
    fn refuses_short_secrets_and_foreign_tokens() {
        assert!(TokenKeys::new(&[1; 31], "x", Duration::ZERO, Duration::ZERO).is_err());
        let other = TokenKeys::new(
            &[8; 32],
            "https://news.example",
            Duration::from_secs(900),
            Duration::ZERO,
        )
        .unwrap();
        let (token, _) = other.issue(1, Role::Admin).unwrap();
        assert!(keys().verify(&token).is_none(), "another key");
        let elsewhere = TokenKeys::new(
            &[7; 32],
            "https://other.example",
            Duration::from_secs(900),
            Duration::ZERO,
        )
        .unwrap();
        let (token, _) = elsewhere.issue(1, Role::Admin).unwrap();
        assert!(keys().verify(&token).is_none(), "another issuer");
        assert!(keys().verify("not.a.token").is_none());
    }

    #[test]
    fn refresh_tokens_are_random_and_hashed() {
        let (a, hash) = new_refresh_token();
        let (b, _) = new_refresh_token();
        assert_ne!(a, b);
        assert_eq!(hash_refresh_token(&a), hash);
        assert_ne!(hash, a);
    }
}
