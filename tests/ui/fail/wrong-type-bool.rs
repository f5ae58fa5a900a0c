use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", upload_multiple = "true")]
struct Zone;

fn main() {
    let _ = Zone::OPTIONS;
}
