-- Bearer tokens for the HTTP API. Only a hash of each token is kept; a token without a
-- user reaches every user (an admin token).
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    user_id BIGINT REFERENCES users (id) ON DELETE CASCADE,
    label TEXT NOT NULL,
    hint TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX api_tokens_by_user ON api_tokens (user_id);
