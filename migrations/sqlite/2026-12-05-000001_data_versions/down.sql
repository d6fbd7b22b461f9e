DROP TABLE user_data_versions;
