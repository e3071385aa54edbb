//! The commands' handlers and their TypeScript bindings
//! (`ui/src/bindings.ts`, checked by tests/bindings.rs), from the one list
//! in list.rs, with the constants the UI reads from Rust.

use tauri::Runtime;

use crate::commands;

/// From the list: `COMMANDS`, every command's name as the window invokes
/// it, and `handlers`, every command registered with its binding.
macro_rules! app_commands {
    ($($($segment:ident)::+ $(<$runtime:path>)?),* $(,)?) => {
        /// Every command the main window may call, by name.
        pub const COMMANDS: &[&str] = &[$(app_commands!(@name $($segment)::+)),*];

        fn handlers<R: Runtime>() -> tauri_specta::Commands<R> {
            tauri_specta::collect_commands![$(commands::$($segment)::+ $(::<$runtime>)?),*]
        }
    };
    (@name $name:ident) => { stringify!($name) };
    (@name $module:ident :: $($rest:ident)::+) => { app_commands!(@name $($rest)::+) };
}

include!("list.rs");

/// The commands and their TypeScript bindings, from one place.
pub fn specta_builder<R: Runtime>() -> tauri_specta::Builder<R> {
    tauri_specta::Builder::<R>::new()
        .commands(handlers())
        // The address most accounts use, for the account form.
        .constant("DEFAULT_HOST", crate::deepcall::DEFAULT_HOST)
        // The contact editor's fields: the UI renders the form from these.
        .typ::<crate::deepcall::directory::field::FieldSpec>()
        .constant(
            "CONTACT_FIELDS",
            crate::deepcall::directory::field::catalogue(),
        )
        // History's outcomes in the manager's words, for its filter and list.
        .constant("HISTORY_OUTCOMES", crate::history::outcome_words())
        // The account id History keeps the Sandbox's own changes under.
        .constant("SANDBOX_ACCOUNT", crate::history::SANDBOX_ACCOUNT)
        // The ages History's tidy-up offers, in days, and the one offered first.
        .constant("TIDY_DAY_CHOICES", crate::history::tidy::DAY_CHOICES)
        .constant("TIDY_DEFAULT_DAYS", crate::history::tidy::DEFAULT_DAYS)
        // Ids are checked to fit a JavaScript number when they are read.
        .dangerously_cast_bigints_to_number()
}

/// The TypeScript exporter for `ui/src/bindings.ts`.
pub fn typescript() -> specta_typescript::Typescript {
    specta_typescript::Typescript::default().header("// @ts-nocheck\n/* eslint-disable */")
}
