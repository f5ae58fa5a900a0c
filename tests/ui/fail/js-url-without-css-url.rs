use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", js_url = "/dz.js")]
struct Zone;

fn main() {
    let _ = Zone::OPTIONS;
}
