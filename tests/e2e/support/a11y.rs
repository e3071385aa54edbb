//! Accessibility: axe-core (the npm package pinned in `ui/`) run inside the
//! window, with every violation named: rule, impact, help, elements.

use std::path::Path;

use super::App;

impl App {
    /// Runs axe-core inside the window on what it shows now and fails with
    /// every violation: rule, impact, help and the elements' selectors.
    pub async fn assert_accessible(&self, screen_name: &str) {
        self.assert_accessible_except(screen_name, &[]).await;
    }

    /// As [`App::assert_accessible`], but violations of the rules in `known`
    /// are printed instead of failing: for an explicit, reviewed allow-list.
    pub async fn assert_accessible_except(&self, screen_name: &str, known: &[&str]) {
        let report = self.axe().await;
        let violations = report["violations"].as_array().cloned().unwrap_or_default();
        let (allowed, failing): (Vec<_>, Vec<_>) = violations
            .iter()
            .partition(|v| known.contains(&v["id"].as_str().unwrap_or_default()));
        let needs_review = report["incomplete"].as_array().cloned().unwrap_or_default();
        eprintln!(
            "axe-core {} on \"{screen_name}\": {} rules passed, {} violated ({} allow-listed), {} to review by hand",
            report["engine"].as_str().unwrap_or("?"),
            report["passes"],
            violations.len(),
            allowed.len(),
            needs_review.len(),
        );
        // Not failures: axe could not decide these (for example the contrast
        // of text scrolled out of view). Printed for a person to look at.
        for v in &needs_review {
            eprintln!("  needs review:\n{}", describe_violation(v));
        }
        for v in &allowed {
            eprintln!(
                "  known (allow-listed) violation on \"{screen_name}\":\n{}",
                describe_violation(v)
            );
        }
        if !failing.is_empty() {
            let slug: String = screen_name
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c.to_ascii_lowercase()
                    } else {
                        '-'
                    }
                })
                .collect();
            let shot = self.screenshot(&format!("a11y-{slug}")).await;
            let list: Vec<String> = failing.iter().map(|v| describe_violation(v)).collect();
            panic!(
                "{} accessibility violation(s) on \"{screen_name}\" (screenshot: {}):\n{}",
                failing.len(),
                shot.display(),
                list.join("\n")
            );
        }
    }

    /// Injects axe-core (once per page) and runs its default rule set on the
    /// whole document, after fonts and two animation frames have settled.
    async fn axe(&self) -> serde_json::Value {
        let loaded = self
            .driver
            .execute("return typeof window.axe === 'object';", Vec::new())
            .await
            .expect("script runs");
        if loaded.json() != &serde_json::Value::Bool(true) {
            // The app's CSP forbids loading scripts from elsewhere; WebDriver's
            // execute is not subject to it.
            let injected = self
                .driver
                .execute(
                    format!("{}\n;return typeof window.axe === 'object';", axe_source()),
                    Vec::new(),
                )
                .await
                .expect("axe-core injects");
            assert_eq!(
                injected.json(),
                &serde_json::Value::Bool(true),
                "axe-core did not load in the window"
            );
        }
        let ret = self
            .driver
            .execute_async(
                r#"const done = arguments[arguments.length - 1];
                   const frames = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
                   const brief = (v) => ({
                     id: v.id,
                     impact: v.impact,
                     help: v.help,
                     helpUrl: v.helpUrl,
                     nodes: v.nodes.map((n) => ({ target: n.target, html: n.html, summary: n.failureSummary })),
                   });
                   document.fonts.ready
                     .then(frames)
                     .then(() => window.axe.run(document, { resultTypes: ["violations"] }))
                     .then(
                       (r) => done({
                         engine: r.testEngine.version,
                         passes: r.passes.length,
                         violations: r.violations.map(brief),
                         // With resultTypes limited to violations, axe keeps one
                         // example node for each rule it could not decide.
                         incomplete: r.incomplete.map(brief),
                       }),
                       (e) => done({ error: String((e && e.stack) || e) }),
                     );"#,
                Vec::new(),
            )
            .await
            .expect("axe-core runs");
        let report = ret.json().clone();
        assert!(
            report.get("error").is_none(),
            "axe-core failed: {}",
            report["error"]
        );
        report
    }
}

/// axe-core as installed by npm in `ui/` (an exact-pinned devDependency).
fn axe_source() -> &'static str {
    static SOURCE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SOURCE.get_or_init(|| {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/node_modules/axe-core/axe.min.js");
        std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e}; install the UI's packages first (`cd ui && npm ci`)",
                path.display()
            )
        })
    })
}

/// One axe violation as lines a person can act on.
fn describe_violation(v: &serde_json::Value) -> String {
    let mut out = format!(
        "- {} [{}]: {} ({})",
        v["id"].as_str().unwrap_or("?"),
        v["impact"].as_str().unwrap_or("no impact given"),
        v["help"].as_str().unwrap_or_default(),
        v["helpUrl"].as_str().unwrap_or_default(),
    );
    for node in v["nodes"].as_array().into_iter().flatten() {
        let target = match &node["target"] {
            serde_json::Value::Array(parts) => parts
                .iter()
                .map(|p| {
                    p.as_str()
                        .map(str::to_owned)
                        .unwrap_or_else(|| p.to_string())
                })
                .collect::<Vec<_>>()
                .join(" >>> "),
            other => other.to_string(),
        };
        let summary = node["summary"]
            .as_str()
            .unwrap_or_default()
            .replace('\n', "\n        ");
        out.push_str(&format!(
            "\n    at {target}\n      {}\n      {summary}",
            node["html"].as_str().unwrap_or_default()
        ));
    }
    out
}
