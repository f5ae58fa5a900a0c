//! The second table: Dropzone.js options that the main table ([`crate::table`]) does not
//! cover, given as `extra(add_remove_links = true, thumbnail_width = 200, clickable = ".btn")`,
//! with the first release that has each. The macros check values against it; the const check
//! of `dropzone!(Zone, ...)` reads the release column through [`since`].

use crate::version::str_eq;

/// What an extra value must look like.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ExtraKind {
    /// `true` or `false`.
    Bool,
    /// An integer at least `min`.
    Int {
        /// Smallest value.
        min: u64,
    },
    /// One of these integers.
    IntOneOf(&'static [u64]),
    /// A finite number greater than 0 and at most `max`.
    Number {
        /// Largest value.
        max: f64,
    },
    /// Text. With `html`, Dropzone.js inserts it as HTML, so the macro escapes it: like every
    /// message of the main table, it stays plain text.
    Text {
        /// Whether Dropzone.js inserts it as HTML.
        html: bool,
    },
    /// A non-empty CSS selector.
    Selector,
    /// `true`, `false` or a CSS selector.
    SelectorOrBool,
    /// `false` or a CSS selector.
    SelectorOrFalse,
    /// One of these strings.
    OneOf(&'static [&'static str]),
}

/// One Dropzone.js option `extra(...)` accepts.
#[derive(Debug)]
pub struct ExtraDef {
    /// The snake_case key written in `extra(...)`.
    pub name: &'static str,
    /// The Dropzone.js option it sets.
    pub js: &'static str,
    /// What its value must look like.
    pub kind: ExtraKind,
    /// Whether `null` is accepted (written `name = null`).
    pub nullable: bool,
    /// The first Dropzone.js release that has it, as (major, minor); `(5, 0)` means every
    /// supported release.
    pub since: (u8, u8),
    /// Dropzone.js's default, as JavaScript (read by the docs generator only).
    pub default: &'static str,
    /// A value to show in messages.
    pub example: &'static str,
    /// One-line doc.
    pub doc: &'static str,
}

const fn x(
    name: &'static str,
    js: &'static str,
    kind: ExtraKind,
    default: &'static str,
    example: &'static str,
) -> ExtraDef {
    ExtraDef {
        name,
        js,
        kind,
        nullable: false,
        since: (5, 0),
        default,
        example,
        doc: "",
    }
}

impl ExtraDef {
    const fn nullable(mut self) -> Self {
        self.nullable = true;
        self
    }
    const fn since(mut self, major: u8, minor: u8) -> Self {
        self.since = (major, minor);
        self
    }
    const fn doc(mut self, doc: &'static str) -> Self {
        self.doc = doc;
        self
    }
}

use ExtraKind::*;

/// Every extra option, in the order of the docs (protocol reference §3).
pub const EXTRAS: &[ExtraDef] = &[
    x("method", "method", OneOf(&["post", "put", "patch"]), "\"post\"", "\"put\"")
        .doc("HTTP method of the upload requests; your route must accept it."),
    x("with_credentials", "withCredentials", Bool, "false", "true")
        .doc("Send cookies with cross-origin uploads."),
    x("default_headers", "defaultHeaders", Bool, "true", "false")
        .since(6, 0)
        .doc("`false` drops the `Accept`, `Cache-Control` and `X-Requested-With` headers Dropzone.js sends by default."),
    x("auto_queue", "autoQueue", Bool, "true", "false")
        .doc("`false` leaves added files out of the queue until your script calls `enqueueFile`."),
    x("add_remove_links", "addRemoveLinks", Bool, "false", "true")
        .doc("A remove link under each preview (text: `remove_file` / `cancel_upload`); removing never tells the server."),
    x("clickable", "clickable", SelectorOrBool, "true", "\".btn\"")
        .doc("Which elements open the file dialog: `true` (the zone), `false`, or a CSS selector."),
    x("previews_container", "previewsContainer", SelectorOrFalse, "null", "\"#previews\"")
        .nullable()
        .doc("Where previews go: a CSS selector, `false` for none, or `null` for the zone itself."),
    x("disable_previews", "disablePreviews", Bool, "false", "true")
        .since(5, 7)
        .doc("No preview elements at all."),
    x("hidden_input_container", "hiddenInputContainer", Selector, "\"body\"", "\"#form\"")
        .doc("CSS selector of the element that gets the hidden `<input type=file>`."),
    x("capture", "capture", OneOf(&["camera", "microphone", "camcorder"]), "null", "\"camera\"")
        .nullable()
        .doc("Capture from this device on mobile browsers."),
    x("ignore_hidden_files", "ignoreHiddenFiles", Bool, "true", "false")
        .doc("Skip dot-files when a folder is dropped."),
    x("force_fallback", "forceFallback", Bool, "false", "true")
        .doc("Always show the plain-form fallback (for testing the server without JavaScript)."),
    x("filesize_base", "filesizeBase", IntOneOf(&[1000, 1024]), "1000", "1024")
        .doc("Base of the sizes shown in previews; the `max_file_size` check is in MiB whatever this is."),
    x("create_image_thumbnails", "createImageThumbnails", Bool, "true", "false")
        .doc("Draw image thumbnails. `strict_csp` turns them off (they are `data:` URLs); `true` turns them back on."),
    x("max_thumbnail_filesize", "maxThumbnailFilesize", Number { max: f64::INFINITY }, "10", "10")
        .doc("Largest file in MiB that gets a thumbnail, greater than 0."),
    x("thumbnail_width", "thumbnailWidth", Int { min: 1 }, "120", "200")
        .nullable()
        .doc("Thumbnail width in pixels; `null` keeps the ratio."),
    x("thumbnail_height", "thumbnailHeight", Int { min: 1 }, "120", "200")
        .nullable()
        .doc("Thumbnail height in pixels; `null` keeps the ratio."),
    x("thumbnail_method", "thumbnailMethod", OneOf(&["crop", "contain"]), "\"crop\"", "\"contain\"")
        .doc("How images are fitted into the thumbnail."),
    x("resize_width", "resizeWidth", Int { min: 1 }, "null", "1024")
        .nullable()
        .doc("Resize images to this width in pixels before upload."),
    x("resize_height", "resizeHeight", Int { min: 1 }, "null", "768")
        .nullable()
        .doc("Resize images to this height in pixels before upload."),
    x("resize_mime_type", "resizeMimeType", OneOf(&["image/jpeg", "image/png", "image/webp"]), "null", "\"image/jpeg\"")
        .nullable()
        .doc("Type of resized images (`null`: the original type); the file name keeps its extension."),
    x("resize_quality", "resizeQuality", Number { max: 1.0 }, "0.8", "0.8")
        .doc("Encoder quality of resized images, greater than 0 and at most 1."),
    x("resize_method", "resizeMethod", OneOf(&["contain", "crop"]), "\"contain\"", "\"crop\"")
        .doc("How images are fitted into the resize box."),
    x("resize_transparency_fill", "resizeTransparencyFill", Text { html: false }, "null", "\"#ffffff\"")
        .nullable()
        .since(6, 2)
        .doc("Background colour of transparent images resized to JPEG."),
    x("dict_fallback_text", "dictFallbackText", Text { html: true }, "\"Please use the fallback form below…\"", "\"Use the form below.\"")
        .doc("Text above the fallback form (plain text: the macro escapes it)."),
    x("dict_remove_file_confirmation", "dictRemoveFileConfirmation", Text { html: false }, "null", "\"Remove this file?\"")
        .nullable()
        .doc("Question asked before removing a file; `null` asks nothing."),
    x("dict_thumbnail_error", "dictThumbnailError", Text { html: false }, "\"Failed to load the image. The file may be corrupted.\"", "\"Broken image\"")
        .since(6, 1)
        .doc("Error shown when an image cannot be read for its thumbnail."),
];

/// Dropzone.js options `extra(...)` refuses, with why.
pub const FORBIDDEN: &[(&str, &str)] = &[
    (
        "params",
        "`params` would replace the function that adds the `dz*` chunk fields the server reads; extra form fields are not part of the upload contract",
    ),
    (
        "headers",
        "`headers` would replace the zone's own request headers (its zone id and CSRF token), which the server reads",
    ),
    (
        "binary_body",
        "`binary_body` sends the file as a raw body, but the zone's upload extractor reads multipart requests",
    ),
    ("init", "`init` is code: use the `custom_init` option"),
    (
        "preview_template",
        "`preview_template` is raw HTML, and `extra(...)` keeps every value plain data; set it in `custom_options`",
    ),
    (
        "dict_file_size_units",
        "`dict_file_size_units` is an object, which `extra(...)` does not take; set it in `custom_options`",
    ),
];

/// Options whose value is a function.
pub const FUNCTIONS: &[&str] = &[
    "accept",
    "rename_file",
    "rename_filename",
    "transform_file",
    "resize",
    "chunks_uploaded",
    "fallback",
];

/// Dropzone.js events; an option of the same name replaces Dropzone's own handler.
pub const EVENTS: &[&str] = &[
    "drop",
    "dragstart",
    "dragend",
    "dragenter",
    "dragover",
    "dragleave",
    "paste",
    "reset",
    "addedfile",
    "addedfiles",
    "removedfile",
    "thumbnail",
    "error",
    "errormultiple",
    "processing",
    "processingmultiple",
    "uploadprogress",
    "totaluploadprogress",
    "sending",
    "sendingmultiple",
    "success",
    "successmultiple",
    "canceled",
    "canceledmultiple",
    "complete",
    "completemultiple",
    "maxfilesexceeded",
    "maxfilesreached",
    "queuecomplete",
    "emptyfolder",
];

/// The extra option `name`.
pub fn lookup(name: &str) -> Option<&'static ExtraDef> {
    EXTRAS.iter().find(|d| d.name == name)
}

/// The first release (major, minor) that has the Dropzone.js option `js`, e.g.
/// `"resizeTransparencyFill"` → `(6, 2)`; `(5, 0)` for every other name.
pub const fn since(js: &str) -> (u8, u8) {
    let mut i = 0;
    while i < EXTRAS.len() {
        if str_eq(EXTRAS[i].js, js) {
            return EXTRAS[i].since;
        }
        i += 1;
    }
    (5, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_reads_the_table() {
        assert_eq!(since("resizeTransparencyFill"), (6, 2));
        assert_eq!(since("defaultHeaders"), (6, 0));
        assert_eq!(since("addRemoveLinks"), (5, 0));
        assert_eq!(lookup("add_remove_links").unwrap().js, "addRemoveLinks");
    }
}
