use dropzone_runtime::DropzoneConfig;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload")]
union Zone {
    a: u8,
}

fn main() {
    let _ = Zone::OPTIONS;
}
