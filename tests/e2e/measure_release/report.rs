//! How `release.txt` is written: one line per figure, with its floor and
//! its target; and the medians its figures are taken as.

use std::time::Duration;

/// The report: one line per figure, with its floor and its target.
#[derive(Default)]
pub struct Table {
    pub text: String,
}

impl Table {
    pub fn note(&mut self, note: String) {
        for line in note.lines() {
            self.text += &format!("# {line}\n");
        }
    }

    fn line(&mut self, what: &str, value: f64, unit: &str, against: String, target: String) {
        self.text += &format!("{what:<56} {value:>8.1} {unit:<4} {against:<44} {target}\n");
    }

    /// A figure with nothing to set it against.
    pub fn value(&mut self, what: &str, value: f64, unit: &str) {
        self.line(what, value, unit, String::new(), String::new());
    }

    /// A figure as a ratio to its floor; `target` 0: none.
    pub fn ratio(
        &mut self,
        what: &str,
        value: f64,
        unit: &str,
        floor: f64,
        name: &str,
        target: f64,
    ) {
        let ratio = value / floor;
        self.line(
            what,
            value,
            unit,
            format!("{ratio:>6.2} x {name}"),
            verdict(target, ratio <= target, |t| format!("<= {t:.2} x")),
        );
    }

    /// A memory figure less its floor's; `target` 0: none.
    pub fn difference(&mut self, what: &str, value: f64, floor: f64, target: f64) {
        let more = value - floor;
        self.line(
            what,
            value,
            "MiB",
            format!("{more:>+6.1} MiB against the floor"),
            verdict(target, more <= target, |t| format!("<= +{t:.0} MiB")),
        );
    }

    /// A figure that is the app's work alone, against an absolute target.
    pub fn absolute(&mut self, what: &str, value: f64, unit: &str, target: f64) {
        self.line(
            what,
            value,
            unit,
            String::new(),
            verdict(target, value <= target, |t| format!("<= {t:.0} {unit}")),
        );
    }
}

fn verdict(target: f64, met: bool, words: impl Fn(f64) -> String) -> String {
    if target == 0.0 {
        String::new()
    } else {
        format!(
            "{:<12} {}",
            words(target),
            if met { "met" } else { "NOT MET" }
        )
    }
}

pub fn median_f64(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[sorted.len() / 2]
}

pub fn median(values: &[Duration]) -> Duration {
    let mut sorted = values.to_vec();
    sorted.sort();
    sorted[sorted.len() / 2]
}
