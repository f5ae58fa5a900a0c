#![deny(warnings, unused_qualifications, unused_results, missing_docs, rust_2018_idioms)]
//! The expansions are lint-clean.

use dropzone_runtime::{dropzone, DropzoneConfig};

/// A zone.
#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", max_files = 3, timeout = 100, max_file_size = 2.5)]
pub struct Zone;

/// Another.
#[derive(DropzoneConfig)]
#[dropzone(action = "/upload")]
pub enum Other {}

fn main() {
    let a = dropzone!(action = "/u");
    let b = dropzone!(Zone, id = "b", cancel_upload = "Stop");
    let c = dropzone!(Zone);
    drop((a, b, c, Other::OPTIONS));
}
