use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", input_name = "file[]")]
struct Zone;

fn main() {
    let _ = Zone::OPTIONS;
}
