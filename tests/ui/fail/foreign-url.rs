use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(url = "/upload")]
struct Zone;

fn main() {
    let _ = Zone::OPTIONS;
}
