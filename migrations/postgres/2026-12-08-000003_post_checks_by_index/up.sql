-- The check that stored counter rows name existing posts looks the posts up by their
-- primary key. The earlier version joined the statement's posts to the posts table, and
-- PL/pgSQL kept the plan it made on its first run: while the table was small that was a
-- hash join over every stored post, so each later batch read the whole table again and
-- the check grew with everyone's posts rather than with the batch. Only rows of posts itself
-- count, not of a table inheriting from it, whose deletions would not reach the trigger
-- that deletes counter rows with their posts.
CREATE OR REPLACE FUNCTION tally_counters_need_their_posts() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    named bigint[];
    present bigint;
BEGIN
    named := ARRAY(SELECT post_id FROM added GROUP BY post_id);
    SELECT count(*) INTO present FROM (
        SELECT 1 FROM ONLY posts WHERE id = ANY (named) FOR KEY SHARE
    ) AS locked;
    IF present < cardinality(named) THEN
        RAISE EXCEPTION 'insert on table "%" refers to a post that does not exist', TG_TABLE_NAME
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END;
$$;
