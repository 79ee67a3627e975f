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

    /// Stores the file at `source`, whose bytes were read before and hashed to `sha256`, by
    /// copying it in pieces (a large dataset never sits in memory whole). The copy is hashed as
    /// it is written; if the file changed since, nothing is stored and the error says so.
    pub async fn put_file(&self, source: &Path, sha256: &str) -> Result<()> {
        let path = self.path_of(sha256);
        if tokio::fs::try_exists(&path).await.unwrap_or(false) {
            return Ok(());
        }
        let temp = self
            .root
            .join("tmp")
            .join(format!("{sha256}.{}.part", std::process::id()));
        let (from, to, expected) = (source.to_owned(), temp.clone(), sha256.to_owned());
        let copied = tokio::task::spawn_blocking(move || copy_hashing(&from, &to))
            .await
            .map_err(|e| StoreError::BlobIo {
                path: temp.clone(),
                source: std::io::Error::other(e.to_string()),
            })?;
        let actual = match copied {
            Ok(actual) => actual,
            Err(error) => {
                let _ = tokio::fs::remove_file(&temp).await;
                return Err(error);
            }
        };
        if actual != expected {
            let _ = tokio::fs::remove_file(&temp).await;
            return Err(StoreError::SourceChanged {
                path: source.to_owned(),
                expected,
            });
        }
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent)
                .await
                .map_err(|source| StoreError::BlobIo {
                    path: parent.to_owned(),
                    source,
                })?;
        }
        tokio::fs::rename(&temp, &path)
            .await
            .map_err(|source| StoreError::BlobIo { path, source })?;
        Ok(())
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

/// Copies `from` to `to` a megabyte at a time and returns the copy's SHA-256.
fn copy_hashing(from: &Path, to: &Path) -> Result<String> {
    use std::io::{Read, Write};
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| StoreError::BlobIo { path, source }
    };
    let mut input = std::fs::File::open(from).map_err(io(from))?;
    let mut output = std::io::BufWriter::new(std::fs::File::create(to).map_err(io(to))?);
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 1 << 20];
    loop {
        let n = input.read(&mut buffer).map_err(io(from))?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        output.write_all(&buffer[..n]).map_err(io(to))?;
    }
    output
        .into_inner()
        .map_err(|e| StoreError::BlobIo {
            path: to.to_owned(),
            source: e.into_error(),
        })?
        .sync_all()
        .map_err(io(to))?;
    Ok(hex::encode(hasher.finalize()))
}
