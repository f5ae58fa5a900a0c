use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", paramName = "file")]
struct Zone;

fn main() {
    let _ = Zone::OPTIONS;
}
