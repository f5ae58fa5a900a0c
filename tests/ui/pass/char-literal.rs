//! A char literal is accepted wherever a string is.
use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", id = 'z', upload_btn_id = 'b', default_message = '⇪')]
struct Zone;

fn main() {
    assert_eq!(Zone::OPTIONS.id(), "z");
    assert_eq!(Zone::OPTIONS.upload_btn_id(), "b");
    assert_eq!(Zone::OPTIONS.messages().default_message(), "⇪");
}
