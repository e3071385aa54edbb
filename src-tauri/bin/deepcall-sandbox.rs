//! `deepcall-sandbox`: the DeepCall contract server on its own.
//!
//! ```text
//! cargo run --bin deepcall-sandbox -- --listen 127.0.0.1:0 [--large-group N]
//! ```
//! The first line printed is `listening on http://127.0.0.1:PORT`.

use std::net::SocketAddr;
use std::process::ExitCode;

use deepcall_desk::sandbox::{Options, Sandbox};

const USAGE: &str = "usage: deepcall-sandbox [--listen ADDR:PORT] [--large-group N]";

fn parse_args() -> Result<Options, String> {
    let mut options = Options::default();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--listen" => {
                let v = args
                    .next()
                    .ok_or("--listen needs an address such as 127.0.0.1:0")?;
                options.listen = v.parse::<SocketAddr>().map_err(|_| {
                    format!("--listen: '{v}' is not an address such as 127.0.0.1:8080")
                })?;
            }
            "--large-group" => {
                let v = args
                    .next()
                    .ok_or("--large-group needs a number of members")?;
                let n = v
                    .parse::<usize>()
                    .ok()
                    .filter(|n| *n <= 1_000_000)
                    .ok_or_else(|| {
                        format!("--large-group: '{v}' is not a number of members up to 1000000")
                    })?;
                options.large_group = Some(n);
            }
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument '{other}'\n{USAGE}")),
        }
    }
    Ok(options)
}

#[tokio::main]
async fn main() -> ExitCode {
    let options = match parse_args() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let sandbox = match Sandbox::start(options).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("could not listen: {e}");
            return ExitCode::from(1);
        }
    };
    println!("listening on {}", sandbox.url());
    println!("credentials: ssid 'sandbox-ssid', or userId '29791451' with token 'sandbox-token'");
    let _ = tokio::signal::ctrl_c().await;
    ExitCode::SUCCESS
}
