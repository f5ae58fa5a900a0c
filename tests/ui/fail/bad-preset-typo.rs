use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", allowed_file_type = "imgae")]
struct Zone;

fn main() {
    let _ = Zone::OPTIONS;
}
