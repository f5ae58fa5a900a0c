//! Why one file was refused: the per-file reasons, which in a batch (`upload_multiple`) are a
//! file's outcome and in single mode the request's answer.
//!
//! They are their own small enum, [`FileRefusal`], so that a refused file of a batch never
//! holds a whole-request rejection (which itself can hold refused files).

use super::macros::{composite_rejection, define_rejection};
pub use super::policy::PolicyRefused;

define_rejection! {
    #[status = PAYLOAD_TOO_LARGE]
    /// A file is larger than the zone's `max_file_size` (413 Payload Too Large).
    ///
    /// Happens as soon as a file part passes `max_file_size * 1048576` bytes: reading stops (or,
    /// for one file of a batch, the rest of that part is skipped) and nothing of it is kept. The
    /// body is the zone's `file_too_big` message with `{{maxFilesize}}` and `{{filesize}}` filled
    /// in; `{{filesize}}` is the size in MiB when it is known, else `more than <max>`.
    pub struct FileTooLarge { limit: u64 }
}

impl FileTooLarge {
    pub(crate) fn new(template: &str, max_file_size: f64, limit: u64, size: Option<u64>) -> Self {
        let filesize = match size {
            // Dropzone.js: Math.round(file.size / 1024 / 10.24) / 100
            Some(size) => format_js_number((size as f64 / 1024.0 / 10.24).round() / 100.0),
            None => format!("more than {}", format_js_number(max_file_size)),
        };
        let body = template
            .replace("{{maxFilesize}}", &format_js_number(max_file_size))
            .replace("{{filesize}}", &filesize);
        FileTooLarge { body, limit }
    }

    /// The largest accepted file size in bytes (`max_file_size * 1048576`, rounded down).
    pub fn limit(&self) -> u64 {
        self.limit
    }
}

define_rejection! {
    #[status = UNSUPPORTED_MEDIA_TYPE]
    /// A file does not match the zone's accepted-files rule (415 Unsupported Media Type).
    ///
    /// Checked before a single byte of the file is stored, with Dropzone.js's own `isValidFile`
    /// rule (`.ext` against the end of the file name ignoring case, `type/*` against the
    /// top-level type of the part's `Content-Type`, `type/subtype` against the whole type), then
    /// against the file's content (see `SECURITY.md`). The body is the zone's
    /// `invalid_file_type` message.
    pub struct UnsupportedFileType {}
}

impl UnsupportedFileType {
    pub(crate) fn new(message: &str) -> Self {
        UnsupportedFileType {
            body: message.to_owned(),
        }
    }
}

define_rejection! {
    #[status = BAD_REQUEST]
    /// More files than one request may carry (400 Bad Request).
    ///
    /// A request carries one file, or with `upload_multiple` at most `parallel_uploads` (and
    /// never more than `max_files`). In single mode a second file part refuses the request; in
    /// batch mode each extra part is refused on its own. The body is the zone's
    /// `max_file_exceed` message with `{{maxFiles}}` filled in.
    pub struct TooManyFiles { limit: u32 }
}

impl TooManyFiles {
    pub(crate) fn new(template: &str, limit: u32) -> Self {
        TooManyFiles {
            body: template.replace("{{maxFiles}}", &limit.to_string()),
            limit,
        }
    }

    /// The most files one request may carry.
    pub fn limit(&self) -> u32 {
        self.limit
    }
}

composite_rejection! {
    /// Why one file was refused; its body text is the message to show on that file.
    pub enum FileRefusal {
        FileTooLarge,
        UnsupportedFileType,
        TooManyFiles,
        PolicyRefused,
    }
}

/// Formats a number the way JavaScript's `String(n)` does for the values a size can take:
/// `3`, not `3.0`; `0.5`; `1.25`.
fn format_js_number(n: f64) -> String {
    // Rust's shortest round-trip `Display` agrees with JavaScript for these finite values.
    format!("{n}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::response::IntoResponse;
    use http::StatusCode;
    use http::header::CONTENT_TYPE;

    const DZ_TOO_BIG: &str = "File is too big ({{filesize}}MiB). Max filesize: {{maxFilesize}}MiB.";

    #[test]
    fn file_too_big_fills_both_placeholders() {
        let r = FileTooLarge::new(DZ_TOO_BIG, 3.0, 3 << 20, None);
        assert_eq!(
            r.body_text(),
            "File is too big (more than 3MiB). Max filesize: 3MiB."
        );
        let r = FileTooLarge::new(DZ_TOO_BIG, 0.5, 1 << 19, Some(5 * 1048576 + 300_000));
        assert_eq!(
            r.body_text(),
            "File is too big (5.29MiB). Max filesize: 0.5MiB."
        );
        assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    }

    #[test]
    fn responses_are_plain_text() {
        let r: FileRefusal = UnsupportedFileType::new("nope").into();
        assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let resp = r.into_response();
        assert_eq!(resp.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert_eq!(
            resp.headers()[CONTENT_TYPE],
            super::super::macros::TEXT_PLAIN
        );
    }

    #[test]
    fn max_files_placeholder() {
        let r = TooManyFiles::new("No more than {{maxFiles}} files.", 2);
        assert_eq!(r.to_string(), "No more than 2 files.");
        assert_eq!(r.limit(), 2);
    }
}
