use dropzone_runtime::dropzone;

fn main() {
    let _zone = dropzone!(max_files = 3);
}
