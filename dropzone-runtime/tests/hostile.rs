//! Property test: hostile text in every text option cannot leave its context, and the values
//! reach Dropzone.js exactly.

mod common;

use common::{DEFAULT, attr, html_unescape, leak, leak_str, start_tag};
use dropzone_runtime::Dropzone;
use dropzone_runtime::options::{Accept, AcceptedFiles, AssetSource, Messages};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Value, json};
use std::cell::{Cell, RefCell};

const CASES: u32 = 512;
/// How many of the cases are also evaluated in node.
const NODE_CASES: usize = 128;

fn hostile() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("</script>".to_owned()),
        Just("</SCRIPT ".to_owned()),
        Just("<!--".to_owned()),
        Just("-->".to_owned()),
        Just("<script>".to_owned()),
        Just("\"".to_owned()),
        Just("'".to_owned()),
        Just("`".to_owned()),
        Just("${alert(1)}".to_owned()),
        Just("\u{2028}\u{2029}".to_owned()),
        Just("]]>".to_owned()),
        Just("</style>".to_owned()),
        Just("{}".to_owned()),
        Just("/*".to_owned()),
        Just("\\".to_owned()),
        Just("&amp;&#39;".to_owned()),
        Just("{{filesize}}".to_owned()),
        Just("-_a".to_owned()),
        prop::collection::vec(any::<char>(), 0..6).prop_map(String::from_iter),
    ];
    prop::collection::vec(piece, 0..5).prop_map(|v| v.concat())
}

/// Every text a zone or a request can carry.
#[derive(Clone, Debug)]
struct Case {
    texts: Vec<String>, // 10 messages
    id: String,
    action: String,
    upload_action: String,
    redirect: String,
    nonce: String,
    token: String,
    input_name: String,
    accepted: String,
    button: String,
    js_url: String,
    css_url: String,
    css: String,
    in_form: bool,
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop::collection::vec(hostile(), 10),
        prop::collection::vec(hostile(), 12),
        any::<bool>(),
    )
        .prop_map(|(texts, o, in_form)| Case {
            texts,
            id: o[0].clone(),
            action: o[1].clone(),
            upload_action: o[2].clone(),
            redirect: o[3].clone(),
            nonce: o[4].clone(),
            token: o[5].clone(),
            input_name: o[6].clone(),
            accepted: o[7].clone(),
            button: o[8].clone(),
            js_url: o[9].clone(),
            css_url: o[10].clone(),
            css: o[11].clone(),
            in_form,
        })
}

fn zone(c: &Case) -> Dropzone {
    let t = |i: usize| leak_str(c.texts[i].clone());
    let o = leak(
        DEFAULT
            .with_id(leak_str(c.id.clone()))
            .with_action(leak_str(c.action.clone()))
            .with_assets(AssetSource::Custom {
                js: leak_str(c.js_url.clone()),
                css: leak_str(c.css_url.clone()),
            })
            .with_input_name(leak_str(c.input_name.clone()))
            .with_accepted_files(AcceptedFiles {
                list: leak_str(c.accepted.clone()),
                rules: &[Accept::TopLevel("image")],
            })
            .with_redirect_url(Some("/unused"))
            .with_enable_csrf(true)
            .with_upload_action(Some("/unused"))
            .with_upload_on_click(true)
            .with_upload_btn_id(leak_str(c.button.clone()))
            .with_in_form(c.in_form)
            .with_messages(
                Messages::DEFAULT
                    .with_default_message(t(0))
                    .with_invalid_file_type(t(1))
                    .with_file_too_big(t(2))
                    .with_server_error(t(3))
                    .with_browser_unsupported(t(4))
                    .with_max_file_exceed(t(5))
                    .with_cancel_upload(t(6))
                    .with_remove_file(t(7))
                    .with_cancel_confirmation(t(8))
                    .with_upload_canceled(t(9)),
            ),
    );
    let d = Dropzone::new(o)
        .nonce(c.nonce.clone())
        .csrf_token(c.token.clone())
        .redirect_url(c.redirect.clone())
        .upload_action(c.upload_action.clone());
    if c.in_form {
        d
    } else {
        d.action(c.action.clone())
    }
}

fn strict_zone(c: &Case) -> Dropzone {
    let o = zone(c).options();
    let d = Dropzone::new(leak((*o).with_strict_csp(true)))
        .nonce(c.nonce.clone())
        .csrf_token(c.token.clone())
        .redirect_url(c.redirect.clone())
        .upload_action(c.upload_action.clone());
    if c.in_form {
        d
    } else {
        d.action(c.action.clone())
    }
}

fn nonce_ok(attrs: &[(String, String)], c: &Case) -> bool {
    attr(attrs, "nonce") == (!c.nonce.is_empty()).then_some(c.nonce.as_str())
}

fn check(c: &Case) -> Result<(), String> {
    let d = zone(c);

    let css = d.load_css().into_string();
    let (attrs, rest) = start_tag(&css, "link")?;
    if !rest.is_empty() || attr(&attrs, "href") != Some(&c.css_url) || !nonce_ok(&attrs, c) {
        return Err(format!("load_css: {css:?}"));
    }
    let js = d.load_js().into_string();
    let (attrs, rest) = start_tag(&js, "script")?;
    // The library from the zone's own URL, then the init code inline (nothing of the input
    // in it).
    let init = rest
        .strip_prefix("</script>")
        .map(|r| start_tag(r, "script"));
    let init_ok = match init {
        Some(Ok((init_attrs, body))) => {
            body == format!("{}</script>", dropzone_runtime::INIT_JS) && nonce_ok(&init_attrs, c)
        }
        _ => false,
    };
    if !init_ok || attr(&attrs, "src") != Some(&c.js_url) || !nonce_ok(&attrs, c) {
        return Err(format!("load_js: {js:?}"));
    }

    let create = d.create().into_string();
    let (tag, end) = if c.in_form {
        ("div", "</div>")
    } else {
        ("form", "</form>")
    };
    let (attrs, rest) = start_tag(&create, tag)?;
    if rest != end || attr(&attrs, "id") != Some(&c.id) {
        return Err(format!("create: {create:?}"));
    }
    if !c.in_form && attr(&attrs, "action") != Some(&c.action) {
        return Err(format!("create action: {create:?}"));
    }

    let config = d.config().into_string();
    let (attrs, rest) = start_tag(&config, "script")?;
    if !nonce_ok(&attrs, c)
        || attr(&attrs, "type") != Some("application/json")
        || attr(&attrs, "data-dropzone-rs") != Some(&c.id)
    {
        return Err(format!("config tag: {config:?}"));
    }
    let body = rest.strip_suffix("</script>").ok_or("config end")?;
    let lower = body.to_lowercase();
    if lower.contains("</script") || lower.contains("<!--") || lower.contains("<script") {
        return Err(format!("script body can leave the element: {body:?}"));
    }

    let style = d.style(&c.css).into_string();
    let (attrs, rest) = start_tag(&style, "style")?;
    let body = rest.strip_suffix("</style>").ok_or("style end")?;
    if !nonce_ok(&attrs, c)
        || body.contains('<')
        || body.matches('{').count() != 1
        || body.matches('}').count() != 1
        || !body.ends_with('}')
        || body.contains("/*")
        || !body.starts_with(".dropzone#")
    {
        return Err(format!("style: {style:?}"));
    }
    let free = dropzone_runtime::style(&c.css).into_string();
    let body = free
        .strip_prefix("<style>.dropzone{")
        .and_then(|b| b.strip_suffix("}</style>"))
        .ok_or_else(|| format!("free style: {free:?}"))?;
    if body.contains(['<', '{', '}']) || body.contains("/*") {
        return Err(format!("free style: {free:?}"));
    }
    check_strict(c)
}

/// Strict CSP mode: the same texts travel in the `data-dropzone` attribute, which must stay
/// one attribute and parse back to exactly the values; nothing inline is emitted.
fn check_strict(c: &Case) -> Result<(), String> {
    let d = strict_zone(c);
    let create = d.create().into_string();
    let tag = if c.in_form { "div" } else { "form" };
    let (attrs, rest) = start_tag(&create, tag)?;
    if rest != format!("</{tag}>") || attr(&attrs, "id") != Some(&c.id) {
        return Err(format!("strict create: {create:?}"));
    }
    let data = attr(&attrs, "data-dropzone").ok_or("no data-dropzone")?;
    let spec: Value = serde_json::from_str(data).map_err(|e| format!("{e}: {data:?}"))?;
    let o = &spec["options"];
    let url = if c.in_form {
        &c.upload_action
    } else {
        &c.action
    };
    let expect = [
        (&o["dictInvalidFileType"], json!(c.texts[1])),
        (&o["dictDefaultMessage"], json!(html_text(&c.texts[0]))),
        (&o["url"], json!(url)),
        (&o["paramName"], json!(c.input_name)),
        (&o["acceptedFiles"], json!(c.accepted)),
        (
            &o["headers"],
            json!({"X-CSRF-Token": c.token, "X-Dropzone-Zone": c.id}),
        ),
        (&spec["redirect"], json!(c.redirect)),
        (&spec["click"]["button"], json!(c.button)),
    ];
    for (got, want) in expect {
        if *got != want {
            return Err(format!("strict data {got} != {want} in {data:?}"));
        }
    }
    // No inline script: the zone's data is on its element, and the init code is a file.
    let config = d.config().into_string();
    let js = d.load_js().into_string();
    let init = format!(
        "<script src=\"{}\" defer",
        dropzone_runtime::INIT_SCRIPT_URL
    );
    if !config.is_empty() || !js.contains(&init) || js.matches(['<', '>']).count() != 8 {
        return Err(format!("strict config: {config:?}, load_js: {js:?}"));
    }
    let style = d.style(&c.css).into_string();
    if c.nonce.is_empty() != style.is_empty() {
        return Err(format!("strict style without nonce: {style:?}"));
    }
    Ok(())
}

/// What maud's escaping plus Dropzone's innerHTML insertion need: the renderer's html_text.
fn html_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Runs every case's inline script against a fake page and reports what Dropzone received.
const NODE_BATCH: &str = include_str!("common/hostile_batch.js");

/// Runs all collected cases in one node process and compares what Dropzone would receive.
fn node_round_trip(cases: &[Case]) {
    let input: Vec<Value> = cases
        .iter()
        .map(|c| {
            let script = format!(
                "{}\n{}",
                common::zone_js(&zone(c)),
                dropzone_runtime::INIT_JS
            );
            json!({"id": c.id, "script": script})
        })
        .collect();
    let mut child = std::process::Command::new("node")
        .arg("-e")
        .arg(format!("{}\n{NODE_BATCH}", common::FAKE_BLOCKS))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("node is installed");
    {
        use std::io::Write as _;
        let mut stdin = child.stdin.take().unwrap();
        stdin
            .write_all(serde_json::to_string(&input).unwrap().as_bytes())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(results.len(), cases.len());
    let keys = [
        ("dictDefaultMessage", true),
        ("dictInvalidFileType", false),
        ("dictFileTooBig", false),
        ("dictResponseError", false),
        ("dictFallbackMessage", false),
        ("dictMaxFilesExceeded", false),
        ("dictCancelUpload", true),
        ("dictRemoveFile", true),
        ("dictCancelUploadConfirmation", false),
        ("dictUploadCanceled", false),
    ];
    for (c, r) in cases.iter().zip(&results) {
        let o = &r["options"];
        for (i, (key, html)) in keys.iter().enumerate() {
            let got = o[key].as_str().unwrap();
            let got = if *html {
                html_unescape(got)
            } else {
                got.to_owned()
            };
            assert_eq!(got, c.texts[i], "{key} in {c:?}");
        }
        let url = if c.in_form {
            &c.upload_action
        } else {
            &c.action
        };
        assert_eq!(o["url"], json!(url), "{c:?}");
        assert_eq!(o["paramName"], json!(c.input_name), "{c:?}");
        assert_eq!(o["acceptedFiles"], json!(c.accepted), "{c:?}");
        assert_eq!(
            o["headers"],
            json!({"X-CSRF-Token": c.token, "X-Dropzone-Zone": c.id}),
            "{c:?}"
        );
        assert_eq!(r["href"], json!(c.redirect), "{c:?}");
        // An empty id names no element (and the macros reject it): nothing to mark.
        assert_eq!(
            r["marked"],
            json!(!c.id.is_empty()),
            "camelized key for {c:?}"
        );
    }
}

#[test]
fn hostile_text_cannot_escape_and_round_trips() {
    let collected = RefCell::new(Vec::new());
    let mut runner = TestRunner::new(Config {
        cases: CASES,
        failure_persistence: None,
        ..Config::default()
    });
    let ran = Cell::new(0u32);
    runner
        .run(&case(), |c| {
            ran.set(ran.get() + 1);
            check(&c).map_err(TestCaseError::fail)?;
            let mut v = collected.borrow_mut();
            if v.len() < NODE_CASES {
                v.push(c);
            }
            Ok(())
        })
        .unwrap();
    let collected = collected.into_inner();
    node_round_trip(&collected);
    let ran = ran.get();
    println!(
        "hostile strings: {ran} proptest cases checked statically, {} evaluated in node",
        collected.len()
    );
    assert!(ran >= CASES);
}
