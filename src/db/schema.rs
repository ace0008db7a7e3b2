//! Table definitions, written by hand: `print-schema` on SQLite reports ids as
//! `Integer`, while both backends store them as 64-bit integers.

diesel::table! {
    photos (id) {
        id -> BigInt,
        storage_key -> Text,
        mime_type -> Text,
        byte_size -> BigInt,
        width -> Integer,
        height -> Integer,
        caption -> Nullable<Text>,
        credit -> Nullable<Text>,
        alt_text -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        focal_x -> Double,
        focal_y -> Double,
        uploaded_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    sections (id) {
        id -> BigInt,
        slug -> Text,
        name -> Text,
        description -> Nullable<Text>,
        parent_id -> Nullable<BigInt>,
        position -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    authors (id) {
        id -> BigInt,
        slug -> Text,
        name -> Text,
        byline -> Text,
        bio -> Nullable<Text>,
        photo_id -> Nullable<BigInt>,
        email -> Nullable<Text>,
        links -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    articles (id) {
        id -> BigInt,
        slug -> Text,
        status -> Text,
        access -> Text,
        comments -> Text,
        language -> Text,
        kicker -> Nullable<Text>,
        title -> Text,
        standfirst -> Nullable<Text>,
        body_html -> Text,
        excerpt -> Nullable<Text>,
        auto_excerpt -> Text,
        word_count -> Integer,
        section_id -> Nullable<BigInt>,
        main_photo_id -> Nullable<BigInt>,
        published_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    article_authors (article_id, author_id) {
        article_id -> BigInt,
        author_id -> BigInt,
        position -> Integer,
    }
}

diesel::table! {
    tags (id) {
        id -> BigInt,
        slug -> Text,
        name -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    article_tags (article_id, tag_id) {
        article_id -> BigInt,
        tag_id -> BigInt,
        position -> Integer,
    }
}

diesel::table! {
    related_links (id) {
        id -> BigInt,
        article_id -> BigInt,
        position -> Integer,
        title -> Text,
        kicker -> Nullable<Text>,
        url -> Nullable<Text>,
        target_article_id -> Nullable<BigInt>,
        excerpt -> Nullable<Text>,
    }
}

diesel::table! {
    article_slugs (slug) {
        slug -> Text,
        article_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        email -> Text,
        display_name -> Text,
        role -> Text,
        author_id -> Nullable<BigInt>,
        password_hash -> Text,
        disabled_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        family -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        replaced_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    article_revisions (id) {
        id -> BigInt,
        article_id -> BigInt,
        number -> Integer,
        article_version -> BigInt,
        user_id -> Nullable<BigInt>,
        change -> Text,
        snapshot -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    idempotency_keys (user_id, key) {
        user_id -> BigInt,
        key -> Text,
        request_hash -> Text,
        status -> Integer,
        location -> Nullable<Text>,
        etag -> Nullable<Text>,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// The search index: an article's normalised terms per field. SQLite
    /// indexes it with the FTS5 table `article_fts`; PostgreSQL has a `tsv`
    /// column (not mapped here) with a GIN index.
    article_search (article_id) {
        article_id -> BigInt,
        lang -> Text,
        head -> Text,
        lead -> Text,
        body -> Text,
        names -> Text,
    }
}

diesel::joinable!(articles -> sections (section_id));
diesel::joinable!(article_search -> articles (article_id));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(article_revisions -> articles (article_id));
diesel::joinable!(article_revisions -> users (user_id));
diesel::joinable!(users -> authors (author_id));
diesel::joinable!(articles -> photos (main_photo_id));
diesel::joinable!(article_authors -> articles (article_id));
diesel::joinable!(article_authors -> authors (author_id));
diesel::joinable!(article_tags -> articles (article_id));
diesel::joinable!(article_tags -> tags (tag_id));
diesel::joinable!(article_slugs -> articles (article_id));
diesel::joinable!(authors -> photos (photo_id));

diesel::allow_tables_to_appear_in_same_query!(
    photos,
    sections,
    authors,
    articles,
    article_authors,
    tags,
    article_tags,
    related_links,
    article_slugs,
    users,
    refresh_tokens,
    article_revisions,
    idempotency_keys,
    article_search,
);
