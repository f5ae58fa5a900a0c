use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", max_file_size = 3MB)]
struct Zone;

fn main() {
    let _ = Zone::OPTIONS;
}
