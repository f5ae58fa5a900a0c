use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", extra(add_remove_link = true, thumbnailWidth = 200))]
struct Zone;

fn main() {}
