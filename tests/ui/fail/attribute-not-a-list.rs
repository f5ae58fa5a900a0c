use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone = "/upload"]
struct Zone;

fn main() {
    let _ = Zone::OPTIONS;
}
