use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", upload_action = "/files")]
struct Zone;

fn main() {
    let _ = Zone::OPTIONS;
}
