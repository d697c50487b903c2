//! The one source of randomness: a seeded ChaCha8 stream with the few
//! draws the generator needs.
//!
//! Every draw goes through `u32`/`u64` ranges, never `usize` or floats, so a
//! seed gives the same scenario on 32- and 64-bit machines alike.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub(crate) struct Dice(ChaCha8Rng);

impl Dice {
    pub fn new(seed: u64) -> Dice {
        Dice(ChaCha8Rng::seed_from_u64(seed))
    }

    /// True with probability `p` percent.
    pub fn pct(&mut self, p: u32) -> bool {
        p > 0 && (p >= 100 || self.0.random_range(0..100u32) < p)
    }

    /// Uniform in `0..n`; `n` must be positive.
    pub fn below(&mut self, n: usize) -> usize {
        debug_assert!(n > 0, "below(0)");
        self.0.random_range(0..n as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        if hi <= lo {
            return lo;
        }
        lo + self.below(hi - lo + 1)
    }

    pub fn u32(&mut self) -> u32 {
        self.0.random_range(0..=u32::MAX)
    }

    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }

    /// An index drawn in proportion to `weights` (not all zero).
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
        debug_assert!(total > 0, "weighted() over zero weights");
        let mut x = self.0.random_range(0..total);
        for (i, &w) in weights.iter().enumerate() {
            if x < u64::from(w) {
                return i;
            }
            x -= u64::from(w);
        }
        weights.len() - 1
    }

    /// Fisher-Yates, through `below` so that it is portable.
    pub fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            let j = self.below(i + 1);
            xs.swap(i, j);
        }
    }

    /// Up to `k` distinct elements of `xs`, in a random rotation: O(k).
    pub fn some_of<T: Clone>(&mut self, xs: &[T], k: usize) -> Vec<T> {
        if xs.is_empty() {
            return Vec::new();
        }
        let start = self.below(xs.len());
        (0..k.min(xs.len()))
            .map(|i| xs[(start + i) % xs.len()].clone())
            .collect()
    }
}
