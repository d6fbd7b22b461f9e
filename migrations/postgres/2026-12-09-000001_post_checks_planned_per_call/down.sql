ALTER FUNCTION tally_counters_need_their_posts() RESET plan_cache_mode;
