use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = b"/upload")]
struct Zone;

fn main() {
    let _ = Zone::OPTIONS;
}
