use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", max_file_size = 1e30)]
struct Zone;

fn main() {
    let _ = Zone::OPTIONS;
}
