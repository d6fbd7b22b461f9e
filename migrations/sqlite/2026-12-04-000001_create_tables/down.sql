DROP TABLE account_daily_metrics;
DROP TABLE post_metrics;
DROP TABLE post_observations;
DROP TABLE posts;
DROP TABLE accounts;
DROP TABLE users;
