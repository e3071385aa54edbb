//! End-to-end: the built app in a real WebKitGTK window under Xvfb.
//! Run with the README's test command (it starts Xvfb and a keyring).
//! Linux only: the window on Windows is WebView2, which neither Wine nor a
//! WebDriver on Linux can drive.
#![cfg(target_os = "linux")]

mod a11y;
mod accounts;
mod builtin_sandbox;
mod bulk;
mod bulk_crash;
mod bulk_field;
mod bulk_limits;
mod bulk_mac;
mod bulk_numbers;
mod contacts;
mod crash;
mod desktop;
mod frame;
mod groups;
mod history;
mod history_damaged;
mod history_tidy;
mod installed;
mod lineups;
mod second_copy;
mod support;
