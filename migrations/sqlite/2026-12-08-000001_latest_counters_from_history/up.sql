-- The latest value of each counter is kept on the post's row alone (posts.counters). When a
-- batch adds observations to a stored post, the write path looks the latest ones up in the
-- history, whose key (post, metric, time) finds each with one index probe; the separate
-- roll-up table doubled every write of a new counter and is no longer read.
-- A last copy from the roll-up first, for rows a process older than posts.counters wrote.
UPDATE posts SET counters = latest.counters
FROM (
    SELECT post_id, group_concat(metric || '=' || value, ',' ORDER BY metric) AS counters
    FROM post_metrics
    GROUP BY post_id
) AS latest
WHERE posts.id = latest.post_id AND posts.counters IS NOT latest.counters;

DROP TABLE post_metrics;
