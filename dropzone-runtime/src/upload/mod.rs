//! Upload extraction: streams what Dropzone.js sends to storage under the zone's rules.
//!
//! SKELETON: being written.
