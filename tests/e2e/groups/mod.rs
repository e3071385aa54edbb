//! The Groups screen in the real window, against a sandbox whose request log
//! shows exactly what reached "DeepCall": opening a group ([`opening`]),
//! changing who receives calls ([`changes`]), changes to a group the manager
//! has left ([`left`]) and the 10,000-member group ([`large`]).

mod changes;
mod large;
mod left;
mod opening;
