use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", allowed_file_type = "image/*, .pdf")]
struct Zone;

fn main() {
    let _ = Zone::OPTIONS;
}
