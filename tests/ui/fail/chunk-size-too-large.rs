use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", chunking = true, max_file_size = 1048576, chunk_size = 2000000000000)]
struct Zone;

fn main() {
    let _ = Zone::OPTIONS;
}
