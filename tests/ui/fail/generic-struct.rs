use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload")]
struct Zone<T>(T);

fn main() {}
