use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", strict_csp = true, custom_init = "this.on('success', f);")]
struct Zone;

fn main() {}
