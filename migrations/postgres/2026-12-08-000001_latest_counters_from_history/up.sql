-- The latest value of each counter is kept on the post's row alone (posts.counters). When a
-- batch adds observations to a stored post, the write path looks the latest ones up in the
-- history, whose key (post, metric, time) finds each with one index probe; the separate
-- roll-up table doubled every write of a new counter and is no longer read. Dropping it
-- drops its triggers; the functions that deleted and emptied it with the posts now leave
-- it out.

-- A last copy from the roll-up first, for rows a process older than posts.counters wrote.
UPDATE posts SET counters = latest.counters
FROM (
    SELECT post_id, string_agg(metric || '=' || value, ',' ORDER BY metric COLLATE "C") AS counters
    FROM post_metrics
    GROUP BY post_id
) AS latest
WHERE posts.id = latest.post_id AND posts.counters IS DISTINCT FROM latest.counters;

DROP TABLE post_metrics;

CREATE OR REPLACE FUNCTION tally_delete_counters_of_deleted_posts() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'posts can only be deleted at the READ COMMITTED isolation level'
            USING ERRCODE = 'serialization_failure';
    END IF;
    DELETE FROM post_observations WHERE post_id IN (SELECT id FROM gone);
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION tally_truncate_counters() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    TRUNCATE post_observations;
    RETURN NULL;
END;
$$;
