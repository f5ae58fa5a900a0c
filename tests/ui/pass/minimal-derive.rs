use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload")]
struct Uploads;

fn main() {
    let o = Uploads::OPTIONS;
    // The type name in kebab-case, not Flask-Dropzone's shared `myDropzone`.
    assert_eq!(o.id(), "uploads");
    assert_eq!(o.action(), "/upload");
    assert_eq!(o.version().text, "6.3.5");
    assert_eq!(o.version().major, 6);
    assert_eq!(o.max_file_size(), 3.0);
    assert_eq!(o.input_name(), "file");
    assert_eq!(o.accepted_files().list, "image/*, audio/*, video/*, text/*, application/*");
    assert_eq!(o.accepted_files().rules.len(), 5);
    assert_eq!(o.max_files(), None);
    assert_eq!(o.timeout(), None);
    assert_eq!(o.parallel_uploads(), 2);
    assert_eq!(o.upload_btn_id(), "upload");
    assert_eq!(o.messages().default_message(), "Drop files here or click to upload.");
    assert_eq!(o.messages().file_too_big(), "File is too big {{filesize}}. Max filesize: {{maxFilesize}}MiB.");
    assert_eq!(o.messages().server_error(), "Server error: {{statusCode}}");
    assert_eq!(o.messages().max_file_exceed(), "You can't upload any more files.");
    assert_eq!(o.custom_init(), None);
    // The embedded copies, unless the zone asks for jsDelivr or its own URLs.
    assert!(matches!(o.assets(), dropzone_runtime::options::AssetSource::Local));
    let _ = Uploads::dropzone();
}
