use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", max_files = '5')]
struct Zone;

fn main() {
    let _ = Zone::OPTIONS;
}
