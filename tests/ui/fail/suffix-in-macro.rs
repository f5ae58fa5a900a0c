use dropzone_runtime::dropzone;

fn main() {
    let _zone = dropzone!(action = "/upload", max_file_size = 10mb, timeout = 2min);
}
