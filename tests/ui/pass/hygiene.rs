#![no_implicit_prelude]
//! The expansions name everything by absolute path, and their items cannot clash with the
//! user's names.

extern crate dropzone_runtime;
extern crate std;

use dropzone_runtime::{dropzone, DropzoneConfig};

#[allow(dead_code)]
struct Option;
#[allow(dead_code)]
struct Some;
#[allow(dead_code, non_upper_case_globals)]
const None: () = ();
#[allow(dead_code)]
struct Options;
#[allow(dead_code)]
const OPTIONS: () = ();
#[allow(dead_code)]
mod core {}
#[allow(dead_code)]
mod dropzone_runtime_private {}

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", max_files = 2, redirect_url = "/r")]
#[dropzone(chunking = true, retry_chunks = true, extra(add_remove_links = true))]
struct O;

#[allow(dead_code)]
struct Chunking;
#[allow(dead_code)]
struct ExtraOption;

fn main() {
    let zone = dropzone!(O, id = "o", timeout = 5, retry_chunks_limit = 4, extra(clickable = false));
    let inline = dropzone!(action = "/x", max_files = 1);
    std::assert_eq!(zone.options().max_files(), std::option::Option::Some(2));
    std::assert_eq!(inline.options().max_files(), std::option::Option::Some(1));
}
