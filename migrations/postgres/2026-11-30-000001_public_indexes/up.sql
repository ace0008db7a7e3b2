-- Public reads ask for articles whose status is published or scheduled (a
-- scheduled article is visible once its time has come): the partial indexes
-- say exactly that, so that the planner can use them.
DROP INDEX articles_public;
DROP INDEX articles_section_public;
CREATE INDEX articles_public ON articles (published_at DESC, id DESC)
    WHERE status IN ('published', 'scheduled') AND deleted_at IS NULL;
CREATE INDEX articles_section_public ON articles (section_id, published_at DESC, id DESC)
    WHERE status IN ('published', 'scheduled') AND deleted_at IS NULL;
-- Only trashed articles: an index over every NULL would lure the planner
-- into reading the whole table for "not in the trash".
DROP INDEX articles_trash;
CREATE INDEX articles_trash ON articles (deleted_at) WHERE deleted_at IS NOT NULL;
