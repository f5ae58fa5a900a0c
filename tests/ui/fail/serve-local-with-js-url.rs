use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", serve_local = true, js_url = "/dz.js", css_url = "/dz.css")]
struct Zone;

fn main() {
    let _ = Zone::OPTIONS;
}
