//! Sizes: the release binary, the installed .deb, the Windows program and
//! its MSI, and WebKitGTK's own libraries they are set beside.

use std::path::{Path, PathBuf};

/// Names the .deb whose installed size is reported.
pub const DEB_ENV: &str = "DEEPCALL_DESK_DEB";

/// Name the Windows program and its MSI whose sizes are reported.
pub const WINDOWS_EXE_ENV: &str = "DEEPCALL_DESK_WINDOWS_EXE";
pub const MSI_ENV: &str = "DEEPCALL_DESK_MSI";

/// `bytes` in MiB.
pub fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// The WebKitGTK and JavaScriptCore libraries every WebKitGTK app carries:
/// what the binary and installed sizes are set beside.
pub fn webkit_libraries_mib() -> f64 {
    let dir = PathBuf::from(format!("/usr/lib/{}-linux-gnu", std::env::consts::ARCH));
    ["libwebkit2gtk-4.1.so.0", "libjavascriptcoregtk-4.1.so.0"]
        .iter()
        .map(|lib| {
            let path = std::fs::canonicalize(dir.join(lib))
                .unwrap_or_else(|e| panic!("{lib} is installed: {e}"));
            mib(std::fs::metadata(path).unwrap().len())
        })
        .sum()
}

/// The .deb's `Installed-Size` (KiB), in MiB.
pub fn installed_mib(deb: &Path) -> f64 {
    let out = std::process::Command::new("dpkg-deb")
        .args(["-f", &deb.display().to_string(), "Installed-Size"])
        .output()
        .expect("dpkg-deb runs");
    let kib: f64 = String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .unwrap_or_else(|e| panic!("Installed-Size of {}: {e}", deb.display()));
    kib / 1024.0
}
