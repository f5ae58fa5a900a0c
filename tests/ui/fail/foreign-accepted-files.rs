use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", accepted_files = "image/*")]
struct Zone;

fn main() {
    let _ = Zone::OPTIONS;
}
