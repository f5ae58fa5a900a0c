use dropzone_runtime::dropzone;

fn main() {
    let _a = dropzone!(action = "/upload", extra = "addRemoveLinks: true");
    let _b = dropzone!(action = "/upload", extras(add_remove_links = true));
    let _c = dropzone!(action = "/upload", add_remove_links = true);
}
