use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(max_files = 3)]
struct Zone;

fn main() {
    let _ = Zone::OPTIONS;
}
