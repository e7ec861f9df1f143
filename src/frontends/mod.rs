//! Frontends: turn parsed files into evaluated resources, one [`Unit`] per deployment unit (a
//! Terraform root module with its child modules, a plan, a CloudFormation template with its nested
//! stacks, an ECS task definition JSON). Attribute names stay as the input format writes them; the graph stage normalises them.
//!
//! Shared shape of `Resource::attrs`: a [`Map`] of the resource's attributes/properties as written,
//! evaluated. Terraform nested blocks (`route {}`, `statement {}`, `ingress {}`) become a list of
//! maps under the block name, the same shape `terraform show -json` gives them. CloudFormation
//! resources keep `Properties` as the map.

pub mod budget;
pub mod cloudformation;
pub mod plan;
pub mod taskdef;
pub mod terraform;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::base::{Diagnostic, Format, Map, Span, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Managed,
    Data,
}

/// One resource instance (after `count`/`for_each` expansion), or one data source.
#[derive(Clone, Debug, PartialEq)]
pub struct Resource {
    /// Terraform instance address (`module.net.aws_vpc_endpoint.this["ecr.api"]`,
    /// `data.aws_iam_policy_document.exec`) or CloudFormation logical id (nested: `Stack/Id`).
    pub address: String,
    /// The type as written: `aws_vpc_endpoint`, `AWS::EC2::VPCEndpoint`.
    pub rtype: String,
    pub mode: Mode,
    /// Where the resource is declared (the block header or the logical id key).
    pub span: Span,
    /// The evaluated attributes (see the module docs for the shape).
    pub attrs: Map,
    /// Whether the resource is created: `None` when unconditionally; otherwise the evaluated
    /// condition (CloudFormation `Condition`, or a Terraform `count`/`for_each` that is unknown).
    pub exists: Option<Value>,
}

/// A deployment unit, the input of one graph.
#[derive(Debug, Default)]
pub struct Unit {
    /// Display name: the module directory, the plan or the template path.
    pub name: String,
    pub format: Option<Format>,
    /// The root file or directory.
    pub root: PathBuf,
    pub resources: Vec<Resource>,
    pub diagnostics: Vec<Diagnostic>,
    /// The deployment Region when the configuration fixes it (provider `region`), else a symbol.
    pub region: Option<Value>,
    /// What the other units of the scan declare that this one may name without a reference.
    pub elsewhere: Arc<Elsewhere>,
}

/// Resources that one unit of a scan may use by name while another unit declares them: a log
/// group that one CloudFormation stack creates and another stack's task names in `awslogs-group`
/// (stacks are deployed separately, so no reference joins them). Built once per batch of units
/// and shared by all of them; a unit skips its own entries (see [`Declared::unit`]).
#[derive(Debug, Default)]
pub struct Elsewhere {
    pub log_groups: Vec<Declared>,
    /// Fully known names → `log_groups` indices.
    exact: HashMap<String, Vec<usize>>,
    /// Entries whose name is not fully known (they may have any name that fits).
    open: Vec<usize>,
}

/// A named resource of one unit, as [`Elsewhere`] lists it.
#[derive(Debug)]
pub struct Declared {
    /// The declaring unit's name ([`Unit::name`]).
    pub unit: String,
    pub address: String,
    pub span: Span,
    /// The name as evaluated in its own unit.
    pub name: Value,
    /// See [`Resource::exists`].
    pub exists: Option<Value>,
}

impl Elsewhere {
    /// The log groups that the units declare by name (CloudFormation `AWS::Logs::LogGroup`
    /// `LogGroupName`, Terraform `aws_cloudwatch_log_group` `name`); a group without a name gets
    /// a generated one that no other unit can write.
    pub fn of(units: &[Unit]) -> Elsewhere {
        let mut e = Elsewhere::default();
        for u in units {
            for r in &u.resources {
                let key = match (r.mode, r.rtype.as_str()) {
                    (Mode::Managed, "AWS::Logs::LogGroup") => "LogGroupName",
                    (Mode::Managed, "aws_cloudwatch_log_group") => "name",
                    _ => continue,
                };
                let Some(name) = r.attrs.get(key) else {
                    continue;
                };
                let i = e.log_groups.len();
                match name.as_str() {
                    Some(known) => e.exact.entry(known.to_string()).or_default().push(i),
                    None => e.open.push(i),
                }
                e.log_groups.push(Declared {
                    unit: u.name.clone(),
                    address: r.address.clone(),
                    span: r.span,
                    name: name.clone(),
                    exists: r.exists.clone(),
                });
            }
        }
        e
    }

    /// The log groups of units other than `unit` that may be named `name` (all the others when
    /// `name` is not fully known), in the order they were declared.
    pub fn log_groups_for<'a>(
        &'a self,
        unit: &'a str,
        name: Option<&str>,
    ) -> impl Iterator<Item = &'a Declared> + 'a {
        let mut ids: Vec<usize> = match name {
            Some(n) => self
                .exact
                .get(n)
                .into_iter()
                .flatten()
                .chain(&self.open)
                .copied()
                .collect(),
            None => (0..self.log_groups.len()).collect(),
        };
        ids.sort_unstable();
        ids.into_iter()
            .map(|i| &self.log_groups[i])
            .filter(move |d| d.unit != unit)
    }
}

/// Options from the command line that frontends use.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// `--var-file` (Terraform), in order.
    pub var_files: Vec<PathBuf>,
    /// Per Terraform root (its canonical directory), the variable files to load for it before
    /// `--var-file` (the configuration file's `var-files`).
    pub root_var_files: Vec<(PathBuf, Vec<PathBuf>)>,
    /// `--var k=v` (Terraform), in order; later wins.
    pub vars: Vec<(String, String)>,
    /// `TF_VAR_*` from the environment (name without the prefix, value).
    pub env_vars: Vec<(String, String)>,
    /// `--param K=V` (CloudFormation).
    pub params: Vec<(String, String)>,
    /// `--params-file` (CloudFormation), either CLI form.
    pub params_files: Vec<PathBuf>,
    /// `--tf-root`: the `.tf` sources of a plan.
    pub tf_root: Option<PathBuf>,
    /// Files larger than this are skipped with a diagnostic; `0` means no limit (see
    /// [`Options::max_bytes`]).
    pub max_file_size: u64,
    /// Where reads are allowed (canonical): the git repositories of the scanned paths and the
    /// files given on the command line (see [`crate::base::fs::boundary`]). Every read, `file()`
    /// and `templatefile()` included, stays inside.
    pub scan_roots: Vec<PathBuf>,
    /// The evaluation budgets of one unit (`--max-eval-steps`, `--max-value-size`,
    /// `--max-eval-memory`).
    pub limits: budget::Limits,
}

impl Options {
    /// The variable files of the Terraform root `dir`, in the order they apply: its own (from
    /// the configuration file), then `--var-file`.
    pub fn var_files_of(&self, dir: &std::path::Path) -> Vec<&PathBuf> {
        let canon = std::fs::canonicalize(dir).ok();
        (self.root_var_files.iter())
            .filter(|(d, _)| canon.as_ref() == Some(d))
            .flat_map(|(_, files)| files)
            .chain(&self.var_files)
            .collect()
    }

    /// The size limit of a read: `--max-file-size`, where `0` means no limit.
    pub fn max_bytes(&self) -> u64 {
        if self.max_file_size == 0 {
            u64::MAX
        } else {
            self.max_file_size
        }
    }
}
