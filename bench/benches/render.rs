//! Page render cost in-process: what each page fragment of a zone costs per request.
//!
//! `cargo bench -p dropzone-bench --bench render` (bench/run.sh runs it with
//! `--output-format bencher` and prints one line per figure). `bench/compare-render.sh REV`
//! runs this benchmark of an older revision and of the working tree back to back.
//!
//! Targets (issue 8): `render/config` <= 300 ns, `render/page` <= 600 ns. `render/config_fresh`
//! is the same fragment from a zone without a prebuilt page (`Dropzone::new`), which writes
//! its spec JSON on every render: the ratio of the two is what building once buys.

use criterion::{Criterion, criterion_group, criterion_main};
use dropzone_runtime::DropzoneConfig;
use maud::{DOCTYPE, PreEscaped, html};
use std::hint::black_box;

/// Flask-Dropzone's basic zone: images up to 3 MiB, local assets.
#[derive(DropzoneConfig)]
#[dropzone(
    action = "/upload",
    allowed_file_type = "image",
    max_file_size = 3,
    max_files = 30,
    serve_local = true
)]
struct Photos;

fn render(c: &mut Criterion) {
    c.bench_function("render/config", |b| {
        b.iter(|| black_box(Photos::config()).into_string())
    });
    c.bench_function("render/config_fresh", |b| {
        let fresh = dropzone_runtime::Dropzone::new(Photos::OPTIONS);
        b.iter(|| black_box(&fresh).config().into_string())
    });
    c.bench_function("render/config_with_csrf_and_nonce", |b| {
        b.iter(|| {
            Photos::dropzone()
                .csrf_token(black_box("a-token-of-forty-odd-characters-0123456789"))
                .nonce(black_box("r4nd0mN0nce"))
                .config()
                .into_string()
        })
    });
    c.bench_function("render/create", |b| {
        b.iter(|| black_box(Photos::create()).into_string())
    });
    c.bench_function("render/load_css", |b| {
        b.iter(|| black_box(Photos::load_css()).into_string())
    });
    c.bench_function("render/load_js", |b| {
        b.iter(|| black_box(Photos::load_js()).into_string())
    });
    c.bench_function("render/style", |b| {
        b.iter(|| black_box(Photos::style("border: 2px dashed #0087F7;")).into_string())
    });
    c.bench_function("render/page", |b| {
        b.iter(|| {
            html! {
                (DOCTYPE)
                html {
                    head {
                        (Photos::load_css())
                        (Photos::style("border: 2px dashed #0087F7;"))
                    }
                    body {
                        (Photos::create())
                        (Photos::load_js())
                        (Photos::config())
                    }
                }
            }
            .into_string()
        })
    });
}

/// The benchmark page from fragments rendered once: what assembling the page with maud costs
/// by itself, the floor under `render/page`.
fn page_floor(c: &mut Criterion) {
    let parts = [
        Photos::load_css().into_string(),
        Photos::style("border: 2px dashed #0087F7;").into_string(),
        Photos::create().into_string(),
        Photos::load_js().into_string(),
        Photos::config().into_string(),
    ];
    let [css, style, create, js, config] = parts.each_ref().map(|p| PreEscaped(p.as_str()));
    c.bench_function("render/page_floor", |b| {
        b.iter(|| {
            html! {
                (DOCTYPE)
                html {
                    head { (black_box(css)) (black_box(style)) }
                    body { (black_box(create)) (black_box(js)) (black_box(config)) }
                }
            }
            .into_string()
        })
    });
}

criterion_group!(benches, render, page_floor);
criterion_main!(benches);
