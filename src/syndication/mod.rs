//! News formats other systems read: feeds (RSS, Atom, JSON Feed), sitemaps,
//! schema.org JSON-LD and IPTC ninjs. Pure functions from the content
//! layer's shapes to documents; the routes are in `http::syndication`.

pub mod feeds;
pub mod jsonld;
pub mod ninjs;
pub mod sitemaps;

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::Value;

/// RFC 3339 in UTC, as the rest of the API writes times (fractions of a
/// second when there are some).
fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// Absent facts are left out rather than sent as `null`.
fn drop_nulls(value: &mut Value) {
    match value {
        Value::Object(members) => {
            members.retain(|_, v| !v.is_null());
            members.values_mut().for_each(drop_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}
