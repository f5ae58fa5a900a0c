//! CSP: with a nonce set, every `<script>`, `<style>` and `<link>` the toolkit emits carries
//! it, for every mode (default, strict, in-form), release and asset source; and a strict page
//! without a nonce has no inline script or style at all.

mod common;

use common::{DEFAULT, leak};
use dropzone_runtime::options::{AssetSource, Options, Version};
use dropzone_runtime::{Dropzone, style_with_nonce};

const NONCE: &str = "n0nce-Xy";

/// Every start tag named `script`, `style` or `link` in `html`, as written.
fn tags(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let lower = html.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = lower[from..].find('<') {
        let start = from + at;
        let end = start + lower[start..].find('>').expect("tags are closed");
        let tag = &html[start..=end];
        let name: String = lower[start + 1..]
            .chars()
            .take_while(char::is_ascii_alphabetic)
            .collect();
        if ["script", "style", "link"].contains(&name.as_str()) {
            out.push(tag);
        }
        from = end + 1;
    }
    out
}

fn variants() -> Vec<&'static Options> {
    let mut out = Vec::new();
    for version in Version::EMBEDDED {
        for assets in [
            AssetSource::Cdn,
            AssetSource::Local,
            AssetSource::Custom {
                js: "/my/dz.js",
                css: "/my/dz.css",
            },
        ] {
            for strict_csp in [false, true] {
                for in_form in [false, true] {
                    out.push(leak(
                        DEFAULT
                            .with_version(version)
                            .with_assets(assets)
                            .with_strict_csp(strict_csp)
                            .with_in_form(in_form)
                            .with_upload_action(in_form.then_some("/upload"))
                            .with_action(if in_form { "" } else { "/upload" })
                            .with_enable_csrf(true),
                    ));
                }
            }
        }
    }
    out
}

/// Everything a page can ask the toolkit for.
fn page(d: &Dropzone) -> String {
    [
        d.load_css(),
        d.load_js(),
        d.create(),
        d.config(),
        d.style("border: 1px solid red"),
    ]
    .into_iter()
    .map(|m| m.into_string())
    .collect()
}

#[test]
fn every_emitted_element_carries_the_nonce() {
    let mut checked = 0;
    for options in variants() {
        let html = page(&Dropzone::new(options).nonce(NONCE).csrf_token("tok"));
        let found = tags(&html);
        // link + library + init code (file or inline) + style, and the data block outside
        // strict mode (a strict zone's data is on its element).
        let expected = if options.strict_csp() { 4 } else { 5 };
        assert_eq!(found.len(), expected, "{options:?}: {html}");
        for tag in found {
            assert!(
                tag.contains(&format!("nonce=\"{NONCE}\"")),
                "{tag} in {options:?}"
            );
            checked += 1;
        }
    }
    let free = style_with_nonce("width: 1px", NONCE).into_string();
    assert_eq!(
        free,
        format!("<style nonce=\"{NONCE}\">.dropzone{{width: 1px}}</style>")
    );
    checked += 1;
    println!("{checked} emitted elements carry the nonce");
}

#[test]
fn strict_pages_without_a_nonce_have_no_inline_code() {
    for options in variants().into_iter().filter(|o| o.strict_csp()) {
        let html = page(&Dropzone::new(options).csrf_token("tok"));
        for tag in tags(&html) {
            let inline_script = tag.starts_with("<script") && !tag.contains(" src=");
            assert!(
                !inline_script && !tag.starts_with("<style"),
                "{tag} in {html}"
            );
        }
        let handler = html.match_indices(" on").any(|(at, _)| {
            let rest = &html[at + 3..];
            let name_len = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
            name_len > 0 && rest[name_len..].starts_with('=')
        });
        assert!(!handler, "no event handler attributes: {html}");
        assert!(!html.contains("style="), "no style attributes: {html}");
        assert!(html.contains("data-dropzone="), "{html}");
    }
}
