//! init.js in a fake browser: zones from `data-dropzone` attributes and from inline scripts,
//! idempotence, the per-file results of batched uploads, and the options Dropzone receives.

mod common;

use common::dom::{El, run};
use common::{DEFAULT, leak, leak_str};
use dropzone_runtime::options::{ExtraOption, Options};
use dropzone_runtime::{Dropzone, INIT_JS};
use serde_json::{Value, json};

fn strict(o: Options) -> Dropzone {
    Dropzone::new(leak(o.with_strict_csp(true)))
}

/// The `data-dropzone` value of a strict zone, as a browser's `getAttribute` returns it.
fn data(d: &Dropzone) -> &'static str {
    let html = d.create().into_string();
    let tag = if d.options().in_form() { "div" } else { "form" };
    let (attrs, _) = common::start_tag(&html, tag).unwrap();
    leak_str(common::attr(&attrs, "data-dropzone").unwrap().to_owned())
}

/// A default-mode zone's data block (and code script), as the fake page runs them.
fn inline(d: &Dropzone) -> String {
    common::zone_js(d)
}

#[test]
fn init_js_syntax() {
    common::node(&["--check"], INIT_JS);
}

/// init.js is one scope of hoisted function declarations: a second `function f` silently
/// replaces the first for every caller (the remove block's `remember` once broke resume).
#[test]
fn init_js_declares_each_function_once() {
    let mut names: Vec<&str> = INIT_JS
        .split("function ")
        .skip(1)
        .filter_map(|rest| rest.split('(').next())
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .collect();
    names.sort_unstable();
    let twice: Vec<&str> = names
        .windows(2)
        .filter(|w| w[0] == w[1])
        .map(|w| w[0])
        .collect();
    assert!(
        twice.is_empty(),
        "declared more than once in init.js: {twice:?}"
    );
}

#[test]
fn strict_zones_start_once_in_every_order_even_if_init_runs_twice() {
    let a = strict(DEFAULT.with_id("zone-a"));
    let b = strict(DEFAULT.with_id("zone_b").with_upload_on_click(true));
    let page = [
        El {
            id: "zone-a",
            data: Some(data(&a)),
        },
        El {
            id: "zone_b",
            data: Some(data(&b)),
        },
    ];
    for order in ["before", "after", "now"] {
        let r = run(&[INIT_JS.to_owned(), INIT_JS.to_owned()], &page, order, "");
        let calls = r["calls"].as_array().unwrap();
        assert_eq!(calls.len(), 2, "{order}: {r}");
        assert_eq!(calls[0]["id"], "zone-a");
        assert_eq!(
            calls[0]["options"]["headers"],
            json!({"X-Dropzone-Zone": "zone-a"})
        );
        assert_eq!(calls[0]["options"]["createImageThumbnails"], json!(false));
        assert_eq!(calls[1]["options"]["autoProcessQueue"], json!(false));
        assert_eq!(
            r["options"],
            json!({"zoneA": false, "zoneB": false}),
            "{order}"
        );
        assert_eq!(r["newGlobals"], json!([]), "{order}");
    }
    // Library first: the keys are set before DOMContentLoaded (5.x discovery runs then).
    let r = run(&[INIT_JS.to_owned()], &page, "before", "");
    assert_eq!(
        r["optionsBeforeLoad"],
        json!({"zoneA": false, "zoneB": false})
    );
}

#[test]
fn inline_and_strict_zones_share_a_page() {
    let a = Dropzone::new(leak(DEFAULT.with_id("inline-zone")));
    let b = strict(DEFAULT.with_id("strict-zone"));
    let page = [
        El::id("inline-zone"),
        El {
            id: "strict-zone",
            data: Some(data(&b)),
        },
    ];
    for order in ["before", "after", "now"] {
        let scripts = [inline(&a), INIT_JS.to_owned(), inline(&a)];
        let r = run(&scripts, &page, order, "");
        let ids: Vec<&str> = r["calls"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["inline-zone", "strict-zone"], "{order}: {r}");
        assert_eq!(r["newGlobals"], json!([]), "{order}");
    }
}

#[test]
fn options_keys_follow_dropzones_camelize() {
    let table = [
        ("myDropzone", "myDropzone"),
        ("my-dropzone", "myDropzone"),
        ("my-awesome-dropzone", "myAwesomeDropzone"),
        ("upload-form-2", "uploadForm2"),
        ("my--zone", "my-Zone"),
        ("a__b", "a_b"),
        ("-leading", "Leading"),
        ("trailing-", "trailing-"),
        ("x.y-z", "x.yZ"),
        ("dz-ä", "dz-ä"),
    ];
    let zones: Vec<Dropzone> = table
        .iter()
        .map(|(id, _)| strict(DEFAULT.with_id(id)))
        .collect();
    let page: Vec<El<'_>> = zones
        .iter()
        .map(|z| El {
            id: z.options().id(),
            data: Some(data(z)),
        })
        .collect();
    let r = run(&[INIT_JS.to_owned()], &page, "before", "");
    let expected: serde_json::Map<String, Value> = table
        .iter()
        .map(|(_, k)| (k.to_string(), json!(false)))
        .collect();
    assert_eq!(r["options"], Value::Object(expected));
}

#[test]
fn unreadable_specs_are_skipped_and_the_rest_start() {
    let ok = strict(DEFAULT.with_id("ok"));
    let page = [
        El {
            id: "broken",
            data: Some("{not json"),
        },
        El {
            id: "future",
            data: Some(r#"{"v":2,"options":{}}"#),
        },
        El {
            id: "ok",
            data: Some(data(&ok)),
        },
    ];
    let r = run(&[INIT_JS.to_owned()], &page, "now", "");
    assert_eq!(r["calls"].as_array().unwrap().len(), 1, "{r}");
    assert_eq!(r["calls"][0]["id"], "ok");
}

#[test]
fn headers_carry_zone_and_csrf_token_in_both_modes() {
    let o = DEFAULT.with_enable_csrf(true);
    let s = strict(o).csrf_token("tok</script>");
    let d = Dropzone::new(leak(o.with_id("other"))).csrf_token("t2");
    let page = [
        El {
            id: "myDropzone",
            data: Some(data(&s)),
        },
        El::id("other"),
    ];
    let r = run(&[inline(&d), INIT_JS.to_owned()], &page, "now", "");
    let headers = |id: &str| {
        let calls = r["calls"].as_array().unwrap();
        calls.iter().find(|c| c["id"] == id).expect(id)["options"]["headers"].clone()
    };
    assert_eq!(
        headers("myDropzone"),
        json!({"X-CSRF-Token": "tok</script>", "X-Dropzone-Zone": "myDropzone"})
    );
    assert_eq!(
        headers("other"),
        json!({"X-CSRF-Token": "t2", "X-Dropzone-Zone": "other"})
    );
}

const BATCH: Options = DEFAULT
    .with_upload_multiple(true)
    .with_redirect_url(Some("/done"));

/// Runs one batch of `a.png`, `b.txt`, `c.gif` through `outcome` (JS using `dz` and `files`).
fn batch(d: &Dropzone, outcome: &str) -> Value {
    let steps = format!(
        "const dz = zone(\"myDropzone\"); const files = dz.files(\"a.png\", \"b.txt\", \"c.gif\");\n\
         {outcome}\nout.files = files.map(state);\nfor (const fn of dz.handlers.queuecomplete || []) fn();"
    );
    let (scripts, page) = if d.options().strict_csp() {
        (
            vec![INIT_JS.to_owned()],
            vec![El {
                id: "myDropzone",
                data: Some(data(d)),
            }],
        )
    } else {
        (
            vec![inline(d), INIT_JS.to_owned()],
            vec![El::id("myDropzone")],
        )
    };
    run(&scripts, &page, "now", &steps)
}

fn file(status: &str, classes: &[&str], shown: Value) -> Value {
    json!({"status": status, "classes": classes, "shown": shown})
}

#[test]
fn batch_marks_each_file_by_its_field_and_redirects_on_a_saved_one() {
    let body = json!({"files": [
        {"field": "file[2]", "name": "c.gif", "saved": true, "stored_name": "c1.gif"},
        {"field": "file[1]", "name": "b.txt", "saved": false, "error": "You can't upload files of this type."},
        {"field": "file[0]", "name": "a.png", "saved": true, "stored_name": "a1.png"}
    ]});
    for d in [Dropzone::new(&BATCH), strict(BATCH)] {
        let r = batch(&d, &format!("dz.finished(files, {body});"));
        let ok = file("success", &["dz-success"], Value::Null);
        let refused = file(
            "error",
            &["dz-error"],
            json!("You can't upload files of this type."),
        );
        assert_eq!(r["out"]["files"], json!([ok, refused, ok]), "{r}");
        // Dropzone's order (success/complete per file, then the batch); the refusal happens
        // inside `successmultiple`, so `completemultiple` listeners see the final statuses.
        let log: Vec<&str> = r["log"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(
            log[6..],
            ["successmultiple", "error:b.txt", "completemultiple"][..]
        );
        assert_eq!(r["href"], "/done");
    }
}

#[test]
fn batch_with_nothing_saved_in_a_2xx_does_not_redirect() {
    let body = json!({"files": [{"saved": false, "error": "x"}, {"saved": false}, {"saved": false, "error": "z"}], "error": "shared"});
    let r = batch(
        &Dropzone::new(&BATCH),
        &format!("dz.finished(files, {body});"),
    );
    // No `field`: array order. No entry error: the top-level one.
    let shown: Vec<&Value> = r["out"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| &f["shown"])
        .collect();
    assert_eq!(shown, [&json!("x"), &json!("shared"), &json!("z")]);
    assert_eq!(r["href"], "/page", "no saved file, no redirect");
}

#[test]
fn batch_4xx_shows_each_files_own_message() {
    let body = json!({"error": "No file was saved.", "files": [
        {"field": "file[0]", "name": "a.png", "saved": false, "error": "File is too big."},
        {"field": "file[1]", "name": "b.txt", "saved": false, "error": "You can't upload files of this type."},
        {"field": "file[2]", "name": "c.gif", "saved": false}
    ]});
    let r = batch(
        &strict(BATCH),
        &format!("dz.failed(files, {body}, {{ status: 422 }});"),
    );
    let shown: Vec<&Value> = r["out"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| &f["shown"])
        .collect();
    assert_eq!(
        shown,
        [
            &json!("File is too big."),
            &json!("You can't upload files of this type."),
            &json!("No file was saved.")
        ]
    );
    assert_eq!(r["href"], "/page");
}

#[test]
fn batch_without_entries_keeps_dropzones_verdict() {
    let r = batch(&Dropzone::new(&BATCH), r#"dz.finished(files, "ok");"#);
    assert!(
        r["out"]["files"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["status"] == "success")
    );
    assert_eq!(r["href"], "/done");
    let r = batch(
        &Dropzone::new(&BATCH),
        r#"dz.failed(files, "Server responded with 500 code.", { status: 500 });"#,
    );
    assert!(
        r["out"]["files"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["shown"] == "Server responded with 500 code.")
    );
}

#[test]
fn single_uploads_are_not_remapped() {
    let o = DEFAULT.with_redirect_url(Some("/done"));
    let body = json!({"files": [{"field": "file", "saved": true}]});
    let r = batch(&strict(o), &format!("dz.finished([files[0]], {body});"));
    assert_eq!(r["out"]["files"][0]["status"], "success");
    assert_eq!(r["href"], "/done");
}

#[test]
fn extras_then_custom_options_in_that_order() {
    const EXTRA: &[ExtraOption] = &[
        ExtraOption {
            name: "addRemoveLinks",
            json: "false",
        },
        ExtraOption {
            name: "thumbnailWidth",
            json: "80",
        },
        ExtraOption {
            name: "dictFileSizeUnits",
            json: r#"{"mb":"</script>"}"#,
        },
    ];
    let d = Dropzone::new(leak(
        DEFAULT
            .with_extra(EXTRA)
            .with_custom_options(Some("addRemoveLinks: true")),
    ));
    let r = run(
        &[inline(&d), INIT_JS.to_owned()],
        &[El::id("myDropzone")],
        "now",
        "",
    );
    let o = &r["calls"][0]["options"];
    assert_eq!(o["addRemoveLinks"], json!(true), "custom_options wins");
    assert_eq!(o["thumbnailWidth"], json!(80));
    assert_eq!(o["dictFileSizeUnits"], json!({"mb": "</script>"}));
    let d = strict(DEFAULT.with_extra(EXTRA));
    let r = run(
        &[INIT_JS.to_owned()],
        &[El {
            id: "myDropzone",
            data: Some(data(&d)),
        }],
        "now",
        "",
    );
    assert_eq!(r["calls"][0]["options"]["addRemoveLinks"], json!(false));
}

/// 5.x auto-discovery runs on DOMContentLoaded, registered when the library loads: with the
/// library and the init code in the head, the zones' data comes later, so the init code must
/// keep discovery off elements it did not know when it ran.
#[test]
fn discovery_skips_zones_whose_data_comes_after_the_init_code() {
    let a = Dropzone::new(leak(DEFAULT.with_id("zone-a")));
    let b = Dropzone::new(leak(DEFAULT.with_id("zone_b")));
    let page = [El::id("zone-a"), El::id("zone_b"), El::id("not-ours")];
    for order in ["before", "after"] {
        let scripts = [INIT_JS.to_owned(), inline(&a), inline(&b)];
        let r = run(&scripts, &page, order, "");
        // Discovery still starts the page's other `.dropzone` elements, and only those.
        assert_eq!(r["discovered"], json!(["not-ours"]), "{order}: {r}");
        let ours: Vec<&Value> = r["calls"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["id"] != "not-ours")
            .collect();
        assert_eq!(ours.len(), 2, "{order}: {r}");
        for call in ours {
            assert_eq!(call["options"]["url"], json!("/upload"), "{order}: {r}");
        }
        assert_eq!(r["newGlobals"], json!([]), "{order}");
    }
}
