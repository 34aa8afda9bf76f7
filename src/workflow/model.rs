//! The parts of a workflow that matter for pushes: triggers, permissions, env, jobs and steps,
//! each borrowing its YAML node so findings can point at it.

use super::source::Source;
use super::yaml::Node;

/// An access level of one `permissions:` scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    None,
    Read,
    Write,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::None => "none",
            Level::Read => "read",
            Level::Write => "write",
        }
    }

    fn parse(s: &str) -> Level {
        match s.trim() {
            "write" => Level::Write,
            "read" => Level::Read,
            _ => Level::None,
        }
    }
}

/// One explicit `permissions:` block (workflow or job level).
#[derive(Debug, Clone, Copy)]
pub struct Permissions<'a> {
    /// The `permissions` key, where findings point.
    pub key: &'a Node,
    pub value: &'a Node,
    /// What the block gives `packages` (any block sets unlisted scopes to none).
    pub packages: Level,
    /// The block is a mapping (so a `packages:` line can be added to it).
    pub is_mapping: bool,
}

impl<'a> Permissions<'a> {
    fn parse(key: &'a Node, value: &'a Node) -> Self {
        let (packages, is_mapping) = match value.as_str() {
            Some("write-all") => (Level::Write, false),
            Some("read-all") => (Level::Read, false),
            Some(_) => (Level::None, false),
            None => (
                value
                    .get("packages")
                    .and_then(Node::as_str)
                    .map_or(Level::None, Level::parse),
                !value.is_null(),
            ),
        };
        Permissions {
            key,
            value,
            packages,
            is_mapping,
        }
    }
}

/// `env:` entries in file order.
pub type Env<'a> = Vec<(&'a str, &'a Node)>;

fn env_of(node: &Node) -> Env<'_> {
    node.get("env")
        .map(|e| {
            e.map()
                .iter()
                .filter_map(|(k, v)| k.as_str().map(|k| (k, v)))
                .collect()
        })
        .unwrap_or_default()
}

/// One step of a job.
#[derive(Debug, Clone)]
pub struct Step<'a> {
    pub index: usize,
    pub node: &'a Node,
    pub id: Option<&'a str>,
    /// `uses:` (action reference) and its node.
    pub uses: Option<(&'a str, &'a Node)>,
    pub with: Option<&'a Node>,
    pub run: Option<&'a Node>,
    pub cond: Option<&'a Node>,
    pub env: Env<'a>,
}

impl<'a> Step<'a> {
    /// The action's `owner/repo` in lowercase, without path or `@ref`.
    pub fn action(&self) -> Option<String> {
        let (uses, _) = self.uses?;
        let name = uses.split('@').next().unwrap_or_default();
        let mut parts = name.split('/');
        let owner = parts.next()?;
        let repo = parts.next()?;
        Some(format!("{owner}/{repo}").to_ascii_lowercase())
    }

    /// The `with:` input `name` and its node.
    pub fn input(&self, name: &str) -> Option<&'a Node> {
        self.with.and_then(|w| w.get(name))
    }
}

/// One job (steps, or a call to a reusable workflow).
#[derive(Debug, Clone)]
pub struct Job<'a> {
    pub id: &'a str,
    pub key: &'a Node,
    pub node: &'a Node,
    pub cond: Option<&'a Node>,
    pub permissions: Option<Permissions<'a>>,
    pub env: Env<'a>,
    pub steps: Vec<Step<'a>>,
    /// `uses:` of a job that calls a reusable workflow.
    pub uses: Option<(&'a str, &'a Node)>,
}

/// A parsed workflow file.
#[derive(Debug)]
pub struct Workflow<'a> {
    /// The path shown in findings (relative to the repository root when known).
    pub file: &'a str,
    pub source: &'a Source,
    pub root: &'a Node,
    /// Event names from `on:`.
    pub triggers: Vec<&'a str>,
    pub permissions: Option<Permissions<'a>>,
    pub env: Env<'a>,
    pub jobs: Vec<Job<'a>>,
}

impl<'a> Workflow<'a> {
    /// Reads the model from a document's root, or `None` when it is not a workflow (no
    /// `jobs:` mapping).
    pub fn from_root(file: &'a str, source: &'a Source, root: &'a Node) -> Option<Self> {
        let jobs_node = root.get("jobs")?;
        if jobs_node.map().is_empty() && !jobs_node.is_null() {
            return None;
        }
        let triggers = match root.get("on") {
            Some(on) => match &on.value {
                super::yaml::Value::Scalar(s) => vec![s.as_str()],
                super::yaml::Value::Seq(items) => items.iter().filter_map(Node::as_str).collect(),
                super::yaml::Value::Map(entries) => {
                    entries.iter().filter_map(|(k, _)| k.as_str()).collect()
                }
                super::yaml::Value::Null => Vec::new(),
            },
            None => Vec::new(),
        };
        let permissions = root
            .entry("permissions")
            .map(|(k, v)| Permissions::parse(k, v));
        let jobs = jobs_node
            .map()
            .iter()
            .filter_map(|(k, v)| Some(Job::parse(k.as_str()?, k, v)))
            .collect();
        Some(Workflow {
            file,
            source,
            root,
            triggers,
            permissions,
            env: env_of(root),
            jobs,
        })
    }

    pub fn has_trigger(&self, name: &str) -> bool {
        self.triggers.contains(&name)
    }

    /// True when the workflow only runs when another workflow calls it.
    pub fn is_reusable_only(&self) -> bool {
        !self.triggers.is_empty() && self.triggers.iter().all(|t| *t == "workflow_call")
    }
}

impl<'a> Job<'a> {
    fn parse(id: &'a str, key: &'a Node, node: &'a Node) -> Self {
        let steps = node
            .get("steps")
            .map(|s| {
                s.seq()
                    .iter()
                    .enumerate()
                    .map(|(index, n)| Step {
                        index,
                        node: n,
                        id: n.get("id").and_then(Node::as_str),
                        uses: n
                            .get("uses")
                            .and_then(|u| u.as_str().map(|s| (s.trim(), u))),
                        with: n.get("with"),
                        run: n.get("run"),
                        cond: n.get("if"),
                        env: env_of(n),
                    })
                    .collect()
            })
            .unwrap_or_default();
        Job {
            id,
            key,
            node,
            cond: node.get("if"),
            permissions: node
                .entry("permissions")
                .map(|(k, v)| Permissions::parse(k, v)),
            env: env_of(node),
            steps,
            uses: node
                .get("uses")
                .and_then(|u| u.as_str().map(|s| (s.trim(), u))),
        }
    }

    /// The permissions block in force for this job: its own, else the workflow's.
    pub fn effective_permissions(&self, wf: &Workflow<'a>) -> Option<Permissions<'a>> {
        self.permissions.or(wf.permissions)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workflow::yaml;

    #[test]
    fn a_job_block_replaces_the_workflow_block() {
        let text = "on: [push, pull_request]\npermissions:\n  packages: write\njobs:\n  a:\n    permissions:\n      contents: read\n    steps: []\n  b:\n    steps: []\n";
        let docs = yaml::parse(text).expect("parses");
        let src = Source::new(text.into());
        let wf = Workflow::from_root("f.yml", &src, &docs[0]).expect("workflow");
        assert_eq!(wf.triggers, vec!["push", "pull_request"]);
        let a = wf.jobs[0].effective_permissions(&wf).expect("block");
        assert_eq!(a.packages, Level::None);
        let b = wf.jobs[1].effective_permissions(&wf).expect("block");
        assert_eq!(b.packages, Level::Write);
    }

    #[test]
    fn shorthand_blocks() {
        for (text, level) in [
            ("permissions: read-all", Level::Read),
            ("permissions: write-all", Level::Write),
            ("permissions: {}", Level::None),
        ] {
            let text = format!("on: push\n{text}\njobs:\n  a:\n    steps: []\n");
            let docs = yaml::parse(&text).expect("parses");
            let src = Source::new(text.clone());
            let wf = Workflow::from_root("f.yml", &src, &docs[0]).expect("workflow");
            assert_eq!(wf.permissions.map(|p| p.packages), Some(level), "{text}");
        }
    }
}
