//! The window's WebKit, tuned for an app of text, lists and forms (Linux's
//! WebKitGTK; WebView2 on Windows is left as it is).

/// WebKit settings that cost a manager nothing they would notice (the
/// figures: docs/performance.md):
/// - no compositing on the GPU. The screens are text, lists and forms,
///   with no video, WebGL or 3D; composited, WebKit keeps layer buffers,
///   and where GL is Mesa's software renderer (virtual machines, remote
///   desktops, no GPU driver) it paints a long list slower than painting
///   directly ([`COMPOSITING_ENV`] keeps WebKit's default, to compare);
/// - the cache model of a document viewer: the app's pages come from the
///   app itself, so WebKit's memory cache for web pages buys nothing.
pub fn tune_webview(webview: tauri::webview::PlatformWebview) {
    #[cfg(all(unix, not(target_os = "macos")))]
    {
        use webkit2gtk::{
            CacheModel, HardwareAccelerationPolicy, SettingsExt, WebContextExt, WebViewExt,
        };
        let view = webview.inner();
        if std::env::var_os(COMPOSITING_ENV).is_none() {
            if let Some(settings) = WebViewExt::settings(&view) {
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
            }
        }
        if let Some(context) = view.context() {
            context.set_cache_model(CacheModel::DocumentViewer);
        }
    }
    #[cfg(not(all(unix, not(target_os = "macos"))))]
    let _ = webview;
}

/// Set, WebKit composites on the GPU as it does by default (to compare).
#[cfg(all(unix, not(target_os = "macos")))]
pub const COMPOSITING_ENV: &str = "DEEPCALL_DESK_COMPOSITING";

/// JavaScriptCore's own switch for its optimising JIT compilers (DFG, and
/// FTL above it), read by WebKit's web process, which inherits the app's
/// environment.
pub const JIT_ENV: &str = "JSC_useDFGJIT";

/// The window's JavaScript runs without JavaScriptCore's optimising JIT
/// compilers, unless [`JIT_ENV`] is set (`JSC_useDFGJIT=1` keeps WebKit's
/// default, to compare); its interpreter and baseline JIT remain. The app's
/// own script is light (reading, sorting out and checking DeepCall's
/// answers is done in Rust), so the JIT buys no time a manager sees and
/// costs memory (docs/performance.md). Only `set_var` before any other
/// thread starts is sound, so `run` calls this first.
pub fn without_optimising_jit() {
    #[cfg(all(unix, not(target_os = "macos")))]
    if std::env::var_os(JIT_ENV).is_none() {
        std::env::set_var(JIT_ENV, "0");
    }
}
