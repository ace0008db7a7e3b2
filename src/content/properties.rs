//! Properties of the parsers and validators that input from anywhere meets,
//! checked on generated input.

use proptest::prelude::*;
use serde_json::{Value, json};

use super::articles::{ListParams, ListQuery};
use super::{cursor, html, patch, text, validate};

/// Strings that look like what an attacker or a careless paste sends.
fn hostile_html() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//x.example/a.js>",
        "<img src=x onerror=alert(1)>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
        "<a href=\"&#106;avascript:alert(1)\">x</a>",
        "<svg onload=alert(1)>",
        "<p onclick=\"x()\">",
        "<iframe src=//x.example>",
        "<style>*{}</style>",
        "</p>",
        "<p>",
        "<em>",
        "<a href=\"https://ok.example\">",
        "«Texte» l’OIM ɛɔɲŋ ",
        "&amp;",
        "<",
        ">",
        "\"",
        "'",
        "<!--",
        "-->",
        "<![CDATA[",
    ]);
    prop::collection::vec(pieces, 0..24).prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn sanitised_html_is_stable_and_inert(input in hostile_html()) {
        let once = html::sanitise(&input);
        prop_assert_eq!(html::sanitise(&once), once.clone(), "sanitising twice changes nothing");
        // Text may mention anything once escaped ("&lt;script"); the tags
        // themselves must be harmless.
        let lower = once.to_lowercase();
        for tag in lower.split('<').skip(1).filter_map(|rest| rest.split_once('>').map(|(tag, _)| tag)) {
            let name = tag.trim_start_matches('/').split([' ', '/']).next().unwrap_or_default();
            prop_assert!(!["script", "iframe", "svg", "style", "object"].contains(&name), "<{}>", tag);
            prop_assert!(!tag.contains(" on"), "event handler in <{}>", tag);
            prop_assert!(!tag.contains("javascript:"), "script URL in <{}>", tag);
        }
    }

    #[test]
    fn sanitising_any_text_never_panics(input in any::<String>()) {
        let once = html::sanitise(&input);
        prop_assert_eq!(html::sanitise(&once), once);
    }

    #[test]
    fn generated_slugs_are_valid(headline in any::<String>()) {
        let slug = text::slugify(&headline);
        prop_assert!(slug.is_empty() || validate::slug("slug", &slug).is_ok(), "{:?} → {:?}", headline, slug);
        prop_assert_eq!(text::slugify(&slug), slug.clone());
    }

    #[test]
    fn cursors_round_trip_and_forgeries_are_refused(at in any::<i64>(), id in any::<i64>(), junk in any::<String>()) {
        let encoded = cursor::encode(&(at, id));
        prop_assert_eq!(cursor::decode::<(i64, i64)>(&encoded).unwrap(), (at, id));
        if let Err(e) = cursor::decode::<(i64, i64)>(&junk) {
            prop_assert_eq!(e.field, "cursor");
        }
    }

    #[test]
    fn list_filters_never_panic_and_name_only_their_own_fields(
        values in prop::collection::vec(prop::option::of(any::<String>()), 9)
    ) {
        let params = ListParams {
            section: values[0].clone(),
            author: values[1].clone(),
            tag: values[2].clone(),
            since: values[3].clone(),
            until: values[4].clone(),
            limit: values[5].clone(),
            cursor: values[6].clone(),
            status: values[7].clone(),
            q: values[8].clone(),
        };
        if let Err(errors) = ListQuery::parse(&params) {
            for e in errors {
                prop_assert!(
                    ["q", "section", "author", "tag", "since", "until", "limit", "cursor", "status"]
                        .contains(&e.field.as_str()),
                    "{:?}", e
                );
            }
        }
    }

    #[test]
    fn merge_patches_are_idempotent(doc in json_object(), patch_doc in json_object()) {
        let mut once = doc.clone();
        patch::merge(&mut once, &patch_doc);
        let mut twice = once.clone();
        patch::merge(&mut twice, &patch_doc);
        prop_assert_eq!(&once, &twice);
        let mut untouched = doc.clone();
        patch::merge(&mut untouched, &json!({}));
        prop_assert_eq!(untouched, doc);
    }

    #[test]
    fn text_validators_trim_bound_and_never_panic(input in any::<String>(), max in 1usize..50) {
        if let Ok(clean) = validate::text("t", &input, 1, max) {
            prop_assert_eq!(clean.trim(), clean.as_str());
            prop_assert!(clean.chars().count() <= max);
        }
        let _ = validate::email("e", &input);
        let _ = validate::url("u", &input);
        let _ = validate::language("l", &input);
        let cut = text::truncate_words(&input, max);
        prop_assert!(cut.chars().count() <= max + 1);
    }
}

fn json_object() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i32>().prop_map(Value::from),
        "[a-zé’ ]{0,8}".prop_map(Value::from),
    ];
    let value = leaf.prop_recursive(3, 16, 4, |inner| {
        prop::collection::btree_map("[a-c]", inner, 0..4).prop_map(|m| Value::Object(m.into_iter().collect()))
    });
    prop::collection::btree_map("[a-e]", value, 0..5).prop_map(|m| Value::Object(m.into_iter().collect()))
}
