use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", max_files = 3)]
#[dropzone(max_files = 4)]
struct Zone;

fn main() {
    let _ = Zone::OPTIONS;
}
