use dropzone_runtime::{dropzone, DropzoneConfig};

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", extra(dict_thumbnail_error = "Broken"))]
struct Zone;

fn main() {
    let _zone = dropzone!(Zone, version = "5.9.3");
}
