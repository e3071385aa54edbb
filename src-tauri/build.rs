fn main() {
    #[cfg(feature = "desktop")]
    desktop();
}

#[cfg(feature = "desktop")]
fn desktop() {
    // The UI is embedded at compile time: rebuild when it is rebuilt.
    println!("cargo:rerun-if-changed=ui/dist");
    // Every command the webview may call is listed in commands/names.rs;
    // tauri-build turns each into an `allow-…` permission, and the capability
    // in src-tauri/capabilities grants exactly these to the main window.
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("src-tauri/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {e:#}");
    }
}

#[cfg(feature = "desktop")]
include!("commands/names.rs");
