-- A number per user that every write of the user's data raises, in the same transaction as
-- the write, so that a cached answer can tell with one indexed read whether it is still
-- current, whichever process wrote.
CREATE TABLE user_data_versions (
    user_id BIGINT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    version BIGINT NOT NULL
);
INSERT INTO user_data_versions (user_id, version) SELECT id, 1 FROM users;
