//! No core dump of the app: a crash must not write its memory, with the
//! tokens and session ids of its accounts in it, to a file on disk (or hand
//! it to a crash collector) where anyone with the file could read them.

/// Turns core dumps off for this process and keeps them off: on Linux it
/// is also made non-dumpable, which also keeps other processes of this
/// user (without extra privileges) from attaching to it or reading its
/// memory through `/proc`. Called first thing at start in release builds;
/// debug builds keep dumps, for the engineer. Makes no allocation, so that
/// a freshly forked child may call it.
#[cfg(unix)]
pub fn turn_off() -> std::io::Result<()> {
    let none = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: plain system calls on this process, with a valid argument.
    if unsafe { libc::setrlimit(libc::RLIMIT_CORE, &none) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    #[cfg(target_os = "linux")]
    // SAFETY: as above; PR_SET_DUMPABLE takes one integer argument.
    if unsafe { libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

/// Windows writes no dump of a crashed app unless the computer's owner has
/// configured Windows Error Reporting to keep them (`LocalDumps`); that is
/// their decision, so nothing is changed here.
#[cfg(not(unix))]
pub fn turn_off() -> std::io::Result<()> {
    Ok(())
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    /// In a child process, so that this test process keeps its own
    /// settings: after the call, core dumps are limited to 0 bytes (soft
    /// and hard) and the process is not dumpable.
    #[test]
    fn after_the_call_no_core_dump_can_be_written() {
        // SAFETY: the child makes only system calls before `_exit`.
        let child = unsafe { libc::fork() };
        assert!(child >= 0, "fork: {}", std::io::Error::last_os_error());
        if child == 0 {
            let code = unsafe {
                let mut limit = libc::rlimit {
                    rlim_cur: 1,
                    rlim_max: 1,
                };
                if super::turn_off().is_err() {
                    1
                } else if libc::getrlimit(libc::RLIMIT_CORE, &mut limit) != 0 {
                    2
                } else if limit.rlim_cur != 0 || limit.rlim_max != 0 {
                    3
                } else if libc::prctl(libc::PR_GET_DUMPABLE, 0, 0, 0, 0) != 0 {
                    4
                } else {
                    0
                }
            };
            unsafe { libc::_exit(code) };
        }
        let mut status = 0;
        // SAFETY: waits for the child just forked.
        assert_eq!(unsafe { libc::waitpid(child, &mut status, 0) }, child);
        assert!(libc::WIFEXITED(status), "the child ended by a signal");
        let what = [
            "",
            "the call failed",
            "the limit could not be read",
            "the core-dump limit is not 0",
            "the process is still dumpable",
        ];
        let code = libc::WEXITSTATUS(status);
        assert_eq!(code, 0, "{}", what[code as usize]);
    }
}
