//! UI tests of `#[derive(DropzoneConfig)]` and `dropzone!`: every `ui/fail` case must fail with
//! exactly its committed `.stderr`, every `ui/pass` case must build. The `.stderr` text depends
//! on the compiler, so the test runs only on the pinned stable; regenerate with
//! `TRYBUILD=overwrite cargo test -p dropzone-tests --test compiletest` and read every diff.

#[rustversion::attr(not(stable(1.95)), ignore)]
#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("ui/pass/*.rs");
    t.compile_fail("ui/fail/*.rs");
}
