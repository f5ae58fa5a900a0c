use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", force_chunking = true, chunk_size = 1048576)]
struct Zone;

fn main() {}
