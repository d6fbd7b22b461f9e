ALTER TABLE posts DROP COLUMN counters;
