CREATE TABLE post_metrics (
    post_id BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    metric TEXT NOT NULL,
    observed_at TIMESTAMP NOT NULL,
    value BIGINT NOT NULL,
    PRIMARY KEY (post_id, metric)
) WITHOUT ROWID;

-- The latest observation of each counter of each post.
INSERT INTO post_metrics (post_id, metric, observed_at, value)
SELECT post_id, metric, observed_at, value
FROM post_observations AS observation
WHERE observed_at = (
    SELECT max(observed_at) FROM post_observations AS later
    WHERE later.post_id = observation.post_id AND later.metric = observation.metric
);
