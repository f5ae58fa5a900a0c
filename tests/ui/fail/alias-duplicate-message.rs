use dropzone_runtime::dropzone;

fn main() {
    let _zone = dropzone!(action = "/upload", max_file_exceed = "a", max_file_exceeded = "b");
}
