DROP TRIGGER posts_truncate_counters ON posts;
DROP FUNCTION tally_truncate_counters();
DROP TRIGGER posts_delete_counters ON posts;
DROP FUNCTION tally_delete_counters_of_deleted_posts();
DROP TRIGGER posts_keep_id ON posts;
DROP TRIGGER post_metrics_keep_post_id ON post_metrics;
DROP TRIGGER post_observations_keep_post_id ON post_observations;
DROP FUNCTION tally_refuse_post_id_change();
DROP TRIGGER post_metrics_need_posts ON post_metrics;
DROP TRIGGER post_observations_need_posts ON post_observations;
DROP FUNCTION tally_counters_need_their_posts();
ALTER TABLE post_metrics
    ADD CONSTRAINT post_metrics_post_id_fkey
    FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE CASCADE;
ALTER TABLE post_observations
    ADD CONSTRAINT post_observations_post_id_fkey
    FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE CASCADE;
