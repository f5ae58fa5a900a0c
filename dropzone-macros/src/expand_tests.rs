//! Unit tests of the expansions' shape (`expand.rs`, `write.rs`).

use super::*;

fn text(t: &TokenStream) -> String {
    t.to_string()
}

#[test]
fn derive_emits_one_impl_in_a_const() {
    let out = derive(quote! {
        #[dropzone(action = "/u", max_files = 3, allowed_file_type = "image")]
        struct PhotoZone;
    });
    let file: syn::File = syn::parse2(out.clone()).expect("items");
    assert_eq!(file.items.len(), 1);
    let s = text(&out);
    assert!(s.contains("# [automatically_derived] impl :: dropzone_runtime :: __private :: DropzoneConfig for PhotoZone"), "{s}");
    assert!(
        s.contains("with_max_files (:: core :: option :: Option :: Some (3))"),
        "{s}"
    );
    assert!(s.contains("with_id (\"photo-zone\")"), "{s}");
    assert!(s.contains("Accept :: TopLevel (\"image\")"), "{s}");
    assert!(!s.contains("compile_error"));
}

#[test]
fn derived_ids_are_kebab_case_type_names() {
    assert_eq!(kebab_case("PhotoZone"), "photo-zone");
    assert_eq!(kebab_case("HTTPUploads"), "http-uploads");
    assert_eq!(kebab_case("Zone2Upload"), "zone2-upload");
    assert_eq!(kebab_case("r#Type"), "type");
    assert_eq!(kebab_case("avatar_zone"), "avatar-zone");
}

#[test]
fn derive_error_comes_with_a_stub_impl() {
    let out = text(&derive(quote! {
        #[dropzone(action = "/u", max_files = 0, colour = 1)]
        enum Zone {}
    }));
    assert_eq!(out.matches("compile_error").count(), 2, "{out}");
    assert!(out.contains("DropzoneConfig for Zone"));
    assert!(out.contains("& :: dropzone_runtime :: __private :: FALLBACK_OPTIONS"));
}

#[test]
fn generic_types_get_only_the_error() {
    let out = text(&derive(quote! {
        #[dropzone(action = "/u")]
        struct Zone<T>(T);
    }));
    assert!(
        out.contains("compile_error") && !out.contains("impl"),
        "{out}"
    );
}

#[test]
fn dropzone_is_one_block_expression_even_with_errors() {
    for input in [
        quote!(action = "/u"),
        quote!(max_files = 0, colour = 1),
        quote!(action "/u"),
    ] {
        let out = dropzone(input);
        let expr: syn::Expr = syn::parse2(out.clone()).expect("an expression");
        assert!(matches!(expr, syn::Expr::Block(_)), "{out}");
        assert!(text(&out).contains("Dropzone ::"));
    }
    let bad = text(&dropzone(quote!(max_files = 0, colour = 1)));
    assert_eq!(bad.matches("compile_error").count(), 3, "{bad}");
}

#[test]
fn override_merges_into_the_base_zone_and_checks_it() {
    let out = text(&dropzone(quote!(
        my::Zone,
        id = "b",
        default_message = "x",
        serve_local = true
    )));
    assert!(out.contains("with_id (\"b\")"), "{out}");
    assert!(out.contains("with_assets (:: dropzone_runtime :: __private :: AssetSource :: Local)"));
    assert!(out.contains("with_messages ((* < my :: Zone as :: dropzone_runtime :: __private :: DropzoneConfig > :: OPTIONS) . messages () . with_default_message (\"x\"))"), "{out}");
    // One const check per rule whose keys were overridden, with the rule's own condition.
    assert!(
        out.contains("Rule :: ServeLocalUnknownVersion . broken"),
        "{out}"
    );
    assert!(!out.contains("Rule :: InFormNeedsClick"), "{out}");
    let plain = text(&dropzone(quote!(my::Zone)));
    assert!(
        !plain.contains("broken")
            && plain.contains(
                "< my :: Zone as :: dropzone_runtime :: __private :: DropzoneConfig > :: dropzone ()"
            ),
        "{plain}"
    );
}

#[test]
fn overriding_a_server_rule_is_an_error() {
    let out = text(&dropzone(quote!(Zone, max_files = 3, id = "x")));
    assert_eq!(out.matches("compile_error").count(), 1, "{out}");
    assert!(out.contains("is a server rule"));
}
