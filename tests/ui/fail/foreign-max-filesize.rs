use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", maxFilesize = 3)]
struct Zone;

fn main() {
    let _ = Zone::OPTIONS;
}
