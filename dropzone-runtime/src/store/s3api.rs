//! The two S3 listings `object_store` does not offer, sent as SigV4-signed requests through its
//! own HTTP client and signer: ListMultipartUploads (which uploads are unfinished: what a sweep
//! of expired uploads and the "nothing left behind" checks need) and ListParts (which chunks
//! of an upload the store already holds, whichever instance received them).

use super::error::StoreError;
use object_store::aws::{AmazonS3, AmazonS3Builder, AmazonS3ConfigKey, AwsAuthorizer};
use object_store::client::{
    ClientConfigKey, HttpClient, HttpConnector, HttpRequest, HttpRequestBody, ReqwestConnector,
};
use object_store::{ClientOptions, path::Path};
use serde::Deserialize;

/// Pages of one listing followed before giving up (1,000 entries a page).
const MAX_PAGES: usize = 1000;

#[derive(Debug)]
pub(crate) struct RawApi {
    /// `https://host/bucket` (path style) or `https://bucket.host` (virtual-hosted).
    bucket_url: String,
    region: String,
    client: HttpClient,
}

/// An unfinished multipart upload, as listed by the store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RawUpload {
    pub(crate) key: String,
    pub(crate) upload_id: String,
    pub(crate) initiated: String,
}

/// A part the store holds for an unfinished upload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RawPart {
    pub(crate) number: usize,
    pub(crate) etag: String,
    pub(crate) size: u64,
    pub(crate) last_modified: String,
}

impl RawApi {
    /// Reads the same settings the `object_store` client is built from, so both reach the same
    /// bucket the same way.
    pub(crate) fn new(builder: &AmazonS3Builder, bucket: &str) -> Result<Self, StoreError> {
        let get = |key: AmazonS3ConfigKey| builder.get_config_value(&key);
        let region = get(AmazonS3ConfigKey::Region).unwrap_or_else(|| "us-east-1".to_owned());
        let virtual_hosted = get(AmazonS3ConfigKey::VirtualHostedStyleRequest)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"));
        let endpoint = get(AmazonS3ConfigKey::S3Endpoint).or(get(AmazonS3ConfigKey::Endpoint));
        let bucket_url = match (endpoint, virtual_hosted) {
            (Some(endpoint), true) => endpoint.trim_end_matches('/').to_owned(),
            (Some(endpoint), false) => format!("{}/{bucket}", endpoint.trim_end_matches('/')),
            (None, true) => format!("https://{bucket}.s3.{region}.amazonaws.com"),
            (None, false) => format!("https://s3.{region}.amazonaws.com/{bucket}"),
        };
        let allow_http = get(AmazonS3ConfigKey::Client(ClientConfigKey::AllowHttp))
            .is_some_and(|v| v.eq_ignore_ascii_case("true"));
        let options = ClientOptions::new().with_allow_http(allow_http);
        let client = ReqwestConnector::default()
            .connect(&options)
            .map_err(|e| StoreError::Config(e.into()))?;
        Ok(RawApi {
            bucket_url,
            region,
            client,
        })
    }

    /// Every unfinished multipart upload whose key starts with `prefix`.
    pub(crate) async fn list_uploads(
        &self,
        s3: &AmazonS3,
        prefix: &str,
    ) -> Result<Vec<RawUpload>, StoreError> {
        let mut uploads = Vec::new();
        let (mut key_marker, mut id_marker) = (String::new(), String::new());
        for _ in 0..MAX_PAGES {
            let mut query = vec![("uploads", ""), ("prefix", prefix)];
            if !key_marker.is_empty() {
                query.push(("key-marker", &key_marker));
                query.push(("upload-id-marker", &id_marker));
            }
            let page: ListUploads = self.get_xml(s3, "", &query).await?;
            uploads.extend(page.uploads.into_iter().map(|u| RawUpload {
                key: u.key,
                upload_id: u.upload_id,
                initiated: u.initiated,
            }));
            if !page.is_truncated {
                return Ok(uploads);
            }
            (key_marker, id_marker) = (page.next_key_marker, page.next_upload_id_marker);
            if key_marker.is_empty() {
                return Err(StoreError::Protocol(
                    "a truncated listing without a marker".into(),
                ));
            }
        }
        Err(StoreError::Protocol(format!(
            "more than {MAX_PAGES} pages of uploads"
        )))
    }

    /// Every part the store holds for upload `id` of `key`, in part-number order.
    pub(crate) async fn list_parts(
        &self,
        s3: &AmazonS3,
        key: &Path,
        id: &str,
    ) -> Result<Vec<RawPart>, StoreError> {
        let mut parts = Vec::new();
        let mut marker = String::new();
        for _ in 0..MAX_PAGES {
            let mut query = vec![("uploadId", id)];
            if !marker.is_empty() {
                query.push(("part-number-marker", &marker));
            }
            let page: ListParts = self.get_xml(s3, key.as_ref(), &query).await?;
            parts.extend(page.parts.into_iter().map(|p| RawPart {
                number: p.part_number,
                etag: p.etag,
                size: p.size,
                last_modified: p.last_modified,
            }));
            if !page.is_truncated {
                parts.sort_by_key(|p| p.number);
                return Ok(parts);
            }
            marker = page.next_part_number_marker;
            if marker.is_empty() {
                return Err(StoreError::Protocol(
                    "a truncated listing without a marker".into(),
                ));
            }
        }
        Err(StoreError::Protocol(format!(
            "more than {MAX_PAGES} pages of parts"
        )))
    }

    /// A signed GET of `key` (empty: the bucket itself) with `query`, its XML answer decoded.
    async fn get_xml<T: for<'de> Deserialize<'de>>(
        &self,
        s3: &AmazonS3,
        key: &str,
        query: &[(&str, &str)],
    ) -> Result<T, StoreError> {
        let mut url = self.bucket_url.clone();
        if !key.is_empty() {
            url.push('/');
            uri_encode(key, false, &mut url);
        }
        for (i, (name, value)) in query.iter().enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            uri_encode(name, true, &mut url);
            url.push('=');
            uri_encode(value, true, &mut url);
        }
        let mut request: HttpRequest = http::Request::get(url.as_str())
            .body(HttpRequestBody::empty())
            .map_err(|e| StoreError::Protocol(e.to_string()))?;
        let credential = s3
            .credentials()
            .get_credential()
            .await
            .map_err(StoreError::request)?;
        AwsAuthorizer::new(&credential, "s3", &self.region)
            .try_authorize(&mut request, None)
            .map_err(StoreError::request)?;
        let response = self
            .client
            .execute(request)
            .await
            .map_err(StoreError::request)?;
        let status = response.status();
        let body = response
            .into_body()
            .bytes()
            .await
            .map_err(StoreError::request)?;
        if status == http::StatusCode::NOT_FOUND && !key.is_empty() {
            // ListParts: no such upload (completed or aborted).
            return Err(StoreError::NotFound {
                name: key.to_owned(),
            });
        }
        if !status.is_success() {
            let text = String::from_utf8_lossy(&body[..body.len().min(512)]).into_owned();
            return Err(StoreError::request(format!(
                "{status} from the store: {text}"
            )));
        }
        quick_xml::de::from_reader(body.as_ref())
            .map_err(|e| StoreError::Protocol(format!("unreadable listing: {e}")))
    }
}

/// AWS's `UriEncode`: every byte but `A-Z a-z 0-9 - _ . ~` percent-encoded, and `/` too
/// unless it separates key segments. One definition for keys and query values alike, so what
/// is sent is what is signed.
fn uri_encode(text: &str, encode_slash: bool, out: &mut String) {
    for byte in text.bytes() {
        let keep = byte.is_ascii_alphanumeric()
            || matches!(byte, b'-' | b'_' | b'.' | b'~')
            || (byte == b'/' && !encode_slash);
        if keep {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListUploads {
    #[serde(default)]
    is_truncated: bool,
    #[serde(default)]
    next_key_marker: String,
    #[serde(default)]
    next_upload_id_marker: String,
    #[serde(default, rename = "Upload")]
    uploads: Vec<UploadEntry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UploadEntry {
    key: String,
    upload_id: String,
    #[serde(default)]
    initiated: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListParts {
    #[serde(default)]
    is_truncated: bool,
    #[serde(default)]
    next_part_number_marker: String,
    #[serde(default, rename = "Part")]
    parts: Vec<PartEntry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PartEntry {
    part_number: usize,
    #[serde(rename = "ETag")]
    etag: String,
    size: u64,
    /// When the part was stored (ISO 8601): a chunked upload's last progress.
    #[serde(default)]
    last_modified: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_encoding_matches_sigv4() {
        let mut out = String::new();
        uri_encode("a b/ü~x*", false, &mut out);
        assert_eq!(out, "a%20b/%C3%BC~x%2A");
        out.clear();
        uri_encode("a/b", true, &mut out);
        assert_eq!(out, "a%2Fb");
    }

    #[test]
    fn listings_decode() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Bucket>b</Bucket><KeyMarker></KeyMarker><UploadIdMarker></UploadIdMarker>
  <NextKeyMarker>p/b</NextKeyMarker><NextUploadIdMarker>id2</NextUploadIdMarker>
  <MaxUploads>1000</MaxUploads><IsTruncated>true</IsTruncated>
  <Upload><Key>p/a</Key><UploadId>id1</UploadId><Initiated>2026-01-01T00:00:00Z</Initiated></Upload>
  <Upload><Key>p/b</Key><UploadId>id2</UploadId><Initiated>2026-01-01T00:00:01Z</Initiated></Upload>
</ListMultipartUploadsResult>"#;
        let page: ListUploads = quick_xml::de::from_str(xml).unwrap();
        assert!(page.is_truncated);
        assert_eq!(
            (page.next_key_marker.as_str(), page.uploads.len()),
            ("p/b", 2)
        );
        assert_eq!(page.uploads[1].upload_id, "id2");
        let empty: ListUploads = quick_xml::de::from_str(
            "<ListMultipartUploadsResult><IsTruncated>false</IsTruncated></ListMultipartUploadsResult>",
        )
        .unwrap();
        assert!(empty.uploads.is_empty() && !empty.is_truncated);
        let parts: ListParts = quick_xml::de::from_str(
            r#"<ListPartsResult><IsTruncated>false</IsTruncated>
<Part><PartNumber>2</PartNumber><ETag>"e2"</ETag><Size>7</Size><LastModified>2026-01-01T00:00:02.500Z</LastModified></Part>
<Part><PartNumber>1</PartNumber><ETag>"e1"</ETag><Size>5242880</Size></Part></ListPartsResult>"#,
        )
        .unwrap();
        assert_eq!(parts.parts.len(), 2);
        assert_eq!(
            (parts.parts[1].part_number, parts.parts[1].size),
            (1, 5242880)
        );
        assert_eq!(parts.parts[0].etag, "\"e2\"");
        assert_eq!(parts.parts[0].last_modified, "2026-01-01T00:00:02.500Z");
        assert_eq!(parts.parts[1].last_modified, "");
    }
}
