DROP INDEX articles_trash;
CREATE INDEX articles_trash ON articles (deleted_at);
DROP INDEX articles_section_public;
DROP INDEX articles_public;
CREATE INDEX articles_public ON articles (published_at DESC, id DESC)
    WHERE status = 'published' AND deleted_at IS NULL;
CREATE INDEX articles_section_public ON articles (section_id, published_at DESC, id DESC)
    WHERE status = 'published' AND deleted_at IS NULL;
