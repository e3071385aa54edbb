//! The TypeScript bindings in `ui/src/bindings.ts` are generated from the
//! Rust commands and must never be edited by hand. This test fails when the
//! committed file differs from what the commands generate now.
//!
//! Regenerate with: `UPDATE_BINDINGS=1 cargo test --test bindings`
//!
//! It also checks that what the window is granted is the one list of
//! commands (`src-tauri/commands/list.rs`): every command it can invoke, and
//! nothing else, through the default permission set build.rs makes of the
//! list (`permissions/default.toml`), which the capability
//! (`src-tauri/capabilities/main.json`) grants alone.

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

/// The permissions a capability grants (`"permissions": [...]`).
fn granted(capability: &str) -> BTreeSet<String> {
    let json: serde_json::Value = serde_json::from_str(capability).expect("the capability is JSON");
    json["permissions"]
        .as_array()
        .expect("the capability lists permissions")
        .iter()
        .map(|p| p.as_str().expect("a permission is a string").to_owned())
        .collect()
}

/// The permissions a permission set holds (`permissions = [...]`).
fn in_set(toml: &str) -> BTreeSet<String> {
    let list = &toml[toml.find("permissions = [").expect("a list of permissions")..];
    list[..list.find(']').expect("the list's end")]
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// What the window may invoke, in permissions: `allow-` and the name in kebab case.
fn allowed(commands: &BTreeSet<String>) -> BTreeSet<String> {
    commands
        .iter()
        .map(|c| format!("allow-{}", c.replace('_', "-")))
        .collect()
}

/// Where two lists that must be the same differ, in words.
fn differences(expected: &BTreeSet<String>, found: &BTreeSet<String>, what: &str) -> Vec<String> {
    let missing = expected
        .difference(found)
        .map(|c| format!("{what} lacks `{c}`"));
    let stray = found
        .difference(expected)
        .map(|c| format!("{what} has `{c}`, which the list of commands does not"));
    missing.chain(stray).collect()
}

fn read(path: &str) -> String {
    std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn the_window_may_invoke_the_commands_of_the_list_and_nothing_else() {
    let commands: BTreeSet<String> = deepcall_desk::commands::COMMANDS
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        commands.len(),
        deepcall_desk::commands::COMMANDS.len(),
        "a command is listed twice in src-tauri/commands/list.rs"
    );
    let mut problems = differences(&commands, &handled(&fresh_bindings()), "the bindings");
    problems.extend(differences(
        &allowed(&commands),
        &in_set(&read("permissions/default.toml")),
        "permissions/default.toml",
    ));
    let granted = granted(&read("src-tauri/capabilities/main.json"));
    problems.extend(differences(
        &BTreeSet::from(["default".to_owned()]),
        &granted,
        "the capability (src-tauri/capabilities/main.json)",
    ));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_check_fails_for_a_missing_and_a_stray_permission() {
    let set = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    let commands = set(&["app_status", "group_members"]);
    let missing = in_set("permissions = [\"allow-app-status\"]");
    let problems = differences(&allowed(&commands), &missing, "the set");
    assert_eq!(problems, ["the set lacks `allow-group-members`"]);
    let stray = granted(
        r#"{"permissions": ["allow-app-status", "allow-group-members", "dialog:allow-save"]}"#,
    );
    let problems = differences(&allowed(&commands), &stray, "the set");
    assert_eq!(
        problems,
        ["the set has `dialog:allow-save`, which the list of commands does not"]
    );
}
