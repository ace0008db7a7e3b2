//! The OpenAPI 3.1 description, generated from the routes themselves.

use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::{ContentBuilder, OpenApi as Document, Ref, RefOr};
use utoipa::{Modify, OpenApi, ToResponse};
use utoipa_actix_web::AppExt;

use crate::http::error::{PROBLEM_JSON, Problem};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Dépêche",
        description = "The JSON API of a daily newspaper: articles, sections, authors and photos for \
            websites, apps and editorial tools.\n\n\
            Public reads return published articles only and are cache-friendly: every response \
            carries an `ETag` and a `Cache-Control` policy, and `If-None-Match` answers \
            `304 Not Modified`. Errors are RFC 9457 problem documents (`application/problem+json`); \
            invalid input names each field at fault in `errors`.",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later"),
    ),
    tags(
        (name = "articles", description = "Articles, their teasers and related articles"),
        (name = "sections", description = "Sections of the paper"),
        (name = "authors", description = "Authors and their bylines"),
        (name = "photos", description = "Photos and image files"),
        (name = "syndication", description = "Feeds (RSS 2.0, Atom 1.0, JSON Feed 1.1) and sitemaps (with Google News)"),
        (name = "auth", description = "Editorial sign-in: access and refresh tokens"),
        (name = "editorial", description = "Writing, the workflow and history (bearer token; the role each needs is stated)"),
        (name = "users", description = "Editorial accounts (admins)"),
        (name = "operations", description = "Health, readiness and this description"),
    ),
    components(
        schemas(Problem),
        responses(
            BadRequest, Unauthorized, Forbidden, NotFound, NotModified, Conflict, PreconditionFailed,
            PayloadTooLarge, UriTooLong, UnsupportedMediaType, TooManyRequests,
            HeaderFieldsTooLarge, ServiceUnavailable, InternalError,
        ),
    ),
    modifiers(&BearerScheme),
)]
struct ApiDoc;

/// Declares the bearer token scheme the editorial routes name.
struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, doc: &mut Document) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "An access token from `POST /api/v1/auth/login` or `/auth/refresh`, valid 15 minutes by default.",
                    ))
                    .build(),
            ),
        );
    }
}

fn problem_response(description: &str) -> ResponseBuilder {
    ResponseBuilder::new().description(description).content(
        PROBLEM_JSON,
        ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("Problem")))
            .build(),
    )
}

/// A problem that tells the client when to try again.
fn retry_response(description: &str) -> ResponseBuilder {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    let seconds = ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(1));
    problem_response(description).header(
        "Retry-After",
        utoipa::openapi::HeaderBuilder::new()
            .schema(seconds)
            .description(Some("Seconds to wait before trying again"))
            .build(),
    )
}

/// Declares reusable responses, referenced by name from the routes.
macro_rules! responses {
    ($($name:ident => $description:literal $(, $kind:ident)?;)+) => {$(
        #[doc = $description]
        pub struct $name;
        impl<'r> ToResponse<'r> for $name {
            fn response() -> (&'r str, RefOr<Response>) {
                (stringify!($name), responses!(@body $description $(, $kind)?))
            }
        }
    )+};
    (@body $description:literal) => { problem_response($description).build().into() };
    (@body $description:literal, retry) => { retry_response($description).build().into() };
    (@body $description:literal, empty) => {
        ResponseBuilder::new().description($description).build().into()
    };
}

responses! {
    BadRequest => "The request is invalid: `errors` names each field at fault";
    Unauthorized => "No valid access token (missing, malformed, forged, expired, or of a disabled account), or a failed sign-in";
    Forbidden => "The signed-in user's role does not allow this";
    NotFound => "No such resource, or not one you may see";
    Conflict => "The request conflicts with the resource's state (a transition that makes no sense, a slug or e-mail already used, a resource still referenced)";
    PreconditionFailed => "`If-Match` names a version that is no longer current; nothing was changed";
    PayloadTooLarge => "The body is larger than the configured limit";
    UnsupportedMediaType => "The body must be JSON";
    TooManyRequests => "Too many requests: failed sign-ins, or one account's writes over `DEPECHE_WRITES_PER_MINUTE`; nothing was changed; retry after the `Retry-After` delay", retry;
    NotModified => "The representation named in `If-None-Match` is still current", empty;
    ServiceUnavailable => "The database is unavailable; retry after the `Retry-After` delay", retry;
    InternalError => "The server failed; the cause is logged, not disclosed";
    UriTooLong => "The path or the query string is longer than this API accepts; `errors` names which";
    HeaderFieldsTooLarge => "A header, or all of them together, is larger than this API accepts; `errors` names it";
}

/// The operations of a path, each with whether it writes.
fn operations(item: &mut PathItem) -> impl Iterator<Item = (&mut Operation, bool)> {
    [
        (&mut item.get, false),
        (&mut item.post, true),
        (&mut item.put, true),
        (&mut item.patch, true),
        (&mut item.delete, true),
    ]
    .into_iter()
    .filter_map(|(op, writes)| op.as_mut().map(|op| (op, writes)))
}

/// Adds the failures any operation may meet to every operation that may
/// meet them.
struct CommonResponses;

impl Modify for CommonResponses {
    fn modify(&self, doc: &mut Document) {
        for item in doc.paths.paths.values_mut() {
            for (op, writes) in operations(item) {
                // Any request can be too long in its URI or its headers.
                let mut common = vec![
                    ("414", "UriTooLong"),
                    ("431", "HeaderFieldsTooLarge"),
                    ("500", "InternalError"),
                    ("503", "ServiceUnavailable"),
                ];
                // Whatever reads a body can meet a malformed, oversized or
                // non-JSON one, and authenticated routes a missing token.
                if op.request_body.is_some() {
                    common.extend([
                        ("400", "BadRequest"),
                        ("413", "PayloadTooLarge"),
                        ("415", "UnsupportedMediaType"),
                    ]);
                }
                if op.security.as_ref().is_some_and(|s| !s.is_empty()) {
                    common.push(("401", "Unauthorized"));
                    // Writes are limited per account.
                    if writes {
                        common.push(("429", "TooManyRequests"));
                    }
                }
                for (status, name) in common {
                    op.responses
                        .responses
                        .entry(status.to_owned())
                        .or_insert_with(|| Ref::from_response_name(name).into());
                }
            }
        }
    }
}

/// Every optional query parameter counts as absent when empty (`?cursor=`,
/// as forms send them: `content::given`); the document says so.
struct EmptyQueryValues;

impl Modify for EmptyQueryValues {
    fn modify(&self, doc: &mut Document) {
        use utoipa::openapi::path::ParameterIn;
        for item in doc.paths.paths.values_mut() {
            for (op, _) in operations(item) {
                let optional_query = op.parameters.iter_mut().flatten().filter(|p| {
                    p.parameter_in == ParameterIn::Query && p.required == utoipa::openapi::Required::False
                });
                for parameter in optional_query {
                    // utoipa has no field for it; extensions are written inline.
                    parameter
                        .extensions
                        .get_or_insert_with(Default::default)
                        .insert("allowEmptyValue".to_owned(), true.into());
                }
            }
        }
    }
}

/// The whole document: the routes as registered, plus the description above.
pub fn document() -> Document {
    let (_, mut doc) = actix_web::App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(crate::http::routes)
        .split_for_parts();
    // Modifiers ran on the description before the routes joined it.
    CommonResponses.modify(&mut doc);
    EmptyQueryValues.modify(&mut doc);
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    doc
}

/// The document as committed in `openapi/openapi.json`.
pub fn document_json() -> String {
    let mut json = document()
        .to_pretty_json()
        .expect("the OpenAPI document serialises");
    json.push('\n');
    json
}
