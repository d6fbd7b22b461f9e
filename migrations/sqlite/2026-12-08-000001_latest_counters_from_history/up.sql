-- The latest value of each counter is kept on the post's row alone (posts.counters). When a
-- batch adds observations to a stored post, the write path looks the latest ones up in the
-- history, whose key (post, metric, time) finds each with one index probe; the separate
-- roll-up table doubled every write of a new counter and is no longer read.
DROP TABLE post_metrics;
