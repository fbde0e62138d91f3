//! Workspace settings from `gloss.toml` (spec section 6).

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::diagnostics::{Code, Problem};

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Globs of the documents, relative to the workspace root.
    pub documents: Vec<String>,
    /// More registry files, relative to the workspace root.
    pub registry: Vec<String>,
    pub claims: ClaimSettings,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClaimSettings {
    /// Relative half-width of an approximate figure.
    pub approx: f64,
    /// Relative widening of every finite bound before comparing.
    pub tolerance: f64,
    /// Days added on each side of a claim's date.
    pub window_days: i64,
}

/// Claim settings an editor sets over those of `gloss.toml`, for its own
/// view only (`gloss check` reads `gloss.toml` alone).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ClaimOverrides {
    pub approx: Option<f64>,
    pub tolerance: Option<f64>,
    pub window_days: Option<i64>,
}

impl ClaimOverrides {
    pub fn apply(&self, claims: &mut ClaimSettings) {
        claims.approx = self.approx.unwrap_or(claims.approx);
        claims.tolerance = self.tolerance.unwrap_or(claims.tolerance);
        claims.window_days = self.window_days.unwrap_or(claims.window_days);
    }
}

impl Default for ClaimSettings {
    fn default() -> Self {
        ClaimSettings { approx: 0.2, tolerance: 0.05, window_days: 31 }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config { documents: vec!["**/*.txt".into()], registry: vec![], claims: ClaimSettings::default() }
    }
}

impl Config {
    pub(crate) fn from_table(root: &DeTable) -> (Config, Vec<Problem>) {
        let mut config = Config::default();
        let mut problems = Vec::new();
        if let Some(ws) = root.get("workspace") {
            for (key, value) in table(ws, "workspace", &mut problems) {
                match key.get_ref().as_ref() {
                    "documents" => {
                        if let Some(globs) = strings(value, "documents", &mut problems) {
                            config.documents = globs;
                        }
                    }
                    "registry" => {
                        if let Some(files) = strings(value, "registry", &mut problems) {
                            config.registry = files;
                        }
                    }
                    other => {
                        problems.push(Problem::new(Code::Registry, key.span(), format!("unknown setting `workspace.{other}`: expected documents or registry")))
                    }
                }
            }
        }
        if let Some(claims) = root.get("claims") {
            for (key, value) in table(claims, "claims", &mut problems) {
                let c = &mut config.claims;
                match key.get_ref().as_ref() {
                    "approx" => number(value, 0.0..=1.0, &mut problems).map(|v| c.approx = v),
                    "tolerance" => number(value, 0.0..=1.0, &mut problems).map(|v| c.tolerance = v),
                    "window-days" => number(value, 0.0..=36500.0, &mut problems).map(|v| c.window_days = v as i64),
                    other => {
                        problems.push(Problem::new(
                            Code::Registry,
                            key.span(),
                            format!("unknown setting `claims.{other}`: expected approx, tolerance or window-days"),
                        ));
                        None
                    }
                };
            }
        }
        (config, problems)
    }
}

type Entries<'a, 'i> = Vec<(&'a Spanned<std::borrow::Cow<'i, str>>, &'a Spanned<DeValue<'i>>)>;

fn table<'a, 'i>(value: &'a Spanned<DeValue<'i>>, name: &str, problems: &mut Vec<Problem>) -> Entries<'a, 'i> {
    match value.get_ref() {
        DeValue::Table(t) => t.iter().collect(),
        _ => {
            problems.push(Problem::new(Code::Registry, value.span(), format!("`{name}` must be a table")));
            Vec::new()
        }
    }
}

fn strings(value: &Spanned<DeValue>, name: &str, problems: &mut Vec<Problem>) -> Option<Vec<String>> {
    let list = match value.get_ref() {
        DeValue::String(s) => vec![s.to_string()],
        DeValue::Array(items) => items
            .iter()
            .map(|i| match i.get_ref() {
                DeValue::String(s) => Some(s.to_string()),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()?,
        _ => None?,
    };
    if list.is_empty() {
        problems.push(Problem::new(Code::Registry, value.span(), format!("`{name}` lists nothing")));
    }
    Some(list)
}

fn number(value: &Spanned<DeValue>, range: std::ops::RangeInclusive<f64>, problems: &mut Vec<Problem>) -> Option<f64> {
    let n = match value.get_ref() {
        DeValue::Integer(i) => i.as_str().replace('_', "").parse::<f64>().ok(),
        DeValue::Float(f) => f.as_str().replace('_', "").parse::<f64>().ok(),
        _ => None,
    };
    match n {
        Some(n) if range.contains(&n) => Some(n),
        _ => {
            problems.push(Problem::new(Code::Registry, value.span(), format!("expected a number from {} to {}", range.start(), range.end())));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::registry::read_registry;

    #[test]
    fn reads_settings_and_flags_bad_ones() {
        let text = "[workspace]\ndocuments = [\"seeds/**/*.txt\"]\nregistry = [\"seeds/registry.toml\"]\n[claims]\napprox = 0.1\nwindow-days = 10\ntolerance = \"x\"\n";
        let facts = read_registry(text, true);
        let config = facts.config.unwrap();
        assert_eq!(config.documents, ["seeds/**/*.txt"]);
        assert_eq!(config.registry, ["seeds/registry.toml"]);
        assert_eq!((config.claims.approx, config.claims.window_days, config.claims.tolerance), (0.1, 10, 0.05));
        assert_eq!(facts.problems.len(), 1);
        assert_eq!(&text[facts.problems[0].range.clone()], "\"x\"");
    }
}
