use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", allowed_file_custom = true, allowed_file_type = "document/pdf")]
struct Zone;

fn main() {
    let _ = Zone::OPTIONS;
}
