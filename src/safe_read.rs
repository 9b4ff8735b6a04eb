//! Reading a file the user names (a world or sweep file, a run's data
//! files, a sweep folder's journal and state) without hanging or running
//! out of memory: only a regular file is opened (a FIFO would block, a
//! device such as `/dev/zero` never ends), and no more than a size limit is
//! read. Failures are `std::io::Error`s whose kind says what went wrong
//! (`NotFound`, `IsADirectory`, `InvalidInput` for a special file,
//! `FileTooLarge`, `InvalidData` for text that is not UTF-8) and whose
//! message is a sentence for the user.
//!
//! [`data_file`] also refuses a CSV file with a cell spelling a non-finite
//! number (`NaN`, `inf`), naming its line and column, so that nothing
//! downstream (charts, statistics) ever sees one. Otherwise this module
//! only reads; it knows nothing of what the files hold.

use std::fs;
use std::io::{Error, ErrorKind, Read};
use std::path::Path;

/// What kind of file `meta` describes, when it is not a regular file.
fn special_kind(meta: &fs::Metadata) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_file() {
        None
    } else if t.is_dir() {
        Some("a directory")
    } else if t.is_fifo() {
        Some("a FIFO (named pipe)")
    } else if t.is_char_device() || t.is_block_device() {
        Some("a device")
    } else if t.is_socket() {
        Some("a socket")
    } else {
        Some("not a regular file")
    }
}

fn refuse(meta: &fs::Metadata) -> Result<(), Error> {
    match special_kind(meta) {
        None => Ok(()),
        Some("a directory") => Err(Error::new(ErrorKind::IsADirectory, "is a directory")),
        Some(kind) => Err(Error::new(ErrorKind::InvalidInput, format!("is {kind}, not a regular file"))),
    }
}

fn too_large(size: u64, limit: u64) -> Error {
    Error::new(ErrorKind::FileTooLarge, format!("is {} bytes; files over {} bytes are refused", size, limit))
}

/// The bytes of the regular file at `path`, at most `limit` of them.
pub fn bytes(path: &Path, limit: u64) -> Result<Vec<u8>, Error> {
    // Look before opening: opening a FIFO blocks until a writer comes.
    refuse(&fs::metadata(path)?)?;
    let file = fs::File::open(path)?;
    // ... and again on what was opened, in case the path changed meanwhile.
    let meta = file.metadata()?;
    refuse(&meta)?;
    if meta.len() > limit {
        return Err(too_large(meta.len(), limit));
    }
    let mut buf = Vec::new();
    buf.try_reserve(meta.len() as usize).map_err(|_| {
        Error::new(ErrorKind::OutOfMemory, format!("{} bytes do not fit in memory", meta.len()))
    })?;
    file.take(limit + 1).read_to_end(&mut buf)?;
    if buf.len() as u64 > limit {
        return Err(too_large(buf.len() as u64, limit));
    }
    Ok(buf)
}

/// The text of the regular file at `path` (UTF-8), at most `limit` bytes.
pub fn text(path: &Path, limit: u64) -> Result<String, Error> {
    String::from_utf8(bytes(path, limit)?)
        .map_err(|_| Error::new(ErrorKind::InvalidData, "not a text file (invalid UTF-8)"))
}

/// The text of a small file (a world, sweep or state file) at `path`:
/// [`text`] with the limit of a world or sweep file,
/// [`crate::world::limits::MAX_SPEC_FILE_BYTES`].
pub fn small_text(path: &Path) -> Result<String, Error> {
    text(path, crate::world::limits::MAX_SPEC_FILE_BYTES)
}

/// A data file of an output folder (`chipban chart`): its bytes, at most
/// [`crate::world::limits::MAX_DATA_FILE_BYTES`]; for a `.csv` file, only
/// if no cell holds a non-finite number. The error is a sentence.
pub fn data_file(path: &Path) -> Result<Vec<u8>, String> {
    let limit = crate::world::limits::MAX_DATA_FILE_BYTES;
    let bytes = bytes(path, limit).map_err(|e| match e.kind() {
        ErrorKind::NotFound => "missing: no such file".to_string(),
        ErrorKind::FileTooLarge => format!("{e} (the limit for a data file is {} GiB)", limit >> 30),
        _ => e.to_string(),
    })?;
    if path.extension().is_some_and(|x| x == "csv") {
        non_finite_cell(&bytes).map_or(Ok(()), |(line, col, header, cell)| {
            Err(format!(
                "line {line}, column {col} (`{header}`): {cell:?} is not a finite number; \
                 the file was edited or damaged: write it again with `chipban run`"
            ))
        })?;
    }
    Ok(bytes)
}

/// The first cell of a CSV text spelling a non-finite number: its line
/// and column (1-based), its column's header and the cell.
fn non_finite_cell(csv_bytes: &[u8]) -> Option<(u64, usize, String, String)> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(csv_bytes);
    let mut header = csv::ByteRecord::new();
    let mut record = csv::ByteRecord::new();
    let mut first = true;
    while reader.read_byte_record(&mut record).unwrap_or(false) {
        if first {
            header = record.clone();
            first = false;
            continue;
        }
        for (j, cell) in record.iter().enumerate() {
            let t = cell.trim_ascii().to_ascii_lowercase();
            let t = t.strip_prefix(b"-").or_else(|| t.strip_prefix(b"+")).unwrap_or(&t);
            if matches!(t, b"nan" | b"inf" | b"infinity") {
                let line = record.position().map_or(0, |p| p.line());
                let name = String::from_utf8_lossy(header.get(j).unwrap_or(b"?")).into_owned();
                return Some((line, j + 1, name, String::from_utf8_lossy(cell).into_owned()));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_files_and_oversize_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("f.txt");
        fs::write(&f, "hello").unwrap();
        assert_eq!(text(&f, 5).unwrap(), "hello");
        assert_eq!(bytes(&f, 4).unwrap_err().kind(), ErrorKind::FileTooLarge);
        assert_eq!(text(dir.path(), 5).unwrap_err().kind(), ErrorKind::IsADirectory);
        let e = bytes(Path::new("/dev/zero"), 5).unwrap_err();
        assert_eq!(
            (e.kind(), e.to_string()),
            (ErrorKind::InvalidInput, "is a device, not a regular file".into())
        );
        assert_eq!(bytes(&dir.path().join("nope"), 5).unwrap_err().kind(), ErrorKind::NotFound);
        let csv = dir.path().join("m.csv");
        fs::write(&csv, "month,hhi\n1,2.5\n2,NaN\n").unwrap();
        let e = data_file(&csv).unwrap_err();
        assert!(e.starts_with("line 3, column 2 (`hhi`): \"NaN\" is not a finite number"), "{e}");
        fs::write(&csv, "month,name\n1,\"a, b\"\n2,-inf\n").unwrap();
        assert!(data_file(&csv).unwrap_err().starts_with("line 3, column 2 (`name`)"));
        fs::write(&csv, "month,hhi\n1,1e300\n").unwrap();
        assert!(data_file(&csv).is_ok());
        fs::write(&f, [0xff, 0xfe]).unwrap();
        assert_eq!(text(&f, 5).unwrap_err().kind(), ErrorKind::InvalidData);
    }
}
