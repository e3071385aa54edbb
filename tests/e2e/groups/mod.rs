//! The Groups screen in the real window, against a sandbox whose request log
//! shows exactly what reached "DeepCall": opening a group ([`opening`]),
//! changing who receives calls ([`changes`]), changes to a group the manager
//! has left ([`left`]) and the 10,000-member group ([`large`]). Here: the
//! steps a manager takes on the screen and what the tests read from it.

mod changes;
mod large;
mod left;
mod opening;

use std::sync::Arc;

use deepcall_desk::sandbox::Sandbox;
use serde_json::Value;
use thirtyfour::prelude::*;

use crate::support::measure::ClickTimes;
use crate::support::{App, Launch};

const SUBMIT: &str = "Group/submitAssignGroupToAgent";
const RELATION: &str = "Group/getGroupAgentRelation";

// ---- steps a manager takes ------------------------------------------------

/// Types a group number and opens it; waits for its heading.
async fn open_group(app: &App, number: &str) {
    app.type_into("Group number", number).await;
    app.click_button("Open group").await;
    wait_group(app, number).await;
}

/// Types a group number, clicks "Open group" and times, in the page, the
/// moment the group's answer arrives and the first rows are painted.
pub(crate) async fn open_group_timed(app: &App, number: &str) -> ClickTimes {
    app.type_into("Group number", number).await;
    let ready = format!(
        "document.getElementById('group-title')?.textContent.includes('#{number}') \
         && document.querySelector('li[data-row]')"
    );
    app.click_timed("main", "Open group", &ready, "group_members")
        .await
}

/// Sets the member list's search box or sort (`field`: the control's id)
/// to `value`, as typing or choosing would, and times, in the page, until
/// the list shows the result (its first row or its count changed) painted
/// (one animation frame later). Looked at once a frame: the time is to the
/// frame (about 17 ms). A value that changes neither waits for WebDriver's
/// script timeout.
pub(crate) async fn list_change_timed(app: &App, field: &str, value: &str) -> f64 {
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
pub(crate) async fn toggle_first_timed(app: &App) -> (f64, String) {
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

/// The Retry button of the notice that says what went wrong.
const NOTICE_RETRY: &str = "//*[contains(@class,'notice')]//button[.='Retry']";

/// Presses Retry in the notice that says what went wrong.
async fn press_retry(app: &App) {
    app.find(By::XPath(NOTICE_RETRY))
        .await
        .click()
        .await
        .unwrap();
}

async fn wait_group(app: &App, number: &str) {
    app.find(By::XPath(format!(
        "//h2[@id='group-title'][contains(normalize-space(.), '#{number}')]"
    )))
    .await;
}

fn switch_xpath(label: &str) -> String {
    format!("//button[@role='switch'][@aria-label=\"{label} receives calls\"]")
}

async fn switch(app: &App, label: &str) -> WebElement {
    app.find(By::XPath(switch_xpath(label))).await
}

/// Waits until the switch for `label` shows `on`, and nothing is pending.
async fn wait_switch(app: &App, label: &str, on: bool) {
    app.wait_until(
        &format!(
            r#"const s = document.evaluate({xp}, document, null, 9, null).singleNodeValue;
               return !!s && s.getAttribute('aria-checked') === '{on}'
                 && !document.querySelector('li[aria-busy]');"#,
            xp = serde_json::to_string(&switch_xpath(label)).unwrap()
        ),
        &format!("{label} switch {on}"),
    )
    .await;
}

async fn wait_idle(app: &App) {
    app.wait_until(
        "return !document.querySelector('li[aria-busy]');",
        "no change pending",
    )
    .await;
}

async fn status_text(app: &App) -> String {
    app.text_of(By::Css("[data-testid='change-status']")).await
}

async fn wait_status(app: &App, text: &str) {
    app.wait_until(
        &format!(
            "const s = document.querySelector(\"[data-testid='change-status']\"); return !!s && s.textContent.includes({});",
            serde_json::to_string(text).unwrap()
        ),
        &format!("status “{text}”"),
    )
    .await;
}

/// Every switch's (accessible name, checked) in display order.
async fn switches(app: &App) -> Vec<(String, bool)> {
    let ret = app
        .driver
        .execute(
            r#"return Array.from(document.querySelectorAll("button[role='switch']"),
                 (s) => [s.getAttribute('aria-label'), s.getAttribute('aria-checked') === 'true']);"#,
            Vec::new(),
        )
        .await
        .unwrap();
    serde_json::from_value(ret.json().clone()).unwrap()
}

pub(crate) fn submits(sb: &Sandbox) -> Vec<Value> {
    sb.requests_to(SUBMIT)
        .into_iter()
        .map(|r| r.json.expect("JSON body"))
        .collect()
}

/// The ids in one submitted list, as numbers, sorted.
fn ids(body: &Value, key: &str) -> Vec<u64> {
    let mut v: Vec<u64> = body[key]
        .as_array()
        .unwrap_or_else(|| panic!("{key} is a list"))
        .iter()
        .map(|i| i.as_str().expect("ids as strings").parse().unwrap())
        .collect();
    v.sort();
    v
}

async fn launch_on_groups(tag: &'static str, sandbox: Option<Arc<Sandbox>>) -> App {
    let app = App::launch_with(Launch {
        sandbox,
        ..Launch::new(tag)
    })
    .await;
    app.go("Groups").await;
    app
}
