//! Push and login detection: walks a job's steps in order and records every login, every
//! push and every image name it builds, from actions' inputs and from `run:` scripts.

use std::collections::HashMap;

use super::expr::Vars;
use super::model::{Job, Step, Workflow};
use super::shell::{self, Command};
use super::source::Mark;
use super::yaml::Node;

mod registry;
mod tools;
mod words;

pub use registry::Registry;

use crate::command_words::{flag_values, positionals};
pub use words::is_literal_credential;
use words::{assignment, strip_prefixes};

/// This repository's own action: `uses: ./` (in this repository) or `OWNER/ghcr-doctor@REF`.
fn is_ghcr_doctor_action(action: &str) -> bool {
    action == "./" || action == "." || action.ends_with("/ghcr-doctor")
}

/// The position of a step or command in the job: (step index, command index).
pub type Seq = (usize, usize);

/// A login to a registry.
#[derive(Debug, Clone)]
pub struct Login {
    pub seq: Seq,
    pub step: usize,
    pub registry: Registry,
    pub mark: Mark,
    /// docker/login-action without `registry:` (Docker Hub by default).
    pub implicit_hub: bool,
    /// The action or command (`docker/login-action`, `docker login`).
    pub tool: String,
}

/// An image name as written, after env expansion (other expressions kept raw).
#[derive(Debug, Clone)]
pub struct ImageRef {
    pub raw: String,
    pub mark: Mark,
    /// Comes from docker/metadata-action's `images:` (which lowercases it).
    pub lowercased_by_tool: bool,
}

/// A push to a registry.
#[derive(Debug, Clone)]
pub struct Push {
    pub seq: Seq,
    pub step: usize,
    pub mark: Mark,
    pub registry: Registry,
    pub image: Option<ImageRef>,
    pub tool: String,
    /// The `push:` input when it is an expression (`${{ github.event_name != 'pull_request' }}`).
    pub condition: Option<String>,
    /// The command carries its own credentials (`skopeo copy --dest-creds`, `oras push -u`).
    pub inline_credentials: bool,
}

/// A credential written literally where a login takes it.
#[derive(Debug, Clone)]
pub struct Literal {
    pub mark: Mark,
    /// What holds it (`password` input, `docker login -p`).
    pub place: String,
    pub length: usize,
}

/// What one job does with registries.
#[derive(Debug, Clone, Default)]
pub struct JobScan {
    pub logins: Vec<Login>,
    pub pushes: Vec<Push>,
    /// Every image name the job builds, tags, caches or pushes (for the case check).
    pub refs: Vec<ImageRef>,
    /// The job builds an image (build-push, bake, `docker build`, ...).
    pub builds: bool,
    /// The Dockerfiles the job builds, relative to the repository root, when written
    /// literally (`file:`, `-f`, or `Dockerfile` in the build context).
    pub dockerfiles: Vec<String>,
    /// The job runs docker/metadata-action.
    pub metadata: bool,
    pub literals: Vec<Literal>,
    /// The `ref:` of an actions/checkout step that checks out the pull request's head.
    pub checkout_pr_head: Option<Mark>,
}

impl JobScan {
    /// True when the job pushes to ghcr.io, or logs in to ghcr.io and pushes somewhere the
    /// tool cannot resolve.
    pub fn pushes_ghcr(&self) -> bool {
        self.ghcr_pushes().next().is_some()
    }

    /// The pushes that go (or, through a ghcr.io login, probably go) to ghcr.io.
    pub fn ghcr_pushes(&self) -> impl Iterator<Item = &Push> {
        let ghcr_login = self.logins.iter().any(|l| l.registry.is(GHCR));
        self.pushes
            .iter()
            .filter(move |p| p.registry.is(GHCR) || (ghcr_login && p.registry == Registry::Unknown))
    }
}

pub const GHCR: &str = crate::host::GHCR;

fn text(node: &Node) -> String {
    node.as_str().map(str::to_owned).unwrap_or_default()
}

/// Splits a list input (newlines or commas), dropping empties and `# comments`.
fn list_items(value: &str) -> Vec<&str> {
    value
        .split(['\n', ','])
        .map(str::trim)
        .filter(|s| !s.is_empty() && !s.starts_with('#'))
        .collect()
}

/// metadata-action `images:` lines: `ghcr.io/o/n` or `name=ghcr.io/o/n,enable=...`.
fn metadata_images(value: &str) -> Vec<&str> {
    value
        .lines()
        .flat_map(|line| {
            let line = line.trim();
            if line.contains("name=") {
                line.split(',')
                    .filter_map(|f| f.trim().strip_prefix("name="))
                    .collect::<Vec<_>>()
            } else {
                line.split(',').map(str::trim).collect()
            }
        })
        .filter(|s| !s.is_empty() && !s.starts_with('#'))
        .collect()
}

fn is_expression(s: &str) -> bool {
    s.trim_start().starts_with("${{")
}

/// Walks one job.
pub fn scan(wf: &Workflow<'_>, job: &Job<'_>) -> JobScan {
    let mut s = Scanner {
        wf,
        out: JobScan::default(),
        base: HashMap::new(),
        written_env: HashMap::new(),
        outputs: HashMap::new(),
        meta: HashMap::new(),
    };
    for (k, v) in wf.env.iter().chain(job.env.iter()) {
        s.base.insert((*k).to_owned(), text(v));
    }
    for step in &job.steps {
        s.step(step);
    }
    s.container_credentials(job);
    s.out
}

struct Scanner<'w, 'a> {
    wf: &'w Workflow<'a>,
    out: JobScan,
    /// Workflow and job env.
    base: HashMap<String, String>,
    /// Values earlier steps wrote to `$GITHUB_ENV`.
    written_env: HashMap<String, String>,
    /// Values earlier steps wrote to `$GITHUB_OUTPUT`, keyed `ID.NAME`.
    outputs: HashMap<String, String>,
    /// metadata-action step id → its images.
    meta: HashMap<String, Vec<ImageRef>>,
}

impl Scanner<'_, '_> {
    fn vars(&self, step: &Step<'_>) -> Vars {
        let mut env = self.base.clone();
        env.extend(self.written_env.iter().map(|(k, v)| (k.clone(), v.clone())));
        for (k, v) in &step.env {
            env.insert((*k).to_owned(), text(v));
        }
        Vars {
            env,
            outputs: self.outputs.clone(),
            locals: HashMap::new(),
        }
    }

    /// `container:` and `services:` registry credentials written in the file.
    fn container_credentials(&mut self, job: &Job<'_>) {
        let services = job.node.get("services").map(Node::map).unwrap_or_default();
        let containers = job
            .node
            .get("container")
            .into_iter()
            .chain(services.iter().map(|(_, v)| v));
        for c in containers {
            if let Some(p) = c.get("credentials").and_then(|cr| cr.get("password"))
                && let Some(value) = p.as_str()
                && is_literal_credential(value)
            {
                self.out.literals.push(Literal {
                    mark: self.mark(p),
                    place: "credentials.password".into(),
                    length: value.chars().count(),
                });
            }
        }
    }

    /// Records the Dockerfile a build reads, when its path is written literally.
    fn dockerfile(&mut self, context: &str, file: &str) {
        let path = if file.trim().is_empty() {
            let context = context.trim();
            if context.is_empty() || context == "." {
                "Dockerfile".to_owned()
            } else {
                format!("{}/Dockerfile", context.trim_end_matches('/'))
            }
        } else {
            file.trim().to_owned()
        };
        let path = path.trim_start_matches("./").to_owned();
        // Remote contexts and expressions cannot be read.
        if path.contains('$')
            || path.contains("://")
            || path.starts_with('/')
            || path.contains("..")
        {
            return;
        }
        if !self.out.dockerfiles.contains(&path) {
            self.out.dockerfiles.push(path);
        }
    }

    fn mark(&self, node: &Node) -> Mark {
        self.wf.source.mark_span(node.span)
    }

    fn step(&mut self, step: &Step<'_>) {
        let vars = self.vars(step);
        if let Some(action) = step.action() {
            self.action(step, &action, &vars);
        }
        if let Some(run) = step.run {
            self.run(step, run, vars);
        }
    }

    fn image(&self, node: &Node, item: &str, vars: &Vars, shell: bool) -> ImageRef {
        let from = node.span.start.line;
        ImageRef {
            raw: vars.expand(item, shell),
            mark: self.wf.source.locate(node.span, from, item),
            lowercased_by_tool: false,
        }
    }

    fn action(&mut self, step: &Step<'_>, action: &str, vars: &Vars) {
        let seq = (step.index, 0);
        let uses_node = step.uses.map(|(_, n)| n).unwrap_or(step.node);
        match action {
            "docker/login-action" => {
                // An absent or empty `registry:` means Docker Hub.
                let (registry, implicit_hub) = match step.input("registry").map(text) {
                    Some(r) if !r.trim().is_empty() => {
                        (Registry::of_server(&vars.expand(&r, false)), false)
                    }
                    _ => (Registry::Known(crate::host::DOCKER_HUB.into()), true),
                };
                self.out.logins.push(Login {
                    seq,
                    step: step.index,
                    registry,
                    mark: self.mark(uses_node),
                    implicit_hub,
                    tool: action.to_owned(),
                });
                if let Some(p) = step.input("password") {
                    self.literal_input(p, "password", vars);
                }
            }
            "docker/metadata-action" => {
                self.out.metadata = true;
                if let Some(images) = step.input("images") {
                    let list: Vec<ImageRef> = metadata_images(&text(images))
                        .into_iter()
                        .map(|i| ImageRef {
                            lowercased_by_tool: true,
                            ..self.image(images, i, vars, false)
                        })
                        .collect();
                    if let Some(id) = step.id {
                        self.meta.insert(id.to_owned(), list);
                    }
                }
            }
            "docker/build-push-action" | "docker/bake-action" => {
                self.build_push(step, action, vars)
            }
            "redhat-actions/push-to-registry" => {
                let registry = step.input("registry").map(text).unwrap_or_default();
                let image = step.input("image").map(text).unwrap_or_default();
                let node = step.input("image").unwrap_or(uses_node);
                let raw = vars.expand(
                    &if registry.is_empty() {
                        image
                    } else {
                        format!("{}/{image}", registry.trim_end_matches('/'))
                    },
                    false,
                );
                let inline = step.input("password").is_some();
                self.push_ref(
                    step,
                    seq,
                    ImageRef {
                        raw,
                        mark: self.mark(node),
                        lowercased_by_tool: false,
                    },
                    action,
                    None,
                    inline,
                );
            }
            "actions/checkout" => {
                if let Some(r) = step.input("ref") {
                    let t = text(r);
                    if [
                        "pull_request.head.sha",
                        "pull_request.head.ref",
                        "github.head_ref",
                        "refs/pull/",
                    ]
                    .iter()
                    .any(|p| t.contains(p))
                    {
                        self.out.checkout_pr_head = Some(self.mark(r));
                    }
                }
            }
            other
                if is_ghcr_doctor_action(other)
                    && step
                        .input("command")
                        .is_some_and(|c| text(c).trim() == "login") =>
            {
                // ghcr-doctor's own action logs in to ghcr.io with GHCR_TOKEN or GITHUB_TOKEN.
                self.out.logins.push(Login {
                    seq,
                    step: step.index,
                    registry: Registry::Known(GHCR.into()),
                    mark: self.mark(uses_node),
                    implicit_hub: false,
                    tool: "ghcr-doctor login".to_owned(),
                });
            }
            other if other.contains("login") => {
                // Another login action (podman-login, a local composite): count it as a
                // login to its `registry:` input, or to an unknown registry.
                let registry = step.input("registry").map_or(Registry::Unknown, |r| {
                    Registry::of_server(&vars.expand(&text(r), false))
                });
                self.out.logins.push(Login {
                    seq,
                    step: step.index,
                    registry,
                    mark: self.mark(uses_node),
                    implicit_hub: false,
                    tool: other.to_owned(),
                });
                if let Some(p) = step.input("password") {
                    self.literal_input(p, "password", vars);
                }
            }
            _ => {}
        }
    }

    /// Records a `password:` input that is written literally (or via `vars.`).
    fn literal_input(&mut self, node: &Node, place: &str, vars: &Vars) {
        let raw = text(node);
        if raw.trim().is_empty() {
            return;
        }
        let expanded = vars.expand(&raw, false);
        if is_literal_credential(&expanded) {
            self.out.literals.push(Literal {
                mark: self.mark(node),
                place: place.to_owned(),
                length: raw.chars().count(),
            });
        }
    }

    fn build_push(&mut self, step: &Step<'_>, action: &str, vars: &Vars) {
        self.out.builds = true;
        if action == "docker/build-push-action" {
            let context = step.input("context").map(text).unwrap_or_default();
            let file = step.input("file").map(text).unwrap_or_default();
            self.dockerfile(&vars.expand(&context, false), &vars.expand(&file, false));
        }
        let seq = (step.index, 0);
        let push_node = step.input("push");
        let push_text = push_node.map(text).unwrap_or_default();
        let outputs = step.input("outputs").map(text).unwrap_or_default();
        let pushes = push_text.trim() == "true"
            || is_expression(&push_text)
            || outputs.contains("push=true")
            || outputs.contains("type=registry");
        let condition = is_expression(&push_text).then(|| push_text.trim().to_owned());
        let mut images: Vec<ImageRef> = Vec::new();
        if let Some(tags) = step.input("tags") {
            let value = text(tags);
            for item in list_items(&value) {
                if let Some(id) = metadata_step(item)
                    && let Some(list) = self.meta.get(id)
                {
                    images.extend(list.iter().cloned());
                    continue;
                }
                images.push(self.image(tags, item, vars, false));
            }
        }
        if let Some(set) = step.input("set") {
            for line in text(set).lines() {
                if let Some((_, v)) = line.split_once(".tags=") {
                    images.push(self.image(set, v.trim(), vars, false));
                }
            }
        }
        if outputs.contains("name=")
            && let Some(node) = step.input("outputs")
        {
            for field in outputs.split(',') {
                if let Some(name) = field.trim().strip_prefix("name=") {
                    for n in name.split(['"', ',']).filter(|s| !s.is_empty()) {
                        images.push(self.image(node, n, vars, false));
                    }
                }
            }
        }
        for key in ["cache-from", "cache-to"] {
            if let Some(node) = step.input(key) {
                for line in text(node).lines() {
                    if let Some(r) = line.split(',').find_map(|f| f.trim().strip_prefix("ref=")) {
                        self.out.refs.push(self.image(node, r, vars, false));
                    }
                }
            }
        }
        // Unresolved expressions (`${{ matrix.tags }}`) name no image the tool can see.
        images.retain(|i| !is_expression(&i.raw));
        self.out.refs.extend(images.iter().cloned());
        if !pushes {
            return;
        }
        let mark = push_node
            .map(|n| self.mark(n))
            .unwrap_or_else(|| self.mark(step.uses.map(|(_, n)| n).unwrap_or(step.node)));
        if images.is_empty() {
            self.out.pushes.push(Push {
                seq,
                step: step.index,
                mark,
                registry: Registry::Unknown,
                image: None,
                tool: action.to_owned(),
                condition,
                inline_credentials: false,
            });
            return;
        }
        for image in images {
            self.out.pushes.push(Push {
                seq,
                step: step.index,
                mark,
                registry: Registry::of_reference(&image.raw),
                image: Some(image),
                tool: action.to_owned(),
                condition: condition.clone(),
                inline_credentials: false,
            });
        }
    }

    fn push_ref(
        &mut self,
        step: &Step<'_>,
        seq: Seq,
        image: ImageRef,
        tool: &str,
        condition: Option<String>,
        inline_credentials: bool,
    ) {
        self.out.refs.push(image.clone());
        self.out.pushes.push(Push {
            seq,
            step: step.index,
            mark: image.mark,
            registry: Registry::of_reference(&image.raw),
            image: Some(image),
            tool: tool.to_owned(),
            condition,
            inline_credentials,
        });
    }

    fn run(&mut self, step: &Step<'_>, run: &Node, mut vars: Vars) {
        let script = text(run);
        let commands = shell::commands(&script);
        let start = run.span.start.line;
        for (n, cmd) in commands.iter().enumerate() {
            let head_mark = self.wf.source.locate(run.span, start + cmd.line, &cmd.head);
            let ctx = Ctx {
                step,
                seq: (step.index, n + 1),
                run,
                line: head_mark.line,
                mark: head_mark,
                previous: n.checked_sub(1).and_then(|p| commands.get(p)),
            };
            self.command(&ctx, cmd, &mut vars);
        }
    }

    fn command(&mut self, ctx: &Ctx<'_, '_>, cmd: &Command, vars: &mut Vars) {
        let words = strip_prefixes(&cmd.words);
        if words.is_empty() {
            return;
        }
        // Assignments (`IMAGE=...`, `export IMAGE=...`).
        let assign_words: &[String] = if words[0] == "export" || words[0] == "declare" {
            &words[1..]
        } else {
            words
        };
        if !assign_words.is_empty() && assign_words.iter().all(|w| assignment(w).is_some()) {
            for w in assign_words {
                if let Some((k, v)) = assignment(w) {
                    let value = vars.expand(v, true);
                    vars.locals.insert(k.to_owned(), value);
                }
            }
            return;
        }
        if self.file_command(ctx, words, vars) {
            return;
        }
        let prog = words[0].rsplit('/').next().unwrap_or_default();
        let args = &words[1..];
        match prog {
            "docker" | "podman" | "buildah" | "nerdctl" => {
                self.container_cli(ctx, prog, args, vars)
            }
            "docker-compose" if args.iter().any(|a| a == "push") => {
                self.unknown_push(ctx, "docker-compose push")
            }
            "ghcr-doctor" if args.first().is_some_and(|a| a == "login") => {
                // `ghcr-doctor login [REGISTRY]`: ghcr.io unless another registry is named.
                let pos = positionals(&args[1..], &["--username", "--token-env", "--for-push"]);
                let server = pos.first().copied().unwrap_or(GHCR);
                self.shell_login(ctx, "ghcr-doctor login", Some(server), vars);
            }
            other if tools::find(other).is_some() => {
                if let Some(tool) = tools::find(other) {
                    self.tool(ctx, tool, args, vars);
                }
            }
            "goreleaser"
                if args.first().is_some_and(|a| a == "release")
                    && !args
                        .iter()
                        .any(|a| a == "--snapshot" || a.contains("skip=publish")) =>
            {
                self.unknown_push(ctx, "goreleaser release");
            }
            _ => {}
        }
    }

    /// `echo "NAME=value" >> $GITHUB_ENV` / `$GITHUB_OUTPUT`, and `::set-output`.
    fn file_command(&mut self, ctx: &Ctx<'_, '_>, words: &[String], vars: &Vars) -> bool {
        if words[0] != "echo" && words[0] != "printf" {
            return false;
        }
        let redirect = words.iter().position(|w| w == ">>" || w == ">");
        let target = redirect.and_then(|r| words.get(r + 1)).map(String::as_str);
        let payload: Vec<&str> = words[1..redirect.unwrap_or(words.len())]
            .iter()
            .map(String::as_str)
            .filter(|w| !w.starts_with('-'))
            .collect();
        let payload = payload.join(" ");
        if let Some(rest) = payload.strip_prefix("::set-output name=")
            && let Some((name, value)) = rest.split_once("::")
            && let Some(id) = ctx.step.id
        {
            self.outputs
                .insert(format!("{id}.{name}"), vars.expand(value, true));
            return true;
        }
        let Some(target) = target else {
            return false;
        };
        let Some((name, value)) = payload.split_once('=') else {
            return false;
        };
        let value = vars.expand(value, true);
        if target.contains("GITHUB_ENV") {
            self.written_env.insert(name.trim().to_owned(), value);
            true
        } else if target.contains("GITHUB_OUTPUT") {
            if let Some(id) = ctx.step.id {
                self.outputs.insert(format!("{id}.{}", name.trim()), value);
            }
            true
        } else {
            false
        }
    }

    fn shell_image(&self, ctx: &Ctx<'_, '_>, word: &str, vars: &Vars) -> ImageRef {
        let word = word.strip_prefix("docker://").unwrap_or(word);
        ImageRef {
            raw: vars.expand(word, true),
            mark: self.wf.source.locate(ctx.run.span, ctx.line, word),
            lowercased_by_tool: false,
        }
    }

    fn shell_login(&mut self, ctx: &Ctx<'_, '_>, tool: &str, server: Option<&str>, vars: &Vars) {
        let registry = match server {
            Some(s) => Registry::of_server(&vars.expand(s, true)),
            None => Registry::Known(crate::host::DOCKER_HUB.into()),
        };
        self.out.logins.push(Login {
            seq: ctx.seq,
            step: ctx.step.index,
            registry,
            mark: ctx.mark,
            implicit_hub: false,
            tool: tool.to_owned(),
        });
    }

    fn shell_push(&mut self, ctx: &Ctx<'_, '_>, tool: &str, word: &str, inline: bool, vars: &Vars) {
        let image = self.shell_image(ctx, word, vars);
        self.push_ref(ctx.step, ctx.seq, image, tool, None, inline);
    }

    fn unknown_push(&mut self, ctx: &Ctx<'_, '_>, tool: &str) {
        self.out.pushes.push(Push {
            seq: ctx.seq,
            step: ctx.step.index,
            mark: ctx.mark,
            registry: Registry::Unknown,
            image: None,
            tool: tool.to_owned(),
            condition: None,
            inline_credentials: false,
        });
    }

    /// Checks a login command's password: `-p VALUE` or `echo VALUE | ... --password-stdin`.
    fn login_password(&mut self, ctx: &Ctx<'_, '_>, args: &[String], what: &str, vars: &Vars) {
        let mut literal = None;
        if let Some(p) = flag_values(args, &["-p", "--password"]).first() {
            literal = Some(((*p).to_owned(), format!("{what} --password")));
        } else if args.iter().any(|a| a == "--password-stdin")
            && let Some(prev) = ctx.previous
            && prev.piped
            && let Some(first) = prev.words.first()
            && (first == "echo" || first == "printf")
        {
            let value: Vec<&str> = prev.words[1..]
                .iter()
                .map(String::as_str)
                .filter(|w| !w.starts_with('-'))
                .collect();
            literal = Some((value.join(" "), format!("echo … | {what} --password-stdin")));
        }
        // `-p "$PASSWORD"` is as written as `-p hunter2` when PASSWORD is set in `env:`
        // to a literal; the finding then points at the use.
        if let Some((value, place)) = literal
            && is_literal_credential(&vars.expand(&value, true))
        {
            let mark = self.wf.source.locate(ctx.run.span, ctx.line, &value);
            self.out.literals.push(Literal {
                mark,
                place,
                length: vars.expand(&value, true).chars().count(),
            });
        }
    }
}

/// Where one command sits, for marks and ordering.
struct Ctx<'s, 'n> {
    step: &'s Step<'n>,
    seq: Seq,
    run: &'n Node,
    line: usize,
    mark: Mark,
    previous: Option<&'s Command>,
}

/// `steps.ID.outputs.tags` (or `.json`, `.labels`) → `ID`.
fn metadata_step(item: &str) -> Option<&str> {
    let i = item.find("steps.")?;
    let rest = &item[i + 6..];
    let (id, tail) = rest.split_once('.')?;
    tail.starts_with("outputs.").then_some(id)
}
