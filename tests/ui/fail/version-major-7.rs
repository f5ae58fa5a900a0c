use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", version = "7.0.0")]
struct Zone;

fn main() {
    let _ = Zone::OPTIONS;
}
