use dropzone_runtime::{dropzone, DropzoneConfig};

#[derive(DropzoneConfig)]
#[dropzone(in_form = true, upload_on_click = true, upload_action = "/files")]
struct InForm;

fn main() {
    let _zone = dropzone!(InForm, in_form = false);
}
