use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(in_form = true, upload_action = "/files")]
struct Zone;

fn main() {
    let _ = Zone::OPTIONS;
}
