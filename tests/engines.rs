//! The fragments inside real askama and minijinja templates: printed exactly as maud renders
//! them (not escaped a second time, not unescaped), while the template's own values are still
//! escaped, and hostile zone texts stay inert.

use askama::Template;
use dropzone_runtime::DropzoneConfig;
use dropzone_runtime::engines::{Fragment, TemplateZone};

/// Every text a template engine could double-escape: `&`, quotes, tags in the messages, and
/// a CSRF token and nonce with markup in them.
#[derive(DropzoneConfig)]
#[dropzone(
    action = "/up?a=1&b=\"2\"",
    id = "zone",
    default_message = "Drop <b>files</b> & \"photos\" here </script>",
    serve_local = true
)]
struct Hostile;

const CSS: &str = "border: 1px solid red; } </style><script>alert(1)</script>";
const TITLE: &str = "<script>alert('title')</script> & co";

fn zone() -> TemplateZone {
    TemplateZone::from(
        Hostile::dropzone()
            .nonce("n\"<>")
            .csrf_token("t</script><!--"),
    )
}

/// What maud renders for the same zone: the reference every engine must print byte for byte.
fn maud_page() -> String {
    let z = zone();
    let d = z.dropzone();
    [
        d.load_css().into_string(),
        d.load_js().into_string(),
        d.style(CSS).into_string(),
        d.create().into_string(),
        d.config().into_string(),
    ]
    .concat()
}

fn escaped_title() -> &'static str {
    "&#60;script&#62;alert(&#39;title&#39;)&#60;/script&#62; &#38; co"
}

#[derive(Template)]
#[template(
    ext = "html",
    source = "<h1>{{ title }}</h1>{{ zone.load_css() }}{{ zone.load_js() }}{{ zone.style(css) }}{{ zone.create() }}{{ zone.config() }}"
)]
struct AskamaPage<'a> {
    title: &'a str,
    css: &'a str,
    zone: TemplateZone,
}

#[test]
fn askama_prints_the_fragments_as_maud_renders_them() {
    let html = AskamaPage {
        title: TITLE,
        css: CSS,
        zone: zone(),
    }
    .render()
    .unwrap();
    assert_eq!(html, format!("<h1>{}</h1>{}", escaped_title(), maud_page()));
    assert!(
        !html.contains("&amp;amp;") && !html.contains("&#38;amp;"),
        "{html}"
    );
}

#[derive(Template)]
#[template(ext = "html", source = "{{ zone }}|{{ fragment }}")]
struct AskamaWhole {
    zone: TemplateZone,
    fragment: Fragment,
}

#[test]
fn askama_prints_a_whole_zone_and_a_kept_fragment() {
    let z = zone();
    let html = AskamaWhole {
        fragment: z.create(),
        zone: z.clone(),
    }
    .render()
    .unwrap();
    let d = z.dropzone();
    let whole = d.create().into_string() + &d.config().into_string();
    assert_eq!(html, format!("{whole}|{}", d.create().into_string()));
}

/// The control: a plain `String` of the same markup is escaped by askama, which is what the
/// safe-value marking avoids. If this ever stops escaping, the tests above prove nothing.
#[derive(Template)]
#[template(ext = "html", source = "{{ markup }}")]
struct AskamaPlain {
    markup: String,
}

#[test]
fn askama_escapes_the_same_markup_as_a_plain_string() {
    let markup = zone().create().into_string();
    let html = AskamaPlain {
        markup: markup.clone(),
    }
    .render()
    .unwrap();
    assert_ne!(html, markup);
    assert!(html.starts_with("&#60;form"), "{html}");
}

fn minijinja_env() -> minijinja::Environment<'static> {
    let mut env = minijinja::Environment::new();
    env.add_template(
        "page.html",
        "<h1>{{ title }}</h1>{{ zone.load_css() }}{{ zone.load_js() }}{{ zone.style(css) }}{{ zone.create() }}{{ zone.config() }}",
    )
    .unwrap();
    env.add_template("kept.html", "{{ fragment }}|{{ plain }}")
        .unwrap();
    env.add_template("whole.html", "{{ zone }}").unwrap();
    env.add_template("typo.html", "{{ zone.creat() }}").unwrap();
    env.add_template("args.html", "{{ zone.create(1) }}")
        .unwrap();
    env
}

#[test]
fn minijinja_prints_the_fragments_as_maud_renders_them() {
    let env = minijinja_env();
    let html = env
        .get_template("page.html")
        .unwrap()
        .render(minijinja::context! { title => TITLE, css => CSS, zone => zone() })
        .unwrap();
    let title = "&lt;script&gt;alert(&#x27;title&#x27;)&lt;&#x2f;script&gt; &amp; co";
    assert_eq!(html, format!("<h1>{title}</h1>{}", maud_page()));
}

#[test]
fn minijinja_keeps_a_fragment_safe_and_escapes_a_plain_string() {
    let env = minijinja_env();
    let markup = zone().create();
    let html = env
        .get_template("kept.html")
        .unwrap()
        .render(minijinja::context! { fragment => markup.clone(), plain => markup.as_str() })
        .unwrap();
    let (kept, plain) = html.split_once('|').unwrap();
    assert_eq!(kept, markup.as_str());
    assert!(
        plain.starts_with("&lt;form"),
        "the control is escaped: {plain}"
    );
}

#[test]
fn minijinja_refuses_unknown_methods_and_explains_a_printed_zone() {
    let env = minijinja_env();
    let whole = env
        .get_template("whole.html")
        .unwrap()
        .render(minijinja::context! { zone => zone() })
        .unwrap();
    assert!(
        whole.contains("print zone.create() and zone.config()"),
        "{whole}"
    );
    assert!(!whole.contains('<'), "{whole}");
    for name in ["typo.html", "args.html"] {
        let result = env
            .get_template(name)
            .unwrap()
            .render(minijinja::context! { zone => zone() });
        assert!(result.is_err(), "{name} rendered: {result:?}");
    }
}
