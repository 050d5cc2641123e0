//! Rule tooling: `gwlint rules`, `gwlint explain ID`, `gwlint test-rules PATH…`.

use std::path::PathBuf;

use gwlint::config::pack::parse_pack;
use gwlint::config::SourceFile;
use gwlint::selftest::check_examples;

use super::{print_config_errors, RuleOptions, EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};

#[derive(clap::Args, Debug)]
pub struct RulesArgs {
    /// Also list rules that are disabled.
    #[arg(long)]
    pub all: bool,
    /// Print a Markdown table (the README's rule table is generated this way).
    #[arg(long)]
    pub markdown: bool,
    #[command(flatten)]
    pub rules: RuleOptions,
}

#[derive(clap::Args, Debug)]
pub struct ExplainArgs {
    /// Rule id, e.g. `placeholder.x`.
    pub id: String,
    #[command(flatten)]
    pub rules: RuleOptions,
}

#[derive(clap::Args, Debug)]
pub struct TestRulesArgs {
    /// Rule pack files to test.
    #[arg(required = true)]
    pub packs: Vec<PathBuf>,
}

/// The rules that apply in the current directory, or `None` after printing why
/// the configuration is invalid.
fn rules_here(options: &RuleOptions) -> Option<std::sync::Arc<gwlint::RuleSet>> {
    match options.rules_for(&std::env::current_dir().unwrap_or_default()) {
        Ok((_, rules)) => Some(rules),
        Err(e) => {
            print_config_errors(&e);
            None
        }
    }
}

pub fn list(args: RulesArgs) -> u8 {
    let Some(rules) = rules_here(&args.rules) else {
        return EXIT_ERROR;
    };
    if args.markdown {
        print!("{}", markdown_table(rules.rules(), args.all));
        return EXIT_OK;
    }
    let width = rules.rules().iter().map(|r| r.id.len()).max().unwrap_or(0);
    for spec in rules.rules() {
        if !spec.enabled && !args.all {
            continue;
        }
        let state = if spec.enabled { "" } else { " (off)" };
        println!(
            "{:width$}  {:7}  {}{state}",
            spec.id,
            spec.severity.as_str(),
            spec.summary
        );
    }
    EXIT_OK
}

/// The rule table: id, severity, whether on by default, what it catches, where
/// it is defined.
pub fn markdown_table(specs: &[gwlint::config::RuleSpec], all: bool) -> String {
    let mut out = String::from(
        "| id | severity | default | catches | pack |\n| --- | --- | --- | --- | --- |\n",
    );
    for spec in specs.iter().filter(|s| all || s.enabled) {
        let pack = spec.source.name.trim_start_matches("builtin:");
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | `{}` |\n",
            spec.id,
            spec.severity,
            if spec.enabled { "on" } else { "off" },
            spec.summary.replace('|', "\\|"),
            pack
        ));
    }
    out
}

pub fn explain(args: ExplainArgs) -> u8 {
    let Some(rules) = rules_here(&args.rules) else {
        return EXIT_ERROR;
    };
    let Some(spec) = rules.rule(&args.id) else {
        let close: Vec<&str> = rules
            .rules()
            .iter()
            .filter(|r| r.id.starts_with(&args.id) || args.id.starts_with(&*r.id))
            .map(|r| &*r.id)
            .collect();
        eprintln!("error: no rule `{}`", args.id);
        if !close.is_empty() {
            eprintln!("  did you mean: {}", close.join(", "));
        }
        return EXIT_ERROR;
    };
    println!("{} ({}, {})", spec.id, spec.severity, spec.kind);
    println!("{}", spec.summary);
    if let Some(explain) = &spec.explain {
        println!("\n{}", explain.trim_end());
    }
    if !spec.examples.bad.is_empty() {
        println!("\n会报告：");
        for e in &spec.examples.bad {
            println!("  ✗ {}", e.get_ref());
        }
    }
    if !spec.examples.good.is_empty() {
        println!("\n不会报告：");
        for e in &spec.examples.good {
            println!("  ✓ {}", e.get_ref());
        }
    }
    EXIT_OK
}

pub fn test_rules(args: TestRulesArgs) -> u8 {
    let mut failures = 0usize;
    let mut rules = 0usize;
    for path in &args.packs {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{}: error: cannot read: {e}", path.display());
                failures += 1;
                continue;
            }
        };
        let source = SourceFile::new(path.display().to_string(), text);
        let specs = match parse_pack(&source) {
            Ok(specs) => specs,
            Err(errors) => {
                failures += errors.len();
                print_config_errors(&gwlint::config::ConfigErrors(errors));
                continue;
            }
        };
        rules += specs.len();
        let errors = check_examples(&specs);
        failures += errors.len();
        print_config_errors(&gwlint::config::ConfigErrors(errors));
    }
    if failures == 0 {
        println!(
            "{rules} rule(s) in {} pack(s): all examples pass",
            args.packs.len()
        );
        EXIT_OK
    } else {
        eprintln!("{failures} problem(s)");
        EXIT_FINDINGS
    }
}
