DROP TABLE jobs;
ALTER TABLE accounts DROP COLUMN last_collected_at;
ALTER TABLE accounts DROP COLUMN status;
ALTER TABLE accounts DROP COLUMN credential;
