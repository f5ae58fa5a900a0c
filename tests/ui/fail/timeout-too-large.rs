use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", timeout = 2147483648)]
struct Zone;

fn main() {
    let _ = Zone::OPTIONS;
}
