use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", max_file_size = 1.5GiB)]
struct Zone;

fn main() {
    let _ = Zone::OPTIONS;
}
