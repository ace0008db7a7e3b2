DROP INDEX photos_newest;
ALTER TABLE photos DROP COLUMN uploaded_by;
ALTER TABLE photos DROP COLUMN focal_y;
ALTER TABLE photos DROP COLUMN focal_x;
