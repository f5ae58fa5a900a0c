use dropzone_runtime::dropzone;

struct NotAZone;

fn main() {
    let _zone = dropzone!(NotAZone, id = "b");
}
