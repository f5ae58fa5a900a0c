use dropzone_runtime::dropzone;

fn main() {
    let _zone = dropzone!(action = "/upload", custom_options = "a: 1, <!-- b");
}
