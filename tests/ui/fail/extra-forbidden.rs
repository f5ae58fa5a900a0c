use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload")]
#[dropzone(extra(url = "/other", params = "x", headers = "x", binary_body = true, accept = "f", success = "f"))]
struct Zone;

fn main() {}
