use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", timeout = 30s)]
struct Zone;

fn main() {
    let _ = Zone::OPTIONS;
}
