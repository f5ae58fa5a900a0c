//! `FileList`: a zone's stored files as an HTML table, with download and remove links.

use maud::{Markup, Render, html};

use super::StoredFile;
use crate::config::DropzoneConfig;
use crate::upload::Storage;

/// A table of stored files for the zone's page: each file's name as a link to the stored-file
/// route ([`serve`](super::serve)), its size, and a remove button.
///
/// The button carries the file's signed remove id (minted now, valid for the key's lifetime)
/// and the zone's id in `data-` attributes; the page's init script, which started the zone,
/// sends it exactly as Dropzone's remove link does ([`Remove`](super::Remove)) and takes the
/// row away once the server has deleted the file, or shows the server's message in the row.
/// Every value is escaped by maud; stored names are `<uuid>[.ext]`, so a link is never more
/// than `<download_path>/<stored name>`.
///
/// ```rust,no_run
/// use dropzone_runtime::{DropzoneConfig, files::FileList};
/// use dropzone_runtime::upload::Storage;
///
/// #[derive(DropzoneConfig)]
/// #[dropzone(action = "/upload", extra(add_remove_links = true))]
/// struct Photos;
///
/// # async fn page(storage: Storage) -> Result<maud::Markup, dropzone_runtime::files::FilesError> {
/// let files = storage.list_files(Photos::OPTIONS.id(), None, 100).await?;
/// let list = FileList::new::<Photos>(&storage, &files.files, "/files");
/// Ok(maud::html! { (Photos::dropzone().create()) (list) })
/// # }
/// ```
#[derive(Debug)]
pub struct FileList<'a> {
    zone: &'static str,
    rows: Vec<(&'a StoredFile, String)>,
    download_path: String,
}

impl<'a> FileList<'a> {
    /// The list of `files` of zone `Z`, linked under `download_path` (where [`serve`](super::serve)
    /// is mounted, without the `{name}` part: `"/files"`).
    pub fn new<Z: DropzoneConfig>(
        storage: &Storage,
        files: &'a [StoredFile],
        download_path: &str,
    ) -> Self {
        let zone = Z::OPTIONS.id();
        let key = storage.remove_key_value();
        FileList {
            zone,
            rows: files
                .iter()
                .map(|f| (f, key.mint(zone, &f.stored_name)))
                .collect(),
            download_path: download_path.trim_end_matches('/').to_owned(),
        }
    }
}

impl Render for FileList<'_> {
    fn render(&self) -> Markup {
        html! {
            table.dz-rs-files data-dropzone-rs-files=(self.zone) {
                thead { tr { th { "File" } th { "Size" } th {} } }
                tbody {
                    @if self.rows.is_empty() {
                        tr.dz-rs-files-empty { td colspan="3" { "No files stored yet." } }
                    }
                    @for (file, id) in &self.rows {
                        tr data-dropzone-rs-file=(file.stored_name) {
                            td {
                                a href={ (self.download_path) "/" (file.stored_name) } {
                                    @if file.original_name.is_empty() { (file.stored_name) }
                                    @else { (file.original_name) }
                                }
                            }
                            td { (human_size(file.size)) }
                            td {
                                button type="button" data-dropzone-rs-remove=(id)
                                    data-dropzone-rs-zone=(self.zone) { "Remove" }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `512 B`, `1.5 KiB`, `3.0 MiB`…: binary units, as the zones' `max_file_size` is in MiB.
fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::human_size;

    #[test]
    fn sizes_are_in_binary_units() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(1023), "1023 B");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(3 << 20), "3.0 MiB");
        assert_eq!(human_size(5 << 40), "5.0 TiB");
    }
}
