use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload")]
#[dropzone(extra(add_remove_links = "true", thumbnail_width = 0, thumbnail_method = "fit", clickable = null))]
struct Zone;

fn main() {}
