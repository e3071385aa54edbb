// The commands the main window may call, by name: the one list.
// - build.rs includes this file and makes an `allow-…` permission of each;
// - `app::specta_builder` registers the handlers (and the TypeScript bindings);
// - `src-tauri/capabilities/main.json` grants the permissions to the window.
// tests/bindings.rs fails when the handlers or the capability disagree with
// this list. (Plain comments only: build.rs `include!`s this file.)
pub const COMMANDS: &[&str] = &[
    "app_status",
    "group_members",
    "recent_groups",
    "group_choices",
    "change_receiving",
    "export_members",
    "accounts_overview",
    "retry_keyring",
    "check_connection",
    "secret_needed",
    "save_account",
    "remove_account",
    "set_active_account",
    "contact_lookup",
    "check_contact_changes",
    "save_contact",
    "history_overview",
    "history_note_seen",
    "history_page",
    "check_history",
    "export_history",
    "history_tidy_estimate",
    "history_tidy",
    "contact_from_history",
    "bulk_choose_file",
    "bulk_preview",
    "bulk_preview_rows",
    "bulk_start",
    "bulk_resume",
    "bulk_watch",
    "bulk_control",
    "bulk_unfinished",
    "bulk_results",
    "bulk_save_results",
    "about",
    "open_log_folder",
];
