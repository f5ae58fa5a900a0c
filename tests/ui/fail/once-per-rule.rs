use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(in_form = true, upload_action = "/files", action = "/form", redirect_url = "/done")]
struct Zone;

fn main() {
    let _ = Zone::OPTIONS;
}
