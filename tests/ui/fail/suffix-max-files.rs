use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", max_files = 5files)]
struct Zone;

fn main() {
    let _ = Zone::OPTIONS;
}
