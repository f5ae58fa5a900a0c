use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", parallel_uploads = 1001)]
struct Zone;

fn main() {
    let _ = Zone::OPTIONS;
}
