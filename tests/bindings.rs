//! The TypeScript bindings in `ui/src/bindings.ts` are generated from the
//! Rust commands and must never be edited by hand. This test fails when the
//! committed file differs from what the commands generate now.
//!
//! Regenerate with: `UPDATE_BINDINGS=1 cargo test --test bindings`

use std::path::PathBuf;

#[test]
fn bindings_are_up_to_date() {
    let committed_path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("ui/src/bindings.ts");
    let fresh_path =
        std::env::temp_dir().join(format!("deepcall-desk-bindings-{}.ts", std::process::id()));
    deepcall_desk::specta_builder::<tauri::Wry>()
        .export(deepcall_desk::typescript(), &fresh_path)
        .expect("the commands export to TypeScript");
    let fresh = std::fs::read_to_string(&fresh_path).expect("exported file is readable");
    let _ = std::fs::remove_file(&fresh_path);

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
