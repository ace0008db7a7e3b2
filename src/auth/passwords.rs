//! Password hashing with argon2id. Both functions are CPU-heavy by design: call
//! them off the async executor.

use argon2::{Argon2, PasswordHasher, PasswordVerifier};

use crate::content::FieldError;

pub const MIN_LENGTH: usize = 12;
pub const MAX_LENGTH: usize = 1024;

/// Checks a new password against the policy, naming `field` when it fails.
pub fn check_policy(field: &str, password: &str) -> Result<(), FieldError> {
    let chars = password.chars().count();
    if chars < MIN_LENGTH {
        return Err(FieldError::new(
            field,
            format!("must be at least {MIN_LENGTH} characters"),
        ));
    }
    if password.len() > MAX_LENGTH {
        return Err(FieldError::new(
            field,
            format!("must be at most {MAX_LENGTH} bytes"),
        ));
    }
    Ok(())
}

/// The PHC string of an argon2id hash of `password`, with a fresh salt.
pub fn hash(password: &str) -> anyhow::Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
}

/// True when `password` matches the stored `hash`.
pub fn verify(password: &str, hash: &str) -> bool {
    password.len() <= MAX_LENGTH
        && Argon2::default()
            .verify_password(password.as_bytes(), hash)
            .is_ok()
}

/// A hash that matches no password, verified against when the account does
/// not exist so that timing does not tell whether it does.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash(&format!("{:032x}", rand::random::<u128>())).expect("hashing works"))
}

/// A random password for generated accounts: 24 characters, ~143 bits.
pub fn generate() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..24)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ() {
        let a = hash("correct horse battery").unwrap();
        let b = hash("correct horse battery").unwrap();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b, "salted");
        assert!(verify("correct horse battery", &a));
        assert!(!verify("correct horse batterY", &a));
        assert!(!verify("anything", decoy_hash()));
    }

    #[test]
    fn policy_names_the_field() {
        assert_eq!(check_policy("password", "short").unwrap_err().field, "password");
        assert!(check_policy("password", "ɛɔɲŋ ɛɔɲŋ ɛɔɲŋ").is_ok());
        assert!(check_policy("password", &"x".repeat(2000)).is_err());
        assert_eq!(generate().len(), 24);
    }
}
