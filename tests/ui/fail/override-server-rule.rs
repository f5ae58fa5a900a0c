use dropzone_runtime::{dropzone, DropzoneConfig};

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload")]
struct Zone;

fn main() {
    let _zone = dropzone!(Zone, id = "b", max_file_size = 10, allowed_file_type = "image");
}
