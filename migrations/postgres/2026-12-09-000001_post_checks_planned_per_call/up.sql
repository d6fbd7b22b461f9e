-- The posts check of counter rows is planned for each statement instead of once per
-- session. PL/pgSQL settles on a generic plan after a few calls; one made while `posts` was
-- small is a sequential scan, and inside one long transaction (an import of a large file is
-- stored all or nothing) no new statistics arrive to replace it, so every check read all the
-- posts the import had written so far. Planned per call, the check looks posts up by primary
-- key once the table is larger than a few pages.
ALTER FUNCTION tally_counters_need_their_posts() SET plan_cache_mode = force_custom_plan;
