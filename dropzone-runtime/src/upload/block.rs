//! Gathering received bytes into large write blocks (shared by single and chunked uploads).

/// Moves as much of `data` into `buf` as fits in one block of `block` bytes and returns the
/// rest. The buffer grows by doubling but never past `block` (plain `extend_from_slice` would
/// double a nearly full 1 MiB buffer to 2 MiB: twice the memory per buffer, and a copy).
pub(crate) fn fill_block<'a>(buf: &mut Vec<u8>, data: &'a [u8], block: usize) -> &'a [u8] {
    let n = (block - buf.len()).min(data.len());
    if buf.len() + n > buf.capacity() {
        let target = (buf.capacity() * 2).max(buf.len() + n).min(block);
        buf.reserve_exact(target - buf.len());
    }
    buf.extend_from_slice(&data[..n]);
    &data[n..]
}
