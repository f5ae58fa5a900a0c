use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", max_file_size = 1, chunking = true, chunk_size = 2097152)]
struct Zone;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", max_file_size = 0.5, chunking = true)]
struct DefaultChunk;

fn main() {}
