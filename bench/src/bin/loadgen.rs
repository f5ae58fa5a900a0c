//! Load generator and ceilings for `bench/run.sh`. Every loop is bounded in count and time.
//!
//! ```text
//! loadgen get      url=http://127.0.0.1:PORT/ concurrency=32 requests=20000 seconds=10
//! loadgen upload   url=… concurrency=16 requests=5000 seconds=20 size=10240 [name=a.png type=image/png]
//! loadgen chunked  url=… size=1073741824 chunk=2097152 parallel=1
//! loadgen disk     dir=/tmp size=1073741824
//! loadgen sha256   size=1073741824          (one core hashing, as every stored file is)
//! loadgen discard  addr=127.0.0.1:0        (a server that reads and drops every body)
//! ```
//! Each figure is printed as one `name: value unit` line.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use dropzone_bench::client::Connection;
use dropzone_bench::multipart::{Body, fill_pattern};
use dropzone_bench::stats::{figure, percentile};

type Args = HashMap<String, String>;

fn main() {
    let mut argv = std::env::args().skip(1);
    let mode = argv.next().unwrap_or_default();
    let args: Args = argv
        .filter_map(|a| a.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())))
        .collect();
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let result = runtime.block_on(async {
        match mode.as_str() {
            "get" => get(&args).await,
            "upload" => upload(&args).await,
            "chunked" => chunked(&args).await,
            "disk" => disk(&args),
            "sha256" => sha256(&args),
            "discard" => discard(&args).await,
            _ => Err(format!(
                "unknown mode {mode:?}; see the header of bench/src/bin/loadgen.rs"
            )),
        }
    });
    if let Err(e) = result {
        eprintln!("loadgen: {e}");
        std::process::exit(1);
    }
}

fn arg<T: std::str::FromStr>(args: &Args, key: &str, default: Option<T>) -> Result<T, String> {
    match args.get(key) {
        Some(v) => v.parse().map_err(|_| format!("bad value for {key}: {v:?}")),
        None => default.ok_or_else(|| format!("missing {key}=")),
    }
}

/// `http://127.0.0.1:PORT/path` → (address, path). Only loopback targets are accepted.
fn target(args: &Args) -> Result<(SocketAddr, String), String> {
    let url: String = arg(args, "url", None)?;
    let rest = url
        .strip_prefix("http://")
        .ok_or("url must start with http://")?;
    let (host, path) = rest
        .split_once('/')
        .map_or((rest, "/".to_owned()), |(h, p)| (h, format!("/{p}")));
    let addr: SocketAddr = host
        .parse()
        .map_err(|_| format!("url host must be ip:port, got {host}"))?;
    if !addr.ip().is_loopback() {
        return Err("benchmarks only target loopback addresses".into());
    }
    Ok((addr, path))
}

struct Totals {
    latencies: Vec<Duration>,
    statuses: HashMap<u16, u64>,
    errors: u64,
}

/// Runs `per_request` on `concurrency` connections until `requests` were sent or `seconds`
/// passed, whichever comes first.
async fn drive<F, Fut>(
    addr: SocketAddr,
    concurrency: usize,
    requests: u64,
    seconds: f64,
    per_request: F,
) -> (Totals, Duration)
where
    F: Fn(Connection) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = (Connection, std::io::Result<u16>)> + Send,
{
    let issued = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let issued = issued.clone();
        let per_request = per_request.clone();
        tasks.push(tokio::spawn(async move {
            let mut conn = Connection::new(addr);
            let mut totals = Totals {
                latencies: Vec::new(),
                statuses: HashMap::new(),
                errors: 0,
            };
            while Instant::now() < deadline && issued.fetch_add(1, Ordering::Relaxed) < requests {
                let t = Instant::now();
                let (back, result) = per_request(conn).await;
                conn = back;
                match result {
                    Ok(status) => {
                        totals.latencies.push(t.elapsed());
                        *totals.statuses.entry(status).or_default() += 1;
                    }
                    Err(_) => totals.errors += 1,
                }
            }
            totals
        }));
    }
    let mut all = Totals {
        latencies: Vec::new(),
        statuses: HashMap::new(),
        errors: 0,
    };
    for task in tasks {
        let t = task.await.expect("load task panicked");
        all.latencies.extend(t.latencies);
        for (s, n) in t.statuses {
            *all.statuses.entry(s).or_default() += n;
        }
        all.errors += t.errors;
    }
    (all, start.elapsed())
}

fn report(prefix: &str, mut totals: Totals, elapsed: Duration) {
    let done = totals.latencies.len() as f64;
    figure(
        &format!("{prefix}.requests_per_s"),
        done / elapsed.as_secs_f64(),
        "req/s",
    );
    figure(
        &format!("{prefix}.p50"),
        percentile(&mut totals.latencies, 50.0).as_secs_f64() * 1e3,
        "ms",
    );
    figure(
        &format!("{prefix}.p99"),
        percentile(&mut totals.latencies, 99.0).as_secs_f64() * 1e3,
        "ms",
    );
    let ok: u64 = totals
        .statuses
        .iter()
        .filter(|(s, _)| (200..300).contains(*s))
        .map(|(_, n)| n)
        .sum();
    figure(&format!("{prefix}.responses_2xx"), ok as f64, "responses");
    figure(
        &format!("{prefix}.responses_other"),
        (done as u64 - ok) as f64,
        "responses",
    );
    figure(
        &format!("{prefix}.transport_errors"),
        totals.errors as f64,
        "errors",
    );
}

async fn get(args: &Args) -> Result<(), String> {
    let (addr, path) = target(args)?;
    let prefix: String = arg(args, "label", Some("get".into()))?;
    let (totals, elapsed) = drive(
        addr,
        arg(args, "concurrency", Some(32))?,
        arg(args, "requests", Some(20_000))?,
        arg(args, "seconds", Some(10.0))?,
        move |mut conn| {
            let path = path.clone();
            async move {
                let r = conn.get(&path).await.map(|r| r.status);
                (conn, r)
            }
        },
    )
    .await;
    report(&prefix, totals, elapsed);
    Ok(())
}

async fn upload(args: &Args) -> Result<(), String> {
    let (addr, path) = target(args)?;
    let prefix: String = arg(args, "label", Some("upload".into()))?;
    let size: u64 = arg(args, "size", Some(10 * 1024))?;
    let body = Arc::new(Body::new(
        &[],
        &arg::<String>(args, "field", Some("file".into()))?,
        &arg::<String>(args, "name", Some("photo.png".into()))?,
        &arg::<String>(args, "type", Some("image/png".into()))?,
        0,
        size,
    ));
    let (totals, elapsed) = drive(
        addr,
        arg(args, "concurrency", Some(16))?,
        arg(args, "requests", Some(5_000))?,
        arg(args, "seconds", Some(20.0))?,
        move |mut conn| {
            let (path, body) = (path.clone(), body.clone());
            async move {
                let r = conn.post(&path, &body, "").await.map(|r| r.status);
                (conn, r)
            }
        },
    )
    .await;
    let done = totals.latencies.len() as f64;
    figure(
        &format!("{prefix}.throughput"),
        done * size as f64 / 1e6 / elapsed.as_secs_f64(),
        "MB/s",
    );
    report(&prefix, totals, elapsed);
    Ok(())
}

/// One file sent with Dropzone.js's chunk protocol (the `dz*` fields before each chunk).
async fn chunked(args: &Args) -> Result<(), String> {
    let (addr, path) = target(args)?;
    let prefix: String = arg(args, "label", Some("chunked".into()))?;
    let size: u64 = arg(args, "size", None)?;
    let chunk: u64 = arg(args, "chunk", Some(2 * 1024 * 1024))?;
    let parallel: usize = arg(args, "parallel", Some(1))?;
    let count = size.div_ceil(chunk).max(1);
    let uuid = uuid::Uuid::new_v4().to_string();
    let next = Arc::new(AtomicU64::new(0));
    // The last chunk's request, in µs: with `parallel=1` it is the one that completes the
    // file, so it shows what finalizing costs the page.
    let last_us = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..parallel {
        let (next, uuid, path) = (next.clone(), uuid.clone(), path.clone());
        let last_us = last_us.clone();
        tasks.push(tokio::spawn(async move {
            let mut conn = Connection::new(addr);
            let mut failures = Vec::new();
            loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                if index >= count {
                    return failures;
                }
                let offset = index * chunk;
                let fields = [
                    ("dzuuid", uuid.clone()),
                    ("dzchunkindex", index.to_string()),
                    ("dztotalfilesize", size.to_string()),
                    ("dzchunksize", chunk.to_string()),
                    ("dztotalchunkcount", count.to_string()),
                    ("dzchunkbyteoffset", offset.to_string()),
                ];
                let body = Body::new(
                    &fields,
                    "file",
                    "big.bin",
                    "application/octet-stream",
                    offset,
                    chunk.min(size - offset),
                );
                let sent = Instant::now();
                let answer = conn.post(&path, &body, "").await;
                if index == count - 1 {
                    last_us.store(sent.elapsed().as_micros() as u64, Ordering::Relaxed);
                }
                match answer {
                    Ok(r) if (200..300).contains(&r.status) => {}
                    Ok(r) => failures.push(format!(
                        "chunk {index}: {} {}",
                        r.status,
                        String::from_utf8_lossy(&r.body)
                    )),
                    Err(e) => failures.push(format!("chunk {index}: {e}")),
                }
            }
        }));
    }
    let mut failures = Vec::new();
    for t in tasks {
        failures.extend(t.await.expect("chunk task panicked"));
    }
    let elapsed = start.elapsed();
    if let Some(first) = failures.first() {
        return Err(format!(
            "{} chunk(s) failed, first: {first}",
            failures.len()
        ));
    }
    figure(
        &format!("{prefix}.throughput"),
        size as f64 / 1e6 / elapsed.as_secs_f64(),
        "MB/s",
    );
    figure(&format!("{prefix}.seconds"), elapsed.as_secs_f64(), "s");
    figure(
        &format!("{prefix}.last_chunk_ms"),
        last_us.load(Ordering::Relaxed) as f64 / 1e3,
        "ms",
    );
    Ok(())
}

/// The disk's sequential write ceiling: `size` bytes in 1 MiB writes, then fsync.
fn disk(args: &Args) -> Result<(), String> {
    use std::io::Write;
    let dir: String = arg(args, "dir", None)?;
    let size: u64 = arg(args, "size", None)?;
    let path = std::path::Path::new(&dir).join(format!(".disk-ceiling-{}", uuid::Uuid::new_v4()));
    let mut buf = vec![0u8; 1024 * 1024];
    let start = Instant::now();
    let result = (|| {
        let mut file = std::fs::File::create(&path)?;
        let mut written = 0;
        while written < size {
            let n = (size - written).min(buf.len() as u64) as usize;
            fill_pattern(written, &mut buf[..n]);
            file.write_all(&buf[..n])?;
            written += n as u64;
        }
        file.sync_all()
    })();
    let elapsed = start.elapsed();
    let _ = std::fs::remove_file(&path);
    result.map_err(|e| format!("disk write: {e}"))?;
    figure(
        "ceiling.disk_write",
        size as f64 / 1e6 / elapsed.as_secs_f64(),
        "MB/s",
    );
    Ok(())
}

/// SHA-256's ceiling on one core: `size` bytes in 64 KiB pieces (a network read's worth, as
/// the upload path feeds it). Every stored file is hashed as it streams in, and one file's
/// hash cannot be spread over cores, so no single upload can be faster than this.
fn sha256(args: &Args) -> Result<(), String> {
    use sha2::Digest;
    let size: u64 = arg(args, "size", None)?;
    let mut buf = vec![0u8; 1024 * 1024];
    fill_pattern(0, &mut buf);
    let start = Instant::now();
    let mut hash = sha2::Sha256::new();
    let mut done = 0;
    while done < size {
        let n = (size - done).min(buf.len() as u64) as usize;
        for piece in buf[..n].chunks(64 * 1024) {
            hash.update(piece);
        }
        done += n as u64;
    }
    std::hint::black_box(hash.finalize());
    let elapsed = start.elapsed();
    figure(
        "ceiling.sha256",
        size as f64 / 1e6 / elapsed.as_secs_f64(),
        "MB/s",
    );
    Ok(())
}

/// A server that reads and discards every request body: the HTTP stack's own ceiling, served
/// by the same `dropzone_runtime::serve` as `bench-server`.
async fn discard(args: &Args) -> Result<(), String> {
    use axum::body::Body as AxumBody;
    use futures_util::StreamExt;
    let addr: String = arg(args, "addr", Some("127.0.0.1:0".into()))?;
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "listening: {}",
        listener.local_addr().map_err(|e| e.to_string())?
    );
    let app = axum::Router::new().fallback(|body: AxumBody| async move {
        let mut stream = body.into_data_stream();
        let mut total = 0usize;
        while let Some(Ok(chunk)) = stream.next().await {
            total += chunk.len();
        }
        total.to_string()
    });
    dropzone_runtime::serve::serve(listener, app)
        .await
        .map_err(|e| e.to_string())
}
