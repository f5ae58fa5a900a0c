use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", chunking = true, upload_multiple = true)]
struct Zone;

fn main() {}
