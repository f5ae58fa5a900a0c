//! Shared by the `extract*` tests: hand-written zones, a hand-built multipart body, a router.
#![allow(dead_code, unreachable_pub)]

use axum::Router;
use axum::body::Body;
use axum::routing::post;
use dropzone_runtime::DropzoneConfig;
use dropzone_runtime::options::{Accept, AcceptedFiles, AssetSource, Messages, Options, Version};
use dropzone_runtime::upload::{FileOutcome, Storage, Upload};
use http::{Request, StatusCode};
use http_body_util::BodyExt;
use std::path::Path;
use tower::ServiceExt;

pub mod chunks;

pub const MIB: usize = 1 << 20;

pub const MESSAGES: Messages = Messages::DEFAULT
    .with_default_message("Drop files here to upload")
    .with_invalid_file_type("You can't upload files of this type.")
    .with_file_too_big("File is too big ({{filesize}}MiB). Max filesize: {{maxFilesize}}MiB.")
    .with_server_error("Server responded with {{statusCode}} code.")
    .with_browser_unsupported("Your browser does not support drag'n'drop file uploads.")
    .with_max_file_exceed("You cannot upload any more files.")
    .with_cancel_upload("Cancel upload")
    .with_remove_file("Remove file")
    .with_cancel_confirmation("Are you sure you want to cancel this upload?")
    .with_upload_canceled("Upload canceled.");

/// A single-file zone: 1 MiB, any type. The other zones are variations of it.
pub const BASE: Options = Options::DEFAULT
    .with_id("myDropzone")
    .with_action("/upload")
    .with_version(Version::V6_3_5)
    .with_assets(AssetSource::Cdn)
    .with_max_file_size(1.0)
    .with_input_name("file")
    .with_accepted_files(AcceptedFiles {
        list: "",
        rules: &[],
    })
    .with_max_files(None)
    .with_timeout(None)
    .with_redirect_url(None)
    .with_upload_multiple(false)
    .with_parallel_uploads(2)
    .with_enable_csrf(false)
    .with_upload_action(None)
    .with_upload_on_click(false)
    .with_upload_btn_id("upload")
    .with_in_form(false)
    .with_messages(MESSAGES)
    .with_custom_init(None)
    .with_custom_options(None)
    .with_chunking(None)
    .with_strict_csp(false)
    .with_extra(&[]);

macro_rules! zone {
    ($name:ident, $options:expr) => {
        pub struct $name;
        impl DropzoneConfig for $name {
            const OPTIONS: &'static Options = &$options;
        }
        // Declared by hand: no compile-time state requirement (the derive adds one for CSRF).
        impl<S> dropzone_runtime::upload::ZoneState<S> for $name {}
    };
}

zone!(AnyFile, BASE);
zone!(
    Images,
    BASE.with_max_file_size(2.0)
        .with_accepted_files(AcceptedFiles {
            list: "image/*",
            rules: &[Accept::TopLevel("image")],
        })
);
zone!(
    Pdfs,
    BASE.with_accepted_files(AcceptedFiles {
        list: ".pdf",
        rules: &[Accept::Extension(".pdf")],
    })
);
zone!(
    PngOnly,
    BASE.with_accepted_files(AcceptedFiles {
        list: "image/png",
        rules: &[Accept::MediaType("image/png")],
    })
);
zone!(
    SvgOnly,
    BASE.with_accepted_files(AcceptedFiles {
        list: "image/svg+xml",
        rules: &[Accept::MediaType("image/svg+xml")],
    })
);
zone!(
    Batch,
    BASE.with_upload_multiple(true)
        .with_parallel_uploads(3)
        .with_accepted_files(AcceptedFiles {
            list: "image/*",
            rules: &[Accept::TopLevel("image")],
        })
);
zone!(
    BatchMax2,
    BASE.with_upload_multiple(true)
        .with_parallel_uploads(5)
        .with_max_files(Some(2))
);
zone!(Avatar, BASE.with_input_name("avatar"));

/// The handler every test route uses: the outcome of each part, and the text fields, as JSON.
pub async fn report<Z: DropzoneConfig>(upload: Upload<Z>) -> String {
    let outcomes: Vec<serde_json::Value> = upload
        .outcomes()
        .iter()
        .map(|o| match o {
            FileOutcome::Saved(f) => serde_json::json!({
                "saved": true,
                "path": f.path,
                "stored_name": f.stored_name,
                "original_name": f.original_name,
                "size": f.size,
                "content_type": f.content_type,
                "field": f.field,
                "zone": f.zone,
                "sha256": f.sha256,
                "recognised_type": f.recognised_type,
            }),
            FileOutcome::Refused(r) => serde_json::json!({
                "saved": false,
                "field": r.field,
                "original_name": r.original_name,
                "status": r.reason.status().as_u16(),
                "message": r.reason.body_text(),
            }),
        })
        .collect();
    let fields: Vec<serde_json::Value> = upload
        .fields()
        .iter()
        .map(|(n, v)| serde_json::json!([n, v]))
        .collect();
    serde_json::json!({
        "file": upload.file().stored_name,
        "outcomes": outcomes,
        "fields": fields,
        "csrf": upload.field("csrf_token"),
    })
    .to_string()
}

/// A router with one upload route per zone, storing into `dir`.
pub fn app(dir: &Path) -> Router {
    Router::new()
        .route("/any", post(report::<AnyFile>))
        .route("/images", post(report::<Images>))
        .route("/pdfs", post(report::<Pdfs>))
        .route("/png", post(report::<PngOnly>))
        .route("/svg", post(report::<SvgOnly>))
        .route("/batch", post(report::<Batch>))
        .route("/batch2", post(report::<BatchMax2>))
        .route("/avatar", post(report::<Avatar>))
        .with_state(Storage::new(dir))
}

pub const BOUNDARY: &str = "----dropzoneTestBoundary7MA4YWxkTrZu0gW";

/// A hand-built `multipart/form-data` body, part by part, as a browser writes it.
#[derive(Default)]
pub struct Multipart {
    bytes: Vec<u8>,
}

impl Multipart {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn text(mut self, name: &str, value: impl AsRef<[u8]>) -> Self {
        self.bytes.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n")
                .as_bytes(),
        );
        self.bytes.extend_from_slice(value.as_ref());
        self.bytes.extend_from_slice(b"\r\n");
        self
    }

    /// A file part; `filename` is raw bytes so tests can send anything a client could.
    pub fn file(
        mut self,
        name: &str,
        filename: impl AsRef<[u8]>,
        content_type: &str,
        data: &[u8],
    ) -> Self {
        self.bytes.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"")
                .as_bytes(),
        );
        self.bytes.extend_from_slice(filename.as_ref());
        self.bytes.extend_from_slice(b"\"\r\n");
        if !content_type.is_empty() {
            self.bytes
                .extend_from_slice(format!("Content-Type: {content_type}\r\n").as_bytes());
        }
        self.bytes.extend_from_slice(b"\r\n");
        self.bytes.extend_from_slice(data);
        self.bytes.extend_from_slice(b"\r\n");
        self
    }

    /// The body with its closing boundary.
    pub fn finish(mut self) -> Vec<u8> {
        self.bytes
            .extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
        self.bytes
    }

    /// The body without its closing boundary (what a dropped connection leaves).
    pub fn unfinished(self) -> Vec<u8> {
        self.bytes
    }
}

pub fn content_type() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

pub struct Answer {
    pub status: StatusCode,
    pub content_type: String,
    pub text: String,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("{e}: {}", self.text))
    }
}

/// POSTs `body` to `uri` with the test boundary.
pub async fn post_body(app: Router, uri: &str, body: Vec<u8>) -> Answer {
    let req = Request::post(uri)
        .header("content-type", content_type())
        .body(Body::from(body))
        .unwrap();
    send(app, req).await
}

pub async fn send(app: Router, req: Request<Body>) -> Answer {
    let resp = app.oneshot(req).await.unwrap();
    let status = resp.status();
    let content_type = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        content_type,
        text: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// Every entry of the folder, hidden `.part-*` files included, sorted.
///
/// In an upload folder, the metadata folder `.meta` is not listed; instead this asserts that it holds exactly one
/// sidecar per stored file and nothing else (no sidecar without its file, none being written),
/// so every "nothing is left" assertion also covers metadata.
pub fn entries(dir: &Path) -> Vec<String> {
    let list = |dir: &Path| -> Vec<String> {
        let mut names: Vec<String> = match std::fs::read_dir(dir) {
            Ok(listing) => listing
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => panic!("{e}"),
        };
        names.sort();
        names
    };
    let names: Vec<String> = list(dir).into_iter().filter(|n| n != ".meta").collect();
    if dir.file_name().is_some_and(|n| n == ".chunks") {
        // Chunked uploads' part files (`<dzuuid>.part`), not stored files.
        return names;
    }
    let stored: Vec<String> = names
        .iter()
        .filter(|n| dropzone_runtime::files::is_stored_name(n))
        .map(|n| format!("{n}.json"))
        .collect();
    assert_eq!(
        list(&dir.join(".meta")),
        stored,
        "sidecars in {}",
        dir.display()
    );
    names
}

/// [`entries`], once no `.part-*` file is left (at most 5 s): a block write still on the
/// blocking pool when the answer went out owns its part file until it returns, then deletes it.
/// Stored files are listed as they are; only the transient part files are waited for.
#[allow(dead_code)]
pub fn entries_settled(dir: &Path) -> Vec<String> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let names = entries(dir);
        if !names.iter().any(|n| n.starts_with(".part-")) || std::time::Instant::now() > deadline {
            return names;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// Asserts that `name` is `<uuid v4>` or `<uuid v4>.<ext>` with `ext` in `[a-z0-9]{1,16}`.
pub fn assert_random_name(name: &str, ext: Option<&str>) {
    let (uuid, got_ext) = match name.split_once('.') {
        Some((u, e)) => (u, Some(e)),
        None => (name, None),
    };
    let parsed = uuid::Uuid::parse_str(uuid).unwrap_or_else(|_| panic!("not a uuid: {name}"));
    assert_eq!(parsed.get_version_num(), 4, "{name}");
    assert_eq!(parsed.hyphenated().to_string(), uuid, "{name}");
    assert_eq!(got_ext, ext, "{name}");
}

/// Deterministic bytes that look nothing like a boundary: a PNG signature, then noise.
pub fn png_bytes(len: usize) -> Vec<u8> {
    let mut data = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut x: u32 = 0x1234_5678;
    while data.len() < len {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        data.push((x >> 24) as u8);
    }
    data.truncate(len);
    data
}
