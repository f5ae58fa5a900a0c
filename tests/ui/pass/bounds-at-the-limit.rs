//! The upper bounds themselves are accepted, and every byte count derived from them is exact.
use dropzone_runtime::DropzoneConfig;
use dropzone_runtime::upload::{body_limit, max_file_bytes};

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", max_file_size = 1048576, timeout = 2147483647)]
#[dropzone(upload_multiple = true, parallel_uploads = 1000, max_files = 1000000)]
struct Largest;

fn main() {
    let o = Largest::OPTIONS;
    assert_eq!(max_file_bytes(o), 1 << 40);
    assert_eq!(body_limit(o), 1000 * (1 << 40) + (1 << 20));
    assert_eq!(o.timeout(), Some(2147483647));
}
