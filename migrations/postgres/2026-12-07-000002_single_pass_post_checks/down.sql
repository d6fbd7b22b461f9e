CREATE OR REPLACE FUNCTION tally_counters_need_their_posts() RETURNS trigger
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
