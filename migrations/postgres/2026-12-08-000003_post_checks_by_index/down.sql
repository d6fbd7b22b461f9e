CREATE OR REPLACE FUNCTION tally_counters_need_their_posts() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    wanted bigint;
    present bigint;
BEGIN
    WITH named AS MATERIALIZED (
        SELECT post_id FROM added GROUP BY post_id
    )
    SELECT
        (SELECT count(*) FROM named),
        (SELECT count(*) FROM (
            SELECT 1 FROM posts JOIN named ON posts.id = named.post_id FOR KEY SHARE OF posts
        ) AS locked)
    INTO wanted, present;
    IF present < wanted THEN
        RAISE EXCEPTION 'insert on table "%" refers to a post that does not exist', TG_TABLE_NAME
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END;
$$;
