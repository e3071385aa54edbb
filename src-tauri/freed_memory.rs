//! For unit tests only: the test binary's allocator, which can be asked to
//! look into every block freed on the current thread for a given byte
//! string. A buffer that held a secret and was wiped before it was freed
//! does not show it; one freed as it was (a grown `Vec`'s old buffer, a
//! temporary `String`) does. So the tests of the code that handles secrets
//! fail when a copy of one is left behind in freed memory.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Watching;

#[global_allocator]
static ALLOCATOR: Watching = Watching;

thread_local! {
    /// The bytes looked for (a `'static` string, so never itself freed);
    /// empty when not looking.
    static NEEDLE: Cell<&'static [u8]> = const { Cell::new(&[]) };
    /// Blocks freed that still held it, and blocks looked into.
    static FOUND: Cell<usize> = const { Cell::new(0) };
    static LOOKED: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: every call is passed on to the system allocator unchanged; the
// look into a block happens before it is freed, within its size, and
// allocates nothing.
unsafe impl GlobalAlloc for Watching {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        System.alloc(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        look_into(ptr, layout.size());
        System.dealloc(ptr, layout)
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        System.alloc_zeroed(layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // The old block may be freed and its bytes left where they were.
        look_into(ptr, layout.size());
        System.realloc(ptr, layout, new_size)
    }
}

/// Counts `ptr`'s block as looked into, and as found when it holds the
/// needle. Quiet while nothing is looked for, and during thread exit.
unsafe fn look_into(ptr: *mut u8, size: usize) {
    let _ = NEEDLE.try_with(|needle| {
        let needle = needle.get();
        if needle.is_empty() {
            return;
        }
        LOOKED.with(|n| n.set(n.get() + 1));
        if size >= needle.len() && holds(ptr, size, needle) {
            FOUND.with(|n| n.set(n.get() + 1));
        }
    });
}

/// Whether the `size` bytes at `ptr` hold `needle`. Read byte by byte,
/// volatile: a block's spare capacity may never have been written, and the
/// compiler must not reason about those bytes, only fetch them. Allocates
/// nothing (it runs inside the allocator).
unsafe fn holds(ptr: *const u8, size: usize, needle: &[u8]) -> bool {
    (0..=size - needle.len()).any(|start| {
        needle
            .iter()
            .enumerate()
            .all(|(i, b)| std::ptr::read_volatile(ptr.add(start + i)) == *b)
    })
}

/// What [`watch`] saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Freed {
    /// Blocks freed on this thread while `work` ran.
    pub blocks: usize,
    /// Of them, those that still held the needle.
    pub holding_it: usize,
}

/// Runs `work`, looking into every block freed on this thread meanwhile
/// for `needle`.
pub fn watch(needle: &'static [u8], work: impl FnOnce()) -> Freed {
    assert!(!needle.is_empty(), "something to look for");
    FOUND.with(|n| n.set(0));
    LOOKED.with(|n| n.set(0));
    NEEDLE.with(|n| n.set(needle));
    work();
    NEEDLE.with(|n| n.set(&[]));
    Freed {
        blocks: LOOKED.with(Cell::get),
        holding_it: FOUND.with(Cell::get),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The watch itself sees a copy left behind, and a wiped one not.
    #[test]
    fn a_copy_freed_as_it_was_is_seen_and_a_wiped_one_not() {
        const NEEDLE: &[u8] = b"needle-7f3a19c2";
        let seen = watch(NEEDLE, || drop(String::from_utf8(NEEDLE.to_vec()).unwrap()));
        assert_eq!(seen.holding_it, 1, "{seen:?}");
        let seen = watch(NEEDLE, || {
            drop(zeroize::Zeroizing::new(NEEDLE.to_vec()));
        });
        assert_eq!(seen.holding_it, 0, "{seen:?}");
        assert!(seen.blocks >= 1, "{seen:?}");
    }
}
