-- What collection needs to know about an account.
ALTER TABLE accounts ADD COLUMN credential TEXT;
ALTER TABLE accounts ADD COLUMN status TEXT NOT NULL DEFAULT 'active';
ALTER TABLE accounts ADD COLUMN last_collected_at TIMESTAMP;

-- Collection runs, in the foreground or by the background workers.
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    state TEXT NOT NULL,
    days_back INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    started_at TIMESTAMP,
    finished_at TIMESTAMP,
    attempts INTEGER NOT NULL DEFAULT 0,
    posts_written BIGINT NOT NULL DEFAULT 0,
    observations_written BIGINT NOT NULL DEFAULT 0,
    daily_metrics_written BIGINT NOT NULL DEFAULT 0,
    outcomes TEXT NOT NULL DEFAULT '[]',
    error TEXT
);
CREATE INDEX jobs_by_user ON jobs (user_id, id);
CREATE INDEX jobs_by_state ON jobs (state, id);
-- At most one queued or running job per user: a second request finds the first.
CREATE UNIQUE INDEX jobs_one_active_per_user ON jobs (user_id) WHERE state IN ('queued', 'running');
