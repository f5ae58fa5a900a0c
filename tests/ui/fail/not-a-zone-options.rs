use dropzone_runtime::DropzoneConfig;

struct Plain;

fn options<Z: DropzoneConfig>() -> &'static dropzone_runtime::Options {
    Z::OPTIONS
}

fn main() {
    let _ = options::<Plain>();
}
