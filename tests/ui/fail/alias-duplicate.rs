use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", redirect_url = "/a", redirect_view = "/b")]
struct Zone;

fn main() {
    let _ = Zone::OPTIONS;
}
