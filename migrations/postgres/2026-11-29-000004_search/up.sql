-- Full-text search. Mirrors migrations/sqlite/ of the same name.
-- The application writes each article's normalised terms (folded, stemmed)
-- to article_search, and tsv as a tsvector literal (lexemes with positions
-- and weights: A head, B standfirst, C body, D author names), so no text
-- search configuration is involved. Articles written before this migration
-- are indexed at start-up.

CREATE TABLE article_search (
    article_id BIGINT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    lang TEXT NOT NULL,
    head TEXT NOT NULL,
    lead TEXT NOT NULL,
    body TEXT NOT NULL,
    names TEXT NOT NULL,
    tsv TSVECTOR NOT NULL,
    -- The head (kicker, title) alone, and head and standfirst: small vectors
    -- that decide the relevance tier.
    head_tsv TSVECTOR NOT NULL,
    lead_tsv TSVECTOR NOT NULL
);
CREATE INDEX article_search_tsv ON article_search USING GIN (tsv);
CREATE INDEX article_search_head_tsv ON article_search USING GIN (head_tsv);
CREATE INDEX article_search_lead_tsv ON article_search USING GIN (lead_tsv);
