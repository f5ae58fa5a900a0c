//! Latency percentiles and the one-line-per-figure output format.

use std::time::Duration;

/// The `p`-th percentile (0–100) of `samples`, by nearest rank; zero when empty.
pub fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    if samples.is_empty() {
        return Duration::ZERO;
    }
    samples.sort_unstable();
    let rank = ((p / 100.0) * samples.len() as f64).ceil() as usize;
    samples[rank.clamp(1, samples.len()) - 1]
}

/// Prints one figure as `name: value unit`, the format `bench/run.sh` collects.
pub fn figure(name: &str, value: f64, unit: &str) {
    println!("{name}: {value:.2} {unit}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let mut s: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&mut s, 99.0), Duration::from_millis(99));
        assert_eq!(percentile(&mut s, 50.0), Duration::from_millis(50));
        assert_eq!(percentile(&mut s, 100.0), Duration::from_millis(100));
        assert_eq!(percentile(&mut [], 99.0), Duration::ZERO);
    }
}
