use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", version = "5.9.3", extra(default_headers = false))]
struct Zone;

fn main() {}
