use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(in_form = true, upload_on_click = true)]
struct Zone;

fn main() {
    let _ = Zone::OPTIONS;
}
