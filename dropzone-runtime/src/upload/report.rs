//! Per-file results of an upload request, as the JSON the page marks each file by.

use super::outcome::{FileOutcome, RefusedFile};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use http::header::{CONTENT_TYPE, HeaderValue, X_CONTENT_TYPE_OPTIONS};
use serde::Serialize;

/// What one file of an upload request became: one entry of [`UploadReport`]'s JSON.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct FileReport {
    /// The multipart part it came in: `file`, `file[0]`, `file[1]`, …
    pub field: String,
    /// The client's file name, sanitised; may be empty.
    pub name: String,
    /// Whether the file was stored.
    pub saved: bool,
    /// Its random name in the upload folder, when it was stored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stored_name: Option<String>,
    /// Why it was refused, when it was: the text to show on this file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The signed, expiring id that lets this zone's page remove the stored file (Dropzone's
    /// remove link sends it back; see [`crate::files`]), when it was stored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remove_id: Option<String>,
    /// The status a request answering only this refusal would have had.
    #[serde(skip)]
    status: Option<StatusCode>,
}

impl FileReport {
    fn refused(file: &RefusedFile) -> Self {
        FileReport {
            field: file.field.clone(),
            name: file.original_name.clone(),
            saved: false,
            stored_name: None,
            error: Some(file.reason.body_text()),
            remove_id: None,
            status: Some(file.reason.status()),
        }
    }
}

/// Per-file results of one upload request, answered as JSON.
///
/// Dropzone.js gives a whole batched request (`upload_multiple`) one status: with a 2xx every
/// file of the batch shows success, with a 4xx every file shows the same error (upstream
/// issues #33 and #42). [`UploadReport`] answers with one entry per file instead, and the page's
/// init script (`init.js`) marks each file of the batch by its entry:
///
/// ```json
/// {"files":[
///   {"field":"file[0]","name":"a.png","saved":true,"stored_name":"0b6f…-….png","remove_id":"0b6f…-….png:1767225600:…"},
///   {"field":"file[1]","name":"b.txt","saved":false,"error":"You can't upload files of this type."}
/// ]}
/// ```
///
/// - `field`: the multipart part the file came in (`file`, or `file[N]` in a batch); the page
///   finds the file by the `N` in it.
/// - `name`: the client's file name through [`secure_filename`](super::secure_filename).
/// - `saved`: whether the file was stored; then `stored_name` is its random name in the upload
///   folder, else `error` is the message to show on that file (the zone's own message where it
///   has one, such as `invalid_file_type`).
/// - `remove_id`: on a stored file in a report from [`Upload::report`](super::Upload::report),
///   the signed, expiring id the page's remove link sends back to delete it
///   ([`crate::files::Remove`]); bound to the zone, so no other zone's route accepts it.
///
/// The status is `200 OK` when at least one file was saved; then files with `"saved": false`
/// are turned into errors on the page one by one, and the others stay successes. When no file
/// was saved, the status is the first refusal's (413, 415 or 400; `422` when there is no entry
/// at all) and the body gets a top-level `"error"` with the first refusal's message, which
/// Dropzone.js itself shows when a response has no per-file entries it can use. The
/// `Content-Type` is always `application/json`, which Dropzone.js parses.
///
/// [`Upload`](super::Upload) answers a batch whose files were *all* refused with this shape by
/// itself ([`BatchRefused`](super::rejection::BatchRefused)), so the handler only ever sees
/// requests with something stored; it returns [`Upload::report`](super::Upload::report) to
/// tell the page what happened to each file.
///
/// # Example
///
/// ```rust,no_run
/// use dropzone_runtime::DropzoneConfig;
/// use dropzone_runtime::upload::{Upload, UploadReport};
///
/// #[derive(DropzoneConfig)]
/// #[dropzone(action = "/upload", allowed_file_type = "image", upload_multiple = true, parallel_uploads = 3)]
/// struct Photos;
///
/// async fn upload(up: Upload<Photos>) -> UploadReport {
///     for file in up.files() {
///         println!("stored {} as {}", file.original_name, file.stored_name);
///     }
///     up.report()
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UploadReport {
    files: Vec<FileReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(skip)]
    status: StatusCode,
}

/// The status of a report without a single entry.
const EMPTY_STATUS: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;
/// The top-level error of a report without a single entry.
const EMPTY_ERROR: &str = "No file was stored.";

impl UploadReport {
    /// The report of these outcomes, in their order.
    pub fn from_outcomes(outcomes: &[FileOutcome]) -> Self {
        Self::new(
            outcomes
                .iter()
                .map(|outcome| match outcome {
                    FileOutcome::Saved(file) => FileReport {
                        field: file.field.clone(),
                        name: file.original_name.clone(),
                        saved: true,
                        stored_name: Some(file.stored_name.clone()),
                        error: None,
                        remove_id: None,
                        status: None,
                    },
                    FileOutcome::Refused(file) => FileReport::refused(file),
                })
                .collect(),
        )
    }

    /// This report with a remove id, from `mint(stored_name)`, on every stored file.
    pub(crate) fn with_remove_ids(mut self, mint: impl Fn(&str) -> String) -> Self {
        for file in &mut self.files {
            file.remove_id = file.stored_name.as_deref().map(&mint);
        }
        self
    }

    /// The report of a batch where every file was refused.
    pub(crate) fn from_refused(refused: &[RefusedFile]) -> Self {
        Self::new(refused.iter().map(FileReport::refused).collect())
    }

    fn new(files: Vec<FileReport>) -> Self {
        if files.iter().any(|f| f.saved) {
            return UploadReport {
                files,
                error: None,
                status: StatusCode::OK,
            };
        }
        let first = files.iter().find(|f| !f.saved);
        let status = first.and_then(|f| f.status).unwrap_or(EMPTY_STATUS);
        let error = first
            .and_then(|f| f.error.clone())
            .unwrap_or_else(|| EMPTY_ERROR.to_owned());
        UploadReport {
            files,
            error: Some(error),
            status,
        }
    }

    /// One entry per file, in the order the parts came.
    pub fn files(&self) -> &[FileReport] {
        &self.files
    }

    /// The status this report answers with: `200 OK` when a file was saved, else the first
    /// refusal's (`422` for a report without entries).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The top-level `"error"`: the first refusal's message, only when no file was saved.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// The JSON body this report answers with.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a report always serialises")
    }
}

impl IntoResponse for UploadReport {
    fn into_response(self) -> Response {
        (
            self.status,
            [
                (CONTENT_TYPE, HeaderValue::from_static("application/json")),
                (X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
            ],
            self.to_json(),
        )
            .into_response()
    }
}
