//! Contract tests: the real DeepCall client against the real sandbox server,
//! over HTTP on 127.0.0.1, plus the vendor's own examples sent raw.
//!
//! `CARGO_TARGET_DIR=/tmp/target-contract cargo test --no-default-features --test contract`

mod common;

mod auth;
mod binary;
mod bulk_run;
mod directory;
mod faults;
mod field;
mod group;
mod growth;
mod hostile;
mod lineup;
mod proxy;
mod seed_examples;
mod trust;
