use dropzone_runtime::dropzone;

fn main() {
    let _zone = dropzone!(acton = "/upload", max_files = 0, parallel_uploads = 0, server_error = "{{statuscode}}");
}
