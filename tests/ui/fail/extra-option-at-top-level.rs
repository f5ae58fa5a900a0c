use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", addRemoveLinks = true)]
struct Zone;

fn main() {
    let _ = Zone::OPTIONS;
}
