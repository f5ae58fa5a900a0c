use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", DROPZONE_MAX_FILE_SIZE = 3)]
struct Zone;

fn main() {
    let _ = Zone::OPTIONS;
}
