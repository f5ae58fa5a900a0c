//! Server-side settings from `DROPZONE_*` variables and a TOML section: every setting reaches
//! the `Storage`/`Csrf` it configures, every bad value is reported with its variable and
//! value (never a secret's), all at once, and the environment wins over the file.

use std::time::Duration;

use dropzone_runtime::settings::{Origin, Problem, Settings};

const SECRET: &str = "0123456789abcdef0123456789abcdef-secret";

fn dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

#[test]
fn every_variable_reaches_the_storage_and_the_csrf() {
    let tmp = dir();
    let folder = tmp.path().join("from-env");
    let settings = Settings::from_vars([
        ("DROPZONE_STORAGE", folder.to_str().unwrap()),
        ("DROPZONE_DURABLE", "yes"),
        ("DROPZONE_CHUNK_EXPIRY", "30m"),
        ("DROPZONE_MAX_PENDING_CHUNKED_UPLOADS", "5"),
        ("DROPZONE_MAX_PENDING_CHUNKED_BYTES", "512MiB"),
        ("DROPZONE_BODY_IDLE_TIMEOUT", "45s"),
        ("DROPZONE_CSRF_SECRET", SECRET),
        ("DROPZONE_CSRF_TIME_LIMIT", "600"),
        ("DROPZONE_CSRF_SECURE_COOKIE", "on"),
        ("PATH", "/usr/bin"),
        ("UPLOAD_DIR", "/elsewhere"),
    ])
    .unwrap();
    let storage = settings.storage(tmp.path().join("default")).unwrap();
    assert_eq!(storage.dir(), folder);
    assert!(folder.is_dir(), "the folder is created at start-up");
    assert!(!tmp.path().join("default").exists());
    assert!(storage.is_durable());
    assert_eq!(storage.chunk_expiry_value(), Duration::from_secs(1800));
    assert_eq!(storage.max_pending_chunked_uploads_value(), 5);
    assert_eq!(storage.max_pending_chunked_bytes_value(), 512 << 20);
    assert_eq!(storage.body_idle_timeout_value(), Duration::from_secs(45));
    let csrf = storage
        .csrf_protection()
        .expect("a secret gives the storage a Csrf");
    let shown = format!("{csrf:?}");
    assert!(
        shown.contains("600s") && shown.contains("secure_cookie: true"),
        "{shown}"
    );
    assert!(!format!("{settings:?}").contains(SECRET));
}

#[test]
fn nothing_set_leaves_every_default() {
    let tmp = dir();
    let settings = Settings::from_vars([("HOME", "/root")]).unwrap();
    let storage = settings.storage(tmp.path().join("uploads")).unwrap();
    assert_eq!(storage.dir(), tmp.path().join("uploads"));
    assert!(!storage.is_durable());
    assert_eq!(
        storage.chunk_expiry_value(),
        dropzone_runtime::upload::DEFAULT_CHUNK_EXPIRY
    );
    assert!(storage.csrf_protection().is_none());
    assert!(settings.csrf().is_none());
}

#[test]
fn every_bad_variable_is_reported_at_once_with_its_name_and_value() {
    let err = Settings::from_vars([
        ("DROPZONE_CHUNK_EXPIRY", "10x"),
        ("DROPZONE_DURABLE", "maybe"),
        ("DROPZONE_MAX_PENDING_CHUNKED_UPLOADS", "0"),
        ("DROPZONE_STORGE", "/srv/up"),
    ])
    .unwrap_err();
    assert_eq!(err.problems().len(), 4, "{err}");
    let text = err.to_string();
    for part in [
        r#"DROPZONE_CHUNK_EXPIRY="10x": expected a duration"#,
        r#"DROPZONE_DURABLE="maybe": expected true or false"#,
        r#"DROPZONE_MAX_PENDING_CHUNKED_UPLOADS="0": must be at least 1"#,
        "DROPZONE_STORGE is not a dropzone setting (did you mean DROPZONE_STORAGE?)",
    ] {
        assert!(text.contains(part), "missing {part:?} in:\n{text}");
    }
}

#[test]
fn a_short_secret_is_refused_without_showing_it() {
    let short = "hunter2-but-longer";
    let err = Settings::from_vars([("DROPZONE_CSRF_SECRET", short)]).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("DROPZONE_CSRF_SECRET"), "{text}");
    assert!(text.contains("18 bytes"), "{text}");
    assert!(!text.contains(short), "the secret leaked: {text}");
    assert!(
        !format!("{err:?}").contains(short),
        "the secret leaked in Debug"
    );
}

#[test]
fn other_object_stores_are_refused_by_name_and_file_urls_are_folders() {
    let err = Settings::from_vars([("DROPZONE_STORAGE", "gs://bucket/prefix")]).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains(r#"DROPZONE_STORAGE="gs://bucket/prefix""#)
            && text.contains("not supported; S3-compatible stores are reached with s3://"),
        "{text}"
    );
    let tmp = dir();
    let url = format!("file://{}", tmp.path().join("u").display());
    let s = Settings::from_vars([("DROPZONE_STORAGE", url)]).unwrap();
    assert_eq!(s.storage("unused").unwrap().dir(), tmp.path().join("u"));
}

#[test]
fn a_folder_that_cannot_be_created_names_the_variable_and_the_path() {
    let tmp = dir();
    let file = tmp.path().join("a-file");
    std::fs::write(&file, b"x").unwrap();
    let below = file.join("uploads");
    let settings = Settings::from_vars([("DROPZONE_STORAGE", &below)]).unwrap();
    let err = settings.storage("unused").unwrap_err();
    match err.problems() {
        [Problem::Folder { origin, path, .. }] => {
            assert_eq!(origin, &Origin::Env("DROPZONE_STORAGE".into()));
            assert_eq!(path, &below);
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("DROPZONE_STORAGE"), "{err}");
}

#[test]
fn a_toml_section_takes_native_values_and_text_by_the_same_rules() {
    let tmp = dir();
    let doc = format!(
        r#"
        port = 8080
        [database]
        url = "postgres://x"
        [dropzone]
        storage = {:?}
        durable = true
        chunk_expiry = "2h"
        max_pending_chunked_uploads = 3
        csrf_time_limit = "none"
        "#,
        tmp.path().join("from-file")
    );
    let settings = Settings::from_toml_str(&doc, "dropzone").unwrap();
    let storage = settings.storage("unused").unwrap();
    assert_eq!(storage.dir(), tmp.path().join("from-file"));
    assert!(storage.is_durable());
    assert_eq!(storage.chunk_expiry_value(), Duration::from_secs(7200));
    assert_eq!(storage.max_pending_chunked_uploads_value(), 3);
    assert_eq!(settings.csrf_time_limit(), Some(None));

    assert!(
        Settings::from_toml_str("[other]\nx = 1", "dropzone")
            .unwrap()
            .storage_dir()
            .is_none()
    );
}

#[test]
fn toml_errors_say_the_key_the_value_and_the_line() {
    let doc = "[dropzone]\ndurable = true\nchunk_expiry = 0\nstorage = \"gs://b/p\"\nmax_pending_chunked_upload = 3\n";
    let text = Settings::from_toml_str(doc, "dropzone")
        .unwrap_err()
        .to_string();
    for part in [
        r#"line 3: dropzone.chunk_expiry="0": must be longer than 0 seconds"#,
        r#"line 4: dropzone.storage="gs://b/p": gs:// object storage is not supported; S3-compatible stores are reached with s3://bucket/prefix"#,
        "line 5: dropzone.max_pending_chunked_upload is not a dropzone setting (did you mean max_pending_chunked_uploads?)",
    ] {
        assert!(text.contains(part), "missing {part:?} in:\n{text}");
    }
    let wrong_type =
        Settings::from_toml_str("[dropzone]\ndurable = [1]\n", "dropzone").unwrap_err();
    assert!(
        wrong_type
            .to_string()
            .contains("a string, a number or a boolean"),
        "{wrong_type}"
    );
}

#[test]
fn a_missing_file_is_named() {
    let err = Settings::from_toml_file("/nonexistent/app.toml", "dropzone").unwrap_err();
    assert!(err.to_string().contains("/nonexistent/app.toml"), "{err}");
    let tmp = dir();
    let file = tmp.path().join("app.toml");
    std::fs::write(&file, "[dropzone]\n\ndurable = \"sometimes\"\n").unwrap();
    let err = Settings::from_toml_file(&file, "dropzone")
        .unwrap_err()
        .to_string();
    let want = format!(
        r#"{}:3: dropzone.durable="sometimes": expected true or false"#,
        file.display()
    );
    assert!(err.contains(&want), "{err}");
    std::fs::write(&file, "[dropzone\n").unwrap();
    let err = Settings::from_toml_file(&file, "dropzone")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("app.toml: TOML parse error at line 1"),
        "{err}"
    );
}

#[test]
fn the_environment_overrides_the_file_setting_by_setting() {
    let tmp = dir();
    let file = Settings::from_toml_str(
        &format!(
            "[dropzone]\nstorage = {:?}\nchunk_expiry = 60\ndurable = true\n",
            tmp.path().join("file")
        ),
        "dropzone",
    )
    .unwrap();
    let env = Settings::from_vars([("DROPZONE_STORAGE", tmp.path().join("env"))]).unwrap();
    let storage = file.overridden_by(env).storage("unused").unwrap();
    assert_eq!(storage.dir(), tmp.path().join("env"));
    assert_eq!(storage.chunk_expiry_value(), Duration::from_secs(60));
    assert!(storage.is_durable());
}

#[test]
fn settings_fit_in_an_application_config_of_any_serde_format() {
    #[derive(serde::Deserialize)]
    struct AppConfig {
        site: String,
        dropzone: Settings,
    }
    let app: AppConfig = serde_json::from_str(
        r#"{"site": "x", "dropzone": {"chunk_expiry": 120, "csrf_secure_cookie": false}}"#,
    )
    .unwrap();
    assert_eq!(app.site, "x");
    assert_eq!(app.dropzone.chunk_expiry(), Some(Duration::from_secs(120)));
    let bad =
        serde_json::from_str::<AppConfig>(r#"{"site": "x", "dropzone": {"durable": "sometimes"}}"#);
    assert!(bad.is_err_and(|e| e.to_string().contains(r#"durable="sometimes""#)));
}

mod csrf_through_settings {
    //! The key the settings give the pages and the one they give the storage are the same
    //! key: a token minted by a page handler's `Csrf` lets an upload through the `Storage`
    //! of the same settings, and not through one of other settings.

    use super::*;
    use axum::Router;
    use axum::body::Body;
    use axum::extract::FromRef;
    use axum::routing::{get, post};
    use dropzone_runtime::DropzoneConfig;
    use dropzone_runtime::csrf::{Csrf, CsrfToken};
    use dropzone_runtime::upload::{Storage, Upload};
    use http::{Request, StatusCode};
    use tower::ServiceExt;

    #[derive(DropzoneConfig)]
    #[dropzone(action = "/up", enable_csrf = true, allowed_file_type = "text")]
    struct Guarded;

    #[derive(Clone)]
    struct State {
        storage: Storage,
        csrf: Csrf,
    }
    impl FromRef<State> for Storage {
        fn from_ref(s: &State) -> Storage {
            s.storage.clone()
        }
    }
    impl FromRef<State> for Csrf {
        fn from_ref(s: &State) -> Csrf {
            s.csrf.clone()
        }
    }

    fn app(page: &Settings, uploads: &Settings, dir: &std::path::Path) -> Router {
        Router::new()
            .route(
                "/page",
                get(|t: CsrfToken| async move {
                    let token = t.token().to_owned();
                    (t, token)
                }),
            )
            .route(
                "/up",
                post(|u: Upload<Guarded>| async move { u.file().stored_name.clone() }),
            )
            .with_state(State {
                storage: uploads.storage(dir).unwrap(),
                csrf: page.csrf().unwrap(),
            })
    }

    async fn upload(app: Router) -> (StatusCode, String) {
        let page = app
            .clone()
            .oneshot(Request::get("/page").body(Body::empty()).unwrap())
            .await
            .unwrap();
        let set_cookie = page.headers()["set-cookie"].to_str().unwrap().to_owned();
        assert!(
            set_cookie.contains("Secure"),
            "csrf_secure_cookie applies: {set_cookie}"
        );
        let cookie = set_cookie.split(';').next().unwrap().to_owned();
        let token = http_body_util::BodyExt::collect(page.into_body())
            .await
            .unwrap()
            .to_bytes();
        let b = "XsettingsBoundary";
        let body = format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\
             Content-Type: text/plain\r\n\r\nhello\r\n--{b}--\r\n"
        );
        let req = Request::post("/up")
            .header("content-type", format!("multipart/form-data; boundary={b}"))
            .header("cookie", cookie)
            .header("X-CSRFToken", String::from_utf8(token.to_vec()).unwrap())
            .body(Body::from(body))
            .unwrap();
        let answer = app.oneshot(req).await.unwrap();
        let status = answer.status();
        let text = http_body_util::BodyExt::collect(answer.into_body())
            .await
            .unwrap()
            .to_bytes();
        (status, String::from_utf8(text.to_vec()).unwrap())
    }

    fn settings(secret: &str) -> Settings {
        Settings::from_vars([
            ("DROPZONE_CSRF_SECRET", secret),
            ("DROPZONE_CSRF_SECURE_COOKIE", "true"),
        ])
        .unwrap()
    }

    #[tokio::test]
    async fn a_page_token_from_the_settings_passes_the_storage_of_the_same_settings() {
        let tmp = dir();
        let s = settings(SECRET);
        let (status, text) = upload(app(&s, &s, tmp.path())).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        assert!(tmp.path().join(&text).is_file(), "{text} was stored");
    }

    #[tokio::test]
    async fn a_token_signed_with_another_secret_is_refused() {
        let tmp = dir();
        let other = settings("another secret that is at least 32 bytes long");
        let (status, text) = upload(app(&settings(SECRET), &other, tmp.path())).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
    }
}

#[test]
fn sizes_take_binary_units_and_decimal_ones_get_the_fix() {
    let err = Settings::from_vars([("DROPZONE_MAX_PENDING_CHUNKED_BYTES", "4GB")]).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("DROPZONE_MAX_PENDING_CHUNKED_BYTES")
            && text.contains("4GB")
            && text.contains("GiB"),
        "{text}"
    );
    let err = Settings::from_vars([("DROPZONE_BODY_IDLE_TIMEOUT", "0")]).unwrap_err();
    assert!(
        err.to_string().contains("DROPZONE_BODY_IDLE_TIMEOUT"),
        "{err}"
    );
    let ok = Settings::from_vars([("DROPZONE_MAX_PENDING_CHUNKED_BYTES", "1048576")]).unwrap();
    assert_eq!(ok.max_pending_chunked_bytes(), Some(1 << 20));
}

#[test]
fn an_s3_location_is_taken_and_needs_the_s3_feature() {
    use dropzone_runtime::store::StorageUrl;
    let settings = Settings::from_vars([
        ("DROPZONE_STORAGE", "s3://my-bucket/site/uploads"),
        ("DROPZONE_S3_MIN_PART_SIZE", "1MiB"),
        ("DROPZONE_S3_PART_SIZE", "8MiB"),
    ])
    .unwrap();
    let Some(StorageUrl::S3(location)) = settings.storage_location() else {
        panic!("{settings:?}");
    };
    assert_eq!(
        (location.bucket(), location.prefix()),
        ("my-bucket", "site/uploads")
    );
    assert_eq!(settings.storage_dir(), None);
    let storage = settings.storage("unused");
    #[cfg(not(feature = "s3"))]
    {
        let text = storage.unwrap_err().to_string();
        assert!(
            text.contains("DROPZONE_STORAGE is an s3:// location"),
            "{text}"
        );
        assert!(text.contains("`s3` feature"), "{text}");
    }
    #[cfg(feature = "s3")]
    assert_eq!(storage.unwrap().dir(), std::path::Path::new(""));
    let bad = Settings::from_vars([("DROPZONE_STORAGE", "s3://Bad_Bucket")]).unwrap_err();
    assert!(bad.to_string().contains("S3's rules"), "{bad}");
}
