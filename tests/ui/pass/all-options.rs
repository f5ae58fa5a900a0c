use dropzone_runtime::options::{Accept, AssetSource};
use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(
    id = "docs-zone",
    action = "/docs",
    version = "5.9.3",
    js_url = "/static/dz.js",
    css_url = "/static/dz.css",
    max_file_size = 0.5,
    input_name = "doc.file-1",
    allowed_file_custom = true,
    allowed_file_type = "Image/*, .PDF, .tar.gz, application/vnd.ms-excel",
    max_files = 30,
    timeout = 0,
    redirect_view = "/done",
    upload_multiple = true,
    parallel_uploads = 4,
    enable_csrf = true,
    upload_on_click = true,
    upload_btn_id = "go",
)]
#[dropzone(
    default_message = "Drop",
    invalid_file_type = "Nope",
    file_too_big = "{{filesize}} > {{maxFilesize}}",
    server_error = "Error {{statusCode}}",
    browser_unsupported = "Old browser",
    max_file_exceeded = "At most {{maxFiles}}",
    cancel_upload = "Cancel",
    remove_file = "Remove",
    cancel_confirmation = "Sure?",
    upload_canceled = "Canceled",
    custom_init = "this.on('success', function () {});",
    custom_options = "addRemoveLinks: true",
)]
enum Docs {}

#[derive(DropzoneConfig)]
#[dropzone(in_form = true, upload_on_click = true, upload_action = "/files", serve_local = true)]
struct InForm {
    _title: String,
}

#[derive(DropzoneConfig)]
#[dropzone(action = "/any", allowed_file_custom = true, allowed_file_type = "")]
struct Anything;

fn main() {
    let o = Docs::OPTIONS;
    assert_eq!(o.id(), "docs-zone");
    assert_eq!(o.version().text, "5.9.3");
    assert_eq!(o.version().major, 5);
    assert_eq!(o.assets(), AssetSource::Custom { js: "/static/dz.js", css: "/static/dz.css" });
    assert_eq!(o.max_file_size(), 0.5);
    assert_eq!(o.input_name(), "doc.file-1");
    assert_eq!(o.accepted_files().list, "image/*, .pdf, .tar.gz, application/vnd.ms-excel");
    assert_eq!(
        o.accepted_files().rules,
        &[
            Accept::TopLevel("image"),
            Accept::Extension(".pdf"),
            Accept::Extension(".tar.gz"),
            Accept::MediaType("application/vnd.ms-excel"),
        ]
    );
    assert_eq!(o.max_files(), Some(30));
    assert_eq!(o.timeout(), Some(0));
    assert_eq!(o.redirect_url(), Some("/done"));
    assert!(o.upload_multiple() && o.enable_csrf() && o.upload_on_click() && !o.in_form());
    assert_eq!(o.parallel_uploads(), 4);
    assert_eq!(o.upload_btn_id(), "go");
    assert_eq!(o.messages().max_file_exceed(), "At most {{maxFiles}}");
    assert_eq!(o.messages().upload_canceled(), "Canceled");
    assert_eq!(o.custom_options(), Some("addRemoveLinks: true"));

    let f = InForm::OPTIONS;
    assert!(f.in_form());
    assert_eq!(f.action(), "");
    assert_eq!(f.upload_action(), Some("/files"));
    assert_eq!(f.assets(), AssetSource::Local);

    assert_eq!(Anything::OPTIONS.accepted_files().list, "");
    assert!(Anything::OPTIONS.accepted_files().rules.is_empty());
}
