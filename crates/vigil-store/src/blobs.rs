//! The content-addressed blob folder: each file is stored once, under the SHA-256 of its bytes,
//! and every read checks the bytes against that hash.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::{Result, StoreError};

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[derive(Debug, Clone)]
pub struct BlobStore {
    root: PathBuf,
}

impl BlobStore {
    pub(crate) async fn open(root: &Path) -> Result<Self> {
        for dir in [root.to_owned(), root.join("tmp")] {
            tokio::fs::create_dir_all(&dir)
                .await
                .map_err(|source| StoreError::BlobIo {
                    path: dir.clone(),
                    source,
                })?;
        }
        Ok(Self {
            root: root.to_owned(),
        })
    }

    /// Where the blob with this hash lives (two-level fan-out keeps folders small).
    pub fn path_of(&self, sha256: &str) -> PathBuf {
        let prefix = sha256.get(..2).unwrap_or("00");
        self.root.join("sha256").join(prefix).join(sha256)
    }

    /// Stores `bytes` and returns their hash. Storing bytes that are already there is a no-op.
    /// The file appears under its final name only once fully written (temp file + rename), so a
    /// crash never leaves a truncated blob under a valid hash.
    pub async fn put(&self, bytes: &[u8]) -> Result<String> {
        let sha256 = sha256_hex(bytes);
        let path = self.path_of(&sha256);
        if tokio::fs::try_exists(&path).await.unwrap_or(false) {
            return Ok(sha256);
        }
        let io = |path: &Path| {
            let path = path.to_owned();
            move |source| StoreError::BlobIo { path, source }
        };
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent)
                .await
                .map_err(io(parent))?;
        }
        let temp = self
            .root
            .join("tmp")
            .join(format!("{sha256}.{}.part", std::process::id()));
        tokio::fs::write(&temp, bytes).await.map_err(io(&temp))?;
        tokio::fs::rename(&temp, &path).await.map_err(io(&path))?;
        Ok(sha256)
    }

    /// Reads a blob and checks that its bytes still hash to `sha256`.
    pub async fn get(&self, sha256: &str) -> Result<Vec<u8>> {
        let path = self.path_of(sha256);
        let bytes = match tokio::fs::read(&path).await {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(StoreError::BlobMissing {
                    sha256: sha256.to_owned(),
                });
            }
            Err(source) => return Err(StoreError::BlobIo { path, source }),
        };
        let actual = sha256_hex(&bytes);
        if actual != sha256 {
            return Err(StoreError::BlobCorrupt {
                expected: sha256.to_owned(),
                actual,
            });
        }
        Ok(bytes)
    }
}
