//! The TCP ports a process listens on, read from `/proc`: the kernel's
//! table of listening sockets, matched to the process's own descriptors.
//! Apart from the port WebKit's remote inspector listens on for
//! WebKitWebDriver, which is how the tests drive the app.

use std::collections::BTreeSet;

/// `st` of a listening socket in `/proc/net/tcp` and `tcp6`.
const LISTEN: &str = "0A";

/// The local ports `pid` itself (not its children) listens on, but the
/// inspector's for WebDriver.
pub fn listening_ports(pid: u32) -> BTreeSet<u16> {
    let driven = inspector_port(pid);
    all_listening_ports(pid)
        .into_iter()
        .filter(|p| Some(*p) != driven)
        .collect()
}

/// The port WebKitWebDriver told the app's inspector to listen on
/// (`WEBKIT_INSPECTOR_SERVER=127.0.0.1:PORT` in its environment).
fn inspector_port(pid: u32) -> Option<u16> {
    let environ = std::fs::read(format!("/proc/{pid}/environ")).ok()?;
    environ.split(|b| *b == 0).find_map(|v| {
        let v = std::str::from_utf8(v).ok()?;
        v.strip_prefix("WEBKIT_INSPECTOR_SERVER=")?
            .rsplit(':')
            .next()?
            .parse()
            .ok()
    })
}

fn all_listening_ports(pid: u32) -> BTreeSet<u16> {
    let inodes: BTreeSet<String> = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap_or_else(|e| panic!("the descriptors of process {pid}: {e}"))
        .filter_map(|fd| {
            let target = std::fs::read_link(fd.ok()?.path()).ok()?;
            let target = target.to_str()?;
            Some(
                target
                    .strip_prefix("socket:[")?
                    .strip_suffix(']')?
                    .to_owned(),
            )
        })
        .collect();
    ["tcp", "tcp6"]
        .iter()
        .map(|table| {
            std::fs::read_to_string(format!("/proc/{pid}/net/{table}")).unwrap_or_default()
        })
        .flat_map(|text| {
            text.lines()
                .skip(1)
                .filter_map(|line| {
                    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                    let cols: Vec<&str> = line.split_whitespace().collect();
                    let (local, st, inode) = (cols.get(1)?, cols.get(3)?, cols.get(9)?);
                    if *st != LISTEN || !inodes.contains(*inode) {
                        return None;
                    }
                    u16::from_str_radix(local.rsplit(':').next()?, 16).ok()
                })
                .collect::<Vec<_>>()
        })
        .collect()
}
