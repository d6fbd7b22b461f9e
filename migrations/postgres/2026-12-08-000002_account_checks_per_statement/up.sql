-- Posts and daily account figures keep referring only to stored accounts, and go with their
-- account, checked once per statement instead of once per row: the same change as for
-- counter rows (see the migration counter_integrity), for the same reason. A batch stores
-- hundreds of posts and daily figures of one account, and the per-row foreign-key checks
-- each looked that one account up and locked it again.
--
-- The differences from the foreign keys they replace are those of counter rows: a row can
-- no longer move to another account, TRUNCATE of accounts empties these tables instead of
-- being refused, accounts can only be deleted at READ COMMITTED (tally's connections run
-- at it), and the triggers can be disabled like any user trigger.
ALTER TABLE posts DROP CONSTRAINT posts_account_id_fkey;
ALTER TABLE account_daily_metrics DROP CONSTRAINT account_daily_metrics_account_id_fkey;

-- After a statement stores posts or daily figures: every account they name must exist, and
-- is locked as a foreign key would lock it (FOR KEY SHARE), so that it cannot be deleted
-- until the writing transaction ends; its deletion then removes the new rows too. Only rows
-- of accounts itself count, not of a table inheriting from it, whose deletions would not
-- reach the trigger below.
CREATE FUNCTION tally_rows_need_their_accounts() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    named bigint[];
    present bigint;
BEGIN
    named := ARRAY(SELECT account_id FROM added GROUP BY account_id);
    SELECT count(*) INTO present FROM (
        SELECT 1 FROM ONLY accounts WHERE id = ANY (named) FOR KEY SHARE
    ) AS locked;
    IF present < cardinality(named) THEN
        RAISE EXCEPTION 'insert on table "%" refers to an account that does not exist',
            TG_TABLE_NAME
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER posts_need_accounts
    AFTER INSERT ON posts
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION tally_rows_need_their_accounts();
CREATE TRIGGER account_daily_metrics_need_accounts
    AFTER INSERT ON account_daily_metrics
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION tally_rows_need_their_accounts();

-- A row never moves to another account, and an account never changes its id: either would
-- get past the check above.
CREATE FUNCTION tally_refuse_account_id_change() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    RAISE EXCEPTION 'the account id of a row in "%" cannot change', TG_TABLE_NAME
        USING ERRCODE = 'foreign_key_violation';
END;
$$;

CREATE TRIGGER posts_keep_account_id
    BEFORE UPDATE ON posts
    FOR EACH ROW WHEN (NEW.account_id IS DISTINCT FROM OLD.account_id)
    EXECUTE FUNCTION tally_refuse_account_id_change();
CREATE TRIGGER account_daily_metrics_keep_account_id
    BEFORE UPDATE ON account_daily_metrics
    FOR EACH ROW WHEN (NEW.account_id IS DISTINCT FROM OLD.account_id)
    EXECUTE FUNCTION tally_refuse_account_id_change();
CREATE TRIGGER accounts_keep_id
    BEFORE UPDATE ON accounts
    FOR EACH ROW WHEN (NEW.id IS DISTINCT FROM OLD.id)
    EXECUTE FUNCTION tally_refuse_account_id_change();

-- Deleting accounts (directly, or with their user) deletes their posts, whose deletion
-- deletes their counter rows, and their daily figures, once per statement. At READ
-- COMMITTED only, as for posts: under a stricter level these statements would not see rows
-- that a concurrent writer committed while the deletion waited for its lock.
CREATE FUNCTION tally_delete_rows_of_deleted_accounts() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'accounts can only be deleted at the READ COMMITTED isolation level'
            USING ERRCODE = 'serialization_failure';
    END IF;
    DELETE FROM posts WHERE account_id IN (SELECT id FROM gone);
    DELETE FROM account_daily_metrics WHERE account_id IN (SELECT id FROM gone);
    RETURN NULL;
END;
$$;

CREATE TRIGGER accounts_delete_rows
    AFTER DELETE ON accounts
    REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION tally_delete_rows_of_deleted_accounts();

-- Emptying accounts empties their posts (and with them the counter rows) and daily figures.
CREATE FUNCTION tally_truncate_rows_of_accounts() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    TRUNCATE posts, account_daily_metrics;
    RETURN NULL;
END;
$$;

CREATE TRIGGER accounts_truncate_rows
    AFTER TRUNCATE ON accounts
    FOR EACH STATEMENT EXECUTE FUNCTION tally_truncate_rows_of_accounts();
