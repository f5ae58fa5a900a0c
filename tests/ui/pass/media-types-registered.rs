//! The registered spellings of the commonly mistyped media types are accepted.
use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", allowed_file_custom = true)]
#[dropzone(allowed_file_type = "image/jpeg, audio/mpeg, video/x-matroska, application/json, haptics/*")]
struct Zone;

fn main() {
    assert_eq!(Zone::OPTIONS.accepted_files().rules.len(), 5);
}
