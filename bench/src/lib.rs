//! Measuring tools for the benchmark suite (`bench/run.sh`): an HTTP/1.1 load generator that
//! speaks Dropzone.js's upload shapes, and the machine's own ceilings to compare against.

pub mod client;
pub mod multipart;
pub mod stats;
