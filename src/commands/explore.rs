//! `chipban explore [WORLD]`: a local web page for a class or a researcher.
//! The binary serves one page (HTML, script and stylesheet embedded by
//! `view::explore`) on 127.0.0.1 and answers its JSON requests: the
//! controls (`GET /api/world`), a run of the world with the page's settings
//! beside the same world without the export rules (`POST /api/run`), the
//! output folder `chipban run` would write for those settings, zipped
//! (`GET /download`), and that run's report (`GET /report`).
//!
//! HTTP: `tiny_http`, a small synchronous server (no async runtime: a local
//! page for one class needs a few worker threads, not tokio and its build
//! time). Requests carry their settings; the server keeps no state per tab.
//! Every request must name this server in its Host header
//! (`127.0.0.1:PORT` or `localhost:PORT`), which stops a page elsewhere from
//! reaching it through DNS rebinding. Zips: the `zip` crate without its
//! default features, with deflate from `flate2`'s pure-Rust backend (no C
//! build, no compressors the folder does not need).
//!
//! It draws nothing and composes no sentence itself: the page's data come
//! from `view::explore`, the zip from `commands::run::execute`, the report
//! from `view::html::run_report`.

use super::AppError;
use crate::error::UsageError;
use crate::record::RunData;
use crate::view::explore::{self, controls};
use crate::world::{self, SizePolicy, World};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tiny_http::{Header, Method, Request, Response, Server};

/// Options of `chipban explore`.
#[derive(Clone, Debug, Default)]
pub struct ExploreOptions {
    /// World file or built-in name; `None` = the built-in baseline.
    pub world: Option<PathBuf>,
    /// `--set` overrides the page starts with (in its free field).
    pub sets: Vec<String>,
    /// The seed the page starts with (default: the world's).
    pub seed: Option<u64>,
    /// Port on 127.0.0.1; 0 = a free one.
    pub port: u16,
    /// Do not open a browser; only print the address.
    pub no_open: bool,
}

/// Worker threads answering requests (several tabs at once; each run uses
/// two more threads for the world with and without the ban).
pub const WORKERS: usize = 4;
/// The largest request body read (settings are a few hundred bytes).
pub const MAX_BODY: u64 = 256 * 1024;

/// What the server knows: the world as loaded (before any override), where
/// it came from, and the command line's start.
pub struct Explorer {
    /// The WORLD argument as given (for `chipban run` and the zip).
    pub arg: Option<PathBuf>,
    /// The world's values, before `--set`.
    pub base: World,
    /// The world's label in messages (its path, or `worlds/NAME.ron (built in)`).
    pub origin: String,
    /// The page's starting free-field overrides and seed.
    pub start_sets: Vec<String>,
    pub start_seed: u64,
    /// The port it listens on.
    pub port: u16,
}

/// The page's settings, sent with every request.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Control id → value ([`controls::controls`]).
    pub controls: BTreeMap<String, f64>,
    /// Free `PATH=VALUE` overrides, applied after the controls'.
    pub extra: Vec<String>,
    pub seed: Option<u64>,
}

/// Why a request's settings cannot be run: the command line's message, and
/// which controls (or the free field) it concerns.
#[derive(Debug, serde::Serialize)]
pub struct Refusal {
    pub ok: bool,
    pub message: String,
    pub controls: Vec<&'static str>,
    pub extra: bool,
}

impl Explorer {
    /// Load the world (the same errors and exit code as `chipban run`).
    pub fn load(opts: &ExploreOptions, port: u16) -> Result<Explorer, AppError> {
        let source = world::source_of(opts.world.as_deref())?;
        let base = world::load_source_values(&source)?;
        let origin = source.label();
        let start =
            world::resolve_loaded(base.clone(), &origin, &opts.sets, None, opts.seed, SizePolicy::DEFAULT)?;
        Ok(Explorer {
            arg: opts.world.clone(),
            base,
            origin,
            start_sets: opts.sets.clone(),
            start_seed: start.seed,
            port,
        })
    }

    /// The overrides of `s`, in order: the controls' (in the page's order),
    /// then the free field's. With the ban off, its date is not moved.
    pub fn sets(&self, s: &Settings) -> Result<Vec<String>, Refusal> {
        let mut sets = Vec::new();
        let ban_off = s.controls.get("ban").is_some_and(|v| *v < 0.5);
        let known = controls::controls(&self.base);
        for c in &known {
            let Some(&v) = s.controls.get(c.id) else { continue };
            if ban_off && c.id == "ban_shift" {
                continue;
            }
            let more = controls::sets_for(&self.base, c.id, v).map_err(|message| Refusal {
                ok: false,
                message,
                controls: vec![c.id],
                extra: false,
            })?;
            sets.extend(more);
        }
        for id in s.controls.keys() {
            if !known.iter().any(|c| c.id == id) {
                return Err(Refusal {
                    ok: false,
                    message: format!("unknown control `{id}`"),
                    controls: vec![],
                    extra: false,
                });
            }
        }
        sets.extend(s.extra.iter().filter(|e| !e.trim().is_empty()).cloned());
        Ok(sets)
    }

    /// The world of `s` (overrides, seed, validation), or the command line's
    /// message for it, naming the controls it concerns.
    pub fn world(&self, s: &Settings) -> Result<(World, Vec<String>), Refusal> {
        let sets = self.sets(s)?;
        let seed = Some(s.seed.unwrap_or(self.start_seed));
        world::resolve_loaded(self.base.clone(), &self.origin, &sets, None, seed, SizePolicy::DEFAULT)
            .map(|w| (w, sets))
            .map_err(|e| {
                let message = AppError::from(e).to_string();
                let controls = controls::controls(&self.base)
                    .into_iter()
                    .filter(|c| s.controls.contains_key(c.id) && c.marks.iter().any(|m| message.contains(m)))
                    .map(|c| c.id)
                    .collect();
                let extra = s.extra.iter().any(|e| {
                    let path = e.split_once('=').map_or(e.as_str(), |(p, _)| p).trim();
                    !path.is_empty() && message.contains(path)
                });
                Refusal { ok: false, message, controls, extra }
            })
    }

    /// `chipban run WORLD --seed N --set ...`: the command that writes the same run.
    pub fn command(&self, seed: u64, sets: &[String]) -> String {
        let mut c = String::from("chipban run");
        if let Some(a) = &self.arg {
            c.push(' ');
            c.push_str(&shell_quote(&a.display().to_string()));
        }
        c.push_str(&format!(" --seed {seed}"));
        for s in sets {
            c.push_str(" --set ");
            c.push_str(&shell_quote(s));
        }
        c
    }

    /// The command that starts this server again (same world and port).
    pub fn restart(&self) -> String {
        let mut c = String::from("chipban explore");
        if let Some(a) = &self.arg {
            c.push(' ');
            c.push_str(&shell_quote(&a.display().to_string()));
        }
        c.push_str(&format!(" --port {}", self.port));
        c
    }

    /// `GET /api/world`: the world, its controls, the starting settings.
    pub fn world_json(&self) -> String {
        serde_json::json!({
            "world": self.base.name,
            "description": self.base.description,
            "origin": self.origin,
            "start": self.base.start.to_string(),
            "months": self.base.months,
            "seed": self.start_seed,
            "extra": self.start_sets,
            "restart": self.restart(),
            "controls": controls::controls(&self.base),
            "rules": self.base.policy.rules.iter().map(|r| {
                serde_json::json!({"name": r.name, "announced": r.announced.to_string(), "effective": r.effective.to_string()})
            }).collect::<Vec<_>>(),
        })
        .to_string()
    }

    /// `POST /api/run`: the run of `s` and of the same world without the
    /// export rules, side by side, as JSON. Refused settings are an answer
    /// too (`ok: false` and the message, status 200: the page shows it
    /// beside the control; an error status would also log a console error).
    pub fn run_json(&self, s: &Settings) -> (u16, String) {
        let started = std::time::Instant::now();
        let (w, sets) = match self.world(s) {
            Ok(x) => x,
            Err(r) => return (200, serde_json::to_string(&r).unwrap_or_default()),
        };
        let seed = w.seed;
        let mut free = w.clone();
        free.policy.rules.clear();
        let same = w.policy.rules.is_empty();
        let (a, b) = std::thread::scope(|scope| {
            let b = (!same).then(|| scope.spawn(|| view_json(free, seed)));
            let a = view_json(w, seed);
            (
                a,
                b.map(|h| {
                    h.join().unwrap_or_else(|_| Err("the run without the ban stopped on a bug".into()))
                }),
            )
        });
        let a = match a {
            Ok(a) => a,
            Err(message) => return (200, refusal(message)),
        };
        let b = match b {
            None => a.clone(),
            Some(Ok(b)) => b,
            Some(Err(message)) => return (200, refusal(message)),
        };
        let ms = started.elapsed().as_secs_f64() * 1e3;
        let head = serde_json::json!({
            "sets": sets,
            "seed": seed,
            "command": self.command(seed, &sets),
            "server_ms": (ms * 10.0).round() / 10.0,
        });
        let head = head.to_string();
        let head = head.trim_end_matches('}');
        (200, format!("{head},\"ok\":true,\"ban\":{a},\"no_ban\":{b}}}"))
    }

    /// `GET /report?s=...`: the run's report.html, with a link back to the explorer.
    pub fn report(&self, s: &Settings, query: &str) -> Result<String, (u16, String)> {
        let (w, _) = self.world(s).map_err(|r| (422, r.message))?;
        let seed = w.seed;
        let (_, data) = run_in_memory(w, seed)?;
        let charts = crate::view::charts::render_all(&data).map_err(|e| (500, e))?;
        let gif = crate::view::race::market_race_gif(&data).map_err(|e| (500, e))?;
        let link = format!("/?{query}");
        Ok(crate::view::html::run_report::report_with_link(&data, &charts, Some(&gif), Some(&link)))
    }

    /// `GET /download?s=...`: the folder `chipban run` writes for these
    /// settings (by `run::execute` itself), zipped; and the zip's file name.
    pub fn download(&self, s: &Settings) -> Result<(String, Vec<u8>), (u16, String)> {
        let (w, sets) = self.world(s).map_err(|r| (422, r.message))?;
        let name = format!("{}-seed{}", w.name, w.seed);
        let tmp = tempfile::tempdir().map_err(|e| (500, format!("cannot make a temporary folder: {e}")))?;
        let out = tmp.path().join(&name);
        let opts = super::run::RunOptions {
            world: self.arg.clone(),
            seed: Some(w.seed),
            sets,
            output: super::OutputOptions { out: Some(out.clone()), quiet: true, ..Default::default() },
            ..Default::default()
        };
        super::run::execute(&opts).map_err(|e| (422, e.to_string()))?;
        let zip = zip_folder(&out, &name).map_err(|e| (500, format!("cannot zip the run: {e}")))?;
        Ok((format!("{name}.zip"), zip))
    }
}

/// A run's page data as JSON.
fn view_json(w: World, seed: u64) -> Result<String, String> {
    let (record, data) = run_in_memory(w, seed).map_err(|(_, message)| message)?;
    let mut view = explore::run_view(&data);
    explore::add_holdings(&mut view, &record.firms, &record.firm_names);
    serde_json::to_string(&view).map_err(|e| e.to_string())
}

/// A run in memory and its data files read back (the same figures and
/// sentences as the files of `chipban run`); an error with its HTTP status.
fn run_in_memory(w: World, seed: u64) -> Result<(crate::record::Record, RunData), (u16, String)> {
    let record = crate::sim::try_run(w, seed).map_err(|e| (422, AppError::from(e).to_string()))?;
    let files = crate::record::data_files(&record);
    let data = RunData::from_files(Path::new("memory"), &files).map_err(|e| (500, e.to_string()))?;
    Ok((record, data))
}

fn refusal(message: String) -> String {
    serde_json::to_string(&Refusal { ok: false, message, controls: vec![], extra: false }).unwrap_or_default()
}

/// `s` quoted for a POSIX shell when it needs it.
fn shell_quote(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=:,+".contains(c)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// Every file under `dir`, as `prefix/relative/path` in a zip (sorted,
/// deflated, with a fixed date so the same folder gives the same bytes).
pub fn zip_folder(dir: &Path, prefix: &str) -> Result<Vec<u8>, String> {
    fn walk(dir: &Path, rel: &str, out: &mut Vec<(String, PathBuf)>) -> std::io::Result<()> {
        let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let name = format!("{rel}/{}", e.file_name().to_string_lossy());
            if e.file_type()?.is_dir() {
                walk(&e.path(), &name, out)?;
            } else {
                out.push((name, e.path()));
            }
        }
        Ok(())
    }
    let mut files = Vec::new();
    walk(dir, prefix, &mut files).map_err(|e| e.to_string())?;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, path) in files {
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        zip.start_file(name, options).map_err(|e| e.to_string())?;
        zip.write_all(&bytes).map_err(|e| e.to_string())?;
    }
    Ok(zip.finish().map_err(|e| e.to_string())?.into_inner())
}

/// `%41b+c` → `Ab c` (a query string's value).
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' => match s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok()) {
                Some(v) => {
                    out.push(v);
                    i += 2;
                }
                None => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The settings in a query string's `s` parameter (JSON), or the defaults.
pub fn query_settings(query: &str) -> Result<Settings, String> {
    for pair in query.split('&') {
        if let Some(v) = pair.strip_prefix("s=") {
            return serde_json::from_str(&percent_decode(v))
                .map_err(|e| format!("bad settings in the address: {e}"));
        }
    }
    Ok(Settings::default())
}

/// Whether a Host header names this server.
pub fn host_allowed(host: Option<&str>, port: u16) -> bool {
    host.is_some_and(|h| h == format!("127.0.0.1:{port}") || h == format!("localhost:{port}"))
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("a valid header")
}

fn text(status: u16, body: String, kind: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_data(body.into_bytes())
        .with_chunked_threshold(usize::MAX)
        .with_status_code(status)
        .with_header(header("Content-Type", kind))
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("X-Content-Type-Options", "nosniff"))
}

/// Answer one request.
fn handle(ex: &Explorer, mut rq: Request) {
    let host = rq.headers().iter().find(|h| h.field.equiv("Host")).map(|h| h.value.as_str().to_string());
    if !host_allowed(host.as_deref(), ex.port) {
        let msg = format!(
            "chipban explore: refused a request for host {:?}: this server answers only http://127.0.0.1:{port}/ and http://localhost:{port}/ (a guard against DNS rebinding)\n",
            host.unwrap_or_default(),
            port = ex.port
        );
        let _ = rq.respond(text(403, msg, "text/plain; charset=utf-8"));
        return;
    }
    let url = rq.url().to_string();
    let (path, query) = url.split_once('?').unwrap_or((&url, ""));
    let json = "application/json";
    let response = match (rq.method(), path) {
        (Method::Get, "/") => text(200, explore::INDEX_HTML.to_string(), "text/html; charset=utf-8"),
        (Method::Get, "/explore.js") => {
            text(200, explore::SCRIPT_JS.to_string(), "text/javascript; charset=utf-8")
        }
        (Method::Get, "/explore.css") => text(200, explore::STYLE_CSS.to_string(), "text/css; charset=utf-8"),
        (Method::Get, "/api/world") => text(200, ex.world_json(), json),
        (Method::Get, "/api/ping") => text(200, "ok".to_string(), "text/plain"),
        (Method::Post, "/api/run") => {
            let mut body = String::new();
            match rq.as_reader().take(MAX_BODY).read_to_string(&mut body) {
                Err(e) => text(400, refusal(format!("cannot read the request: {e}")), json),
                Ok(_) => match serde_json::from_str::<Settings>(&body) {
                    Err(e) => text(400, refusal(format!("bad settings: {e}")), json),
                    Ok(s) => {
                        let (status, body) = ex.run_json(&s);
                        text(status, body, json)
                    }
                },
            }
        }
        (Method::Get, "/report") => {
            match query_settings(query).map_err(|e| (400, e)).and_then(|s| ex.report(&s, query)) {
                Ok(html) => text(200, html, "text/html; charset=utf-8"),
                Err((status, msg)) => text(status, msg, "text/plain; charset=utf-8"),
            }
        }
        (Method::Get, "/download") => {
            match query_settings(query).map_err(|e| (400, e)).and_then(|s| ex.download(&s)) {
                Ok((name, zip)) => Response::from_data(zip)
                    .with_chunked_threshold(usize::MAX)
                    .with_header(header("Content-Type", "application/zip"))
                    .with_header(header("Content-Disposition", &format!("attachment; filename=\"{name}\""))),
                Err((status, msg)) => text(status, msg, "text/plain; charset=utf-8"),
            }
        }
        (Method::Get, "/favicon.ico") => text(204, String::new(), "text/plain"),
        _ => text(404, format!("chipban explore: no page at {path}\n"), "text/plain; charset=utf-8"),
    };
    let _ = rq.respond(response);
}

/// Open `url` in the default browser (not waiting for it); `Err` says why not.
fn open_browser(url: &str) -> Result<(), String> {
    let (program, args): (&str, Vec<&str>) = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", "", url])
    } else {
        ("xdg-open", vec![url])
    };
    let mut child = std::process::Command::new(program)
        .args(&args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("{program}: {e}"))?;
    std::thread::spawn(move || child.wait());
    Ok(())
}

/// The entry point: load the world, listen, print the address, open the
/// browser, serve until stopped (Ctrl-C).
pub fn main(opts: &ExploreOptions) -> Result<(), AppError> {
    // The world first: a bad one is refused as `chipban run` refuses it.
    let mut ex = Explorer::load(opts, opts.port)?;
    let server = Server::http(("127.0.0.1", opts.port))
        .map_err(|e| UsageError::Listen { port: opts.port, why: e.to_string() })?;
    let port = server.server_addr().to_ip().map_or(opts.port, |a| a.port());
    ex.port = port;
    let ex = Arc::new(ex);
    let url = format!("http://127.0.0.1:{port}/");
    // Printed with errors ignored: a reader that stops reading (a script
    // that took the address) must not stop the server.
    let mut out = std::io::stdout();
    let _ = writeln!(out, "chipban explore: {url}");
    let _ = writeln!(out, "serving world \"{}\" ({}); press Ctrl-C to stop", ex.base.name, ex.origin);
    if !opts.no_open
        && let Err(why) = open_browser(&url)
    {
        let _ = writeln!(out, "could not open a browser ({why}): open {url} yourself");
    }
    let _ = out.flush();
    let server = Arc::new(server);
    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            let (server, ex) = (server.clone(), ex.clone());
            std::thread::spawn(move || {
                while let Ok(rq) = server.recv() {
                    handle(&ex, rq);
                }
            })
        })
        .collect();
    for w in workers {
        let _ = w.join();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_queries() {
        assert!(host_allowed(Some("127.0.0.1:8080"), 8080));
        assert!(host_allowed(Some("localhost:8080"), 8080));
        assert!(!host_allowed(Some("evil.example:8080"), 8080));
        assert!(!host_allowed(Some("127.0.0.1:8081"), 8080));
        assert!(!host_allowed(None, 8080));
        assert_eq!(percent_decode("a%20b+c%7B%"), "a b c{%");
        let s = query_settings("x=1&s=%7B%22seed%22%3A7%2C%22extra%22%3A%5B%22a%3Db%22%5D%7D").unwrap();
        assert_eq!((s.seed, s.extra), (Some(7), vec!["a=b".to_string()]));
        assert_eq!(shell_quote("market.inertia=0.5"), "market.inertia=0.5");
        assert_eq!(
            shell_quote("funding.climate=[(\"2022-01\", 1.0)]"),
            "'funding.climate=[(\"2022-01\", 1.0)]'"
        );
    }

    fn explorer() -> Explorer {
        Explorer::load(&ExploreOptions::default(), 1).expect("the baseline loads")
    }

    #[test]
    fn a_bad_value_gets_the_command_lines_message_beside_its_control() {
        let ex = explorer();
        let mut s = Settings::default();
        s.controls.insert("undercut".into(), 1.5);
        let r = ex.world(&s).unwrap_err();
        let cli =
            world::resolve(None, &["pricing.undercut=1.5".to_string()], None, None, SizePolicy::DEFAULT)
                .unwrap_err();
        assert_eq!(r.message, AppError::from(cli).to_string());
        assert_eq!(r.controls, ["undercut"]);
        let s = Settings { extra: vec!["market.inertai=0.5".into()], ..Default::default() };
        let r = ex.world(&s).unwrap_err();
        assert!(r.extra && r.message.contains("did you mean `inertia`"), "{}", r.message);
    }

    #[test]
    fn the_ban_switch_clears_the_rules_and_ignores_the_date() {
        let ex = explorer();
        let mut s = Settings::default();
        s.controls.insert("ban".into(), 0.0);
        s.controls.insert("ban_shift".into(), 6.0);
        let (w, sets) = ex.world(&s).unwrap();
        assert!(w.policy.rules.is_empty());
        assert_eq!(sets, ["policy.rules=[]"]);
        assert!(ex.command(w.seed, &sets).ends_with("--set 'policy.rules=[]'"));
    }
}
