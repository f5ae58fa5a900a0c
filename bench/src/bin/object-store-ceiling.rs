//! The object-storage ceiling for `bench/run.sh`: `object_store` alone putting `size` bytes
//! into the bucket of `DROPZONE_STORAGE` (with the `AWS_*` variables), and the same bytes
//! through `dropzone_runtime::store::S3Backend::put_stream`, each in its own process so each
//! peak RSS is its own.
//!
//! ```text
//! object-store-ceiling raw     size=1073741824 part=5242880 concurrency=2
//! object-store-ceiling backend size=1073741824 part=5242880 concurrency=2
//! object-store-ceiling clean
//! ```
//! `clean` deletes every object under the prefix (what the upload rows stored), so that a run
//! does not leave gigabytes in the cluster.
//! Prints `<label>.throughput` (MB/s, 10^6 bytes), `<label>.seconds` and `<label>.peak_rss`
//! (MiB, this process's VmHWM); the label defaults to `ceiling.object_store` (raw) and
//! `s3_backend` (backend). The object is deleted afterwards; a run is bounded by `size`.

use std::collections::HashMap;
use std::time::Instant;

use bytes::Bytes;
use dropzone_bench::multipart::fill_pattern;
use dropzone_bench::stats::figure;
use dropzone_runtime::store::{PutMeta, S3Backend, S3Config, StorageUrl};
use futures_util::stream;
use object_store::aws::AmazonS3Builder;
use object_store::path::Path;
use object_store::{ObjectStoreExt, WriteMultipart};

const PIECE: usize = 1024 * 1024;

fn main() {
    let mut argv = std::env::args().skip(1);
    let mode = argv.next().unwrap_or_default();
    let args: HashMap<String, String> = argv
        .filter_map(|a| a.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())))
        .collect();
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    if let Err(e) = runtime.block_on(run(&mode, &args)) {
        eprintln!("object-store-ceiling: {e}");
        std::process::exit(1);
    }
}

fn num(args: &HashMap<String, String>, key: &str, default: usize) -> Result<usize, String> {
    args.get(key).map_or(Ok(default), |v| {
        v.parse().map_err(|_| format!("bad {key}={v}"))
    })
}

async fn run(mode: &str, args: &HashMap<String, String>) -> Result<(), String> {
    let size = num(args, "size", 1 << 30)?;
    let part = num(args, "part", 5 * 1024 * 1024)?;
    let concurrency = num(args, "concurrency", 2)?;
    let storage = std::env::var("DROPZONE_STORAGE").map_err(|_| {
        "DROPZONE_STORAGE is not set: eval \"$(bash scripts/object-store.sh up)\" first".to_owned()
    })?;
    let StorageUrl::S3(location) = storage.parse().map_err(|e| format!("{e}"))? else {
        return Err(format!(
            "DROPZONE_STORAGE={storage} is not an s3:// location"
        ));
    };
    if mode == "clean" {
        return clean(&location).await;
    }
    let name = format!("bench-{}", uuid::Uuid::new_v4());
    let start = Instant::now();
    let label = match mode {
        "raw" => {
            let s3 = AmazonS3Builder::from_env()
                .with_bucket_name(location.bucket())
                .build()
                .map_err(|e| e.to_string())?;
            let key = Path::from(format!("{}/{name}", location.prefix()));
            let upload = s3.put_multipart(&key).await.map_err(|e| e.to_string())?;
            let mut writer = WriteMultipart::new_with_chunk_size(upload, part);
            let mut piece = vec![0u8; PIECE];
            let mut sent = 0;
            while sent < size {
                writer
                    .wait_for_capacity(concurrency)
                    .await
                    .map_err(|e| e.to_string())?;
                let n = (size - sent).min(PIECE);
                fill_pattern(sent as u64, &mut piece[..n]);
                writer.write(&piece[..n]);
                sent += n;
            }
            writer.finish().await.map_err(|e| e.to_string())?;
            let elapsed = start.elapsed();
            s3.delete(&key).await.map_err(|e| e.to_string())?;
            report(args, "ceiling.object_store", size, elapsed);
            return Ok(());
        }
        "backend" => "s3_backend",
        _ => return Err(format!("unknown mode {mode:?}: raw or backend")),
    };
    let config = S3Config::default()
        .part_size(part)
        .max_concurrency(concurrency);
    let store = S3Backend::connect(&location, config).map_err(|e| e.to_string())?;
    // The body arrives as 1 MiB pieces, as the extractor would hand them over.
    let body = stream::unfold(0usize, move |sent| async move {
        if sent >= size {
            return None;
        }
        let mut piece = vec![0u8; (size - sent).min(PIECE)];
        fill_pattern(sent as u64, &mut piece);
        let n = piece.len();
        Some((Ok::<_, std::io::Error>(Bytes::from(piece)), sent + n))
    });
    store
        .put_stream(&name, body, &PutMeta::default())
        .await
        .map_err(|e| format!("{e:?}"))?;
    let elapsed = start.elapsed();
    store.delete(&name).await.map_err(|e| e.to_string())?;
    report(args, label, size, elapsed);
    Ok(())
}

/// Deletes every object under the prefix, at most 100 pages of 1000.
async fn clean(location: &dropzone_runtime::store::S3Location) -> Result<(), String> {
    let store = S3Backend::connect(location, S3Config::default()).map_err(|e| e.to_string())?;
    for _ in 0..100 {
        let page = store.list(None, 1000).await.map_err(|e| e.to_string())?;
        if page.objects.is_empty() {
            return Ok(());
        }
        for object in page.objects {
            store
                .delete(&object.name)
                .await
                .map_err(|e| e.to_string())?;
        }
    }
    Err("more than 100,000 objects under the prefix".to_owned())
}

fn report(
    args: &HashMap<String, String>,
    default: &str,
    size: usize,
    elapsed: std::time::Duration,
) {
    let label = args.get("label").map_or(default, String::as_str);
    figure(
        &format!("{label}.throughput"),
        size as f64 / 1e6 / elapsed.as_secs_f64(),
        "MB/s",
    );
    figure(&format!("{label}.seconds"), elapsed.as_secs_f64(), "s");
    figure(&format!("{label}.peak_rss"), peak_rss_mib(), "MiB");
}

/// This process's peak resident set (VmHWM), in MiB.
fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(0.0, |kib| kib / 1024.0)
}
