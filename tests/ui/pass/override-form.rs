use dropzone_runtime::{dropzone, Dropzone, DropzoneConfig};

mod zones {
    #[derive(dropzone_runtime::DropzoneConfig)]
    #[dropzone(action = "/avatars", allowed_file_type = "image", max_files = 4)]
    pub struct Avatars;
}

fn main() {
    let inline: Dropzone = dropzone!(action = "/upload", max_file_size = 10, id = "inline");
    assert_eq!(inline.options().max_file_size(), 10.0);
    assert_eq!(inline.options().id(), "inline");

    let same = dropzone!(zones::Avatars);
    assert_eq!(same.options(), zones::Avatars::OPTIONS);

    let other = dropzone!(
        zones::Avatars,
        id = "second",
        default_message = "Drop your avatar",
        redirect_url = "/profile",
        version = "5.9.3",
        serve_local = true,
        timeout = 1000,
    );
    let o = other.options();
    assert_eq!(o.id(), "second");
    assert_eq!(o.messages().default_message(), "Drop your avatar");
    assert_eq!(o.messages().remove_file(), "Remove file");
    assert_eq!(o.redirect_url(), Some("/profile"));
    assert_eq!(o.version().text, "5.9.3");
    assert_eq!(o.timeout(), Some(1000));
    assert_eq!(o.max_files(), Some(4));
    assert_eq!(o.accepted_files().list, "image/*");
    assert_eq!(o.action(), "/avatars");
}
