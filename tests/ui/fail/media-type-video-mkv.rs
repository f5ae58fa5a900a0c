use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", allowed_file_custom = true, allowed_file_type = "video/MKV")]
struct Zone;

fn main() {
    let _ = Zone::OPTIONS;
}
