use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", allowed_file_custom = true, allowed_file_type = "text/json, application/docx")]
struct Zone;

fn main() {
    let _ = Zone::OPTIONS;
}
