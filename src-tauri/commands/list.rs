// The commands the main window may call: the one list. A command is
// written as its function below `commands`, and named nowhere else:
// - build.rs includes this file: each command gets an `allow-…` permission,
//   and the app's default permission set (permissions/default.toml, made by
//   build.rs), which src-tauri/capabilities/main.json grants to the main
//   window, holds them all;
// - commands/bindings.rs includes it: each handler is registered with its
//   TypeScript binding (ui/src/bindings.ts), and `COMMANDS` names them.
// A command that needs the runtime's type takes `<tauri::Wry>`.
// (Plain comments only: build.rs `include!`s this file.)
app_commands! {
    app_status,
    groups::group_members,
    groups::recent_groups,
    groups::group_choices,
    groups::change_receiving,
    groups::export_members<tauri::Wry>,
    accounts::accounts_overview,
    accounts::retry_keyring,
    accounts::check_connection,
    accounts::secret_needed,
    accounts::save_account,
    accounts::remove_account,
    accounts::set_active_account,
    contacts::contact_lookup,
    contacts::check_contact_changes,
    contacts::save_contact,
    history::history_overview,
    history::history_note_seen,
    history::history_page,
    history::check_history,
    history::export_history<tauri::Wry>,
    history::history_tidy_estimate,
    history::history_tidy,
    contacts::contact_from_history,
    bulk::file::bulk_choose_file<tauri::Wry>,
    bulk::file::bulk_preview,
    bulk::file::bulk_preview_rows,
    bulk::run::bulk_start,
    bulk::run::bulk_resume,
    bulk::run::bulk_watch,
    bulk::run::bulk_control,
    bulk::run::bulk_unfinished,
    bulk::results::bulk_results,
    bulk::results::bulk_save_results<tauri::Wry>,
    about::about,
    about::open_log_folder,
}
