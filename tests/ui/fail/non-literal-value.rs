use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", max_files = MAX)]
struct Zone;
const MAX: u32 = 3;

fn main() {
    let _ = Zone::OPTIONS;
}
