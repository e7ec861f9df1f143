//! The one way pullpath reads a file. Every read of the input (sources, variable files, ignore
//! files, `modules.json`, `file()`/`templatefile()` targets, plan-referenced configuration) goes
//! through [`read_file`], which:
//!
//! - resolves symbolic links and refuses a target outside the scan's [boundary](boundary) (a
//!   committed `terraform.tfvars -> /proc/self/environ` must never be read, let alone printed);
//! - opens only regular files: a FIFO, a device or a socket (or a link to one, `/dev/zero`) is
//!   refused before it is opened, and the file is opened with `O_NONBLOCK` and checked again once
//!   open, so that a file swapped for a FIFO in between cannot block the run;
//! - checks the size before reading and reads at most `max + 1` bytes, so that a file that grows
//!   while it is read (or lies about its size, as `/proc` files do) cannot exhaust memory.
//!
//! Each refusal is a [`Diagnostic`] naming the path and why: `io-error`, `not-regular-file`,
//! `outside-scan`, `too-large`.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::source::{decode_text, FileId, SourceMap};
use super::Diagnostic;

/// The directories (and single files) inside which pullpath reads: for each scanned path, the
/// top level of the git repository holding it (the directory holding `.git`), or without a
/// repository the scanned directory itself (a scanned file's directory); plus the `extra` paths
/// the user named (`--var-file`, `--tf-root`, `--params-file`), each as itself. Canonical paths.
pub fn boundary(scanned: &[PathBuf], extra: &[PathBuf]) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = Vec::new();
    for p in scanned {
        let Ok(canon) = std::fs::canonicalize(p) else {
            continue;
        };
        let dir = if canon.is_dir() {
            canon
        } else {
            match canon.parent() {
                Some(d) => d.to_path_buf(),
                None => continue,
            }
        };
        let top = dir
            .ancestors()
            .find(|a| a.join(".git").exists())
            .map(Path::to_path_buf)
            .unwrap_or(dir);
        out.push(top);
    }
    out.extend(extra.iter().filter_map(|p| std::fs::canonicalize(p).ok()));
    out.sort();
    out.dedup();
    out
}

/// The directory a path names its file in: its parent, or `.` for a bare name (`main.tf`).
pub fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Whether the canonical path `canon` is inside one of `roots` (canonical). No roots: no limit.
pub fn inside(canon: &Path, roots: &[PathBuf]) -> bool {
    roots.is_empty() || roots.iter().any(|r| canon.starts_with(r))
}

/// What a path is, for a refusal message.
fn kind(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a FIFO (named pipe)"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    }
}

/// Linux's `O_NONBLOCK` (the same value on x86-64 and arm64): opening a FIFO with it does not
/// wait for a writer. Regular files ignore it.
#[cfg(target_os = "linux")]
const O_NONBLOCK: i32 = 0o4000;
#[cfg(all(unix, not(target_os = "linux")))]
const O_NONBLOCK: i32 = 0x0004;

/// Opens the regular file at `path` when it resolves inside `roots`, without blocking on a FIFO
/// swapped in meanwhile: the file and its size.
fn open_regular(path: &Path, max: u64, roots: &[PathBuf]) -> Result<(File, u64), Diagnostic> {
    let io = |e: std::io::Error| {
        Diagnostic::error("io-error", format!("cannot read: {e}")).in_file(path)
    };
    let canon = std::fs::canonicalize(path).map_err(io)?;
    if !inside(&canon, roots) {
        return Err(outside(path, &canon));
    }
    let meta = std::fs::metadata(&canon).map_err(io)?;
    if !meta.is_file() {
        return Err(not_regular(path, &meta));
    }
    if meta.len() > max {
        return Err(too_large(path, meta.len(), max));
    }
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(O_NONBLOCK)
        .open(&canon)
        .map_err(io)?;
    // Checked again on the open file: the path may have been replaced since.
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(not_regular(path, &meta));
    }
    Ok((file, meta.len()))
}

/// Reads the bytes of the regular file at `path`, at most `max` of them, only when it resolves
/// inside `roots` (none: anywhere). See the module documentation.
pub fn read_file(path: &Path, max: u64, roots: &[PathBuf]) -> Result<Vec<u8>, Diagnostic> {
    let (file, len) = open_regular(path, max, roots)?;
    let mut bytes = Vec::with_capacity(len.min(max) as usize);
    file.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| Diagnostic::error("io-error", format!("cannot read: {e}")).in_file(path))?;
    if bytes.len() as u64 > max {
        return Err(too_large(path, bytes.len() as u64, max));
    }
    Ok(bytes)
}

/// The first `limit` bytes of a regular file inside `roots`, whatever its size (to classify a
/// file too large to read).
pub fn read_prefix(path: &Path, limit: u64, roots: &[PathBuf]) -> Option<Vec<u8>> {
    let (file, _) = open_regular(path, u64::MAX, roots).ok()?;
    let mut bytes = Vec::new();
    file.take(limit).read_to_end(&mut bytes).ok()?;
    Some(bytes)
}

/// Why a path that leads outside the boundary is not read.
pub fn outside(path: &Path, canon: &Path) -> Diagnostic {
    Diagnostic::error(
        "outside-scan",
        format!(
            "not read: it leads outside the scanned repository (to {}); pullpath reads only \
             inside the git repository of the scanned paths (outside a repository, the scanned \
             directory) and the files given on the command line",
            canon.display()
        ),
    )
    .in_file(path)
}

fn not_regular(path: &Path, meta: &std::fs::Metadata) -> Diagnostic {
    Diagnostic::error(
        "not-regular-file",
        format!(
            "not read: it is {} (or a link to one); pullpath reads only regular files",
            kind(meta)
        ),
    )
    .in_file(path)
}

fn too_large(path: &Path, len: u64, max: u64) -> Diagnostic {
    Diagnostic::warning(
        "too-large",
        format!(
            "skipped: too large ({len} bytes, the limit is {max}; raise it with --max-file-size)"
        ),
    )
    .in_file(path)
}

/// Reads a file through [`read_file`] (regular files only, inside the map's boundary, size
/// limit), decodes it (see [`decode_text`]) and registers it in the [`SourceMap`]. The error is a
/// ready-to-print diagnostic (`io-error`, `not-regular-file`, `outside-scan`, `too-large`,
/// `encoding`).
pub fn load(map: &SourceMap, path: &Path, max_bytes: u64) -> Result<FileId, Diagnostic> {
    if let Some(id) = map.find(path) {
        return Ok(id);
    }
    let bytes = read_file(path, max_bytes, &map.boundary())?;
    let text = decode_text(&bytes)
        .map_err(|e| Diagnostic::error("encoding", format!("cannot decode: {e}")).in_file(path))?;
    Ok(map.add(path, text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn mkfifo(p: &Path) {
        let st = std::process::Command::new("mkfifo")
            .arg(p)
            .status()
            .unwrap();
        assert!(st.success());
    }

    #[test]
    fn refuses_fifo_device_and_links_to_them() {
        let tmp = tempfile::tempdir().unwrap();
        let fifo = tmp.path().join("terraform.tfvars");
        mkfifo(&fifo);
        let d = read_file(&fifo, 1 << 20, &[]).unwrap_err();
        assert_eq!(d.code, "not-regular-file");
        assert!(d.message.contains("FIFO"), "{}", d.message);
        let zero = tmp.path().join("zero.tfvars");
        symlink("/dev/zero", &zero).unwrap();
        let d = read_file(&zero, 1 << 20, &[]).unwrap_err();
        assert_eq!(d.code, "not-regular-file");
        assert!(d.message.contains("character device"), "{}", d.message);
    }

    #[test]
    fn refuses_links_leading_outside_the_boundary() {
        let outer = tempfile::tempdir().unwrap();
        let root = outer.path().join("repo");
        std::fs::create_dir(&root).unwrap();
        std::fs::write(outer.path().join("secret"), "MARKER").unwrap();
        symlink(outer.path().join("secret"), root.join("terraform.tfvars")).unwrap();
        std::fs::write(root.join("ok.tfvars"), "a = 1").unwrap();
        let roots = boundary(std::slice::from_ref(&root), &[]);
        let d = read_file(&root.join("terraform.tfvars"), 1 << 20, &roots).unwrap_err();
        assert_eq!(d.code, "outside-scan");
        assert_eq!(
            read_file(&root.join("ok.tfvars"), 1 << 20, &roots).unwrap(),
            b"a = 1"
        );
        // a path given explicitly is inside
        let roots = boundary(std::slice::from_ref(&root), &[outer.path().join("secret")]);
        assert!(read_file(&root.join("terraform.tfvars"), 1 << 20, &roots).is_ok());
    }

    #[test]
    fn boundary_is_the_git_top_level() {
        let tmp = tempfile::tempdir().unwrap();
        let repo = tmp.path().canonicalize().unwrap();
        std::fs::create_dir_all(repo.join(".git")).unwrap();
        std::fs::create_dir_all(repo.join("envs/dev")).unwrap();
        assert_eq!(boundary(&[repo.join("envs/dev")], &[]), vec![repo.clone()]);
    }

    #[test]
    fn reads_at_most_max_bytes() {
        let tmp = tempfile::tempdir().unwrap();
        let f = tmp.path().join("a");
        std::fs::write(&f, "0123456789").unwrap();
        assert_eq!(read_file(&f, 9, &[]).unwrap_err().code, "too-large");
        assert_eq!(read_file(&f, 10, &[]).unwrap().len(), 10);
        assert_eq!(read_prefix(&f, 4, &[]).unwrap(), b"0123");
    }
}
