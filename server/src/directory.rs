//! The services directory the server publishes to devices: an override file in the data
//! folder (`<data dir>/directory.json`) when present, else the embedded synthetic demo
//! for Lombardy (`server/data/directory_lombardia.json`). Loaded and validated once at
//! start; a bad override file stops the start with a clear message.

use std::path::Path;

use anyhow::Context;
use strada_shared::directory::Directory;

/// The synthetic demo directory (fictional organisations, `example.org` addresses,
/// `000` phone numbers).
pub const DEMO_JSON: &str = include_str!("../data/directory_lombardia.json");

/// The name of the override file inside the data folder.
pub const OVERRIDE_FILE: &str = "directory.json";

/// A validated directory, ready to serve.
#[derive(Debug, Clone)]
pub struct ServedDirectory {
    pub version: u64,
    /// Compact JSON of the validated directory.
    pub json: String,
    /// A weak validator (`W/"directory-<version>"`): the body may be served compressed.
    pub etag: String,
    /// Service id → the name of its organisation (referrals name services).
    pub organisations: std::collections::HashMap<String, String>,
}

impl ServedDirectory {
    pub fn from_directory(dir: &Directory) -> anyhow::Result<ServedDirectory> {
        Ok(ServedDirectory {
            version: dir.version,
            json: serde_json::to_string(dir)?,
            etag: format!("W/\"directory-{}\"", dir.version),
            organisations: dir
                .services
                .iter()
                .filter_map(|s| {
                    dir.organizations
                        .iter()
                        .find(|o| o.id == s.organization_id)
                        .map(|o| (s.id.clone(), o.name.clone()))
                })
                .collect(),
        })
    }

    /// The embedded demo directory.
    pub fn demo() -> ServedDirectory {
        let dir = Directory::from_json(DEMO_JSON).expect("the embedded demo directory is valid");
        Self::from_directory(&dir).expect("the demo directory serialises")
    }

    /// The override in `data_dir` if there is one, else the demo.
    pub fn load(data_dir: &Path) -> anyhow::Result<ServedDirectory> {
        let path = data_dir.join(OVERRIDE_FILE);
        if !path.exists() {
            return Ok(Self::demo());
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read the services directory {}", path.display()))?;
        let dir = Directory::from_json(&text).map_err(|e| {
            anyhow::anyhow!(
                "the services directory {} is not valid: {e} (fix or remove the file to serve the demo directory)",
                path.display()
            )
        })?;
        tracing::info!(
            version = dir.version,
            services = dir.services.len(),
            "services directory loaded from the data folder"
        );
        Self::from_directory(&dir)
    }

    /// The name of the organisation offering a service.
    pub fn organisation_of(&self, service_id: &str) -> Option<String> {
        self.organisations.get(service_id).cloned()
    }

    /// The services of the organisations whose name, folded, holds `folded`.
    pub fn services_of_organisations_matching(&self, folded: &str) -> Vec<String> {
        self.organisations
            .iter()
            .filter(|(_, name)| strada_shared::search::fold(name).contains(folded))
            .map(|(service, _)| service.clone())
            .collect()
    }

    /// Whether an `If-None-Match` header value names this version (or is `*`).
    pub fn matches(&self, if_none_match: &str) -> bool {
        let ours = self.etag.trim_start_matches("W/");
        if_none_match
            .split(',')
            .map(|t| t.trim())
            .any(|t| t == "*" || t.trim_start_matches("W/") == ours)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strada_shared::domain::NeedCategory;

    #[test]
    fn the_demo_directory_is_valid_and_covers_every_need() {
        let dir = Directory::from_json(DEMO_JSON).expect("valid");
        assert!(dir.organizations.len() >= 40, "{}", dir.organizations.len());
        assert!(dir.services.len() >= 80, "{}", dir.services.len());
        for n in NeedCategory::ALL {
            assert!(
                dir.services.iter().any(|s| s.categories.contains(&n)),
                "no service for {}",
                n.code()
            );
        }
        // Synthetic contacts only: example.org mail, 000 phone numbers.
        for s in &dir.services {
            assert!(
                s.email
                    .as_deref()
                    .is_none_or(|e| e.ends_with(".example.org"))
            );
            assert!(s.phone.as_deref().is_none_or(|p| p.starts_with("+39 000 ")));
        }
    }

    #[test]
    fn an_override_file_replaces_the_demo_and_a_bad_one_fails_clearly() {
        let tmp = std::env::temp_dir().join(format!("strada-dir-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&tmp).unwrap();
        assert_eq!(ServedDirectory::load(&tmp).unwrap().version, 1);

        let mut dir = Directory::from_json(DEMO_JSON).unwrap();
        dir.version = 42;
        std::fs::write(
            tmp.join(OVERRIDE_FILE),
            serde_json::to_string(&dir).unwrap(),
        )
        .unwrap();
        let served = ServedDirectory::load(&tmp).unwrap();
        assert_eq!(served.version, 42);
        assert_eq!(served.etag, "W/\"directory-42\"");

        dir.locations[0].lat = 123.0;
        let bad_id = dir.locations[0].id.clone();
        std::fs::write(
            tmp.join(OVERRIDE_FILE),
            serde_json::to_string(&dir).unwrap(),
        )
        .unwrap();
        let e = ServedDirectory::load(&tmp).unwrap_err().to_string();
        assert!(e.contains("is not valid") && e.contains(&bad_id), "{e}");

        std::fs::write(tmp.join(OVERRIDE_FILE), "{ not json").unwrap();
        let e = ServedDirectory::load(&tmp).unwrap_err().to_string();
        assert!(e.contains("directory.json is not valid"), "{e}");
        std::fs::remove_dir_all(&tmp).unwrap();
    }

    #[test]
    fn if_none_match_accepts_weak_strong_lists_and_star() {
        let d = ServedDirectory::demo();
        assert!(d.matches("W/\"directory-1\""));
        assert!(d.matches("\"directory-1\""));
        assert!(d.matches("\"x\", W/\"directory-1\""));
        assert!(d.matches("*"));
        assert!(!d.matches("W/\"directory-2\""));
        assert!(!d.matches(""));
    }
}
