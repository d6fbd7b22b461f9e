CREATE TABLE post_metrics (
    post_id BIGINT NOT NULL,
    metric TEXT NOT NULL,
    observed_at TIMESTAMP NOT NULL,
    value BIGINT NOT NULL,
    PRIMARY KEY (post_id, metric)
);

-- The latest observation of each counter of each post.
INSERT INTO post_metrics (post_id, metric, observed_at, value)
SELECT DISTINCT ON (post_id, metric) post_id, metric, observed_at, value
FROM post_observations
ORDER BY post_id, metric, observed_at DESC;

CREATE TRIGGER post_metrics_need_posts
    AFTER INSERT ON post_metrics
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION tally_counters_need_their_posts();
CREATE TRIGGER post_metrics_keep_post_id
    BEFORE UPDATE ON post_metrics
    FOR EACH ROW WHEN (NEW.post_id IS DISTINCT FROM OLD.post_id)
    EXECUTE FUNCTION tally_refuse_post_id_change();

CREATE OR REPLACE FUNCTION tally_delete_counters_of_deleted_posts() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'posts can only be deleted at the READ COMMITTED isolation level'
            USING ERRCODE = 'serialization_failure';
    END IF;
    DELETE FROM post_observations WHERE post_id IN (SELECT id FROM gone);
    DELETE FROM post_metrics WHERE post_id IN (SELECT id FROM gone);
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION tally_truncate_counters() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    TRUNCATE post_observations, post_metrics;
    RETURN NULL;
END;
$$;
