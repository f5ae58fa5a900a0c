use dropzone_runtime::{dropzone, DropzoneConfig};

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", custom_init = "this.on('success', f);")]
struct Zone;

fn main() {
    // Two rules broken by two keys: each reported once, at its own key.
    let _zone = dropzone!(Zone, strict_csp = true, upload_action = "/files");
}
