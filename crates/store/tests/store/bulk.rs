//! Batches larger than any one statement used to hold: every observation is stored once,
//! a resent batch changes nothing, and each post keeps its counters' latest values.

use tally_domain::{EngagementKind, IngestBatch};
use tally_store::{AnalyticsStore, IngestStore};

use crate::fixtures::{creator, engagement, post, read_post};

/// Posts, counters and instants of the large batch: 600 x 3 x 5 = 9,000 observations.
const POSTS: usize = 600;
const KINDS: [EngagementKind; 3] = [
    EngagementKind::Like,
    EngagementKind::Comment,
    EngagementKind::Share,
];
const HOURS: u64 = 5;

fn large_batch(hour_offset: u64) -> IngestBatch {
    let mut batch = IngestBatch::default();
    for index in 0..POSTS {
        let id = format!("p{index}");
        batch.posts.push(post(&id, "2026-05-01T00:00:00Z"));
        // Newest first, so the batch's latest value is not simply its last record.
        for hour in (0..HOURS).rev() {
            let observed_at = format!("2026-05-01T{:02}:00:00Z", hour + hour_offset + 1);
            for kind in KINDS {
                let count = index as u64 * 100 + hour + hour_offset;
                batch
                    .engagement
                    .push(engagement(&id, kind, count, &observed_at));
            }
        }
    }
    batch
}

tally_store::backend_tests!(a_large_batch_is_stored_once_with_its_latest_values, |db| {
    let store = db.store();
    let account = creator(&store);
    let total = (POSTS * KINDS.len()) as u64 * HOURS;

    let summary = store.ingest(account.id, &large_batch(0)).unwrap();
    assert_eq!(
        (summary.observations_created, summary.observations_skipped),
        (total, 0)
    );

    let again = store.ingest(account.id, &large_batch(0)).unwrap();
    assert_eq!(
        (again.observations_created, again.observations_skipped),
        (0, total),
        "a resent batch stores nothing twice"
    );

    let last = read_post(&store, account.user_id, "p599");
    assert_eq!(last.engagement.get(&EngagementKind::Like), Some(&59_904));
    assert_eq!(store.post_history(last.id).unwrap().len(), 15);

    // Two hours later: two new instants per counter; the latest value moves on.
    let later = store.ingest(account.id, &large_batch(2)).unwrap();
    assert_eq!(
        (later.observations_created, later.observations_skipped),
        (total * 2 / 5, total * 3 / 5)
    );
    let last = read_post(&store, account.user_id, "p599");
    assert_eq!(last.engagement.get(&EngagementKind::Share), Some(&59_906));
    assert_eq!(store.post_history(last.id).unwrap().len(), 21);
});
