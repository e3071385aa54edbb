//! The TypeScript bindings in `ui/src/bindings.ts` are generated from the
//! Rust commands and must never be edited by hand. This test fails when the
//! committed file differs from what the commands generate now.
//!
//! Regenerate with: `UPDATE_BINDINGS=1 cargo test --test bindings`
//!
//! It also ties the app's three lists of commands together: the names in
//! `src-tauri/commands/names.rs` (permissions), the handlers registered in
//! `app::specta_builder`, and the grants in `src-tauri/capabilities/main.json`.

use std::collections::BTreeSet;
use std::path::PathBuf;

/// The TypeScript the commands generate now.
fn fresh_bindings() -> String {
    let fresh_path = std::env::temp_dir().join(format!(
        "deepcall-desk-bindings-{}-{:?}.ts",
        std::process::id(),
        std::thread::current().id()
    ));
    deepcall_desk::specta_builder::<tauri::Wry>()
        .export(deepcall_desk::typescript(), &fresh_path)
        .expect("the commands export to TypeScript");
    let fresh = std::fs::read_to_string(&fresh_path).expect("exported file is readable");
    let _ = std::fs::remove_file(&fresh_path);
    fresh
}

#[test]
fn bindings_are_up_to_date() {
    let committed_path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("ui/src/bindings.ts");
    let fresh = fresh_bindings();

    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&committed_path, &fresh).expect("write ui/src/bindings.ts");
        return;
    }
    let committed = std::fs::read_to_string(&committed_path).unwrap_or_default();
    if committed != fresh {
        let first_difference = committed
            .lines()
            .zip(fresh.lines())
            .position(|(a, b)| a != b)
            .map(|i| i + 1)
            .unwrap_or_else(|| committed.lines().count().min(fresh.lines().count()) + 1);
        panic!(
            "ui/src/bindings.ts is stale (first difference at line {first_difference}): a command or \
             type changed without regenerating it. Run `UPDATE_BINDINGS=1 cargo test --test bindings` \
             and commit the result."
        );
    }
}

/// The command names each generated binding invokes.
fn handled(bindings: &str) -> BTreeSet<String> {
    // `__TAURI_INVOKE("name", …)`, or `__TAURI_INVOKE<Type>("name", …)`.
    bindings
        .split("__TAURI_INVOKE")
        .skip(1)
        .filter_map(|rest| rest.split_once("(\"")?.1.split('"').next())
        .filter(|name| !name.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The commands a capability file grants (`allow-group-members` →
/// `group_members`); anything else it grants is returned as is.
fn granted(capability: &str) -> BTreeSet<String> {
    let json: serde_json::Value = serde_json::from_str(capability).expect("the capability is JSON");
    json["permissions"]
        .as_array()
        .expect("the capability lists permissions")
        .iter()
        .map(|p| {
            let p = p.as_str().expect("a permission is a string");
            p.strip_prefix("allow-")
                .map_or_else(|| p.to_owned(), |c| c.replace('-', "_"))
        })
        .collect()
}

/// Commands listed in one list and missing from another, and what that
/// means in words.
type Disagreement<'a> = (
    &'a BTreeSet<String>,
    &'a BTreeSet<String>,
    fn(&str) -> String,
);

/// Every disagreement between the three lists, in words.
fn disagreements(
    names: &BTreeSet<String>,
    handled: &BTreeSet<String>,
    granted: &BTreeSet<String>,
) -> Vec<String> {
    let rules: [Disagreement; 4] = [
        (handled, names, |c| {
            format!("`{c}` has a handler but no permission: add it to src-tauri/commands/names.rs")
        }),
        (names, handled, |c| {
            format!("`{c}` is in names.rs but has no handler in app::specta_builder")
        }),
        (names, granted, |c| {
            format!("`{c}` is missing from capabilities/main.json: the window cannot call it")
        }),
        (granted, names, |c| {
            format!("capabilities/main.json grants `{c}`, which is not one of this app's commands")
        }),
    ];
    rules
        .iter()
        .flat_map(|(listed, missing_from, words)| listed.difference(missing_from).map(|c| words(c)))
        .collect()
}

#[test]
fn one_list_of_commands() {
    let names: BTreeSet<String> = deepcall_desk::commands::COMMANDS
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        names.len(),
        deepcall_desk::commands::COMMANDS.len(),
        "a name is listed twice in src-tauri/commands/names.rs"
    );
    let capability = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src-tauri/capabilities/main.json"),
    )
    .expect("the capability file is readable");
    let problems = disagreements(&names, &handled(&fresh_bindings()), &granted(&capability));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_check_fails_for_a_missing_and_a_stray_permission() {
    let set = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    let names = set(&["app_status", "group_members"]);
    let handled = set(&["app_status", "group_members"]);
    let missing = granted(r#"{"permissions": ["allow-app-status"]}"#);
    let problems = disagreements(&names, &handled, &missing);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains("`group_members` is missing"),
        "{problems:?}"
    );
    let stray = granted(
        r#"{"permissions": ["allow-app-status", "allow-group-members", "dialog:allow-save"]}"#,
    );
    let problems = disagreements(&names, &handled, &stray);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains("grants `dialog:allow-save`"),
        "{problems:?}"
    );
    let unhandled = disagreements(
        &names,
        &set(&["app_status"]),
        &granted(r#"{"permissions": ["allow-app-status", "allow-group-members"]}"#),
    );
    assert!(unhandled[0].contains("no handler"), "{unhandled:?}");
}
