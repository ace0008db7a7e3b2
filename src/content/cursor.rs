//! Opaque keyset cursors: the sort key of the last item of a page, as
//! unpadded base64url JSON. Clients pass them back untouched; anything that does
//! not decode to the expected key is rejected as a bad `cursor` parameter.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::FieldError;

/// Longest cursor accepted; real ones are far shorter.
const MAX_LEN: usize = 512;

pub fn encode<K: Serialize>(key: &K) -> String {
    // Serialising plain tuples of numbers and strings cannot fail.
    let json = serde_json::to_vec(key).expect("cursor keys serialise");
    URL_SAFE_NO_PAD.encode(json)
}

pub fn decode<K: DeserializeOwned>(cursor: &str) -> Result<K, FieldError> {
    let invalid = || FieldError::new("cursor", "is not a cursor this API issued");
    if cursor.len() > MAX_LEN {
        return Err(invalid());
    }
    let json = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    serde_json::from_slice(&json).map_err(|_| invalid())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_a_key() {
        let key = (1_738_308_600_000_000_i64, 42_i64);
        let cursor = encode(&key);
        assert_eq!(decode::<(i64, i64)>(&cursor).unwrap(), key);
        assert!(!cursor.contains('='), "unpadded: {cursor}");
    }

    #[test]
    fn rejects_forgeries() {
        for bad in ["", "abc", "!!!", "W10", "WyJ4Il0", &"A".repeat(600)] {
            let err = decode::<(i64, i64)>(bad).unwrap_err();
            assert_eq!(err.field, "cursor", "{bad}");
        }
    }
}
