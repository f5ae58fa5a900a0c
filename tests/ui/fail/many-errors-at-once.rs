use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(max_file_sise = 3, max_files = 0, id = "a b")]
#[dropzone(allowed_file_type = "imgae", timeout = -1, in_form = true)]
#[dropzone(default_message = "{{statusCode}}", enable_csrf = "yes", max_files = 2)]
struct Zone;

fn main() {
    let _ = Zone::OPTIONS;
}
