//! Two derived zones without an `id` get their own ids from their type names (a deliberate
//! change from Flask-Dropzone's one `myDropzone`, where the second zone never starts).
use dropzone_runtime::{dropzone, DropzoneConfig};

#[derive(DropzoneConfig)]
#[dropzone(action = "/photos")]
struct PhotoZone;

#[derive(DropzoneConfig)]
#[dropzone(action = "/docs")]
enum HTTPDocuments {}

#[derive(DropzoneConfig)]
#[dropzone(action = "/x", id = "chosen")]
struct Named;

fn main() {
    assert_eq!(PhotoZone::OPTIONS.id(), "photo-zone");
    assert_eq!(HTTPDocuments::OPTIONS.id(), "http-documents");
    assert_eq!(Named::OPTIONS.id(), "chosen");
    // A one-off zone keeps Flask-Dropzone's default.
    assert_eq!(dropzone!(action = "/y").options().id(), "myDropzone");
}
