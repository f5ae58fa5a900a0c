use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", chunking = true, retry_chunks_limit = 5)]
struct Zone;

fn main() {}
