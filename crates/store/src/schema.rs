//! The tables, described once for both backends with portable column types.

#![allow(missing_docs)]

diesel::table! {
    users (id) {
        id -> BigInt,
        name -> Text,
        timezone -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    accounts (id) {
        id -> BigInt,
        user_id -> BigInt,
        platform -> Text,
        handle -> Text,
        base_url -> Nullable<Text>,
        created_at -> Timestamp,
        credential -> Nullable<Text>,
        status -> Text,
        last_collected_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    posts (id) {
        id -> BigInt,
        account_id -> BigInt,
        user_id -> BigInt,
        platform -> Text,
        external_id -> Text,
        content_type -> Text,
        published_at -> Timestamp,
        url -> Nullable<Text>,
        title -> Nullable<Text>,
        counters -> Nullable<Text>,
    }
}

diesel::table! {
    post_observations (post_id, metric, observed_at) {
        post_id -> BigInt,
        metric -> Text,
        observed_at -> Timestamp,
        value -> BigInt,
    }
}

diesel::table! {
    account_daily_metrics (account_id, metric, day) {
        account_id -> BigInt,
        metric -> Text,
        day -> Date,
        value -> BigInt,
        observed_at -> Timestamp,
        user_id -> BigInt,
        platform -> Text,
    }
}

diesel::table! {
    jobs (id) {
        id -> BigInt,
        user_id -> BigInt,
        state -> Text,
        days_back -> Integer,
        created_at -> Timestamp,
        started_at -> Nullable<Timestamp>,
        finished_at -> Nullable<Timestamp>,
        attempts -> Integer,
        posts_written -> BigInt,
        observations_written -> BigInt,
        daily_metrics_written -> BigInt,
        outcomes -> Text,
        error -> Nullable<Text>,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        token_hash -> Text,
        user_id -> Nullable<BigInt>,
        label -> Text,
        hint -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    user_data_versions (user_id) {
        user_id -> BigInt,
        version -> BigInt,
    }
}

diesel::joinable!(accounts -> users (user_id));
diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(jobs -> users (user_id));
diesel::joinable!(posts -> accounts (account_id));
diesel::joinable!(post_observations -> posts (post_id));
diesel::joinable!(account_daily_metrics -> accounts (account_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    accounts,
    posts,
    post_observations,
    account_daily_metrics,
    jobs,
    api_tokens,
    user_data_versions,
);
