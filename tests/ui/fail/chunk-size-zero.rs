use dropzone_runtime::dropzone;

fn main() {
    let _zone = dropzone!(action = "/upload", chunking = true, chunk_size = 0);
}
