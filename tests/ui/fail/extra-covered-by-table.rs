use dropzone_runtime::dropzone;

fn main() {
    let _zone = dropzone!(action = "/upload", extra(max_files = 3, auto_process_queue = false));
}
