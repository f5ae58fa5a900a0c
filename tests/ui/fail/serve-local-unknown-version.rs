use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", serve_local = true, version = "6.2.0")]
struct Zone;

fn main() {
    let _ = Zone::OPTIONS;
}
