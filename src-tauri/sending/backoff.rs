//! The growing wait between tries of a request DeepCall refused for now,
//! shared by bulk runs and line-ups.

use std::time::Duration;

/// The wait before a next try: doubling from `first` up to
/// `longest`, with a random part so that requests refused together do not
/// all come back together.
pub fn backoff(first: Duration, longest: Duration, tries: u32) -> Duration {
    let grown = first.saturating_mul(1u32 << tries.min(16)).min(longest);
    // "Equal jitter": half the wait fixed, half drawn.
    grown / 2 + grown.mul_f64(jitter() / 2.0)
}

/// A number in `0.0..1.0`, different on each call; not for secrets.
fn jitter() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    // The standard library's randomly keyed hasher, fed a count of draws:
    // no generator to carry around, a new number each call.
    static DRAWS: AtomicU64 = AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(DRAWS.fetch_add(1, Ordering::Relaxed));
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_longest_with_a_random_half() {
        let first = Duration::from_millis(100);
        let longest = Duration::from_secs(2);
        for tries in 0..10 {
            let full = first.saturating_mul(1 << tries).min(longest);
            let w = backoff(first, longest, tries);
            assert!(w >= full / 2 && w <= full, "{tries}: {w:?}");
        }
        let draws: Vec<Duration> = (0..20).map(|_| backoff(first, longest, 3)).collect();
        assert!(draws.iter().any(|d| *d != draws[0]), "{draws:?}");
    }
}
