//! Unit tests of the `extra(...)` values and refusals (`extra.rs`).

use super::*;
use quote::quote;

fn json(name: &str, value: proc_macro2::TokenStream) -> Result<String, String> {
    json_value(
        lookup(name).expect("known"),
        &syn::parse2(value).expect("an expression"),
    )
}

#[test]
fn names_are_unique_snake_case_and_not_in_the_main_table() {
    let mut names: Vec<_> = EXTRAS.iter().map(|d| d.name).collect();
    let n = names.len();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), n);
    for d in EXTRAS {
        assert!(
            d.name.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
            "{}",
            d.name
        );
        assert_eq!(snake_case(d.js), d.name, "js name of {}", d.name);
        assert!(
            table::lookup(d.name).is_none(),
            "{} is in the main table",
            d.name
        );
        assert!(!is_known(d.name), "{} is also refused", d.name);
        assert!(
            !d.doc.is_empty() && !d.default.is_empty(),
            "{} undocumented",
            d.name
        );
        // Every example is a valid value.
        let example: syn::Expr = syn::parse_str(d.example).unwrap();
        assert!(json_value(d, &example).is_ok(), "example of {}", d.name);
    }
}

#[test]
fn values_become_json() {
    assert_eq!(json("add_remove_links", quote!(true)).unwrap(), "true");
    assert_eq!(json("thumbnail_width", quote!(200)).unwrap(), "200");
    assert_eq!(json("thumbnail_width", quote!(null)).unwrap(), "null");
    assert_eq!(json("resize_quality", quote!(0.5)).unwrap(), "0.5");
    assert_eq!(json("resize_quality", quote!(1)).unwrap(), "1");
    assert_eq!(json("filesize_base", quote!(1024)).unwrap(), "1024");
    assert_eq!(json("clickable", quote!(".btn")).unwrap(), "\".btn\"");
    assert_eq!(json("clickable", quote!(false)).unwrap(), "false");
    assert_eq!(json("previews_container", quote!(false)).unwrap(), "false");
    assert_eq!(
        json("thumbnail_method", quote!("contain")).unwrap(),
        "\"contain\""
    );
    assert_eq!(
        json(
            "dict_remove_file_confirmation",
            quote!("Say \"yes\"\n</script>")
        )
        .unwrap(),
        r#""Say \"yes\"\n</script>""#
    );
    // Inserted as HTML by Dropzone.js: escaped, so it stays plain text.
    assert_eq!(
        json("dict_fallback_text", quote!("<b>old</b> & 'new'")).unwrap(),
        r#""&lt;b&gt;old&lt;/b&gt; &amp; &#39;new&#39;""#
    );
}

#[test]
fn wrong_values_say_what_is_expected() {
    assert_eq!(
        json("thumbnail_width", quote!("200")).unwrap_err(),
        "`thumbnail_width` in `extra(...)` expects an integer ≥ 1, or `null`, such as `thumbnail_width = 200`"
    );
    assert!(json("thumbnail_width", quote!(0)).is_err());
    assert!(json("thumbnail_width", quote!(-5)).is_err());
    assert_eq!(
        json("add_remove_links", quote!(null)).unwrap_err(),
        "`add_remove_links` cannot be `null`: it expects `true` or `false`"
    );
    assert!(
        json("thumbnail_method", quote!("fit"))
            .unwrap_err()
            .contains("expects `\"crop\"` or `\"contain\"`")
    );
    assert!(json("filesize_base", quote!(1000.0)).is_err());
    assert!(
        json("filesize_base", quote!(2000))
            .unwrap_err()
            .contains("expects `1000` or `1024`")
    );
    assert!(json("resize_quality", quote!(1.5)).is_err());
    assert!(json("previews_container", quote!(true)).is_err());
    assert!(
        json("clickable", quote!("  "))
            .unwrap_err()
            .contains("non-empty CSS selector")
    );
    assert!(
        json("with_credentials", quote!(FLAG))
            .unwrap_err()
            .ends_with("values must be literals")
    );
}

#[test]
fn refusals_point_elsewhere() {
    assert_eq!(
        refusal("max_files"),
        "`max_files` is an option of its own: write `max_files = …` outside `extra(...)`"
    );
    assert_eq!(
        refusal("redirect_view"),
        "`redirect_view` is an option of its own: write `redirect_url = …` outside `extra(...)`"
    );
    assert_eq!(
        refusal("url"),
        "`url` is covered by the `action` option: write `action = …` outside `extra(...)`"
    );
    assert!(refusal("auto_process_queue").contains("`upload_on_click`"));
    assert!(refusal("params").starts_with("`params` cannot be set in `extra(...)`"));
    assert!(refusal("headers").contains("CSRF"));
    assert!(refusal("binary_body").contains("multipart"));
    assert!(refusal("accept").contains("takes a function"));
    assert!(refusal("added_file").contains("this.on(\"addedfile\", …)"));
    assert!(refusal("queuecomplete").contains("Dropzone.js event"));
    assert_eq!(
        refusal("addRemoveLinks"),
        "`extra(...)` keys are snake_case: write `add_remove_links`"
    );
    assert!(refusal("paramName").contains("write `param_name`"));
}

#[test]
fn unknown_names_get_a_suggestion_or_the_list() {
    assert_eq!(
        refusal("add_remove_link"),
        "unknown Dropzone.js option `add_remove_link` in `extra(...)`; did you mean `add_remove_links`?"
    );
    assert_eq!(
        refusal("thumbnail_widht"),
        "unknown Dropzone.js option `thumbnail_widht` in `extra(...)`; did you mean `thumbnail_width`?"
    );
    let far = refusal("zzz");
    assert!(
        far.contains("the extra options are `method`, `with_credentials`"),
        "{far}"
    );
}

#[test]
fn json_strings_escape_controls() {
    assert_eq!(json_string("a\u{1}b\\"), r#""a\u0001b\\""#);
    assert_eq!(json_string("é\u{2028}"), "\"é\u{2028}\"");
}
