use dropzone_runtime::{dropzone, DropzoneConfig};

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload")]
struct Zone;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", chunking = true)]
struct Chunked;

fn main() {
    let _a = dropzone!(Zone, id = "a", force_chunking = true);
    let _b = dropzone!(Chunked, id = "b", retry_chunks_limit = 4);
}
