use dropzone_runtime::{dropzone, DropzoneConfig};

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload")]
struct Zone;

fn main() {
    let _zone = dropzone!(Zone, chunking = true, chunk_size = 1000);
}
