-- Each post's latest counters, copied from post_metrics onto the post's row as
-- `metric=value` pairs in name order, joined by commas (NULL while the post has none).
-- Reads of many posts take the counters from here instead of looking post_metrics up once
-- per post. post_metrics stays the roll-up that writes are decided on (it knows when each
-- value was observed); the store's write path refreshes this copy whenever it changes.
ALTER TABLE posts ADD COLUMN counters TEXT;

UPDATE posts SET counters = latest.counters
FROM (
    SELECT post_id, string_agg(metric || '=' || value, ',' ORDER BY metric COLLATE "C") AS counters
    FROM post_metrics
    GROUP BY post_id
) AS latest
WHERE posts.id = latest.post_id;
