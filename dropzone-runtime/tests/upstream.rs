//! The 15 tests of Flask-Dropzone 2.0.0 (`test_flask_dropzone.py`), ported to our output.
//!
//! Flask reads `app.config` and keyword overrides at render time; here a zone is an `Options`
//! value (what `#[derive(DropzoneConfig)]` / `dropzone!` emit, built by hand until the macros
//! land) plus per-request setters on `Dropzone`. Each test says how Flask's assertion maps.
//! Where Flask defaults to 5.9.3 we pin `Version::V5_9_3`, so the `dropzone.min.*` file names
//! still apply (our default is 6.3.5, whose files are `dropzone-min.js` / `dropzone.css`).

mod common;

use common::{DEFAULT, IMAGE_TYPES, leak};
use dropzone_runtime::options::{AssetSource, Options, Version};
use dropzone_runtime::{Dropzone, DropzoneConfig};

/// Flask-Dropzone's defaults: 5.9.3 from jsDelivr.
const FLASK: Options = DEFAULT.with_version(Version::V5_9_3);

fn zone(o: Options) -> Dropzone {
    Dropzone::new(leak(o))
}

struct Upload;

impl DropzoneConfig for Upload {
    const OPTIONS: &'static Options = &FLASK;
}
// Declared by hand: no compile-time state requirement (the derive adds one for CSRF).
impl<S> dropzone_runtime::upload::ZoneState<S> for Upload {}

#[test]
fn test_extension_init() {
    // Flask: `'dropzone' in current_app.extensions` (the extension registered itself).
    // Ours: there is no app registry; a type implementing `DropzoneConfig` is the zone, and
    // its helpers render from exactly its `OPTIONS`.
    assert_eq!(Upload::dropzone().options(), &FLASK);
    assert_eq!(
        Upload::create().into_string(),
        Dropzone::new(&FLASK).create().into_string()
    );
}

#[test]
fn test_load_css() {
    // Flask: `load_css()` contains `dropzone.min.css`; `load_css(version='5.1.0')` contains
    // `dropzone.min.css` and `5.1.0`. Ours: the same, with `version` an option.
    let css = Upload::load_css().into_string();
    assert!(css.contains("dropzone.min.css"), "{css}");
    let css = zone(FLASK.with_version(Version::new("5.1.0", 5)))
        .load_css()
        .into_string();
    assert!(
        css.contains("dropzone.min.css") && css.contains("5.1.0"),
        "{css}"
    );
}

#[test]
fn test_load_js() {
    // Flask: as test_load_css, for `dropzone.min.js`.
    let js = Upload::load_js().into_string();
    assert!(js.contains("dropzone.min.js"), "{js}");
    let js = zone(FLASK.with_version(Version::new("5.1.0", 5)))
        .load_js()
        .into_string();
    assert!(
        js.contains("dropzone.min.js") && js.contains("5.1.0"),
        "{js}"
    );
}

#[tokio::test]
async fn test_local_resources() {
    // Flask: with SERVE_LOCAL, `load_css()` contains `/dropzone/static/dropzone.min.css`,
    // `load_js()` `/dropzone/static/dropzone.min.js`, neither the CDN prefix; and GET of those
    // two paths is not 404. Ours: the local URLs carry the version
    // (`/dropzone/static/5.9.3/dropzone.min.css`), and `assets::router()` serves both them and
    // Flask's unversioned paths.
    use dropzone_runtime::assets;
    use tower::ServiceExt;

    let d = zone(FLASK.with_assets(AssetSource::Local));
    let (css, js) = (d.load_css().into_string(), d.load_js().into_string());
    assert!(
        css.contains("/dropzone/static/5.9.3/dropzone.min.css"),
        "{css}"
    );
    assert!(
        js.contains("/dropzone/static/5.9.3/dropzone.min.js"),
        "{js}"
    );
    assert!(!css.contains("https://cdn.jsdelivr.net/npm/dropzone@"));
    assert!(!js.contains("https://cdn.jsdelivr.net/npm/dropzone@"));

    for url in [
        "/dropzone/static/5.9.3/dropzone.min.css",
        "/dropzone/static/5.9.3/dropzone.min.js",
        "/dropzone/static/dropzone.min.css",
        "/dropzone/static/dropzone.min.js",
    ] {
        let app: axum::Router = assets::router();
        let request = http::Request::get(url)
            .body(axum::body::Body::empty())
            .unwrap();
        let response = app.oneshot(request).await.unwrap();
        assert_eq!(response.status(), http::StatusCode::OK, "{url}");
    }
}

/// Flask's `test_config_dropzone` configuration: ALLOWED_FILE_TYPE='image',
/// MAX_FILE_SIZE=5, MAX_FILES=40, INPUT_NAME='test', DEFAULT_MESSAGE='Drop file here',
/// REDIRECT_VIEW='index' (→ "/"), TIMEOUT=10000.
const CONFIGURED: Options = FLASK
    .with_accepted_files(IMAGE_TYPES)
    .with_max_file_size(5.0)
    .with_max_files(Some(40))
    .with_input_name("test")
    .with_messages(common::MESSAGES.with_default_message("Drop file here"))
    .with_redirect_url(Some("/"))
    .with_timeout(Some(10000));

/// Flask's option assertions, as the JSON / JS our script carries:
/// `Dropzone.options.myDropzone` → the zone's `"id": "myDropzone"` (init.js camelizes it into
/// the `Dropzone.options` key); `paramName: "test"` → `"paramName":"test"`;
/// ``dictDefaultMessage: `Drop file here` `` → a JSON string;
/// `this.on("queuecomplete", …)` + `window.location = "/";` → `"redirect":"/"`, which the
/// embedded init code applies on `queuecomplete` (`window.location.href = url;`).
fn assert_configured(s: &str, max_file_size: u32, max_files: u32) {
    for part in [
        r#"data-dropzone-rs="myDropzone""#.to_owned(),
        r#""paramName":"test""#.to_owned(),
        format!(r#""maxFilesize":{max_file_size},"#),
        format!(r#""maxFiles":{max_files},"#),
        r#""acceptedFiles":"image/*""#.to_owned(),
        r#""dictDefaultMessage":"Drop file here""#.to_owned(),
        r#""redirect":"/""#.to_owned(),
        r#""timeout":10000,"#.to_owned(),
    ] {
        assert!(s.contains(&part), "missing {part} in {s}");
    }
    // The code that applies it is the page's one init script (from load_js).
    for part in [
        r#"dz.on("queuecomplete", function () {"#,
        "window.location.href = url;",
    ] {
        assert!(dropzone_runtime::INIT_JS.contains(part), "missing {part}");
    }
}

#[test]
fn test_config_dropzone() {
    let s = zone(CONFIGURED).config().into_string();
    assert_configured(&s, 5, 40);
    // Flask: `config(redirect_url='/redirect')` → `window.location = "/redirect";`.
    // Ours: the per-request `.redirect_url(..)`.
    let s = zone(CONFIGURED)
        .redirect_url("/redirect")
        .config()
        .into_string();
    assert!(s.contains(r#""redirect":"/redirect""#), "{s}");
    // Flask: TIMEOUT=None → no `timeout:`. Ours: no `"timeout":` key.
    let s = zone(CONFIGURED.with_timeout(None)).config().into_string();
    assert!(!s.contains("\"timeout\":"), "{s}");
}

#[test]
fn test_config_overwrite() {
    // Flask: `config(input_name='test', max_file_size=12, max_files=60, …)` overrides per
    // call. Ours: `dropzone!(Zone, key = value)` emits the base options with struct update,
    // which is what this literal does.
    let o = FLASK
        .with_input_name("test")
        .with_max_file_size(12.0)
        .with_max_files(Some(60))
        .with_accepted_files(IMAGE_TYPES)
        .with_messages(common::MESSAGES.with_default_message("Drop file here"))
        .with_redirect_url(Some("/"))
        .with_timeout(Some(10000));
    assert_configured(&zone(o).config().into_string(), 12, 60);
}

#[test]
fn test_create_dropzone() {
    // Flask: `create(action=url_for('upload'))` contains
    // `<form action="/upload" method="post" class="dropzone" id="myDropzone"` (its
    // `enctype` follows after a newline; ours on the same line).
    let html = Upload::dropzone().action("/upload").create().into_string();
    assert!(
        html.starts_with(
            r#"<form action="/upload" method="post" class="dropzone" id="myDropzone""#
        )
    );
}

#[test]
fn test_csrf_field() {
    // Flask: `config()` lacks `X-CSRF-Token`; `config(enable_csrf=True)` and ENABLE_CSRF=True
    // have it (the token comes from Flask-WTF). Ours: `enable_csrf` plus the per-request
    // `.csrf_token(..)` give `"headers":{"X-CSRF-Token":"…",…}` (next to the zone header).
    assert!(!Upload::config().into_string().contains("X-CSRF-Token"));
    let s = zone(FLASK.with_enable_csrf(true))
        .csrf_token("token")
        .config()
        .into_string();
    assert!(
        s.contains(r#""headers":{"X-CSRF-Token":"token","X-Dropzone-Zone":"myDropzone"}"#),
        "{s}"
    );
}

#[test]
fn test_style_dropzone() {
    // Flask: `style('width: 500px')` contains `.dropzone{width: 500px}`; with
    // `id='myDropzone'`, `.dropzone#myDropzone{width: 500px}`. Ours: the free function
    // `style` and the zone's `style`.
    assert!(
        dropzone_runtime::style("width: 500px")
            .into_string()
            .contains(".dropzone{width: 500px}")
    );
    assert!(
        Upload::style("width: 500px")
            .into_string()
            .contains(".dropzone#myDropzone{width: 500px}")
    );
}

#[test]
fn test_render_template() {
    // Flask: GET / renders load_css, create(action='upload'), load_js and config, and the body
    // contains the CDN prefix, `dropzone.min.js`, `dropzone.min.css`,
    // `Dropzone.options.myDropzone` and the form prefix. Ours: the same four fragments in a
    // maud page (the HTTP round trip belongs to the examples).
    let zone = Upload::dropzone().action("/upload");
    let page = maud::html! {
        (zone.load_css())
        (zone.create())
        (zone.load_js())
        (zone.config())
    }
    .into_string();
    for part in [
        "https://cdn.jsdelivr.net/npm/dropzone@",
        "dropzone.min.js",
        "dropzone.min.css",
        r#"data-dropzone-rs="myDropzone""#,
        r#"<form action="/upload" method="post" class="dropzone" id="myDropzone""#,
    ] {
        assert!(page.contains(part), "missing {part}");
    }
}

#[test]
fn test_get_url() {
    // Flask: `get_url('upload') == get_url('/upload')` and `get_url('') is None`. Ours: there
    // are no endpoint names, every action is a URL, and an empty action is a compile error in
    // the macros; what remains is that a per-request action renders exactly as a configured
    // one.
    let configured = Dropzone::new(&FLASK);
    let per_request = zone(FLASK.with_action("/elsewhere")).action("/upload");
    assert_eq!(
        configured.create().into_string(),
        per_request.create().into_string()
    );
    assert_eq!(
        configured.config().into_string(),
        per_request.config().into_string()
    );
}

#[test]
fn test_click_upload() {
    // Flask: UPLOAD_ON_CLICK → `dz.processQueue();` and `autoProcessQueue: false,`. Ours: the
    // zone's own `dz.processQueue();` (a closure local, not a global) and
    // `"autoProcessQueue":false`; the button id travels as `"click":{"button":"upload",…}`.
    let s = zone(FLASK.with_upload_on_click(true))
        .config()
        .into_string();
    assert!(dropzone_runtime::INIT_JS.contains("dz.processQueue();"));
    assert!(s.contains(r#""autoProcessQueue":false"#), "{s}");
    assert!(
        s.contains(r#""click":{"button":"upload","inForm":false}"#),
        "{s}"
    );
    assert!(
        dropzone_runtime::INIT_JS.contains("var button = document.getElementById(spec.button);"),
        "{s}"
    );
}

#[test]
fn test_in_form() {
    // Flask: IN_FORM + UPLOAD_ON_CLICK + UPLOAD_BTN_ID='submit': `create(..)` is exactly the
    // div; `config()` has `dz.processQueue();`, `e.preventDefault();`,
    // `autoProcessQueue: false,` and `document.getElementById("submit").click();`. Ours: the
    // button id is data (`"click":{"button":"submit","inForm":true}`), init looks it up once
    // and `button.click()` submits once the queue completes.
    let d = zone(
        FLASK
            .with_in_form(true)
            .with_upload_on_click(true)
            .with_upload_action(Some("/upload"))
            .with_upload_btn_id("submit"),
    );
    assert_eq!(
        d.clone().action("/upload").create().into_string(),
        r#"<div class="dropzone" id="myDropzone"></div>"#
    );
    let s = d.config().into_string();
    for part in [
        r#""autoProcessQueue":false"#,
        r#""click":{"button":"submit","inForm":true}"#,
        r#"{"url":"/upload","#,
    ] {
        assert!(s.contains(part), "missing {part} in {s}");
    }
    for part in [
        "dz.processQueue();",
        "e.preventDefault();",
        "button.click();",
    ] {
        assert!(dropzone_runtime::INIT_JS.contains(part), "missing {part}");
    }
}

#[test]
fn test_custom_js() {
    // Flask: custom_init 'dz = this;' and 'dz = this' both yield `dz = this;`;
    // custom_options 'foo = true,' and 'foo = true' both yield `foo = true,`. Ours: the same
    // normalization, each on its own line. (`foo = true,` is not valid inside an object
    // literal in either library; like upstream, this test checks the text only.)
    for init in ["dz = this;", "dz = this"] {
        let s = zone(FLASK.with_custom_init(Some(init)))
            .config()
            .into_string();
        assert!(s.contains("\ndz = this;\n"), "{s}");
    }
    for opts in ["foo = true,", "foo = true"] {
        let s = zone(FLASK.with_custom_options(Some(opts)))
            .config()
            .into_string();
        assert!(s.contains("\nfoo = true,\n"), "{s}");
    }
}

#[test]
fn test_custom_id() {
    // Flask: default `create` has `id="myDropzone"` and `config` `Dropzone.options.myDropzone`;
    // with id 'hello', `id="hello"` and `Dropzone.options.hello`. Ours: the id attribute and
    // the id in the script, which init camelizes into the key (tests/script_js.rs checks the
    // keys in a fake DOM).
    assert!(
        Upload::create()
            .into_string()
            .contains(r#"id="myDropzone""#)
    );
    assert!(
        Upload::config()
            .into_string()
            .contains(r#"data-dropzone-rs="myDropzone""#)
    );
    let hello = zone(FLASK.with_id("hello"));
    assert!(hello.create().into_string().contains(r#"id="hello""#));
    assert!(
        hello
            .config()
            .into_string()
            .contains(r#"data-dropzone-rs="hello""#)
    );
}
