use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", timeout = 1.5s)]
struct Zone;

fn main() {
    let _ = Zone::OPTIONS;
}
