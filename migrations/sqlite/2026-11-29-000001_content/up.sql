-- The news content model. Mirrors migrations/postgres/ of the same name.
-- Times are UTC, written by the application with microsecond precision.

CREATE TABLE photos (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    storage_key TEXT NOT NULL,
    mime_type TEXT NOT NULL,
    byte_size BIGINT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    caption TEXT,
    credit TEXT,
    alt_text TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX photos_storage_key ON photos (storage_key);

CREATE TABLE sections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT,
    parent_id BIGINT REFERENCES sections (id) ON DELETE RESTRICT,
    position INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX sections_parent ON sections (parent_id, position);

CREATE TABLE authors (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    byline TEXT NOT NULL,
    bio TEXT,
    photo_id BIGINT REFERENCES photos (id) ON DELETE SET NULL,
    email TEXT,
    links TEXT NOT NULL DEFAULT '[]',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX authors_name ON authors (name, id);

CREATE TABLE articles (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'in_review', 'scheduled', 'published', 'archived')),
    access TEXT NOT NULL DEFAULT 'public' CHECK (access IN ('public', 'subscribers')),
    comments TEXT NOT NULL DEFAULT 'subscribers_only'
        CHECK (comments IN ('open', 'subscribers_only', 'closed')),
    language TEXT NOT NULL DEFAULT 'fr',
    kicker TEXT,
    title TEXT NOT NULL,
    standfirst TEXT,
    body_html TEXT NOT NULL DEFAULT '',
    excerpt TEXT,
    auto_excerpt TEXT NOT NULL DEFAULT '',
    word_count INTEGER NOT NULL DEFAULT 0,
    section_id BIGINT REFERENCES sections (id) ON DELETE RESTRICT,
    main_photo_id BIGINT REFERENCES photos (id) ON DELETE RESTRICT,
    published_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP,
    version BIGINT NOT NULL DEFAULT 1
);
-- Public lists: newest first, keyset on (published_at, id), optionally per section.
CREATE INDEX articles_public ON articles (published_at DESC, id DESC)
    WHERE status = 'published' AND deleted_at IS NULL;
CREATE INDEX articles_section_public ON articles (section_id, published_at DESC, id DESC)
    WHERE status = 'published' AND deleted_at IS NULL;
CREATE INDEX articles_status ON articles (status, updated_at DESC, id DESC);

CREATE TABLE article_authors (
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    author_id BIGINT NOT NULL REFERENCES authors (id) ON DELETE RESTRICT,
    position INTEGER NOT NULL,
    PRIMARY KEY (article_id, author_id)
);
CREATE INDEX article_authors_author ON article_authors (author_id, article_id);

CREATE TABLE tags (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX tags_name ON tags (name, id);

CREATE TABLE article_tags (
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    tag_id BIGINT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    PRIMARY KEY (article_id, tag_id)
);
CREATE INDEX article_tags_tag ON article_tags (tag_id, article_id);

CREATE TABLE related_links (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    kicker TEXT,
    url TEXT,
    target_article_id BIGINT REFERENCES articles (id) ON DELETE CASCADE,
    excerpt TEXT,
    CHECK (url IS NOT NULL OR target_article_id IS NOT NULL)
);
CREATE INDEX related_links_article ON related_links (article_id, position);
CREATE INDEX related_links_target ON related_links (target_article_id);

-- Slugs an article answered to before its current one, for 301 redirects.
CREATE TABLE article_slugs (
    slug TEXT PRIMARY KEY NOT NULL,
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX article_slugs_article ON article_slugs (article_id);
