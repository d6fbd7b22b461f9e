//! Running two pieces of blocking work at the same time.

use std::sync::Mutex;

/// Runs `first` on a thread of its own and `second` on the calling thread, and returns both
/// results once both are done. When the system refuses a new thread, `first` runs on the
/// calling thread after `second`, so the results are the same either way.
///
/// Meant for two reads on two pooled connections, or two computations on a machine with a
/// core to spare: the caller then waits for the longer of the two instead of both in turn.
/// A panic in either is passed on to the caller.
pub fn both<A, B, RA, RB>(first: A, second: B) -> (RA, RB)
where
    A: FnOnce() -> RA + Send,
    RA: Send,
    B: FnOnce() -> RB,
{
    let slot = Mutex::new(Some(first));
    let take = || slot.lock().ok().and_then(|mut slot| slot.take());
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .name("tally-read".into())
            .spawn_scoped(scope, || take().map(|work| work()));
        let second = second();
        let first = match spawned {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(_) => None,
        };
        // When `first` could not run on the other thread, it runs here. It is taken exactly
        // once, by one thread or the other, so it always has a result.
        match first.or_else(|| take().map(|work| work())) {
            Some(first) => (first, second),
            None => unreachable!("the first piece of work was taken but did not run"),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_results_come_back_in_order() {
        let (first, second) = both(|| 6 * 7, || "second");
        assert_eq!((first, second), (42, "second"));
    }

    #[test]
    fn the_first_runs_on_another_thread() {
        let caller = std::thread::current().id();
        let (first, second) = both(
            || std::thread::current().id(),
            || std::thread::current().id(),
        );
        assert_ne!(first, caller);
        assert_eq!(second, caller);
    }
}
