//! The Groups screen's own work on the 10,000-member group, timed in the
//! page: a search or a sort of its member list, and one receive-calls
//! change.

use crate::support::App;

/// Sets the member list's search box or sort (`field`: the control's id)
/// to `value`, as typing or choosing would, and times, in the page, until
/// the list shows the result (its first row or its count changed) painted
/// (one animation frame later). Looked at once a frame: the time is to the
/// frame (about 17 ms). A value that changes neither waits for WebDriver's
/// script timeout.
pub async fn list_change_timed(app: &App, field: &str, value: &str) -> f64 {
    let ret = app
        .driver
        .execute_async(
            r#"const [id, value, done] = arguments;
               const shown = () =>
                 (document.querySelector('li[data-row]')?.getAttribute('data-agent') ?? '') + '/' +
                 (document.querySelector("[data-testid='showing']")?.textContent ?? '');
               const control = document.getElementById(id);
               const before = shown();
               const t0 = performance.now();
               control.value = value;
               control.dispatchEvent(new Event(control.tagName === 'SELECT' ? 'change' : 'input', { bubbles: true }));
               const check = () => {
                 if (shown() !== before) {
                   requestAnimationFrame(() => done(performance.now() - t0));
                 } else {
                   requestAnimationFrame(check);
                 }
               };
               check();"#,
            vec![serde_json::json!(field), serde_json::json!(value)],
        )
        .await
        .unwrap_or_else(|e| panic!("the list follows {field} = {value}: {e}"));
    ret.json().as_f64().expect("a time")
}

/// Clicks the first member's "receives calls" switch and times, in the
/// page, until the change is confirmed: the switch shows the new state and
/// nothing is pending. Returns the time and the switch's label.
pub async fn toggle_first_timed(app: &App) -> (f64, String) {
    let ret = app
        .driver
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
               const first = document.querySelector("li[data-row] button[role='switch']");
               const label = first.getAttribute('aria-label');
               const was = first.getAttribute('aria-checked');
               const t0 = performance.now();
               first.click();
               const check = () => {
                 const now = Array.from(document.querySelectorAll("button[role='switch']"))
                   .find((s) => s.getAttribute('aria-label') === label);
                 if (now && now.getAttribute('aria-checked') !== was && !document.querySelector('li[aria-busy]')) {
                   requestAnimationFrame(() => done([performance.now() - t0, label]));
                 } else {
                   requestAnimationFrame(check);
                 }
               };
               check();"#,
            Vec::new(),
        )
        .await
        .expect("the change is confirmed");
    (
        ret.json()[0].as_f64().unwrap(),
        ret.json()[1].as_str().unwrap().to_owned(),
    )
}
