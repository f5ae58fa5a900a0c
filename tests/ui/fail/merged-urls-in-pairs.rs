use dropzone_runtime::{dropzone, DropzoneConfig};

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload")]
struct Zone;

fn main() {
    let _zone = dropzone!(Zone, js_url = "/static/dropzone.js");
}
