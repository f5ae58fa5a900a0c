//! A minimal keep-alive HTTP/1.1 client over one TCP connection.
//!
//! Hand-written rather than a client crate so that the client's own cost is small, identical in
//! every measurement (ours and the ceilings), and streams upload bodies from a pattern instead
//! of memory.

use std::io;
use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::multipart::{Body, fill_pattern};

/// How much file content is written per `write_all`.
const WRITE_CHUNK: usize = 256 * 1024;

/// A parsed response: status and body.
#[derive(Debug)]
pub struct Response {
    /// The HTTP status code.
    pub status: u16,
    /// The whole body (responses in the benchmarks are small).
    pub body: Vec<u8>,
}

/// One keep-alive connection.
pub struct Connection {
    addr: SocketAddr,
    stream: Option<TcpStream>,
    buf: Vec<u8>,
    scratch: Vec<u8>,
}

impl Connection {
    /// A connection to `addr`, opened lazily and reopened after the server closes it.
    pub fn new(addr: SocketAddr) -> Self {
        Connection {
            addr,
            stream: None,
            buf: Vec::with_capacity(16 * 1024),
            scratch: vec![0; WRITE_CHUNK],
        }
    }

    async fn stream(&mut self) -> io::Result<&mut TcpStream> {
        if self.stream.is_none() {
            let stream = TcpStream::connect(self.addr).await?;
            stream.set_nodelay(true)?;
            self.stream = Some(stream);
            self.buf.clear();
        }
        Ok(self.stream.as_mut().expect("just connected"))
    }

    /// `GET path`.
    pub async fn get(&mut self, path: &str) -> io::Result<Response> {
        let head = format!("GET {path} HTTP/1.1\r\nHost: {}\r\n\r\n", self.addr);
        let stream = self.stream().await?;
        stream.write_all(head.as_bytes()).await?;
        self.read_response().await
    }

    /// `POST path` with a multipart `body` whose file content is generated while sending.
    ///
    /// A server may answer before reading everything (413) and close; the response is read
    /// even when writing failed.
    pub async fn post(
        &mut self,
        path: &str,
        body: &Body,
        extra_headers: &str,
    ) -> io::Result<Response> {
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n\
             Accept: application/json\r\nX-Requested-With: XMLHttpRequest\r\n{extra_headers}\r\n",
            self.addr,
            body.content_type(),
            body.content_length()
        );
        let mut scratch = std::mem::take(&mut self.scratch);
        let written = async {
            let stream = self.stream().await?;
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(&body.head).await?;
            let mut sent = 0u64;
            while sent < body.file_size {
                let n = (body.file_size - sent).min(WRITE_CHUNK as u64) as usize;
                fill_pattern(body.file_offset + sent, &mut scratch[..n]);
                stream.write_all(&scratch[..n]).await?;
                sent += n as u64;
            }
            stream.write_all(&body.tail).await
        }
        .await;
        self.scratch = scratch;
        match (written, self.read_response().await) {
            (_, Ok(response)) => Ok(response),
            (Err(e), Err(_)) | (Ok(()), Err(e)) => {
                self.stream = None;
                Err(e)
            }
        }
    }

    async fn fill(&mut self) -> io::Result<()> {
        let stream = self.stream.as_mut().ok_or(io::ErrorKind::NotConnected)?;
        let mut chunk = [0u8; 16 * 1024];
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        self.buf.extend_from_slice(&chunk[..n]);
        Ok(())
    }

    async fn read_response(&mut self) -> io::Result<Response> {
        let end = loop {
            if let Some(i) = find(&self.buf, b"\r\n\r\n") {
                break i + 4;
            }
            self.fill().await?;
        };
        let head = String::from_utf8_lossy(&self.buf[..end]).into_owned();
        self.buf.drain(..end);
        let mut lines = head.split("\r\n");
        let status: u16 = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "bad status line"))?;
        let mut length = None;
        let mut chunked = false;
        let mut close = false;
        for line in lines {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let (name, value) = (name.trim().to_ascii_lowercase(), value.trim());
            match name.as_str() {
                "content-length" => length = value.parse::<usize>().ok(),
                "transfer-encoding" => chunked = value.eq_ignore_ascii_case("chunked"),
                "connection" => close = value.eq_ignore_ascii_case("close"),
                _ => {}
            }
        }
        let body = if chunked {
            self.read_chunked().await?
        } else {
            let length = length.unwrap_or(0);
            while self.buf.len() < length {
                self.fill().await?;
            }
            self.buf.drain(..length).collect()
        };
        if close {
            self.stream = None;
        }
        Ok(Response { status, body })
    }

    async fn read_chunked(&mut self) -> io::Result<Vec<u8>> {
        let mut body = Vec::new();
        loop {
            let line_end = loop {
                if let Some(i) = find(&self.buf, b"\r\n") {
                    break i;
                }
                self.fill().await?;
            };
            let size_text = String::from_utf8_lossy(&self.buf[..line_end]).into_owned();
            let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
                .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "bad chunk size"))?;
            self.buf.drain(..line_end + 2);
            while self.buf.len() < size + 2 {
                self.fill().await?;
            }
            body.extend(self.buf.drain(..size));
            self.buf.drain(..2);
            if size == 0 {
                return Ok(body);
            }
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
