use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", chunking = true, chunk_size = 2MiB)]
struct Zone;

fn main() {
    let _ = Zone::OPTIONS;
}
