//! Byte buffers that may hold a secret (a request body with the token in
//! it, an answer that echoed it): wiped when they are freed, and never
//! grown in place, since a `Vec` that grows moves its bytes to a larger
//! block and frees the old one as it is.

use serde::Serialize;
use zeroize::Zeroizing;

/// `value` as JSON, in a buffer of exactly its size, wiped when freed.
/// Serialized twice: once to count its bytes, once into the buffer.
pub fn json<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<Zeroizing<Vec<u8>>> {
    let mut counted = Counter(0);
    serde_json::to_writer(&mut counted, value)?;
    let mut buffer = Zeroizing::new(Vec::with_capacity(counted.0));
    serde_json::to_writer(&mut *buffer, value)?;
    debug_assert_eq!(buffer.len(), counted.0, "the same JSON twice");
    Ok(buffer)
}

/// Appends `more` to `buffer`; when it has no room, its bytes move to a
/// block twice as large and the old one is wiped before it is freed.
pub fn extend(buffer: &mut Zeroizing<Vec<u8>>, more: &[u8]) {
    let needed = buffer.len() + more.len();
    if needed > buffer.capacity() {
        let mut larger = Zeroizing::new(Vec::with_capacity(needed.max(2 * buffer.capacity())));
        larger.extend_from_slice(buffer);
        // The old buffer is dropped here, wiped.
        *buffer = larger;
    }
    buffer.extend_from_slice(more);
}

/// Counts what is written, keeping none of it.
struct Counter(usize);

impl std::io::Write for Counter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0 += bytes.len();
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::freed_memory::watch;

    const SECRET: &str = "tok-wiped-5d21c0e8";

    #[test]
    fn json_is_the_serialized_value() {
        let value = (vec!["a", "b\"c"], 12, SECRET);
        assert_eq!(*json(&value).unwrap(), serde_json::to_vec(&value).unwrap());
    }

    #[test]
    fn json_leaves_no_copy_behind() {
        let seen = watch(SECRET.as_bytes(), || {
            // Long enough that a growing buffer would have moved.
            let value: Vec<String> = (0..200).map(|i| format!("field {i}")).collect();
            let body = json(&(&value, SECRET)).unwrap();
            assert_eq!(body.len(), body.capacity());
            assert!(memchr::memmem::find(&body, SECRET.as_bytes()).is_some());
        });
        assert_eq!(seen.holding_it, 0, "{seen:?}");
        assert!(seen.blocks > 1, "{seen:?}");
    }

    #[test]
    fn a_buffer_extended_piece_by_piece_leaves_no_copy_behind() {
        let seen = watch(SECRET.as_bytes(), || {
            let mut buffer = Zeroizing::new(Vec::new());
            for _ in 0..100 {
                extend(&mut buffer, SECRET.as_bytes());
            }
            assert_eq!(buffer.len(), 100 * SECRET.len());
            assert!(buffer.starts_with(SECRET.as_bytes()));
        });
        assert_eq!(seen.holding_it, 0, "{seen:?}");
        assert!(seen.blocks > 1, "{seen:?}");
    }
}
