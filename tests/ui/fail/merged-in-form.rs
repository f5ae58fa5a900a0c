use dropzone_runtime::{dropzone, DropzoneConfig};

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload")]
struct Photos;

fn main() {
    // The example: one error, at the key, naming both missing options' fix in turn.
    let _zone = dropzone!(Photos, in_form = true);
}
