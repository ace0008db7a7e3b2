DROP TABLE idempotency_keys;
DROP TABLE article_revisions;
DROP INDEX articles_trash;
DROP INDEX articles_created_by;
ALTER TABLE articles DROP COLUMN created_by;
DROP TABLE refresh_tokens;
DROP TABLE users;
