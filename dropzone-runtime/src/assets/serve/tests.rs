use super::router;
use crate::assets::{
    EMBEDDED, MOUNT, RELEASES, embedded_file, embedded_package_file, license_text, local_url,
};
use crate::options::Version;
use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use sha2::{Digest, Sha256, Sha384};
use tower::ServiceExt;

struct Got {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Got {
    fn header(&self, name: header::HeaderName) -> &str {
        self.headers
            .get(&name)
            .unwrap_or_else(|| panic!("no {name} header"))
            .to_str()
            .unwrap()
    }
}

async fn send(method: Method, uri: &str, headers: &[(header::HeaderName, &str)]) -> Got {
    let mut request = Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        request = request.header(name, *value);
    }
    let app: Router = router();
    let response = app
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    Got {
        status,
        headers,
        body: body.to_vec(),
    }
}

async fn get(uri: &str) -> Got {
    send(Method::GET, uri, &[]).await
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Standard base64 with padding (RFC 4648 §4), enough for SRI; kept here instead of adding a
/// dependency for one test.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.len();
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let v = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= n {
                out.push(ALPHABET[(v >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn base64_matches_rfc4648_vectors() {
    let cases = [
        ("", ""),
        ("f", "Zg=="),
        ("fo", "Zm8="),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ];
    for (input, expected) in cases {
        assert_eq!(base64(input.as_bytes()), expected);
    }
}

#[test]
fn embedded_bytes_match_the_sri_of_every_release() {
    for release in &RELEASES {
        for (path, integrity) in [
            (release.js_path, release.js_integrity),
            (release.css_path, release.css_integrity),
        ] {
            let file = embedded_package_file(&release.version, path)
                .unwrap_or_else(|| panic!("{} {path} is not embedded", release.version.text));
            let sri = format!("sha384-{}", base64(&Sha384::digest(file.bytes)));
            assert_eq!(sri, integrity, "{} {path}", release.version.text);
        }
    }
}

#[test]
fn embedded_bytes_match_sha256sums() {
    let sums = include_str!("../../../assets/dropzone/SHA256SUMS");
    let mut checked = 0;
    for file in &EMBEDDED {
        let key = format!("{}/{}", file.version.text, file.name);
        let line = sums
            .lines()
            .find(|l| l.ends_with(&format!("  {key}")))
            .unwrap_or_else(|| panic!("{key} missing from SHA256SUMS"));
        assert_eq!(
            line.split_whitespace().next().unwrap(),
            sha256_hex(file.bytes),
            "{key}"
        );
        checked += 1;
    }
    assert_eq!(checked, 4);
    for version in Version::EMBEDDED {
        let key = format!("  {}/LICENSE", version.text);
        let line = sums.lines().find(|l| l.ends_with(&key)).unwrap();
        let text = license_text(&version).unwrap();
        assert_eq!(
            line.split_whitespace().next().unwrap(),
            sha256_hex(text.as_bytes())
        );
        assert!(text.contains("The MIT License"), "{}", version.text);
    }
}

#[test]
fn every_embedded_version_has_a_release_entry_and_both_files() {
    for version in Version::EMBEDDED {
        let release = crate::assets::release(&version).expect("release entry");
        assert!(embedded_package_file(&version, release.js_path).is_some());
        assert!(embedded_package_file(&version, release.css_path).is_some());
    }
    assert!(license_text(&Version::new("6.0.0", 6)).is_none());
}

#[tokio::test]
async fn local_urls_serve_the_embedded_bytes_with_their_type() {
    for release in &RELEASES {
        for (path, kind) in [
            (release.js_path, "text/javascript"),
            (release.css_path, "text/css"),
        ] {
            let url = local_url(&release.version, path);
            let got = get(&url).await;
            let file = embedded_package_file(&release.version, path).unwrap();
            assert_eq!(got.status, StatusCode::OK, "{url}");
            assert_eq!(got.body, file.bytes, "{url}");
            assert_eq!(
                got.header(header::CONTENT_TYPE),
                format!("{kind}; charset=utf-8")
            );
            assert_eq!(
                got.header(header::CONTENT_LENGTH),
                file.bytes.len().to_string()
            );
            assert_eq!(
                got.header(header::CACHE_CONTROL),
                "public, max-age=31536000, immutable"
            );
            assert_eq!(got.header(header::X_CONTENT_TYPE_OPTIONS), "nosniff");
            assert_eq!(
                got.header(header::ETAG),
                format!("\"{}\"", sha256_hex(file.bytes)),
                "{url}"
            );
        }
    }
}

#[tokio::test]
async fn the_documented_urls_are_the_ones_served() {
    let got = get("/dropzone/static/6.3.5/dropzone-min.js").await;
    assert_eq!(got.status, StatusCode::OK);
    assert!(String::from_utf8_lossy(&got.body).contains("window.Dropzone="));
    let got = get("/dropzone/static/5.9.3/dropzone.min.css").await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(
        got.body,
        embedded_file("5.9.3", "dropzone.min.css").unwrap().bytes
    );
    assert_eq!(
        local_url(&Version::V6_3_5, "dist/dropzone-min.js"),
        "/dropzone/static/6.3.5/dropzone-min.js"
    );
}

#[tokio::test]
async fn flask_paths_serve_the_default_release_revalidated() {
    for (name, default_name, kind) in [
        ("dropzone.min.js", "dropzone-min.js", "text/javascript"),
        ("dropzone.min.css", "dropzone.css", "text/css"),
    ] {
        let got = get(&format!("{MOUNT}/{name}")).await;
        let file = embedded_file(Version::DEFAULT.text, default_name).unwrap();
        assert_eq!(got.status, StatusCode::OK, "{name}");
        assert_eq!(got.body, file.bytes, "{name}");
        assert_eq!(
            got.header(header::CONTENT_TYPE),
            format!("{kind}; charset=utf-8")
        );
        assert_eq!(got.header(header::CACHE_CONTROL), "no-cache");
        assert_eq!(got.header(header::X_CONTENT_TYPE_OPTIONS), "nosniff");
        let etag = got.header(header::ETAG).to_owned();
        assert_eq!(etag, format!("\"{}\"", sha256_hex(file.bytes)));

        let again = send(
            Method::GET,
            &format!("{MOUNT}/{name}"),
            &[(header::IF_NONE_MATCH, &etag)],
        )
        .await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED);
        assert_eq!(again.header(header::CACHE_CONTROL), "no-cache");
    }
}

#[tokio::test]
async fn if_none_match_gives_304_for_matching_lists_weak_tags_and_star() {
    let uri = "/dropzone/static/6.3.5/dropzone.css";
    let etag = get(uri).await.header(header::ETAG).to_owned();
    let weak = format!("W/{etag}");
    let list = format!("\"0000\", {etag} , \"ffff\"");
    for value in [etag.as_str(), weak.as_str(), list.as_str(), "*"] {
        let got = send(Method::GET, uri, &[(header::IF_NONE_MATCH, value)]).await;
        assert_eq!(
            got.status,
            StatusCode::NOT_MODIFIED,
            "If-None-Match: {value}"
        );
        assert!(got.body.is_empty());
        assert_eq!(got.header(header::ETAG), etag);
        assert_eq!(
            got.header(header::CACHE_CONTROL),
            "public, max-age=31536000, immutable"
        );
        assert!(got.headers.get(header::CONTENT_TYPE).is_none());
    }
    // Two header lines: the second one matches.
    let got = send(
        Method::GET,
        uri,
        &[
            (header::IF_NONE_MATCH, "\"0000\""),
            (header::IF_NONE_MATCH, &etag),
        ],
    )
    .await;
    assert_eq!(got.status, StatusCode::NOT_MODIFIED);

    // Another file's tag, a stale tag, or a tag without quotes: the full body.
    let other = get("/dropzone/static/5.9.3/dropzone.min.css")
        .await
        .header(header::ETAG)
        .to_owned();
    let unquoted = etag.trim_matches('"').to_owned();
    for value in [other.as_str(), "\"0000\"", unquoted.as_str()] {
        let got = send(Method::GET, uri, &[(header::IF_NONE_MATCH, value)]).await;
        assert_eq!(got.status, StatusCode::OK, "If-None-Match: {value}");
        assert_eq!(got.body.len(), 4646);
    }
}

#[tokio::test]
async fn head_has_the_headers_and_no_body() {
    for file in &EMBEDDED {
        let uri = format!("{MOUNT}/{}/{}", file.version.text, file.name);
        let got = send(Method::HEAD, &uri, &[]).await;
        assert_eq!(got.status, StatusCode::OK, "{uri}");
        assert!(got.body.is_empty(), "{uri}");
        assert_eq!(
            got.header(header::CONTENT_LENGTH),
            file.bytes.len().to_string()
        );
        assert_eq!(got.header(header::CONTENT_TYPE), file.content_type);
        assert_eq!(got.header(header::X_CONTENT_TYPE_OPTIONS), "nosniff");
        assert!(got.headers.contains_key(header::ETAG));
    }
    let got = send(Method::HEAD, "/dropzone/static/dropzone.min.js", &[]).await;
    assert_eq!(got.status, StatusCode::OK);
    assert!(got.body.is_empty());
    assert_eq!(got.header(header::CONTENT_LENGTH), "38048");
}

#[tokio::test]
async fn anything_else_is_404() {
    for uri in [
        "/dropzone/static/6.3.4/dropzone-min.js",
        "/dropzone/static/6.3.5/dropzone.min.js",
        "/dropzone/static/5.9.3/dropzone-min.js",
        "/dropzone/static/6.3.5/LICENSE",
        "/dropzone/static/6.3.5/dropzone-min.js.map",
        "/dropzone/static/6.3.5/..%2Fdropzone.css",
        "/dropzone/static/6.3.5/dropzone.css/",
        "/dropzone/static/6.3.5/dist/dropzone.css",
        "/dropzone/static/6.3.5",
        "/dropzone/static/basic.min.css",
        "/dropzone/static/",
        "/static/dropzone.min.js",
    ] {
        let got = get(uri).await;
        assert_eq!(got.status, StatusCode::NOT_FOUND, "{uri}");
    }
    let got = get("/dropzone/static/6.3.5/nope.js").await;
    assert_eq!(
        got.header(header::CONTENT_TYPE),
        "text/plain; charset=utf-8"
    );
    assert_eq!(got.header(header::X_CONTENT_TYPE_OPTIONS), "nosniff");
}

#[tokio::test]
async fn other_methods_are_refused() {
    let got = send(Method::POST, "/dropzone/static/6.3.5/dropzone-min.js", &[]).await;
    assert_eq!(got.status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn merges_into_a_router_with_state() {
    #[derive(Clone)]
    struct AppState;
    let app = Router::new()
        .route("/", axum::routing::get(|| async { "page" }))
        .merge(router::<AppState>())
        .with_state(AppState);
    let response = app
        .oneshot(
            Request::get("/dropzone/static/5.9.3/dropzone.min.js")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[test]
#[should_panic(expected = "Overlapping method route")]
fn merging_twice_is_a_clear_panic() {
    let _app: Router = Router::new().merge(router()).merge(router());
}

#[tokio::test]
async fn the_init_script_is_served_at_its_hashed_url() {
    let url = crate::INIT_SCRIPT_URL;
    let prefix = format!(
        "/dropzone/static/dropzone-rs/{}-",
        env!("CARGO_PKG_VERSION")
    );
    let hash = url
        .strip_prefix(&prefix)
        .and_then(|rest| rest.strip_suffix("/init.js"))
        .expect(url);
    assert!(
        hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()),
        "{url}"
    );
    let got = get(url).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.body, crate::INIT_JS.as_bytes());
    assert_eq!(
        got.header(header::CONTENT_TYPE),
        "text/javascript; charset=utf-8"
    );
    assert_eq!(
        got.header(header::CACHE_CONTROL),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(got.header(header::X_CONTENT_TYPE_OPTIONS), "nosniff");
    let etag = got.header(header::ETAG).to_owned();
    assert_eq!(
        etag,
        format!("\"{}\"", sha256_hex(crate::INIT_JS.as_bytes()))
    );
    let again = send(Method::GET, url, &[(header::IF_NONE_MATCH, &etag)]).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    // Another version's or content's script is not ours to serve: its URL would be cached
    // as immutable with the wrong bytes.
    for other in [
        "/dropzone/static/dropzone-rs/0.0.0/init.js".to_owned(),
        format!(
            "/dropzone/static/dropzone-rs/{}/init.js",
            env!("CARGO_PKG_VERSION")
        ),
        format!("{prefix}0000000000000000/init.js"),
    ] {
        assert_eq!(get(&other).await.status, StatusCode::NOT_FOUND, "{other}");
    }
}
