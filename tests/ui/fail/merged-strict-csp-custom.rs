use dropzone_runtime::{dropzone, DropzoneConfig};

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", custom_options = "addRemoveLinks: true")]
struct Zone;

fn main() {
    let _zone = dropzone!(Zone, strict_csp = true);
}
