DROP TRIGGER accounts_truncate_rows ON accounts;
DROP FUNCTION tally_truncate_rows_of_accounts();
DROP TRIGGER accounts_delete_rows ON accounts;
DROP FUNCTION tally_delete_rows_of_deleted_accounts();
DROP TRIGGER accounts_keep_id ON accounts;
DROP TRIGGER account_daily_metrics_keep_account_id ON account_daily_metrics;
DROP TRIGGER posts_keep_account_id ON posts;
DROP FUNCTION tally_refuse_account_id_change();
DROP TRIGGER account_daily_metrics_need_accounts ON account_daily_metrics;
DROP TRIGGER posts_need_accounts ON posts;
DROP FUNCTION tally_rows_need_their_accounts();

ALTER TABLE account_daily_metrics ADD CONSTRAINT account_daily_metrics_account_id_fkey
    FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE;
ALTER TABLE posts ADD CONSTRAINT posts_account_id_fkey
    FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE;
