//! "Did you mean" suggestions: Jaro-Winkler similarity above 0.8, the threshold that turns
//! `max_file_sise` into `max_file_size` and `acton` into `action` without suggesting nonsense.
//! Written here (it is 50 lines, the same algorithm as `strsim::jaro_winkler`) so that the
//! accept-list parser can suggest without a dependency.

const THRESHOLD: f64 = 0.8;

/// The candidate closest to `word`, if it is close enough.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > THRESHOLD)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// `a`, `b`, `c` as a backquoted list.
pub fn list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    items
        .into_iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Jaro similarity of two strings, by `char`.
fn jaro(a: &str, b: &str) -> f64 {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let range = (a.len().max(b.len()) / 2).saturating_sub(1);
    let mut a_flags = vec![false; a.len()];
    let mut b_flags = vec![false; b.len()];
    let mut matches = 0usize;
    for (i, ca) in a.iter().enumerate() {
        let lo = i.saturating_sub(range);
        let hi = b.len().min(i + range + 1);
        for j in lo..hi {
            if !b_flags[j] && b[j] == *ca {
                a_flags[i] = true;
                b_flags[j] = true;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut b_matched = b.iter().zip(&b_flags).filter(|(_, f)| **f).map(|(c, _)| c);
    let mut transpositions = 0usize;
    for ca in a.iter().zip(&a_flags).filter(|(_, f)| **f).map(|(c, _)| c) {
        if b_matched.next() != Some(ca) {
            transpositions += 1;
        }
    }
    let m = matches as f64;
    (m / a.len() as f64 + m / b.len() as f64 + (m - (transpositions / 2) as f64) / m) / 3.0
}

/// Jaro-Winkler: Jaro boosted by a common prefix of up to four characters.
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    let sim = jaro(a, b);
    if sim <= 0.7 {
        return sim;
    }
    let prefix = a
        .chars()
        .zip(b.chars())
        .take(4)
        .take_while(|(x, y)| x == y)
        .count();
    sim + 0.1 * prefix as f64 * (1.0 - sim)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        // Reference values of strsim 0.11.
        assert!((jaro_winkler("martha", "marhta") - 0.9611).abs() < 1e-4);
        assert!((jaro_winkler("dixon", "dicksonx") - 0.8133).abs() < 1e-4);
        assert_eq!(jaro_winkler("", ""), 1.0);
        assert_eq!(jaro_winkler("a", ""), 0.0);
    }

    #[test]
    fn typos_get_a_suggestion() {
        let names = ["action", "max_file_size", "max_files", "redirect_view"];
        assert_eq!(closest("acton", names), Some("action"));
        assert_eq!(closest("max_file_sise", names), Some("max_file_size"));
        assert_eq!(closest("zzz", names), None);
    }
}
