use dropzone_runtime::{dropzone, DropzoneConfig};

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", chunking = true, serve_local = false)] // jsDelivr serves 5.1.0
struct Chunked;

fn main() {
    let _zone = dropzone!(Chunked, version = "5.1.0");
}
