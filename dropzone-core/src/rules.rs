//! The rules between options, each defined once as a `const fn` condition with its message,
//! its fix and the keys involved.
//!
//! The macros evaluate every rule on the [`Options`] they are about to emit and report a broken
//! one once, at the first of its keys the user wrote. `dropzone!(Zone, key = value)` cannot see
//! `Zone`'s options while expanding, so for each rule whose keys the user overrode it emits
//! `const _: () = if Rule::X.broken(&MERGED, &GIVEN) { panic!("<Rule::X.message()>") };`
//! spanned at that key: the same condition and the same text, in const evaluation.
//!
//! Nothing is ever changed silently: unlike Flask-Dropzone, upload on click does not force
//! `upload_multiple` or `parallel_uploads`.

use crate::extra;
use crate::options::{AssetSource, Options};
use crate::version::str_eq;

/// The keys the user wrote in one option list, by canonical name (`"extra"` for an
/// `extra(...)` list). Some rules are about keys given together: `js_url` without `css_url`
/// leaves nothing in [`Options`] to look at.
#[derive(Clone, Copy, Debug)]
pub struct Given<'a>(pub &'a [&'a str]);

impl Given<'_> {
    /// Whether `key` was written.
    pub const fn has(&self, key: &str) -> bool {
        let mut i = 0;
        while i < self.0.len() {
            if str_eq(self.0[i], key) {
                return true;
            }
            i += 1;
        }
        false
    }

    const fn any(&self, keys: &[&str]) -> bool {
        let mut i = 0;
        while i < keys.len() {
            if self.has(keys[i]) {
                return true;
            }
            i += 1;
        }
        false
    }
}

macro_rules! needs_chunking {
    ($key:literal) => {
        concat!(
            "`",
            $key,
            "` has no effect without `chunking = true`: set `chunking = true` on the zone (a server rule, so on the zone type with `dropzone!(Zone, ...)`), or remove `",
            $key,
            "`"
        )
    };
}

macro_rules! rules {
    ($(
        $(#[$doc:meta])*
        $name:ident, keys: [$($key:literal),+], fix: $fix:literal, message: $msg:expr;
    )*) => {
        /// One rule between options. See the module docs for how both macro forms use it.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Rule {
            $( $(#[$doc])* $name, )*
        }

        impl Rule {
            /// Every rule, in the order they are reported.
            pub const ALL: &'static [Rule] = &[$(Rule::$name),*];

            /// The whole error text: what is wrong and what to write.
            pub const fn message(self) -> &'static str {
                match self { $(Rule::$name => $msg,)* }
            }

            /// The variant's name, as the macros write it in `Rule::Name`.
            pub const fn name(self) -> &'static str {
                match self { $(Rule::$name => stringify!($name),)* }
            }

            /// What to write, in short.
            pub const fn fix(self) -> &'static str {
                match self { $(Rule::$name => $fix,)* }
            }

            /// The keys involved, the one an error points at first.
            pub const fn keys(self) -> &'static [&'static str] {
                match self { $(Rule::$name => &[$($key),+],)* }
            }
        }
    };
}

rules! {
    /// In-form mode has no upload trigger of its own: Dropzone would upload on drop, before
    /// the form is filled in.
    InFormNeedsClick, keys: ["in_form", "upload_on_click"], fix: "add `upload_on_click = true`",
        message: "`in_form` needs `upload_on_click = true`: inside your form, files are uploaded when its submit button is pressed";
    /// In-form mode posts the files to `upload_action`; Flask-Dropzone emitted `url: "None"`.
    InFormNeedsUploadAction, keys: ["in_form", "upload_action"], fix: "add `upload_action = \"/upload\"`",
        message: "`in_form` needs `upload_action = \"/upload\"`, the URL the files are posted to before the form is submitted";
    /// In-form mode renders a `<div>`, so an `action` would be silently ignored.
    InFormWithAction, keys: ["action", "in_form"], fix: "remove `action`; use `upload_action`",
        message: "`action` has no effect with `in_form`: your form's own `action` receives the form; use `upload_action` for where the files go";
    /// `upload_action` is read only in in-form mode.
    UploadActionWithoutInForm, keys: ["upload_action", "in_form"], fix: "use `action`, or add `in_form = true`",
        message: "`upload_action` is only used with `in_form = true`; a standalone zone posts to `action`";
    /// A standalone zone is a `<form>` that needs somewhere to post (Flask raised `BuildError`).
    MissingAction, keys: ["action", "in_form"], fix: "add `action = \"/upload\"`",
        message: "missing `action`: add `action = \"/upload\"`; it can still be replaced per request with `.action(..)`";
    /// After an in-form upload the form is submitted and its response replaces the page: a
    /// `queuecomplete` redirect would race it.
    RedirectInForm, keys: ["redirect_url", "in_form"], fix: "remove `redirect_url`",
        message: "`redirect_url` has no effect with `in_form`: the form submission decides where the page goes";
    /// The page loads Dropzone.js from one place.
    ServeLocalWithUrls, keys: ["serve_local", "js_url", "css_url"], fix: "remove `serve_local` or the URLs",
        message: "`serve_local` conflicts with `js_url`/`css_url`: use either the embedded copies or your own URLs";
    /// One custom URL with the other file from the CDN would mix releases.
    UrlsInPairs, keys: ["js_url", "css_url"], fix: "give both `js_url` and `css_url`",
        message: "`js_url` and `css_url` go together: give both, or neither to use jsDelivr";
    /// Only the embedded releases can be served locally.
    ServeLocalUnknownVersion, keys: ["serve_local", "version"], fix: "set `version = \"6.3.5\"` or `\"5.9.3\"`",
        message: "`serve_local` serves only the embedded Dropzone.js releases 5.9.3 and 6.3.5: set `version` to one of them, or set `serve_local = false` to load it from jsDelivr";
    /// Dropzone.js reads `forceChunking` only when `chunking` is on.
    ForceChunkingWithoutChunking, keys: ["force_chunking"], fix: "set `chunking = true` on the zone",
        message: needs_chunking!("force_chunking");
    /// Dropzone.js reads `chunkSize` only when `chunking` is on.
    ChunkSizeWithoutChunking, keys: ["chunk_size"], fix: "set `chunking = true` on the zone",
        message: needs_chunking!("chunk_size");
    /// Dropzone.js reads `parallelChunkUploads` only when `chunking` is on.
    ParallelChunksWithoutChunking, keys: ["parallel_chunk_uploads"], fix: "set `chunking = true` on the zone",
        message: needs_chunking!("parallel_chunk_uploads");
    /// Dropzone.js reads `retryChunks` only when `chunking` is on.
    RetryChunksWithoutChunking, keys: ["retry_chunks"], fix: "set `chunking = true` on the zone",
        message: needs_chunking!("retry_chunks");
    /// Dropzone.js reads `retryChunksLimit` only when `chunking` is on.
    RetryLimitWithoutChunking, keys: ["retry_chunks_limit"], fix: "set `chunking = true` on the zone",
        message: needs_chunking!("retry_chunks_limit");
    /// Dropzone.js reads `retryChunksLimit` only when `retryChunks` is on.
    RetryLimitWithoutRetry, keys: ["retry_chunks_limit", "retry_chunks"], fix: "add `retry_chunks = true`",
        message: "`retry_chunks_limit` has no effect without `retry_chunks = true`: add `retry_chunks = true`, or remove `retry_chunks_limit`";
    /// Dropzone.js's constructor throws "You cannot set both: uploadMultiple and chunking.".
    ChunkingWithUploadMultiple, keys: ["chunking", "upload_multiple"], fix: "remove one of the two",
        message: "`chunking` and `upload_multiple` cannot be combined: Dropzone.js throws \"You cannot set both: uploadMultiple and chunking.\"; choose one";
    /// Each chunk is one request, and the extractor's body limit follows `max_file_size`.
    ChunkSizeOverMaxFileSize, keys: ["chunk_size", "max_file_size", "chunking"], fix: "lower `chunk_size` or raise `max_file_size`",
        message: "`chunk_size` is larger than `max_file_size` in bytes (`max_file_size` × 1048576; the default `chunk_size` is 2097152): each chunk is one request, and the zone's body limit follows `max_file_size`; lower `chunk_size` or raise `max_file_size`";
    /// Dropzone.js added chunking in 5.2.0; older releases send whole files.
    ChunkingNeedsVersion, keys: ["chunking", "version"], fix: "raise `version` to 5.2.0 or later",
        message: "`chunking` needs Dropzone.js 5.2 or later: raise `version`, or the zone's uploads are sent whole while the server expects chunks";
    /// Extra options a release does not know would be silently ignored.
    ExtraNewerThanVersion, keys: ["extra", "version"], fix: "raise `version` or remove the option",
        message: "an `extra(...)` option is newer than the zone's Dropzone.js `version` (see the `since` column of the options reference): raise `version` or remove the option";
    /// A strict CSP page has no inline script for the raw JavaScript to run in.
    StrictCspInline, keys: ["strict_csp", "custom_init", "custom_options"], fix: "use `extra(...)` instead",
        message: "`custom_init` and `custom_options` cannot be used with `strict_csp = true`: strict CSP pages run no inline script; use `extra(...)` for Dropzone.js options, or reach the zone from your own script file through its element's `dropzone` property";
}

impl Rule {
    /// Whether `o`, built from an option list whose keys are `given`, breaks this rule.
    pub const fn broken(self, o: &Options, given: &Given<'_>) -> bool {
        let local = matches!(o.assets(), AssetSource::Local);
        match self {
            Rule::InFormNeedsClick => o.in_form() && !o.upload_on_click(),
            Rule::InFormNeedsUploadAction => o.in_form() && o.upload_action().is_none(),
            Rule::InFormWithAction => o.in_form() && !o.action().is_empty(),
            Rule::UploadActionWithoutInForm => o.upload_action().is_some() && !o.in_form(),
            Rule::MissingAction => !o.in_form() && o.action().is_empty(),
            Rule::RedirectInForm => o.redirect_url().is_some() && o.in_form(),
            Rule::ServeLocalWithUrls => {
                local && given.has("serve_local") && given.any(&["js_url", "css_url"])
            }
            Rule::UrlsInPairs => given.has("js_url") != given.has("css_url"),
            Rule::ServeLocalUnknownVersion => local && !o.version().is_embedded(),
            Rule::ForceChunkingWithoutChunking
            | Rule::ChunkSizeWithoutChunking
            | Rule::ParallelChunksWithoutChunking
            | Rule::RetryChunksWithoutChunking
            | Rule::RetryLimitWithoutChunking => {
                given.has(self.keys()[0]) && o.chunking().is_none()
            }
            Rule::RetryLimitWithoutRetry => {
                given.has("retry_chunks_limit")
                    && matches!(o.chunking(), Some(c) if c.retry_limit.is_none())
            }
            Rule::ChunkingWithUploadMultiple => o.chunking().is_some() && o.upload_multiple(),
            Rule::ChunkSizeOverMaxFileSize => {
                matches!(o.chunking(), Some(c) if c.chunk_size > o.max_file_bytes())
            }
            Rule::ChunkingNeedsVersion => o.chunking().is_some() && !o.version().at_least(5, 2),
            Rule::ExtraNewerThanVersion => first_newer_extra(o).is_some(),
            Rule::StrictCspInline => {
                o.strict_csp() && (o.custom_init().is_some() || o.custom_options().is_some())
            }
        }
    }
}

/// The index of the first `extra(...)` option `o`'s Dropzone.js release does not have.
pub const fn first_newer_extra(o: &Options) -> Option<usize> {
    let mut i = 0;
    while i < o.extra().len() {
        let (major, minor) = extra::since(o.extra()[i].name);
        if !o.version().at_least(major, minor) {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Whether the Dropzone.js option `js` is newer than `o`'s release.
pub const fn extra_is_newer(o: &Options, js: &str) -> bool {
    let (major, minor) = extra::since(js);
    !o.version().at_least(major, minor)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::{Chunking, ExtraOption};
    use crate::version::Version;

    const NONE: Given<'static> = Given(&[]);

    fn broken(o: &Options, given: &Given<'_>) -> Vec<Rule> {
        Rule::ALL
            .iter()
            .copied()
            .filter(|r| r.broken(o, given))
            .collect()
    }

    #[test]
    fn a_plain_zone_breaks_nothing_but_a_missing_action() {
        assert_eq!(broken(&Options::DEFAULT, &NONE), [Rule::MissingAction]);
        assert!(broken(&Options::DEFAULT.with_action("/u"), &NONE).is_empty());
    }

    #[test]
    fn in_form_rules() {
        let o = Options::DEFAULT.with_in_form(true);
        assert_eq!(
            broken(&o, &NONE),
            [Rule::InFormNeedsClick, Rule::InFormNeedsUploadAction]
        );
        let o = o.with_upload_on_click(true).with_upload_action(Some("/u"));
        assert!(broken(&o, &NONE).is_empty());
        let o = o.with_action("/a").with_redirect_url(Some("/r"));
        assert_eq!(
            broken(&o, &NONE),
            [Rule::InFormWithAction, Rule::RedirectInForm]
        );
    }

    #[test]
    fn key_rules_read_the_given_keys() {
        let o = Options::DEFAULT
            .with_action("/u")
            .with_assets(AssetSource::Local);
        assert!(broken(&o, &Given(&["serve_local"])).is_empty());
        assert_eq!(
            broken(&o, &Given(&["serve_local", "js_url"])),
            [Rule::ServeLocalWithUrls, Rule::UrlsInPairs]
        );
        let o = o.with_version(Version::new("6.0.0", 6));
        assert_eq!(broken(&o, &NONE), [Rule::ServeLocalUnknownVersion]);
    }

    #[test]
    fn chunk_rules() {
        // From jsDelivr, which serves every version, so only the chunk rules can break.
        let plain = Options::DEFAULT
            .with_action("/u")
            .with_assets(AssetSource::Cdn);
        assert_eq!(
            broken(&plain, &Given(&["force_chunking", "retry_chunks_limit"])),
            [
                Rule::ForceChunkingWithoutChunking,
                Rule::RetryLimitWithoutChunking
            ]
        );
        let chunked = plain.with_chunking(Some(Chunking::DEFAULT));
        assert_eq!(
            broken(&chunked, &Given(&["retry_chunks_limit"])),
            [Rule::RetryLimitWithoutRetry]
        );
        // Exactly max_file_size in bytes fits; one byte more does not.
        let fits = chunked
            .with_max_file_size(1.0)
            .with_chunking(Some(Chunking {
                chunk_size: 1_048_576,
                ..Chunking::DEFAULT
            }));
        assert!(broken(&fits, &NONE).is_empty());
        let over = fits.with_chunking(Some(Chunking {
            chunk_size: 1_048_577,
            ..Chunking::DEFAULT
        }));
        assert_eq!(broken(&over, &NONE), [Rule::ChunkSizeOverMaxFileSize]);
        assert_eq!(
            broken(&chunked.with_upload_multiple(true), &NONE),
            [Rule::ChunkingWithUploadMultiple]
        );
        let old = chunked.with_version(Version::new("5.1.9", 5));
        assert_eq!(broken(&old, &NONE), [Rule::ChunkingNeedsVersion]);
        assert!(broken(&chunked.with_version(Version::new("5.2.0", 5)), &NONE).is_empty());
    }

    #[test]
    fn extra_and_strict_csp_rules() {
        const NEWER: &[ExtraOption] = &[ExtraOption {
            name: "resizeTransparencyFill",
            json: "\"#fff\"",
        }];
        // From jsDelivr, which serves every version, so only the extra rule can break.
        let o = Options::DEFAULT
            .with_action("/u")
            .with_assets(AssetSource::Cdn)
            .with_extra(NEWER);
        assert!(broken(&o, &NONE).is_empty());
        let old = o.with_version(Version::new("6.1.0", 6));
        assert_eq!(broken(&old, &NONE), [Rule::ExtraNewerThanVersion]);
        assert_eq!(first_newer_extra(&old), Some(0));
        assert!(extra_is_newer(&old, "resizeTransparencyFill") && !extra_is_newer(&old, "method"));
        let strict = o.with_strict_csp(true).with_custom_options(Some("a: 1"));
        assert_eq!(broken(&strict, &NONE), [Rule::StrictCspInline]);
    }

    #[test]
    fn every_message_names_its_first_key() {
        for rule in Rule::ALL {
            let key = rule.keys()[0];
            let text = rule.message();
            assert!(
                text.contains(&format!("`{key}")) || *rule == Rule::ExtraNewerThanVersion,
                "{rule:?}: {text}"
            );
            assert!(!rule.fix().is_empty());
        }
    }
}
