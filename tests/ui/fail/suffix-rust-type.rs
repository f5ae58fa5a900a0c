use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", parallel_uploads = 2u32)]
struct Zone;

fn main() {
    let _ = Zone::OPTIONS;
}
