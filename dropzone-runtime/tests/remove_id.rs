//! Remove ids from configuration: instances given the same `DROPZONE_REMOVE_SECRET` accept each
//! other's ids, instances without it do not, and the lifetime setting reaches the key.

use std::time::Duration;

use dropzone_runtime::files::RemoveIdError;
use dropzone_runtime::settings::Settings;

const SECRET: &str = "0123456789abcdef0123456789abcdef-remove";
const NAME: &str = "0b6f1c2e-8d4a-4c1b-9f3e-2a7d5e6f8a9b.png";

#[test]
fn instances_with_one_secret_share_ids_and_random_keys_do_not() {
    let tmp = tempfile::tempdir().unwrap();
    let vars = [("DROPZONE_REMOVE_SECRET", SECRET)];
    let a = Settings::from_vars(vars)
        .unwrap()
        .storage(tmp.path())
        .unwrap();
    let b = Settings::from_vars(vars)
        .unwrap()
        .storage(tmp.path())
        .unwrap();
    let id = a.remove_key_value().mint("photos", NAME);
    assert_eq!(b.remove_key_value().verify("photos", &id), Ok(NAME));

    let lone = Settings::from_vars([("HOME", "/root")]).unwrap();
    assert!(!lone.has_remove_secret());
    let c = lone.storage(tmp.path()).unwrap();
    assert_eq!(
        c.remove_key_value().verify("photos", &id),
        Err(RemoveIdError::Invalid)
    );
    assert!(!format!("{:?}", Settings::from_vars(vars).unwrap()).contains(SECRET));
}

#[test]
fn the_lifetime_setting_reaches_the_key() {
    let settings = Settings::from_vars([
        ("DROPZONE_REMOVE_SECRET", SECRET),
        ("DROPZONE_REMOVE_ID_LIFETIME", "1s"),
    ])
    .unwrap();
    assert_eq!(settings.remove_id_lifetime(), Some(Duration::from_secs(1)));
    let key = settings.remove_key();
    let id = key.mint("photos", NAME);
    assert_eq!(key.verify("photos", &id), Ok(NAME));
    // Valid for one second (whole seconds): expired two seconds later.
    std::thread::sleep(Duration::from_millis(2100));
    assert_eq!(key.verify("photos", &id), Err(RemoveIdError::Expired));
}

#[test]
fn a_short_remove_secret_is_refused_without_showing_it() {
    let short = "too-short-remove-secret";
    let err = Settings::from_vars([("DROPZONE_REMOVE_SECRET", short)]).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("DROPZONE_REMOVE_SECRET"), "{text}");
    assert!(
        !text.contains(short) && !format!("{err:?}").contains(short),
        "{text}"
    );
}
