fn main() {
    #[cfg(feature = "desktop")]
    desktop();
}

#[cfg(feature = "desktop")]
fn desktop() {
    // The UI is embedded at compile time: rebuild when it is rebuilt.
    println!("cargo:rerun-if-changed=ui/dist");
    // Every command the webview may call is listed once, in
    // commands/list.rs: tauri-build turns each into an `allow-…` permission,
    // and the app's default permission set, written here, holds them all;
    // the capability in src-tauri/capabilities grants that set to the main
    // window.
    write_default_permissions();
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("src-tauri/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {e:#}");
    }
}

/// `permissions/default.toml`: the app's default permission set, every
/// command of the list. Written only when it changed, as tauri-build writes
/// its own permissions beside it, so that no build starts another.
#[cfg(feature = "desktop")]
fn write_default_permissions() {
    let allowed: Vec<String> = COMMANDS
        .iter()
        .map(|c| format!("  \"allow-{}\",\n", c.replace('_', "-")))
        .collect();
    let text = format!(
        "# Made by build.rs from src-tauri/commands/list.rs: never edit by hand.\n\
         [default]\n\
         description = \"Every command of DeepCall Desk, for its main window.\"\n\
         permissions = [\n{}]\n",
        allowed.concat()
    );
    let path = std::path::Path::new("permissions/default.toml");
    if std::fs::read_to_string(path).ok().as_deref() != Some(text.as_str()) {
        std::fs::create_dir_all("permissions").expect("the permissions folder can be made");
        std::fs::write(path, text).expect("permissions/default.toml can be written");
    }
}

/// From the list: every command's name, as the window invokes it.
#[cfg(feature = "desktop")]
macro_rules! app_commands {
    ($($($segment:ident)::+ $(<$runtime:path>)?),* $(,)?) => {
        const COMMANDS: &[&str] = &[$(app_commands!(@name $($segment)::+)),*];
    };
    (@name $name:ident) => { stringify!($name) };
    (@name $module:ident :: $($rest:ident)::+) => { app_commands!(@name $($rest)::+) };
}

#[cfg(feature = "desktop")]
include!("commands/list.rs");
