//! What is stored with an object: its content type and string metadata (S3 `x-amz-meta-*`),
//! checked before anything is sent so a bad value fails the write, not the read.

use super::error::StoreError;
use object_store::{Attribute, AttributeValue, Attributes};
use std::time::SystemTime;

/// Content type and metadata to store with a new object.
///
/// ```
/// # use dropzone_runtime::store::PutMeta;
/// let meta = PutMeta::default()
///     .content_type("image/png")
///     .metadata("original-name", "holiday.png");
/// # let _ = meta;
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PutMeta {
    content_type: Option<String>,
    metadata: Vec<(String, String)>,
}

impl PutMeta {
    /// The `Content-Type` the object is served with by the store.
    pub fn content_type(mut self, value: impl Into<String>) -> Self {
        self.content_type = Some(value.into());
        self
    }

    /// One metadata entry. Keys are lowercase letters, digits and `-`; values printable ASCII
    /// (encode anything else, e.g. percent-encode a UTF-8 file name): S3 sends them as headers.
    pub fn metadata(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.metadata.push((key.into(), value.into()));
        self
    }

    pub(crate) fn attributes(&self) -> Result<Attributes, StoreError> {
        let mut attributes = Attributes::new();
        if let Some(ct) = &self.content_type {
            check_value("content-type", ct)?;
            attributes.insert(Attribute::ContentType, AttributeValue::from(ct.clone()));
        }
        for (key, value) in &self.metadata {
            let key_ok = !key.is_empty()
                && key
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if !key_ok {
                return Err(StoreError::Metadata { key: key.clone() });
            }
            check_value(key, value)?;
            attributes.insert(
                Attribute::Metadata(key.clone().into()),
                AttributeValue::from(value.clone()),
            );
        }
        Ok(attributes)
    }
}

fn check_value(key: &str, value: &str) -> Result<(), StoreError> {
    if value.bytes().all(|b| (b' '..=b'~').contains(&b)) {
        Ok(())
    } else {
        Err(StoreError::Metadata {
            key: key.to_owned(),
        })
    }
}

/// A stored object, as listed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectInfo {
    /// Its name, relative to the store's prefix.
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
    /// When it was last written.
    pub modified: SystemTime,
    /// The store's entity tag, when it gives one.
    pub etag: Option<String>,
}

impl ObjectInfo {
    pub(crate) fn new(name: String, meta: &object_store::ObjectMeta) -> Self {
        ObjectInfo {
            name,
            size: meta.size,
            modified: meta.last_modified.into(),
            etag: meta.e_tag.clone(),
        }
    }
}

/// A stored object with what was stored with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectHead {
    /// Name, size, time, entity tag.
    pub info: ObjectInfo,
    /// The `Content-Type` it was stored with.
    pub content_type: Option<String>,
    /// Its metadata entries, in no particular order.
    pub metadata: Vec<(String, String)>,
}

impl ObjectHead {
    pub(crate) fn new(
        name: String,
        meta: &object_store::ObjectMeta,
        attributes: &Attributes,
    ) -> Self {
        let mut head = ObjectHead {
            info: ObjectInfo::new(name, meta),
            content_type: None,
            metadata: Vec::new(),
        };
        for (key, value) in attributes {
            match key {
                Attribute::ContentType => head.content_type = Some(value.to_string()),
                Attribute::Metadata(k) => head.metadata.push((k.to_string(), value.to_string())),
                _ => {}
            }
        }
        head
    }

    /// The value of metadata entry `key`.
    pub fn metadata(&self, key: &str) -> Option<&str> {
        self.metadata
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_is_checked_before_sending() {
        let ok = PutMeta::default()
            .content_type("text/plain; charset=utf-8")
            .metadata("original-name", "a b.txt");
        assert_eq!(ok.attributes().unwrap().len(), 2);
        for (key, value) in [
            ("Name", "x"),
            ("a_b", "x"),
            ("", "x"),
            ("name", "é"),
            ("n", "a\nb"),
        ] {
            let err = PutMeta::default()
                .metadata(key, value)
                .attributes()
                .unwrap_err();
            assert!(
                matches!(err, StoreError::Metadata { key: ref k } if k == key),
                "{key}"
            );
        }
        let err = PutMeta::default()
            .content_type("a\r\nb")
            .attributes()
            .unwrap_err();
        assert!(
            err.to_string().starts_with("metadata `content-type`"),
            "{err}"
        );
    }
}
