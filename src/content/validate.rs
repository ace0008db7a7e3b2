//! Field validators shared by every resource: each returns the cleaned value
//! or an error naming the field.

use super::FieldError;

/// Trimmed text of `min..=max` characters, without control characters other
/// than line breaks and tabs.
pub fn text(field: &str, value: &str, min: usize, max: usize) -> Result<String, FieldError> {
    let value = value.trim();
    let chars = value.chars().count();
    if chars < min {
        return Err(FieldError::new(
            field,
            if min <= 1 {
                "is required".to_owned()
            } else {
                format!("must be at least {min} characters")
            },
        ));
    }
    if chars > max {
        return Err(FieldError::new(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(FieldError::new(field, "must not contain control characters"));
    }
    Ok(value.to_owned())
}

/// Text that must be given: absent is "is required", like blank.
pub fn required_text(field: &str, value: Option<&str>, max: usize) -> Result<String, FieldError> {
    text(field, value.unwrap_or_default(), 1, max)
}

/// The slug a resource gets: the one given, else the one it has, else one
/// made from its name.
pub fn slug_or_default(
    given: Option<String>,
    current: Option<&str>,
    name: &str,
) -> Result<String, FieldError> {
    let slug = given
        .or_else(|| current.map(str::to_owned))
        .unwrap_or_else(|| super::text::slugify(name));
    if slug.is_empty() {
        return Err(FieldError::new("slug", "cannot be made from this name; give one"));
    }
    Ok(slug)
}

/// Optional text: absent or blank is `None`.
pub fn optional_text(field: &str, value: Option<&str>, max: usize) -> Result<Option<String>, FieldError> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => text(field, v, 1, max).map(Some),
    }
}

/// A slug: lowercase ASCII letters and digits in words joined by single hyphens.
pub fn slug(field: &str, value: &str) -> Result<String, FieldError> {
    let ok = !value.is_empty()
        && value.len() <= 120
        && value.split('-').all(|word| {
            !word.is_empty() && word.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    if ok {
        Ok(value.to_owned())
    } else {
        Err(FieldError::new(
            field,
            "must be 1 to 120 lowercase letters, digits and single hyphens, like 'politique-migratoire'",
        ))
    }
}

/// An e-mail address, lowercased.
pub fn email(field: &str, value: &str) -> Result<String, FieldError> {
    let value = value.trim().to_lowercase();
    let valid = value.len() <= 254
        && !value.chars().any(|c| c.is_whitespace() || c.is_control())
        && value.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if valid {
        Ok(value)
    } else {
        Err(FieldError::new(field, "must be an e-mail address"))
    }
}

/// An absolute http(s) URL.
pub fn url(field: &str, value: &str) -> Result<String, FieldError> {
    let value = value.trim();
    match url::Url::parse(value) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() && value.len() <= 2000 => {
            Ok(u.to_string())
        }
        _ => Err(FieldError::new(field, "must be an absolute http or https URL")),
    }
}

/// A BCP 47 language tag such as `fr`, `en-GB` or `bm`.
pub fn language(field: &str, value: &str) -> Result<String, FieldError> {
    let mut parts = value.split('-');
    let primary = parts.next().unwrap_or_default();
    let ok = (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    if ok {
        Ok(value.to_owned())
    } else {
        Err(FieldError::new(
            field,
            "must be a language tag such as 'fr' or 'en-GB'",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_trimmed_and_bounded() {
        assert_eq!(text("t", "  «Titre» ɛɔɲŋ 🙂 ", 1, 20).unwrap(), "«Titre» ɛɔɲŋ 🙂");
        assert_eq!(text("t", "   ", 1, 20).unwrap_err().message, "is required");
        assert!(text("t", "abc", 1, 2).is_err());
        assert!(text("t", "a\u{0}b", 1, 20).is_err());
        assert_eq!(optional_text("k", Some("  "), 5).unwrap(), None);
    }

    #[test]
    fn slugs_emails_urls_languages() {
        assert!(slug("s", "politique-migratoire-2025").is_ok());
        for bad in ["", "-a", "a-", "a--b", "A", "é", "a b", "a/b", "../x"] {
            assert!(slug("s", bad).is_err(), "{bad}");
        }
        assert_eq!(
            email("e", " Redaction@Journal.example ").unwrap(),
            "redaction@journal.example"
        );
        for bad in ["", "a", "a@b", "@b.c", "a@b.c d", "a@@b.c", "a@.b"] {
            assert!(email("e", bad).is_err(), "{bad}");
        }
        assert!(url("u", "https://www.journal.example/a?b=c").is_ok());
        for bad in [
            "javascript:alert(1)",
            "ftp://x.y",
            "//x.y",
            "/relative",
            "http://",
        ] {
            assert!(url("u", bad).is_err(), "{bad}");
        }
        for good in ["fr", "en-GB", "bm", "fr-ML"] {
            assert!(language("l", good).is_ok(), "{good}");
        }
        for bad in ["", "f", "FR", "fr_FR", "français"] {
            assert!(language("l", bad).is_err(), "{bad}");
        }
    }
}
