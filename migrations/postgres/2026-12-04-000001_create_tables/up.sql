-- People whose accounts tally analyzes. Ids are chosen by the caller.
CREATE TABLE users (
    id BIGINT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    timezone TEXT NOT NULL DEFAULT 'UTC',
    created_at TIMESTAMP NOT NULL
);

-- A user's connected account on one platform.
CREATE TABLE accounts (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    platform TEXT NOT NULL,
    handle TEXT NOT NULL,
    base_url TEXT,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (user_id, platform, handle)
);

-- Posts, with the owner and platform copied from the account so that reads by user need no join.
CREATE TABLE posts (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL,
    platform TEXT NOT NULL,
    external_id TEXT NOT NULL,
    content_type TEXT NOT NULL,
    published_at TIMESTAMP NOT NULL,
    url TEXT,
    title TEXT,
    UNIQUE (account_id, external_id)
);
CREATE INDEX posts_by_user_time ON posts (user_id, published_at);
CREATE INDEX posts_by_user_platform_time ON posts (user_id, platform, published_at);

-- Every observation of a post's counters (engagement and performance), for history.
CREATE TABLE post_observations (
    post_id BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    metric TEXT NOT NULL,
    observed_at TIMESTAMP NOT NULL,
    value BIGINT NOT NULL,
    PRIMARY KEY (post_id, metric, observed_at)
);

-- Roll-up kept on write: the latest observation of each counter of each post.
CREATE TABLE post_metrics (
    post_id BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    metric TEXT NOT NULL,
    observed_at TIMESTAMP NOT NULL,
    value BIGINT NOT NULL,
    PRIMARY KEY (post_id, metric)
);

-- One account-wide figure per account, metric and day.
CREATE TABLE account_daily_metrics (
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    metric TEXT NOT NULL,
    day DATE NOT NULL,
    value BIGINT NOT NULL,
    observed_at TIMESTAMP NOT NULL,
    user_id BIGINT NOT NULL,
    platform TEXT NOT NULL,
    PRIMARY KEY (account_id, metric, day)
);
CREATE INDEX account_daily_metrics_by_user_day ON account_daily_metrics (user_id, day);
