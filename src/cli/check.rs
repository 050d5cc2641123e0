//! `gwlint check PATH…`: find the documents, check them in parallel, report.

use std::collections::HashMap;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use gwlint::document::decode;
use gwlint::report::{self, FileReport, Format};
use gwlint::{DocKind, ProjectConfig, RuleSet, Severity};
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use rayon::prelude::*;

use super::{print_config_errors, RuleOptions, EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};

/// File extensions checked when walking directories. Files named explicitly are
/// always checked.
const EXTENSIONS: &[&str] = &["txt", "md", "markdown"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Hint,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Files and directories to check; `-` reads standard input.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Exit with 1 when a finding at or above this severity is reported.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    pub fail_on: FailOn,
    /// Worker threads (default: all cores; 1 checks files one after another).
    #[arg(short = 'j', long = "threads", value_name = "N")]
    pub threads: Option<usize>,
    /// Name (and so type and config) to give standard input.
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Also report passages shared between different checked files.
    #[arg(long)]
    pub cross_file: bool,
    #[command(flatten)]
    pub rules: RuleOptions,
}

/// A document to check, and where its text comes from.
enum Input {
    File(PathBuf),
    Stdin,
}

/// Rule sets and ignore lists by config file, shared by the worker threads.
#[derive(Default)]
struct Configs {
    by_dir: Mutex<HashMap<PathBuf, Option<Arc<Loaded>>>>,
}

struct Loaded {
    rules: Arc<RuleSet>,
    ignore: Gitignore,
}

impl Configs {
    /// The rules that apply to a file in `dir`, or `None` when its config is
    /// broken (the error is printed once).
    fn for_dir(&self, options: &RuleOptions, dir: &Path) -> Option<Arc<Loaded>> {
        let key = options
            .config
            .clone()
            .or_else(|| ProjectConfig::discover(dir))
            .unwrap_or_default();
        let mut cache = self.by_dir.lock().expect("config cache lock");
        cache
            .entry(key)
            .or_insert_with(|| match options.rules_for(dir) {
                Ok((config, rules)) => Some(Arc::new(Loaded {
                    rules,
                    ignore: ignore_matcher(&config),
                })),
                Err(errors) => {
                    print_config_errors(&errors);
                    None
                }
            })
            .clone()
    }
}

fn ignore_matcher(config: &ProjectConfig) -> Gitignore {
    let root = std::fs::canonicalize(&config.dir).unwrap_or_else(|_| config.dir.clone());
    let mut builder = GitignoreBuilder::new(root);
    for pattern in &config.ignore {
        let _ = builder.add_line(None, pattern);
    }
    builder.build().unwrap_or_else(|_| Gitignore::empty())
}

pub fn run(args: CheckArgs) -> u8 {
    let inputs = match collect_inputs(&args.paths) {
        Ok(inputs) => inputs,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_ERROR;
        }
    };
    let configs = Configs::default();
    let failed = std::sync::atomic::AtomicBool::new(false);
    let check = |input: &Input| match check_input(input, &args, &configs) {
        Ok(report) => report,
        Err(message) => {
            eprintln!("{message}");
            failed.store(true, std::sync::atomic::Ordering::Relaxed);
            None
        }
    };
    // One document (or -j 1) is checked on this thread: starting a pool costs
    // more than it saves.
    let threads = args.threads.unwrap_or(0);
    let mut reports: Vec<FileReport> = if inputs.len() <= 1 || threads == 1 {
        inputs.iter().filter_map(check).collect()
    } else {
        let pool = match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
            Ok(pool) => pool,
            Err(e) => {
                eprintln!("error: cannot start worker threads: {e}");
                return EXIT_ERROR;
            }
        };
        pool.install(|| inputs.par_iter().filter_map(check).collect())
    };
    reports.sort_by(|a, b| a.path.cmp(&b.path));
    let default_rules = configs.for_dir(&args.rules, Path::new("."));
    let passage_rule = default_rules
        .as_ref()
        .and_then(|l| gwlint::rules::duplicate::PassageRule::from_ruleset(&l.rules));
    if let Some(rule) = passage_rule.filter(|r| args.cross_file || r.cross_file) {
        add_cross_file_findings(&mut reports, &rule);
    }

    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let meta_rules = default_rules
        .map(|l| l.rules.clone())
        .unwrap_or_else(|| Arc::new(RuleSet::builtin()));
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if let Err(e) =
        report::write(&mut out, args.format, &reports, color, &meta_rules).and_then(|_| out.flush())
    {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: cannot write output: {e}");
            return EXIT_ERROR;
        }
    }
    if failed.load(std::sync::atomic::Ordering::Relaxed) {
        return EXIT_ERROR;
    }
    let threshold = match args.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Hint => Some(Severity::Hint),
        FailOn::Never => None,
    };
    let failing = threshold.is_some_and(|t| {
        reports
            .iter()
            .flat_map(|r| &r.findings)
            .any(|f| f.severity >= t)
    });
    if failing {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// Adds findings for passages shared between files. Only fingerprints are kept
/// per file, so memory stays proportional to the number of fingerprints.
fn add_cross_file_findings(
    reports: &mut [FileReport],
    rule: &gwlint::rules::duplicate::PassageRule,
) {
    let mut index = gwlint::dup::CrossFileIndex::new(rule.params);
    for report in reports.iter() {
        let kind = DocKind::from_path(Path::new(&report.path));
        index.add_text(PathBuf::from(&report.path), &kind.lintable(&report.text));
    }
    for (file, finding) in gwlint::rules::duplicate::findings_from_index(&index, rule) {
        reports[file].findings.push(finding);
    }
    for report in reports.iter_mut() {
        gwlint::engine::sort(&mut report.findings);
    }
}

/// Expands directories (honouring .gitignore) into the files to check.
fn collect_inputs(paths: &[PathBuf]) -> Result<Vec<Input>, String> {
    let mut inputs = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input::Stdin);
            continue;
        }
        if !path.exists() {
            return Err(format!("{}: no such file or directory", path.display()));
        }
        if path.is_file() {
            inputs.push(Input::File(path.clone()));
            continue;
        }
        for entry in ignore::WalkBuilder::new(path).build() {
            let entry = entry.map_err(|e| e.to_string())?;
            let p = entry.path();
            let wanted = entry.file_type().is_some_and(|t| t.is_file())
                && p.extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()));
            if wanted {
                inputs.push(Input::File(p.to_path_buf()));
            }
        }
    }
    Ok(inputs)
}

/// Checks one input. `Ok(None)` means it was skipped (ignored by config, or its
/// config is broken — already reported); `Err` is a one-line message.
fn check_input(
    input: &Input,
    args: &CheckArgs,
    configs: &Configs,
) -> Result<Option<FileReport>, String> {
    let (display, path_for_config, bytes) = match input {
        Input::File(path) => {
            let bytes = std::fs::read(path)
                .map_err(|e| format!("{}: error: cannot read: {e}", path.display()))?;
            (path.display().to_string(), path.clone(), bytes)
        }
        Input::Stdin => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .map_err(|e| format!("<stdin>: error: cannot read: {e}"))?;
            let name = args
                .stdin_filename
                .clone()
                .unwrap_or_else(|| PathBuf::from("-"));
            (name.display().to_string(), name, bytes)
        }
    };
    let dir = match path_for_config.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let Some(loaded) = configs.for_dir(&args.rules, &dir) else {
        return Err(format!(
            "{display}: error: not checked because its configuration is invalid"
        ));
    };
    if matches!(input, Input::File(_)) {
        let absolute = std::fs::canonicalize(&path_for_config).unwrap_or(path_for_config.clone());
        // The matcher panics on paths outside its root, so ask only about those inside.
        let ignored = absolute.starts_with(loaded.ignore.path())
            && loaded
                .ignore
                .matched_path_or_any_parents(&absolute, false)
                .is_ignore();
        if ignored {
            return Ok(None);
        }
    }
    let (text, encoding) = decode(&bytes).map_err(|e| format!("{display}: error: {e}"))?;
    let findings = loaded
        .rules
        .check(&text, DocKind::from_path(&path_for_config));
    Ok(Some(FileReport {
        path: display,
        text,
        encoding,
        findings,
    }))
}
