-- The photo library: who uploaded what, and where to crop.
-- Mirrors migrations/sqlite/ of the same name.

ALTER TABLE photos ADD COLUMN focal_x DOUBLE PRECISION NOT NULL DEFAULT 0.5;
ALTER TABLE photos ADD COLUMN focal_y DOUBLE PRECISION NOT NULL DEFAULT 0.5;
ALTER TABLE photos ADD COLUMN uploaded_by BIGINT REFERENCES users (id) ON DELETE SET NULL;
CREATE INDEX photos_newest ON photos (created_at DESC, id DESC);
