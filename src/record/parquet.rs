//! Parquet copies of the CSV tables (`--format csv|parquet|both`): a
//! converter from a finished CSV file to a Parquet file with the same
//! columns (names, order) and typed values, and the way back (Parquet →
//! rows) that lets `chipban chart` read a folder written with
//! `--format parquet`.
//!
//! A table's schema is a list of [`Column`]s. For the files of a run it is
//! read off the row type of `rows.rs` ([`schema_of`]: the field names and
//! the types serde asks for), so a column added there appears here by
//! itself; a study builds the schema of its tables from its parameters.
//! The converter streams: it reads the CSV in batches of [`ROW_GROUP`] rows,
//! writes each batch as one row group and keeps nothing else in memory.
//! A float column holds the value the CSV prints (the printed text parsed
//! as a double), so both files say the same thing.
//!
//! This module must not decide which files a command writes or where (the
//! commands pass the [`Format`]), and must not change a CSV byte.

use super::rows::{ChipRec, EventRec, FirmRec, MonthRec, columns, to_csv};
use crate::outdir::OutFile;
use ::parquet::basic::{Compression, LogicalType, Repetition, Type as Physical};
use ::parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int32Type, Int64Type};
use ::parquet::file::properties::WriterProperties;
use ::parquet::file::reader::FileReader;
use ::parquet::file::serialized_reader::SerializedFileReader;
use ::parquet::file::writer::SerializedFileWriter;
use ::parquet::record::Field;
use ::parquet::schema::types::Type;
use serde::de::{self, DeserializeOwned, Deserializer, IntoDeserializer, SeqAccess, Visitor};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Which files hold a command's data tables.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// The CSV files only (the default).
    #[default]
    Csv,
    /// Parquet files instead of the CSV files.
    Parquet,
    /// Both, side by side.
    Both,
}

impl Format {
    /// The names `--format` accepts, in the order of the help text.
    pub const NAMES: [&str; 3] = ["csv", "parquet", "both"];

    /// The format named `text` (one of [`Format::NAMES`]).
    pub fn parse(text: &str) -> Result<Format, String> {
        match text {
            "csv" => Ok(Format::Csv),
            "parquet" => Ok(Format::Parquet),
            "both" => Ok(Format::Both),
            _ => Err(format!("unknown format `{text}`: use csv, parquet or both")),
        }
    }

    /// Are the CSV files written?
    pub fn csv(self) -> bool {
        self != Format::Parquet
    }

    /// Are Parquet files written?
    pub fn parquet(self) -> bool {
        self != Format::Csv
    }
}

/// The type of a column, and how Parquet stores it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A 0/1 flag or a small count: INT32 annotated as unsigned 8-bit.
    U8,
    /// INT32 annotated as unsigned 32-bit.
    U32,
    /// INT64 annotated as unsigned 64-bit.
    U64,
    /// INT64 annotated as signed 64-bit.
    I64,
    /// DOUBLE.
    F64,
    /// BYTE_ARRAY annotated as UTF-8 string.
    Str,
}

/// One column of a table: its name (the CSV header's), its type, and
/// whether an empty CSV cell means "no value" (a Parquet null).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub kind: Kind,
    pub nullable: bool,
}

impl Column {
    /// A column that always holds a value.
    pub fn new(name: impl Into<String>, kind: Kind) -> Column {
        Column { name: name.into(), kind, nullable: false }
    }

    /// A column whose empty cells are nulls.
    pub fn nullable(name: impl Into<String>, kind: Kind) -> Column {
        Column { name: name.into(), kind, nullable: true }
    }

    fn parquet_type(&self) -> Type {
        let (physical, logical) = match self.kind {
            Kind::U8 => (Physical::INT32, Some(LogicalType::integer(8, false))),
            Kind::U32 => (Physical::INT32, Some(LogicalType::integer(32, false))),
            Kind::U64 => (Physical::INT64, Some(LogicalType::integer(64, false))),
            Kind::I64 => (Physical::INT64, Some(LogicalType::integer(64, true))),
            Kind::F64 => (Physical::DOUBLE, None),
            Kind::Str => (Physical::BYTE_ARRAY, Some(LogicalType::String)),
        };
        let repetition = if self.nullable { Repetition::OPTIONAL } else { Repetition::REQUIRED };
        Type::primitive_type_builder(&self.name, physical)
            .with_logical_type(logical)
            .with_repetition(repetition)
            .build()
            .expect("a primitive column with a matching logical type")
    }
}

/// Rows per row group: the converter holds at most this many rows.
pub const ROW_GROUP: usize = 65_536;

/// Why a table could not be converted (or read back).
#[derive(Debug, thiserror::Error)]
pub enum ConvertError {
    /// Reading or writing a file.
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    /// A file that does not fit its table's schema, or a Parquet failure.
    #[error("{path}: {message}")]
    Data { path: String, message: String },
}

impl From<ConvertError> for super::ReadError {
    fn from(e: ConvertError) -> Self {
        match e {
            ConvertError::Io { path, source } => {
                super::ReadError { path: path.display().to_string(), message: source.to_string() }
            }
            ConvertError::Data { path, message } => super::ReadError { path, message },
        }
    }
}

fn data(origin: &str, message: impl std::fmt::Display) -> ConvertError {
    ConvertError::Data { path: origin.to_string(), message: message.to_string() }
}

/// The columns of a row type of `rows.rs`: the CSV header's names
/// ([`columns`]) with the type of each field.
///
/// Panics if the row type has a field of a type no [`Kind`] stands for
/// (a bug the unit tests catch).
pub fn schema_of<T: DeserializeOwned>() -> Vec<Column> {
    let mut kinds = Vec::new();
    // The row is built from placeholder values; whether that succeeds
    // (an event's detail must parse) does not matter, the kinds are noted.
    let _ = T::deserialize(Probe(&mut kinds));
    let names = columns::<T>();
    assert_eq!(kinds.len(), names.len(), "every column of {names:?} has a Parquet type");
    names.iter().zip(kinds).map(|(n, k)| Column::new(*n, k)).collect()
}

/// The data tables of a run folder (CSV file names).
pub const RUN_TABLES: [&str; 4] = ["months.csv", "firms.csv", "chips.csv", "events.csv"];

/// The schema of a run's table, by CSV file name; `None` for other files.
pub fn run_table(csv_name: &str) -> Option<Vec<Column>> {
    match csv_name {
        "months.csv" => Some(schema_of::<MonthRec>()),
        "firms.csv" => Some(schema_of::<FirmRec>()),
        "chips.csv" => Some(schema_of::<ChipRec>()),
        "events.csv" => Some(schema_of::<EventRec>()),
        _ => None,
    }
}

/// `months.csv` → `months.parquet`.
pub fn parquet_name(csv_name: &str) -> String {
    format!("{}.parquet", csv_name.strip_suffix(".csv").unwrap_or(csv_name))
}

/// Convert a CSV table (with its header) read from `csv` into a Parquet
/// file written to `out`, which is returned. `origin` names the CSV in errors.
pub fn convert<R: Read, W: Write + Send>(
    csv: R,
    out: W,
    columns: &[Column],
    origin: &str,
) -> Result<W, ConvertError> {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(csv);
    let header = reader.headers().map_err(|e| data(origin, e))?;
    let want: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
    if header.iter().collect::<Vec<_>>() != want {
        let found = header.iter().collect::<Vec<_>>().join(",");
        return Err(data(origin, format!("the header is `{found}`, expected `{}`", want.join(","))));
    }
    let fields = columns.iter().map(|c| Arc::new(c.parquet_type())).collect();
    let schema =
        Type::group_type_builder("schema").with_fields(fields).build().map_err(|e| data(origin, e))?;
    let props = WriterProperties::builder().set_compression(Compression::SNAPPY).build();
    let mut writer =
        SerializedFileWriter::new(out, Arc::new(schema), Arc::new(props)).map_err(|e| data(origin, e))?;
    let mut batch: Vec<Buffer> = columns.iter().map(Buffer::new).collect();
    let mut rows = 0;
    let mut record = csv::StringRecord::new();
    let mut line = 1;
    while reader.read_record(&mut record).map_err(|e| data(origin, e))? {
        line += 1;
        for ((col, buf), text) in columns.iter().zip(&mut batch).zip(record.iter()) {
            buf.push(col, text)
                .map_err(|m| data(origin, format!("line {line}, column {}: {m}", col.name)))?;
        }
        rows += 1;
        if rows == ROW_GROUP {
            write_row_group(&mut writer, columns, &mut batch).map_err(|e| data(origin, e))?;
            rows = 0;
        }
    }
    if rows > 0 {
        write_row_group(&mut writer, columns, &mut batch).map_err(|e| data(origin, e))?;
    }
    writer.into_inner().map_err(|e| data(origin, e))
}

/// [`convert`] in memory: CSV bytes → Parquet bytes.
pub fn convert_bytes(csv: &[u8], columns: &[Column], origin: &str) -> Result<Vec<u8>, ConvertError> {
    convert(csv, Vec::new(), columns, origin)
}

/// [`convert`] from file to file (streamed; the Parquet file is replaced).
pub fn convert_file(csv: &Path, parquet: &Path, columns: &[Column]) -> Result<(), ConvertError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ConvertError::Io { path, source }
    };
    let input = std::io::BufReader::new(std::fs::File::open(csv).map_err(io(csv))?);
    let output = std::io::BufWriter::new(std::fs::File::create(parquet).map_err(io(parquet))?);
    let output = convert(input, output, columns, &csv.display().to_string())?;
    output.into_inner().map_err(|e| e.into_error()).and_then(|f| f.sync_all()).map_err(io(parquet))
}

/// The files of an output folder in `format`: each CSV table that
/// `schema` knows (by file name) is kept, replaced by its Parquet copy, or
/// followed by it; every other file is left as it is.
pub fn apply_format(
    files: Vec<OutFile>,
    format: Format,
    schema: impl Fn(&str) -> Option<Vec<Column>>,
) -> Result<Vec<OutFile>, ConvertError> {
    if format == Format::Csv {
        return Ok(files);
    }
    let mut out = Vec::with_capacity(files.len() + RUN_TABLES.len());
    for (name, bytes) in files {
        match schema(&name) {
            Some(columns) => {
                let parquet = convert_bytes(&bytes, &columns, &name)?;
                let parquet_name = parquet_name(&name);
                if format.csv() {
                    out.push((name, bytes));
                }
                out.push((parquet_name, parquet));
            }
            None => out.push((name, bytes)),
        }
    }
    Ok(out)
}

/// [`apply_format`] on a folder's files in place (for a folder whose CSV
/// files were written to disk): each table that `schema` knows gets its
/// Parquet copy beside it, and with [`Format::Parquet`] the CSV is removed.
pub fn apply_format_in(
    dir: &Path,
    format: Format,
    schema: impl Fn(&str) -> Option<Vec<Column>>,
) -> Result<(), ConvertError> {
    if format == Format::Csv {
        return Ok(());
    }
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ConvertError::Io { path, source }
    };
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map_err(io(dir))?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".csv"))
        .collect();
    names.sort();
    for name in names {
        if let Some(columns) = schema(&name) {
            let csv = dir.join(&name);
            convert_file(&csv, &dir.join(parquet_name(&name)), &columns)?;
            if !format.csv() {
                std::fs::remove_file(&csv).map_err(io(&csv))?;
            }
        }
    }
    Ok(())
}

/// The rows of a Parquet file written from a table of row type `T`.
pub fn read_rows<T: DeserializeOwned>(path: &Path) -> Result<Vec<T>, ConvertError> {
    let origin = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|source| ConvertError::Io { path: path.into(), source })?;
    let reader = SerializedFileReader::new(file).map_err(|e| data(&origin, e))?;
    let want = columns::<T>();
    let found: Vec<&str> =
        reader.metadata().file_metadata().schema_descr().columns().iter().map(|c| c.name()).collect();
    if found != want {
        return Err(data(&origin, format!("the columns are {found:?}, expected {want:?}")));
    }
    let mut rows = Vec::with_capacity(reader.metadata().file_metadata().num_rows().max(0) as usize);
    for (i, row) in reader.get_row_iter(None).map_err(|e| data(&origin, e))?.enumerate() {
        let row = row.map_err(|e| data(&origin, e))?;
        let values = row.into_columns().into_iter().map(|(_, f)| f).collect();
        rows.push(
            T::deserialize(RowValues(values)).map_err(|e| data(&origin, format!("row {}: {e}", i + 1)))?,
        );
    }
    Ok(rows)
}

/// The bytes of a run's CSV table made from its Parquet copy, when the
/// CSV file is absent and the copy is there (a folder written with
/// `--format parquet`); `None` otherwise. Written through the row type, the
/// CSV is the one `--format csv` would have written.
pub fn csv_from_copy(csv: &Path) -> Option<Result<Vec<u8>, ConvertError>> {
    let name = csv.file_name()?.to_str()?;
    let copy = csv.with_file_name(parquet_name(name));
    if csv.exists() || !copy.is_file() {
        return None;
    }
    Some(match name {
        "months.csv" => read_rows::<MonthRec>(&copy).map(to_csv),
        "firms.csv" => read_rows::<FirmRec>(&copy).map(to_csv),
        "chips.csv" => read_rows::<ChipRec>(&copy).map(to_csv),
        "events.csv" => read_rows::<EventRec>(&copy).map(to_csv),
        _ => return None,
    })
}

/// The values of one column for one row group.
enum Values {
    I32(Vec<i32>),
    I64(Vec<i64>),
    F64(Vec<f64>),
    Bytes(Vec<ByteArray>),
}

/// One column's values and (nullable columns) definition levels.
struct Buffer {
    values: Values,
    defined: Vec<i16>,
}

impl Buffer {
    fn new(col: &Column) -> Buffer {
        let values = match col.kind {
            Kind::U8 | Kind::U32 => Values::I32(Vec::new()),
            Kind::U64 | Kind::I64 => Values::I64(Vec::new()),
            Kind::F64 => Values::F64(Vec::new()),
            Kind::Str => Values::Bytes(Vec::new()),
        };
        Buffer { values, defined: Vec::new() }
    }

    /// Add a CSV cell. Unsigned values are stored as their bit pattern
    /// (what the Parquet spec says for UINT_32 and UINT_64).
    fn push(&mut self, col: &Column, text: &str) -> Result<(), String> {
        if col.nullable {
            if text.is_empty() {
                self.defined.push(0);
                return Ok(());
            }
            self.defined.push(1);
        }
        let bad = |e: &dyn std::fmt::Display| format!("`{text}` is not a {:?} value ({e})", col.kind);
        match (&mut self.values, col.kind) {
            (Values::I32(v), Kind::U8) => v.push(text.parse::<u8>().map_err(|e| bad(&e))? as i32),
            (Values::I32(v), _) => v.push(text.parse::<u32>().map_err(|e| bad(&e))? as i32),
            (Values::I64(v), Kind::U64) => v.push(text.parse::<u64>().map_err(|e| bad(&e))? as i64),
            (Values::I64(v), _) => v.push(text.parse::<i64>().map_err(|e| bad(&e))?),
            (Values::F64(v), _) => v.push(text.parse::<f64>().map_err(|e| bad(&e))?),
            (Values::Bytes(v), _) => v.push(ByteArray::from(text.as_bytes().to_vec())),
        }
        Ok(())
    }
}

/// Write the buffered rows as one row group and empty the buffers.
fn write_row_group<W: Write + Send>(
    writer: &mut SerializedFileWriter<W>,
    columns: &[Column],
    batch: &mut [Buffer],
) -> parquet::errors::Result<()> {
    let mut group = writer.next_row_group()?;
    for (col, buf) in columns.iter().zip(batch.iter_mut()) {
        let mut w = group.next_column()?.expect("one column writer per schema column");
        let defined = col.nullable.then_some(buf.defined.as_slice());
        match &mut buf.values {
            Values::I32(v) => w.typed::<Int32Type>().write_batch(v, defined, None)?,
            Values::I64(v) => w.typed::<Int64Type>().write_batch(v, defined, None)?,
            Values::F64(v) => w.typed::<DoubleType>().write_batch(v, defined, None)?,
            Values::Bytes(v) => w.typed::<ByteArrayType>().write_batch(v, defined, None)?,
        };
        w.close()?;
        match &mut buf.values {
            Values::I32(v) => v.clear(),
            Values::I64(v) => v.clear(),
            Values::F64(v) => v.clear(),
            Values::Bytes(v) => v.clear(),
        }
        buf.defined.clear();
    }
    group.close()?;
    Ok(())
}

/// A deserializer that notes the [`Kind`] of every field of the struct
/// asked for, feeding each field a placeholder value.
struct Probe<'a>(&'a mut Vec<Kind>);

impl Probe<'_> {
    fn note(&mut self, kind: Kind) {
        self.0.push(kind);
    }
}

impl<'de> Deserializer<'de> for Probe<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("a column type without a Parquet kind"))
    }
    fn deserialize_u8<V: Visitor<'de>>(mut self, visitor: V) -> Result<V::Value, Self::Error> {
        self.note(Kind::U8);
        visitor.visit_u8(0)
    }
    fn deserialize_u32<V: Visitor<'de>>(mut self, visitor: V) -> Result<V::Value, Self::Error> {
        self.note(Kind::U32);
        visitor.visit_u32(0)
    }
    fn deserialize_u64<V: Visitor<'de>>(mut self, visitor: V) -> Result<V::Value, Self::Error> {
        self.note(Kind::U64);
        visitor.visit_u64(0)
    }
    fn deserialize_i64<V: Visitor<'de>>(mut self, visitor: V) -> Result<V::Value, Self::Error> {
        self.note(Kind::I64);
        visitor.visit_i64(0)
    }
    fn deserialize_f64<V: Visitor<'de>>(mut self, visitor: V) -> Result<V::Value, Self::Error> {
        self.note(Kind::F64);
        visitor.visit_f64(0.0)
    }
    fn deserialize_str<V: Visitor<'de>>(mut self, visitor: V) -> Result<V::Value, Self::Error> {
        self.note(Kind::Str);
        visitor.visit_str("")
    }
    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.deserialize_str(visitor)
    }
    /// A unit-only enum is written as its variant's name: a string column.
    fn deserialize_enum<V: Visitor<'de>>(
        mut self,
        _name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.note(Kind::Str);
        let first = variants.first().copied().unwrap_or_default();
        visitor.visit_enum(IntoDeserializer::<de::value::Error>::into_deserializer(first))
    }
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_seq(ProbeFields { kinds: self.0, left: fields.len() })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i128 u16 u128 f32 char bytes byte_buf option unit unit_struct
        newtype_struct seq tuple tuple_struct map identifier ignored_any
    }
}

/// The fields of a struct being probed, in order.
struct ProbeFields<'a> {
    kinds: &'a mut Vec<Kind>,
    left: usize,
}

impl<'de> SeqAccess<'de> for ProbeFields<'_> {
    type Error = de::value::Error;

    fn next_element_seed<S: de::DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, Self::Error> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        seed.deserialize(Probe(self.kinds)).map(Some)
    }
}

/// A Parquet row's values, deserialized as the fields of a row type, in order.
struct RowValues(Vec<Field>);

impl<'de> Deserializer<'de> for RowValues {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_seq(RowFields(self.0.into_iter()))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
        unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

struct RowFields(std::vec::IntoIter<Field>);

impl<'de> SeqAccess<'de> for RowFields {
    type Error = de::value::Error;

    fn next_element_seed<S: de::DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, Self::Error> {
        self.0.next().map(|f| seed.deserialize(Value(f))).transpose()
    }
}

/// One Parquet value, given to the field that asks for it.
struct Value(Field);

impl<'de> Deserializer<'de> for Value {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.0 {
            Field::Null => visitor.visit_none(),
            Field::Bool(x) => visitor.visit_bool(x),
            Field::UByte(x) => visitor.visit_u8(x),
            Field::UShort(x) => visitor.visit_u16(x),
            Field::UInt(x) => visitor.visit_u32(x),
            Field::ULong(x) => visitor.visit_u64(x),
            Field::Byte(x) => visitor.visit_i8(x),
            Field::Short(x) => visitor.visit_i16(x),
            Field::Int(x) => visitor.visit_i32(x),
            Field::Long(x) => visitor.visit_i64(x),
            Field::Double(x) => visitor.visit_f64(x),
            Field::Str(s) => visitor.visit_string(s),
            other => Err(de::Error::custom(format!("unexpected Parquet value {other}"))),
        }
    }
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.0 {
            Field::Null => visitor.visit_none(),
            f => visitor.visit_some(Value(f)),
        }
    }
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        match self.0 {
            Field::Str(s) => visitor.visit_enum(IntoDeserializer::<de::value::Error>::into_deserializer(s)),
            other => Err(de::Error::custom(format!("expected a name, found {other}"))),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
        unit_struct newtype_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ::parquet::record::RowAccessor;

    fn kinds(cols: &[Column]) -> Vec<(&str, Kind)> {
        cols.iter().map(|c| (c.name.as_str(), c.kind)).collect()
    }

    #[test]
    fn schemas_follow_the_row_types() {
        use Kind::*;
        assert_eq!(
            kinds(&schema_of::<ChipRec>()),
            [
                ("month", U32),
                ("date", Str),
                ("chip", Str),
                ("units_held", U64),
                ("pflops_held", F64),
                ("units_delivered", U64),
                ("price_musd", F64),
                ("banned", U8)
            ]
        );
        assert_eq!(
            kinds(&schema_of::<EventRec>()),
            [
                ("month", U32),
                ("date", Str),
                ("kind", Str),
                ("actor", Str),
                ("target", Str),
                ("units", U64),
                ("amount_musd", F64),
                ("detail", Str)
            ]
        );
        let months = schema_of::<MonthRec>();
        assert_eq!(months.len(), columns::<MonthRec>().len());
        assert_eq!(months.last().map(|c| (c.name.as_str(), c.kind)), Some(("consolidating", U8)));
        assert_eq!(schema_of::<FirmRec>().len(), columns::<FirmRec>().len());
        assert!(RUN_TABLES.iter().all(|t| run_table(t).is_some()));
    }

    #[test]
    fn formats_parse_by_name() {
        for name in Format::NAMES {
            assert!(Format::parse(name).is_ok());
        }
        assert_eq!(Format::parse("both"), Ok(Format::Both));
        assert!(Format::parse("bogus").unwrap_err().contains("csv, parquet or both"));
        assert!(Format::Both.csv() && Format::Both.parquet());
        assert!(!Format::Parquet.csv() && !Format::Csv.parquet());
    }

    #[test]
    fn a_row_that_does_not_fit_is_refused_with_its_line() {
        let cols = [Column::new("n", Kind::U32), Column::nullable("x", Kind::F64)];
        assert!(convert_bytes(b"n,x\n1,\n2,0.5\n", &cols, "t.csv").is_ok());
        let err = convert_bytes(b"n,x\n1,2\n-3,0.5\n", &cols, "t.csv").unwrap_err().to_string();
        assert!(err.contains("t.csv: line 3, column n") && err.contains("`-3`"), "{err}");
        let err = convert_bytes(b"n,y\n", &cols, "t.csv").unwrap_err().to_string();
        assert!(err.contains("expected `n,x`"), "{err}");
    }

    /// A folder written with `--format parquet` reads back as the CSV
    /// `--format csv` writes, byte for byte (so its charts are the same).
    #[test]
    fn tables_read_back_as_the_same_csv() {
        let mut w = crate::baseline();
        w.months = 24;
        let r = crate::run(w, 3);
        let dir = tempfile::tempdir().unwrap();
        for (name, bytes) in super::super::data_files(&r) {
            let Some(cols) = run_table(&name) else { continue };
            let parquet = dir.path().join(parquet_name(&name));
            std::fs::write(&parquet, convert_bytes(&bytes, &cols, &name).unwrap()).unwrap();
            let made = csv_from_copy(&dir.path().join(&name)).expect("a copy to read").unwrap();
            assert!(made == bytes, "{name} differs after a round trip through Parquet");
        }
    }

    /// A folder whose CSV files are on disk: `apply_format_in` adds the
    /// Parquet copies (and with `parquet` removes the CSVs); the tables read
    /// back as the same CSV bytes.
    #[test]
    fn a_folder_on_disk_is_converted_in_place() {
        let mut w = crate::baseline();
        w.months = 12;
        let files = super::super::data_files(&crate::run(w, 5));
        for format in [Format::Both, Format::Parquet] {
            let dir = tempfile::tempdir().unwrap();
            for (name, bytes) in &files {
                std::fs::write(dir.path().join(name), bytes).unwrap();
            }
            apply_format_in(dir.path(), format, run_table).unwrap();
            for (name, bytes) in &files {
                let csv = dir.path().join(name);
                match run_table(name) {
                    Some(_) => {
                        assert!(dir.path().join(parquet_name(name)).is_file());
                        assert_eq!(csv.exists(), format == Format::Both, "{name}");
                        if format == Format::Parquet {
                            assert!(&csv_from_copy(&csv).unwrap().unwrap() == bytes, "{name}");
                        }
                    }
                    None => assert!(std::fs::read(&csv).unwrap() == *bytes, "{name} untouched"),
                }
            }
        }
    }

    /// Row groups hold at most ROW_GROUP rows; a table of more rows is
    /// split, and reads back whole.
    #[test]
    fn long_tables_are_split_into_row_groups() {
        let cols = [Column::new("i", Kind::U64), Column::new("s", Kind::Str)];
        let mut text = String::from("i,s\n");
        for i in 0..ROW_GROUP + 10 {
            text.push_str(&format!("{i},r{i}\n"));
        }
        let dir = tempfile::tempdir().unwrap();
        let (csv, pq) = (dir.path().join("t.csv"), dir.path().join("t.parquet"));
        std::fs::write(&csv, &text).unwrap();
        convert_file(&csv, &pq, &cols).unwrap();
        let reader = SerializedFileReader::new(std::fs::File::open(&pq).unwrap()).unwrap();
        assert_eq!(reader.metadata().num_row_groups(), 2);
        assert_eq!(reader.metadata().file_metadata().num_rows() as usize, ROW_GROUP + 10);
        let last = reader.get_row_iter(None).unwrap().last().unwrap().unwrap();
        assert_eq!(last.get_ulong(0).unwrap(), (ROW_GROUP + 9) as u64);
        assert_eq!(last.get_string(1).unwrap(), &format!("r{}", ROW_GROUP + 9));
    }
}
