use dropzone_runtime::{dropzone, DropzoneConfig};

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload")]
struct Zone;

fn main() {
    let _zone = dropzone!(Zone, serve_local = true, js_url = "/dz.js", css_url = "/dz.css");
}
