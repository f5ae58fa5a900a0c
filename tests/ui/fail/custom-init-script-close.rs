use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", custom_init = "console.log('</SCRIPT>')")]
struct Zone;

fn main() {
    let _ = Zone::OPTIONS;
}
