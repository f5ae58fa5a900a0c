use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", chunking = true, retry_chunks = true, retry_chunks_limit = 101)]
struct Zone;

fn main() {
    let _ = Zone::OPTIONS;
}
