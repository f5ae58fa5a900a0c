use dropzone_runtime::{dropzone, DropzoneConfig};

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", version = "6.0.0")]
struct Zone;

fn main() {
    let _zone = dropzone!(Zone, serve_local = true);
}
