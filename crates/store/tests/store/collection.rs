//! What collection needs from the store: account credentials and status, and jobs.

use tally_domain::{
    AccountId, AccountOutcome, AccountStatus, AccountUpdate, JobId, JobResult, JobState,
    OutcomeState, Platform, Secret, UserId,
};
use tally_store::{AccountStore, AnalyticsStore, IngestStore, JobStore, backend_tests};

use crate::fixtures::{at, creator, new_account, post, posts_only};

backend_tests!(
    credentials_are_write_only_and_renewing_one_reactivates,
    |db| {
        let store = db.store();
        let account = creator(&store);
        assert!(!account.has_credential);
        assert_eq!(store.account_credential(account.id).unwrap(), None);

        let mut with_token = new_account(account.user_id, account.platform, &account.handle);
        with_token.credential = Some(Secret::new("tok-first"));
        let account = store.upsert_account(&with_token).unwrap();
        assert!(account.has_credential);
        assert!(!format!("{account:?}").contains("tok-first"));
        assert_eq!(
            store
                .account_credential(account.id)
                .unwrap()
                .unwrap()
                .expose(),
            "tok-first"
        );

        // Connecting again without a credential keeps the stored one.
        let again = store
            .upsert_account(&new_account(
                account.user_id,
                account.platform,
                &account.handle,
            ))
            .unwrap();
        assert_eq!(again.id, account.id);
        assert!(again.has_credential);

        store
            .set_account_status(account.id, AccountStatus::NeedsReauthorization)
            .unwrap();
        let suspended = store.account(account.user_id, account.id).unwrap().unwrap();
        assert_eq!(suspended.status, AccountStatus::NeedsReauthorization);

        let update = AccountUpdate {
            base_url: Some(Some("https://example.social".into())),
            credential: Some(Some(Secret::new("tok-second"))),
        };
        let updated = store
            .update_account(account.user_id, account.id, &update)
            .unwrap()
            .unwrap();
        assert_eq!(updated.status, AccountStatus::Active);
        assert_eq!(updated.base_url.as_deref(), Some("https://example.social"));
        assert_eq!(
            store
                .account_credential(account.id)
                .unwrap()
                .unwrap()
                .expose(),
            "tok-second"
        );

        let cleared = AccountUpdate {
            base_url: Some(None),
            credential: Some(None),
        };
        let cleared = store
            .update_account(account.user_id, account.id, &cleared)
            .unwrap()
            .unwrap();
        assert_eq!(cleared.base_url, None);
        assert!(!cleared.has_credential);
    }
);

backend_tests!(accounts_are_only_reachable_by_their_owner, |db| {
    let store = db.store();
    let account = creator(&store);
    let stranger = UserId(account.user_id.get() + 1);
    assert_eq!(store.account(stranger, account.id).unwrap(), None);
    assert_eq!(
        store
            .update_account(stranger, account.id, &AccountUpdate::default())
            .unwrap(),
        None
    );
    assert!(!store.delete_account(stranger, account.id).unwrap());
    assert_eq!(
        store.account(account.user_id, AccountId(9_999)).unwrap(),
        None
    );
    assert!(
        store
            .account(account.user_id, account.id)
            .unwrap()
            .is_some()
    );
});

backend_tests!(
    deleting_an_account_removes_its_data_and_nothing_else,
    |db| {
        let store = db.store();
        let account = creator(&store);
        let other = store
            .upsert_account(&new_account(
                account.user_id,
                Platform::Bluesky,
                "test_creator.example",
            ))
            .unwrap();
        store
            .ingest(
                account.id,
                &posts_only(vec![post("a", "2026-05-01T10:00:00Z")]),
            )
            .unwrap();
        store
            .ingest(
                other.id,
                &posts_only(vec![post("b", "2026-05-01T10:00:00Z")]),
            )
            .unwrap();

        assert!(store.delete_account(account.user_id, account.id).unwrap());
        let counts = store.row_counts(account.user_id).unwrap();
        assert_eq!((counts.accounts, counts.posts), (1, 1));
        assert!(!store.delete_account(account.user_id, account.id).unwrap());
        assert_eq!(store.users_with_accounts().unwrap(), vec![account.user_id]);
    }
);

backend_tests!(one_active_job_per_user_and_its_life, |db| {
    let store = db.store();
    let account = creator(&store);
    let user = account.user_id;
    let now = at("2026-05-01T10:00:00Z");

    let (job, created) = store.enqueue_collection(user, 7, now).unwrap();
    assert!(created);
    assert_eq!(
        (job.state, job.days_back, job.attempts),
        (JobState::Queued, 7, 0)
    );
    let (same, created) = store.enqueue_collection(user, 30, now).unwrap();
    assert!(!created, "a queued job is returned, not duplicated");
    assert_eq!(same.id, job.id);

    assert_eq!(store.next_queued_job().unwrap(), Some(job.id));
    let running = store.claim_job(job.id, now).unwrap().unwrap();
    assert_eq!((running.state, running.attempts), (JobState::Running, 1));
    assert_eq!(
        store.claim_job(job.id, now).unwrap(),
        None,
        "claimed once only"
    );
    assert_eq!(store.next_queued_job().unwrap(), None);
    let (still, created) = store.enqueue_collection(user, 7, now).unwrap();
    assert!(!created);
    assert_eq!(still.id, job.id);

    let outcome = AccountOutcome {
        account_id: account.id,
        platform: account.platform,
        handle: account.handle.clone(),
        state: OutcomeState::Succeeded,
        posts: 3,
        observations: 12,
        daily_metrics: 1,
        error: None,
    };
    let finished = store
        .finish_job(
            job.id,
            &JobResult::from_outcomes(vec![outcome.clone()]),
            at("2026-05-01T10:01:00Z"),
        )
        .unwrap();
    assert_eq!(finished.state, JobState::Succeeded);
    assert_eq!(
        (finished.posts_written, finished.observations_written),
        (3, 12)
    );
    assert_eq!(finished.outcomes, vec![outcome]);
    assert_eq!(finished.finished_at, Some(at("2026-05-01T10:01:00Z")));

    let (next, created) = store.enqueue_collection(user, 7, now).unwrap();
    assert!(created, "a finished job does not block the next");
    assert_ne!(next.id, job.id);
    assert_eq!(store.job(JobId(987_654)).unwrap(), None);
});

backend_tests!(jobs_running_at_a_stop_are_queued_again, |db| {
    let store = db.store();
    let user = creator(&store).user_id;
    let now = at("2026-05-01T10:00:00Z");
    let (job, _) = store.enqueue_collection(user, 7, now).unwrap();
    store.claim_job(job.id, now).unwrap().unwrap();

    assert_eq!(store.requeue_interrupted_jobs().unwrap(), 1);
    let requeued = store.job(job.id).unwrap().unwrap();
    assert_eq!(
        (requeued.state, requeued.started_at),
        (JobState::Queued, None)
    );
    let again = store.claim_job(job.id, now).unwrap().unwrap();
    assert_eq!(again.attempts, 2);
    assert_eq!(store.requeue_interrupted_jobs().unwrap(), 1);
    assert_eq!(store.requeue_interrupted_jobs().unwrap(), 0);
});

backend_tests!(enqueueing_for_an_unknown_user_fails_cleanly, |db| {
    let store = db.store();
    let error = store
        .enqueue_collection(UserId(424_242), 7, at("2026-05-01T10:00:00Z"))
        .unwrap_err();
    assert!(
        error.to_string().contains("database query failed"),
        "{error}"
    );
});
