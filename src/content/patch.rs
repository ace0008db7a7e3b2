//! JSON merge patch (RFC 7396), and the serde helper that tells an absent
//! field from one set to `null`.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::{Error, FieldError, Result};

/// Parses a JSON document into `T`, naming the field of the first error.
pub fn parse<T: DeserializeOwned>(value: Value) -> Result<T> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let field = e.path().to_string();
        let field = if field == "." { "body".to_owned() } else { field };
        Error::Invalid(vec![FieldError::new(field, e.into_inner().to_string())])
    })
}

/// `current` with the merge patch applied, parsed back into its type.
pub fn apply<T: Serialize + DeserializeOwned>(current: &T, patch: &Value) -> Result<T> {
    let Value::Object(members) = patch else {
        return Err(FieldError::new("body", "must be a JSON object (a merge patch)").into());
    };
    let mut document = serde_json::to_value(current).expect("documents serialise");
    // Removing a member the document lacks changes nothing (RFC 7396), but
    // a member the type does not have at all is still an unknown field: the
    // type says which, given the member as null.
    for (key, _) in members
        .iter()
        .filter(|(key, value)| value.is_null() && document.get(key).is_none())
    {
        let mut probe = document.clone();
        probe[key] = Value::Null;
        parse::<T>(probe)?;
    }
    merge(&mut document, patch);
    parse(document)
}

/// Applies `patch` to `target` as RFC 7396 says: objects merge member by
/// member, `null` removes, anything else replaces.
pub fn merge(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(serde_json::Map::new());
    }
    let Value::Object(target) = target else {
        unreachable!("made an object above")
    };
    for (key, value) in patch {
        if value.is_null() {
            target.remove(key);
        } else {
            merge(target.entry(key.clone()).or_insert(Value::Null), value);
        }
    }
}

/// For `Option<Option<T>>` fields: absent is `None`, `null` is `Some(None)`.
pub fn double_option<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn follows_the_rfc_examples() {
        let mut doc = json!({"title": "Goodbye!", "author": {"givenName": "John", "familyName": "Doe"},
            "tags": ["example", "sample"], "content": "This will be unchanged"});
        merge(
            &mut doc,
            &json!({"title": "Hello!", "phoneNumber": "+01-123-456-7890",
                "author": {"familyName": null}, "tags": ["example"]}),
        );
        assert_eq!(
            doc,
            json!({"title": "Hello!", "author": {"givenName": "John"}, "tags": ["example"],
                "content": "This will be unchanged", "phoneNumber": "+01-123-456-7890"})
        );
        let mut scalar = json!({"a": "b"});
        merge(&mut scalar, &json!(["c"]));
        assert_eq!(scalar, json!(["c"]));
        let mut nested = json!({"a": "foo"});
        merge(&mut nested, &json!({"a": {"bb": {"ccc": null}}}));
        assert_eq!(nested, json!({"a": {"bb": {}}}));
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Doc {
        name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    }

    #[test]
    fn removing_an_unknown_member_is_refused() {
        let doc = Doc {
            name: "a".into(),
            note: None,
        };
        let cleared = apply(&doc, &json!({"note": null})).unwrap();
        assert_eq!(cleared, doc, "a known member, absent, may be removed");
        let Err(Error::Invalid(errors)) = apply(&doc, &json!({"surprise": null})) else {
            panic!("an unknown member is refused");
        };
        assert!(errors[0].message.contains("surprise"), "{errors:?}");
    }
}
