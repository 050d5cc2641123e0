//! Assembles the active rule set: built-in packs, then the project's packs, then the
//! project's switches (enable/disable, severity, params) applied on top.

use std::sync::Arc;

use super::pack::parse_pack;
use super::{selects, ConfigError, ConfigErrors, ProjectConfig, RuleSpec, SourceFile};
use crate::builtin::BUILTIN_PACKS;
use crate::finding::Severity;

/// All rules the config knows, with `enabled`, `severity` and `params` already
/// reflecting the project's settings. A rule defined again by a later pack
/// replaces the earlier definition.
pub fn load_rules(config: &ProjectConfig) -> Result<Vec<RuleSpec>, ConfigErrors> {
    let mut errors = Vec::new();
    let mut specs: Vec<RuleSpec> = Vec::new();
    let mut sources: Vec<Arc<SourceFile>> = Vec::new();
    if config.builtin {
        for (name, text) in BUILTIN_PACKS {
            sources.push(SourceFile::new(format!("builtin:{name}"), *text));
        }
    }
    for (path, span) in config.pack_paths() {
        match std::fs::read_to_string(&path) {
            Ok(text) => sources.push(SourceFile::new(path.display().to_string(), text)),
            Err(e) => {
                let msg = format!("无法读取规则包 {}：{e}", path.display());
                errors.push(match &config.source {
                    Some(src) => src.error(span, msg),
                    None => ConfigError::whole_file(path.display().to_string(), msg),
                });
            }
        }
    }
    // Packs parse independently (the largest take milliseconds each), and the
    // editor waits for them before its first diagnostics.
    let parsed = crate::par::map(&sources, parse_pack);
    for result in parsed {
        match result {
            Ok(pack) => {
                for spec in pack {
                    match specs.iter_mut().find(|s| s.id == spec.id) {
                        Some(existing) => *existing = spec,
                        None => specs.push(spec),
                    }
                }
            }
            Err(mut e) => errors.append(&mut e),
        }
    }
    for spec in &mut specs {
        apply_switches(config, spec);
    }
    if errors.is_empty() {
        Ok(specs)
    } else {
        Err(ConfigErrors(errors))
    }
}

fn apply_switches(config: &ProjectConfig, spec: &mut RuleSpec) {
    // The most specific selector wins; on a tie, disabling wins.
    let best = |selectors: &[String]| {
        selectors
            .iter()
            .filter(|s| selects(s, &spec.id))
            .map(|s| if s == "*" { 0 } else { s.len() })
            .max()
    };
    match (best(&config.enable), best(&config.disable)) {
        (Some(e), Some(d)) => spec.enabled = e > d,
        (Some(_), None) => spec.enabled = true,
        (None, Some(_)) => spec.enabled = false,
        (None, None) => {}
    }
    if let Some((_, sev)) = config
        .severity
        .iter()
        .filter(|(sel, _)| selects(sel, &spec.id))
        .max_by_key(|(sel, _)| sel.len())
    {
        if let Some(sev) = Severity::parse(sev.get_ref()) {
            spec.severity = sev;
        }
    }
    if let Some(params) = config.params.get(&*spec.id) {
        for (k, v) in params {
            spec.params.insert(k.clone(), v.clone());
        }
    }
}
