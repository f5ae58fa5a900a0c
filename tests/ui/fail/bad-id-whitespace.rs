use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", id = "my zone")]
struct Zone;

fn main() {
    let _ = Zone::OPTIONS;
}
