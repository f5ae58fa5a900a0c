//! The typed model as a `dropzone_core::Options`: the value the rules are evaluated on and the
//! expansion writes out, built with the same const builder the expansion calls.

use crate::model::attrs::{Attr, Attrs, flag, leak};
use dropzone_core::accept::Rule as Parsed;
use dropzone_core::options::{
    Accept, AcceptedFiles, AssetSource, Chunking, ExtraOption, Messages, Options,
};
use dropzone_core::table::defaults;
use dropzone_core::version::{self, Version};

fn text(a: &Option<Attr<String>>) -> Option<&'static str> {
    a.as_ref().map(|a| leak(&a.value))
}

fn count(a: &Option<Attr<u64>>) -> Option<u32> {
    // The table bounds every count far below `u32::MAX`.
    a.as_ref()
        .map(|a| u32::try_from(a.value).expect("bounded by the table"))
}

/// The options `a` describes, every option not given at its default; `id` is the default id
/// (a derived zone's comes from its type name). The options with a field of their own are
/// set by `Attrs::apply_plain`; this sets the ones that combine keys or need a default.
pub(crate) fn options(a: &Attrs, id: &'static str) -> Options {
    let mut o = Options::DEFAULT
        .with_id(text(&a.id).unwrap_or(id))
        .with_version(version(a))
        .with_assets(assets(a))
        .with_messages(messages(a, Messages::DEFAULT))
        .with_chunking(chunking(a))
        .with_extra(extra(a));
    if let Some(accepted) = accepted(a) {
        o = o.with_accepted_files(accepted);
    }
    a.apply_plain(o)
}

/// `version`, or the default.
pub(crate) fn version(a: &Attrs) -> Version {
    match &a.version {
        Some(v) => Version::new(
            leak(&v.value),
            version::parse(&v.value).expect("checked while reading"),
        ),
        None => Version::DEFAULT,
    }
}

/// `serve_local`, `js_url` and `css_url` as one source (a conflict is a rule's to report).
pub(crate) fn assets(a: &Attrs) -> AssetSource {
    let serve_local = a.serve_local.as_ref().map(|a| a.value);
    AssetSource::choose(serve_local, text(&a.js_url), text(&a.css_url), &version(a))
}

/// The message texts given, over `base`.
pub(crate) fn messages(a: &Attrs, base: Messages) -> Messages {
    let mut m = base;
    let set =
        |t: &Option<Attr<String>>, m: &mut Messages, f: fn(Messages, &'static str) -> Messages| {
            if let Some(t) = text(t) {
                *m = f(*m, t);
            }
        };
    set(&a.default_message, &mut m, Messages::with_default_message);
    set(
        &a.invalid_file_type,
        &mut m,
        Messages::with_invalid_file_type,
    );
    set(&a.file_too_big, &mut m, Messages::with_file_too_big);
    set(&a.server_error, &mut m, Messages::with_server_error);
    set(
        &a.browser_unsupported,
        &mut m,
        Messages::with_browser_unsupported,
    );
    set(&a.max_file_exceed, &mut m, Messages::with_max_file_exceed);
    set(&a.cancel_upload, &mut m, Messages::with_cancel_upload);
    set(&a.remove_file, &mut m, Messages::with_remove_file);
    set(
        &a.cancel_confirmation,
        &mut m,
        Messages::with_cancel_confirmation,
    );
    set(&a.upload_canceled, &mut m, Messages::with_upload_canceled);
    m
}

/// The chunk options given without `chunking` itself, as the override form merges them into
/// the zone's chunking (`None`: not given).
pub(crate) struct ChunkOverrides {
    pub(crate) force: Option<bool>,
    pub(crate) parallel: Option<bool>,
    pub(crate) retry: Option<bool>,
    pub(crate) limit: Option<u32>,
}

pub(crate) fn chunk_overrides(a: &Attrs) -> ChunkOverrides {
    let b = |f: &Option<Attr<bool>>| f.as_ref().map(|f| f.value);
    ChunkOverrides {
        force: b(&a.force_chunking),
        parallel: b(&a.parallel_chunk_uploads),
        retry: b(&a.retry_chunks),
        limit: count(&a.retry_chunks_limit),
    }
}

/// `chunking` with its options; `None` without `chunking = true`.
fn chunking(a: &Attrs) -> Option<Chunking> {
    if !flag(&a.chunking) {
        return None;
    }
    let base = Chunking {
        chunk_size: a
            .chunk_size
            .as_ref()
            .map_or(defaults::CHUNK_SIZE, |c| c.value),
        ..Chunking::DEFAULT
    };
    let o = chunk_overrides(a);
    // Without `retry_chunks = true` a limit is dropped (a rule reports it).
    let limit = o.limit.filter(|_| o.retry == Some(true));
    Some(base.with_overrides(o.force, o.parallel, o.retry, limit))
}

fn extra(a: &Attrs) -> &'static [ExtraOption] {
    let Some(list) = &a.extra else { return &[] };
    let items: Vec<ExtraOption> = list
        .entries
        .iter()
        .map(|e| ExtraOption {
            name: e.def.js,
            json: leak(&e.json),
        })
        .collect();
    Box::leak(items.into_boxed_slice())
}

fn accepted(a: &Attrs) -> Option<AcceptedFiles> {
    let accepted = a.accepted.as_ref()?;
    let rules: Vec<Accept> = accepted
        .rules
        .iter()
        .map(|r| match r {
            Parsed::Extension(e) => Accept::Extension(leak(e)),
            Parsed::TopLevel(t) => Accept::TopLevel(leak(t)),
            Parsed::MediaType(m) => Accept::MediaType(leak(m)),
        })
        .collect();
    Some(AcceptedFiles {
        list: leak(&accepted.list),
        rules: Box::leak(rules.into_boxed_slice()),
    })
}
