use dropzone_runtime::{dropzone, DropzoneConfig};

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", chunking = true)]
struct Chunked;

fn main() {
    let _zone = dropzone!(Chunked, version = "5.1.0");
}
