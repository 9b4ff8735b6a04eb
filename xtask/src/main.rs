//! `cargo xtask test`: chipban's one test command, the README's and CI's.
//!
//! It installs what the tests need when it is missing (Debian's `chromium`,
//! for the browser tests of the report, through `apt-get`, with `sudo` when
//! not root), builds the release binary (the explorer's browser test times
//! it), runs every test (`cargo test`) with the browser tests made
//! mandatory, then the fuzz suite (`tests/fuzz.rs`) for a bounded time.
//! `cargo xtask fuzz` runs the fuzz step alone.
//!
//! It only drives cargo and apt-get: it must not hold test logic of its own
//! (a test belongs in `tests/`, where plain `cargo test` runs it too), and it
//! installs nothing but Chromium.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

/// Seconds the fuzz step runs by default: each of its properties gets a share.
const FUZZ_SECONDS: u64 = 120;

const USAGE: &str = "\
usage: cargo xtask test [--fuzz-seconds N] [--no-install]
       cargo xtask fuzz [--seconds N] [--seed N]

test   install Chromium if it is missing (apt-get; sudo when not root), run
       every test (`cargo test`, browser tests mandatory), then the fuzz
       suite for N seconds (default 120; 0 skips it)
fuzz   the fuzz suite alone (tests/fuzz.rs), N seconds (default 120),
       from seed N (default: the fixed seed of the suite)

The browser is `$CHROME` if set, else `chromium` on PATH.
--no-install   fail instead of installing a missing Chromium";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("test") => parse(&args[1..], &["--fuzz-seconds"], &["--no-install"]).and_then(|o| {
            let fuzz = o.number("--fuzz-seconds")?.unwrap_or(FUZZ_SECONDS);
            test(fuzz, !o.flag("--no-install"))
        }),
        Some("fuzz") => parse(&args[1..], &["--seconds", "--seed"], &[])
            .and_then(|o| fuzz(o.number("--seconds")?.unwrap_or(FUZZ_SECONDS), o.number("--seed")?)),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(format!("expected a task\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Options given to a task: `--name value` pairs and bare flags.
struct Opts {
    values: Vec<(String, String)>,
    flags: Vec<String>,
}

impl Opts {
    fn flag(&self, name: &str) -> bool {
        self.flags.iter().any(|f| f == name)
    }

    fn number(&self, name: &str) -> Result<Option<u64>, String> {
        match self.values.iter().find(|(k, _)| k == name) {
            None => Ok(None),
            Some((_, v)) => {
                v.parse().map(Some).map_err(|_| format!("{name} takes a whole number, not `{v}`"))
            }
        }
    }
}

fn parse(args: &[String], valued: &[&str], flags: &[&str]) -> Result<Opts, String> {
    let mut o = Opts { values: Vec::new(), flags: Vec::new() };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if valued.contains(&a.as_str()) {
            let v = it.next().ok_or_else(|| format!("{a} needs a value\n\n{USAGE}"))?;
            o.values.push((a.clone(), v.clone()));
        } else if flags.contains(&a.as_str()) {
            o.flags.push(a.clone());
        } else {
            return Err(format!("unknown argument `{a}`\n\n{USAGE}"));
        }
    }
    Ok(o)
}

/// The repository root (this crate lives in `xtask/`).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask/ has a parent").to_path_buf()
}

fn cargo() -> Command {
    let mut c = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo")));
    c.current_dir(root());
    c
}

/// Run a command; an error names it and its exit status.
fn run(what: &str, cmd: &mut Command) -> Result<(), String> {
    eprintln!("xtask: {what}");
    let status = cmd.status().map_err(|e| format!("{what}: cannot start {:?}: {e}", cmd.get_program()))?;
    if status.success() { Ok(()) } else { Err(format!("{what} failed ({status})")) }
}

fn test(fuzz_seconds: u64, install: bool) -> Result<(), String> {
    let started = Instant::now();
    let chrome = match find_chrome()? {
        Some(p) => p,
        None if install => install_chromium()?,
        None => return Err(missing_chrome("--no-install was given")),
    };
    let version = Command::new(&chrome).arg("--version").output();
    match version {
        Ok(o) if o.status.success() => {
            eprintln!("xtask: browser {} ({})", String::from_utf8_lossy(&o.stdout).trim(), chrome.display())
        }
        _ => {
            return Err(format!(
                "{} does not run (`{} --version` failed)",
                chrome.display(),
                chrome.display()
            ));
        }
    }
    // The explorer's browser test times a slider against the release binary.
    run(
        "cargo build --release (timed by the explorer's browser test)",
        cargo().args(["build", "--release"]),
    )?;
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from);
    let explore_bin = target.join("release").join(format!("chipban{}", std::env::consts::EXE_SUFFIX));
    run(
        "cargo test (every test; the browser tests are mandatory)",
        cargo()
            .arg("test")
            .env("CHROME", &chrome)
            .env("CHIPBAN_REQUIRE_BROWSER", "1")
            .env("CHIPBAN_EXPLORE_BIN", &explore_bin),
    )?;
    if fuzz_seconds > 0 {
        fuzz(fuzz_seconds, None)?;
    }
    eprintln!("xtask: all tests passed in {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// The fuzz suite with a time budget (and a seed, to explore beyond the
/// fixed one). Its cases run the release binary (built first: CI and the
/// README build it anyway), 10 to 30 times faster than the test build's.
fn fuzz(seconds: u64, seed: Option<u64>) -> Result<(), String> {
    run(
        "cargo build --release (the fuzz cases run the release binary)",
        cargo().args(["build", "--release"]),
    )?;
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from);
    let bin = target.join("release").join("chipban");
    let mut c = cargo();
    c.args(["test", "--test", "fuzz"])
        .env("CHIPBAN_FUZZ_SECONDS", seconds.to_string())
        .env("CHIPBAN_FUZZ_BIN", &bin)
        .args(["--", "--nocapture"]); // each property prints its case count and outcomes
    if let Some(s) = seed {
        c.env("CHIPBAN_FUZZ_SEED", s.to_string());
    }
    run(&format!("fuzz suite, {seconds} s (tests/fuzz.rs)"), &mut c)
}

/// `$CHROME` when set (it must be a file), else `chromium` on PATH.
fn find_chrome() -> Result<Option<PathBuf>, String> {
    if let Some(p) = std::env::var_os("CHROME").filter(|p| !p.is_empty()) {
        let p = PathBuf::from(p);
        return if p.is_file() {
            Ok(Some(p))
        } else {
            Err(format!("CHROME is set to {}, which is not a file", p.display()))
        };
    }
    Ok(on_path("chromium"))
}

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path).map(|d| d.join(name)).find(|p| p.is_file())
}

fn missing_chrome(why: &str) -> String {
    format!(
        "Chromium is missing and was not installed: {why}.\n\
         The browser tests of the report (tests/report.rs) need it. Install Debian's package\n\
         (`sudo apt-get install -y chromium`) or set CHROME to a Chromium or Chrome binary, then rerun."
    )
}

/// `apt-get install chromium`, through `sudo` when not root.
fn install_chromium() -> Result<PathBuf, String> {
    if on_path("apt-get").is_none() {
        return Err(missing_chrome("there is no apt-get on this machine"));
    }
    let root = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.trim_ascii() == b"0");
    let sudo = !root;
    if sudo && on_path("sudo").is_none() {
        return Err(missing_chrome("this user is not root and there is no sudo"));
    }
    let apt = |args: &[&str]| {
        let mut c = if sudo { Command::new("sudo") } else { Command::new("apt-get") };
        if sudo {
            c.args(["env", "DEBIAN_FRONTEND=noninteractive", "apt-get"]);
        }
        c.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        c
    };
    let prefix = if sudo { "sudo " } else { "" };
    eprintln!("xtask: Chromium is not installed; installing Debian's `chromium` (the browser tests need it)");
    run(&format!("{prefix}apt-get update"), &mut apt(&["update", "-qq"]))
        .map_err(|e| missing_chrome(&format!("{e} (no network, or no permission?)")))?;
    // dpkg's progress goes to stdout: keep the log short (errors go to stderr)
    let mut install = apt(&["install", "-y", "-qq", "chromium"]);
    run(&format!("{prefix}apt-get install -y chromium"), install.stdout(Stdio::null()))
        .map_err(|e| missing_chrome(&e))?;
    on_path("chromium").ok_or_else(|| missing_chrome("apt-get installed it, but `chromium` is not on PATH"))
}
