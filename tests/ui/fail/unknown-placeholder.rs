use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", file_too_big = "Too big: {{fileSize}}")]
struct Zone;

fn main() {
    let _ = Zone::OPTIONS;
}
