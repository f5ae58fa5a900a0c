//! Settings from one section of a TOML file (feature `toml`). Each key keeps its line, so a
//! problem reads like a compiler's: `app.toml:3: dropzone.chunk_expiry="0": …`.

use std::fmt;
use std::path::Path;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use toml::Spanned;

use super::de::Scalar;
use super::{Origin, Problem, Settings, SettingsError};

type Entries = Vec<(Spanned<String>, Spanned<Scalar>)>;

impl Settings {
    /// The settings in the `[section]` table of the TOML document `text`; a document without
    /// that table gives empty settings.
    pub fn from_toml_str(text: &str, section: &str) -> Result<Self, SettingsError> {
        parse(text, section, None)
    }

    /// [`Settings::from_toml_str`] on the file at `path`; every problem names the file.
    pub fn from_toml_file(path: impl AsRef<Path>, section: &str) -> Result<Self, SettingsError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| Problem::File {
            file: Some(path.to_owned()),
            message: e.to_string(),
        })?;
        parse(&text, section, Some(path))
    }
}

fn parse(text: &str, section: &str, file: Option<&Path>) -> Result<Settings, SettingsError> {
    let syntax = |e: toml::de::Error| Problem::File {
        file: file.map(Path::to_owned),
        message: e.to_string(),
    };
    let document = toml::de::Deserializer::parse(text).map_err(syntax)?;
    let entries = InSection(section).deserialize(document).map_err(syntax)?;
    let mut settings = Settings::default();
    let mut problems = Vec::new();
    for (name, value) in entries {
        let line = text[..name.span().start].matches('\n').count() + 1;
        let place = match file {
            Some(path) => format!("{}:{line}", path.display()),
            None => format!("line {line}"),
        };
        let origin = Origin::Key(format!("{place}: {section}.{}", name.get_ref()));
        settings.set_by_name(name.get_ref(), &value.get_ref().0, origin, &mut problems);
    }
    settings.or_problems(problems)
}

/// Finds one top-level table and returns its entries with their places, skipping the rest.
struct InSection<'a>(&'a str);

impl<'de> DeserializeSeed<'de> for InSection<'_> {
    type Value = Entries;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Entries, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for InSection<'_> {
    type Value = Entries;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a TOML document with a [{}] table", self.0)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries, A::Error> {
        let mut found = Vec::new();
        while let Some(name) = map.next_key::<String>()? {
            if name == self.0 {
                found = map.next_value::<Table>()?.0;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

/// The section's entries in file order, each with its span.
struct Table(Entries);

impl<'de> serde::Deserialize<'de> for Table {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TableVisitor;
        impl<'de> Visitor<'de> for TableVisitor {
            type Value = Table;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a table of dropzone settings")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Table, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Table(entries))
            }
        }
        deserializer.deserialize_map(TableVisitor)
    }
}
