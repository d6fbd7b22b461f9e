-- Counter rows (post_observations and post_metrics) keep referring only to stored posts, and
-- go with their post; but the checks run once per statement over its distinct posts instead
-- of once per row. The per-row foreign-key checks cost about half of every ingest, where a
-- batch stores tens of thousands of counter rows for a few thousand posts.
--
-- Differences from the foreign keys they replace: a counter row can no longer move to
-- another post (tally never moves one); TRUNCATE of posts empties the counter tables
-- instead of being refused; posts can only be deleted at READ COMMITTED, the isolation
-- level tally's connections run at (a foreign key would give a serialization error only
-- when a concurrent writer actually got in the way); and the triggers can be disabled like
-- any user trigger. The functions resolve table names in
-- the schema they were created in, whatever the caller's search_path.
ALTER TABLE post_observations DROP CONSTRAINT post_observations_post_id_fkey;
ALTER TABLE post_metrics DROP CONSTRAINT post_metrics_post_id_fkey;

-- After a statement stores counter rows: every post they name must exist. The posts are
-- locked as a foreign key would lock them (FOR KEY SHARE), so a post cannot be deleted
-- until the writing transaction ends; its deletion then removes the new rows too.
CREATE FUNCTION tally_counters_need_their_posts() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    wanted bigint;
    present bigint;
BEGIN
    SELECT count(DISTINCT post_id) INTO wanted FROM added;
    SELECT count(*) INTO present FROM (
        SELECT 1 FROM posts WHERE id IN (SELECT post_id FROM added) FOR KEY SHARE
    ) AS locked;
    IF present < wanted THEN
        RAISE EXCEPTION 'insert on table "%" refers to a post that does not exist', TG_TABLE_NAME
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER post_observations_need_posts
    AFTER INSERT ON post_observations
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION tally_counters_need_their_posts();
CREATE TRIGGER post_metrics_need_posts
    AFTER INSERT ON post_metrics
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION tally_counters_need_their_posts();

-- A counter row never moves to another post, and a post never changes its id: either
-- would get past the check above.
CREATE FUNCTION tally_refuse_post_id_change() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    RAISE EXCEPTION 'the post id of a row in "%" cannot change', TG_TABLE_NAME
        USING ERRCODE = 'foreign_key_violation';
END;
$$;

CREATE TRIGGER post_observations_keep_post_id
    BEFORE UPDATE ON post_observations
    FOR EACH ROW WHEN (NEW.post_id IS DISTINCT FROM OLD.post_id)
    EXECUTE FUNCTION tally_refuse_post_id_change();
CREATE TRIGGER post_metrics_keep_post_id
    BEFORE UPDATE ON post_metrics
    FOR EACH ROW WHEN (NEW.post_id IS DISTINCT FROM OLD.post_id)
    EXECUTE FUNCTION tally_refuse_post_id_change();
CREATE TRIGGER posts_keep_id
    BEFORE UPDATE ON posts
    FOR EACH ROW WHEN (NEW.id IS DISTINCT FROM OLD.id)
    EXECUTE FUNCTION tally_refuse_post_id_change();

-- Deleting posts (directly, or with their account or user) deletes their counter rows,
-- once per statement. Under READ COMMITTED each statement here sees rows that a concurrent
-- writer committed while the deletion waited for its lock on the posts; under a stricter
-- isolation level it would not, and those rows would outlive their post. So posts may only
-- be deleted at READ COMMITTED (tally's connections always run at it).
CREATE FUNCTION tally_delete_counters_of_deleted_posts() RETURNS trigger
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

CREATE TRIGGER posts_delete_counters
    AFTER DELETE ON posts
    REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION tally_delete_counters_of_deleted_posts();

-- Emptying posts empties their counter rows with them.
CREATE FUNCTION tally_truncate_counters() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    TRUNCATE post_observations, post_metrics;
    RETURN NULL;
END;
$$;

CREATE TRIGGER posts_truncate_counters
    AFTER TRUNCATE ON posts
    FOR EACH STATEMENT EXECUTE FUNCTION tally_truncate_counters();
