//! Local files read as input (workflows, docker configs, Dockerfiles): regular files only,
//! opened without blocking and read up to a bound.
//!
//! A FIFO given as a workflow would block the open (and then the read) forever, and
//! `/dev/zero` would be read until memory runs out. The file is opened with `O_NONBLOCK` (so
//! opening a FIFO without a writer returns at once), its type is taken from the open handle
//! (no race between a check and the open), and at most `limit` bytes are read.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use crate::t;

/// Reads `path` whole when it is a regular file of at most `limit` bytes. A FIFO, device,
/// socket or folder is refused (`InvalidInput`), and so is a longer file (`FileTooLarge`),
/// each with a sentence that says so.
pub fn read(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let file = open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            t!("common.not-regular-file"),
        ));
    }
    let too_large = || {
        io::Error::new(
            io::ErrorKind::FileTooLarge,
            t!("common.file-too-large", limit = limit),
        )
    };
    if meta.len() > limit {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    // The size can change after the check (a file being written): never read past the bound.
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(bytes)
}

/// [`read`] as UTF-8 text (`InvalidData` when it is not).
pub fn read_to_string(path: &Path, limit: u64) -> io::Result<String> {
    String::from_utf8(read(path, limit)?)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.utf8_error()))
}

#[cfg(unix)]
fn open(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt as _;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open(path: &Path) -> io::Result<File> {
    File::open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_regular_file_within_the_bound_is_read_whole() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("f");
        std::fs::write(&p, "abc").expect("write");
        assert_eq!(read(&p, 3).expect("read"), b"abc");
        assert_eq!(
            read(&p, 2).expect_err("too large").kind(),
            io::ErrorKind::FileTooLarge
        );
    }

    #[test]
    fn devices_and_folders_are_refused_without_reading() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert_eq!(
            read(dir.path(), 10).expect_err("folder").kind(),
            io::ErrorKind::InvalidInput
        );
        #[cfg(unix)]
        assert_eq!(
            read(Path::new("/dev/zero"), 10).expect_err("device").kind(),
            io::ErrorKind::InvalidInput
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_without_a_writer_is_refused_at_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&p)
            .status()
            .expect("mkfifo");
        assert!(made.success());
        assert_eq!(
            read(&p, 10).expect_err("fifo").kind(),
            io::ErrorKind::InvalidInput
        );
    }
}
