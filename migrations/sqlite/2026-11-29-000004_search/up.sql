-- Full-text search. Mirrors migrations/postgres/ of the same name.
-- The application writes each article's normalised terms (folded, stemmed)
-- to article_search; FTS5 indexes them, kept in step by the triggers below.
-- Articles written before this migration are indexed at start-up.

CREATE TABLE article_search (
    article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    lang TEXT NOT NULL,
    head TEXT NOT NULL,
    lead TEXT NOT NULL,
    body TEXT NOT NULL,
    names TEXT NOT NULL
);

CREATE VIRTUAL TABLE article_fts USING fts5 (
    lang, head, lead, body, names,
    content = 'article_search',
    content_rowid = 'article_id',
    tokenize = 'unicode61 remove_diacritics 0',
    prefix = '2 3'
);

CREATE TRIGGER article_search_insert AFTER INSERT ON article_search BEGIN
    INSERT INTO article_fts (rowid, lang, head, lead, body, names)
    VALUES (new.article_id, new.lang, new.head, new.lead, new.body, new.names);
END;

CREATE TRIGGER article_search_delete AFTER DELETE ON article_search BEGIN
    INSERT INTO article_fts (article_fts, rowid, lang, head, lead, body, names)
    VALUES ('delete', old.article_id, old.lang, old.head, old.lead, old.body, old.names);
END;

CREATE TRIGGER article_search_update AFTER UPDATE ON article_search BEGIN
    INSERT INTO article_fts (article_fts, rowid, lang, head, lead, body, names)
    VALUES ('delete', old.article_id, old.lang, old.head, old.lead, old.body, old.names);
    INSERT INTO article_fts (rowid, lang, head, lead, body, names)
    VALUES (new.article_id, new.lang, new.head, new.lead, new.body, new.names);
END;
