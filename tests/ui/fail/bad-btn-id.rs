use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", upload_on_click = true, upload_btn_id = "go now")]
struct Zone;

fn main() {
    let _ = Zone::OPTIONS;
}
