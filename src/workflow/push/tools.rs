//! The tools a `run:` script pushes and logs in with. The docker family (docker, podman,
//! buildah, nerdctl) has its own reader, for its build commands; every other tool is one
//! description in [`TOOLS`]: its subcommands, which argument is the registry or the image,
//! which flags take a value and which carry credentials with the command.

use super::words::skip_global_flags;
use super::{Ctx, Scanner};
use crate::command_words::{flag_values, positionals};
use crate::workflow::expr::Vars;

/// Which positional argument a subcommand acts on.
#[derive(Debug, Clone, Copy)]
enum Pick {
    First,
    Second,
    Last,
}

/// What a subcommand does.
#[derive(Debug, Clone, Copy)]
enum Act {
    /// Logs in to the registry named by the first positional (Docker Hub without one); its
    /// `-p`/`--password` or `--password-stdin` is checked for a written credential.
    Login,
    /// Pushes to the picked positional. `scheme`: the image is written with this prefix
    /// (`docker://`, `oci://`); `scheme_required`: without it the command does not push.
    Push {
        pick: Pick,
        scheme: Option<&'static str>,
        scheme_required: bool,
    },
    /// Pushes to every value of these flags (`crane mutate -t IMAGE`).
    PushFlagValues(&'static [&'static str]),
    /// Pushes to the repository named by an environment variable (`KO_DOCKER_REPO`); the
    /// flags listed turn the push off. Without the variable the target is unknown.
    PushEnv {
        variable: &'static str,
        no_push: &'static [&'static str],
    },
}

/// One subcommand of a tool.
#[derive(Debug, Clone, Copy)]
struct Sub {
    /// The words that name it (`["auth", "login"]`); any of `names` for the first word.
    names: &'static [&'static str],
    /// A second word that must follow (`crane auth login`, `helm registry login`).
    then: Option<&'static str>,
    /// The tool as findings name it; `None`: the program and the first word.
    label: Option<&'static str>,
    act: Act,
    /// Flags that take a value, so their values are not positionals.
    value_flags: &'static [&'static str],
}

/// A tool a script runs.
#[derive(Debug, Clone, Copy)]
pub(super) struct Tool {
    pub program: &'static str,
    subs: &'static [Sub],
    /// Flags that make the command carry its own credentials (prefix match).
    inline_credentials: &'static [&'static str],
}

const LOGIN_FLAGS: &[&str] = &["-u", "--username", "-p", "--password"];

const fn login(names: &'static [&'static str], value_flags: &'static [&'static str]) -> Sub {
    Sub {
        names,
        then: None,
        label: None,
        act: Act::Login,
        value_flags,
    }
}

const fn push(
    names: &'static [&'static str],
    label: Option<&'static str>,
    pick: Pick,
    value_flags: &'static [&'static str],
) -> Sub {
    Sub {
        names,
        then: None,
        label,
        act: Act::Push {
            pick,
            scheme: None,
            scheme_required: false,
        },
        value_flags,
    }
}

const CRANE_FLAGS: &[&str] = &[
    "--platform",
    "-t",
    "--tag",
    "--new_tag",
    "-f",
    "--new_layer",
    "-b",
    "--base",
];

const ORAS_FLAGS: &[&str] = &[
    "-u",
    "--username",
    "-p",
    "--password",
    "-a",
    "--annotation",
    "--annotation-file",
    "--artifact-type",
    "--config",
    "--export-manifest",
    "--registry-config",
    "--identity-token",
    "--concurrency",
    "--platform",
    "--subject",
    "--format",
];

const COSIGN_FLAGS: &[&str] = &[
    "--key",
    "-a",
    "--annotations",
    "--predicate",
    "--type",
    "--identity-token",
    "--output-signature",
    "--output-certificate",
    "--registry-username",
    "--registry-password",
    "--certificate",
    "--certificate-chain",
    "--bundle",
    "--oidc-issuer",
    "--oidc-client-id",
    "--fulcio-url",
    "--rekor-url",
];

const SKOPEO_COPY_FLAGS: &[&str] = &[
    "--src-creds",
    "--dest-creds",
    "--creds",
    "--authfile",
    "--src-authfile",
    "--dest-authfile",
    "--format",
    "-f",
    "--override-arch",
    "--override-os",
    "--override-variant",
    "--multi-arch",
    "--sign-by",
    "--src-username",
    "--src-password",
    "--dest-username",
    "--dest-password",
    "--src-registry-token",
    "--dest-registry-token",
    "--retry-times",
    "--dest-compress-format",
    "--digestfile",
    "--src-cert-dir",
    "--dest-cert-dir",
];

/// The tools besides the docker family, one description each.
pub(super) const TOOLS: &[Tool] = &[
    Tool {
        program: "skopeo",
        subs: &[
            login(
                &["login"],
                &["-u", "--username", "-p", "--password", "--authfile"],
            ),
            Sub {
                names: &["copy"],
                then: None,
                label: None,
                act: Act::Push {
                    pick: Pick::Second,
                    scheme: Some("docker://"),
                    scheme_required: true,
                },
                value_flags: SKOPEO_COPY_FLAGS,
            },
        ],
        inline_credentials: &[
            "--dest-creds",
            "--creds",
            "--dest-username",
            "--dest-registry-token",
        ],
    },
    Tool {
        program: "crane",
        subs: &[
            Sub {
                then: Some("login"),
                label: Some("crane auth login"),
                ..login(&["auth"], LOGIN_FLAGS)
            },
            push(&["push"], None, Pick::Second, CRANE_FLAGS),
            push(
                &["copy", "cp"],
                Some("crane copy"),
                Pick::Second,
                CRANE_FLAGS,
            ),
            push(&["tag"], None, Pick::First, CRANE_FLAGS),
            Sub {
                names: &["append", "mutate", "index", "rebase", "flatten"],
                then: None,
                label: None,
                act: Act::PushFlagValues(&["-t", "--tag", "--new_tag"]),
                value_flags: CRANE_FLAGS,
            },
        ],
        inline_credentials: &[],
    },
    Tool {
        program: "oras",
        subs: &[
            login(&["login"], ORAS_FLAGS),
            push(&["push", "attach", "tag"], None, Pick::First, ORAS_FLAGS),
            push(&["cp", "copy"], Some("oras cp"), Pick::Second, ORAS_FLAGS),
        ],
        inline_credentials: &[
            "-u",
            "--username",
            "--password-stdin",
            "--identity-token",
            "-p",
            "--password",
        ],
    },
    Tool {
        program: "helm",
        subs: &[
            Sub {
                then: Some("login"),
                label: Some("helm registry login"),
                ..login(&["registry"], LOGIN_FLAGS)
            },
            Sub {
                names: &["push"],
                then: None,
                label: None,
                act: Act::Push {
                    pick: Pick::Second,
                    scheme: Some("oci://"),
                    scheme_required: false,
                },
                value_flags: &[
                    "--cert-file",
                    "--key-file",
                    "--ca-file",
                    "--username",
                    "--password",
                ],
            },
        ],
        inline_credentials: &["--username"],
    },
    Tool {
        program: "cosign",
        subs: &[
            login(&["login"], LOGIN_FLAGS),
            push(&["sign", "attest"], None, Pick::Last, COSIGN_FLAGS),
        ],
        inline_credentials: &["--registry-username"],
    },
    Tool {
        program: "ko",
        subs: &[
            login(&["login"], LOGIN_FLAGS),
            Sub {
                names: &["build", "publish", "resolve", "apply", "create"],
                then: None,
                label: None,
                act: Act::PushEnv {
                    variable: "KO_DOCKER_REPO",
                    no_push: &["--push=false", "--local", "-L"],
                },
                value_flags: &[],
            },
        ],
        inline_credentials: &[],
    },
];

/// The description of `program`, if it is one of [`TOOLS`].
pub(super) fn find(program: &str) -> Option<&'static Tool> {
    TOOLS.iter().find(|t| t.program == program)
}

impl Scanner<'_, '_> {
    /// Reads one command of a described tool.
    pub(super) fn tool(&mut self, ctx: &Ctx<'_, '_>, tool: &Tool, args: &[String], vars: &Vars) {
        let Some(first) = args.first().map(String::as_str) else {
            return;
        };
        let Some(sub) = tool.subs.iter().find(|s| {
            s.names.contains(&first) && s.then.is_none_or(|t| args.get(1).is_some_and(|a| a == t))
        }) else {
            return;
        };
        let rest = &args[1 + usize::from(sub.then.is_some())..];
        let label = sub
            .label
            .map_or_else(|| format!("{} {first}", tool.program), str::to_owned);
        let inline = rest
            .iter()
            .any(|a| tool.inline_credentials.iter().any(|f| a.starts_with(f)));
        match sub.act {
            Act::Login => {
                let pos = positionals(rest, sub.value_flags);
                self.shell_login(ctx, &label, pos.first().copied(), vars);
                self.login_password(ctx, rest, &label, vars);
            }
            Act::Push {
                pick,
                scheme,
                scheme_required,
            } => {
                let pos = positionals(rest, sub.value_flags);
                let target = match pick {
                    Pick::First => pos.first(),
                    Pick::Second => pos.get(1),
                    Pick::Last => pos.last(),
                };
                let Some(target) = target.copied() else {
                    return;
                };
                let target = match scheme {
                    // `docker://` stays: the image reader drops it.
                    Some(s) if scheme_required && !target.starts_with(s) => return,
                    Some("oci://") => target.strip_prefix("oci://").unwrap_or(target),
                    _ => target,
                };
                self.shell_push(ctx, &label, target, inline, vars);
            }
            Act::PushFlagValues(flags) => {
                for t in flag_values(rest, flags) {
                    self.shell_push(ctx, &label, t, inline, vars);
                }
            }
            Act::PushEnv { variable, no_push } => {
                if args.iter().any(|a| no_push.contains(&a.as_str())) {
                    return;
                }
                match vars.env.get(variable).or(vars.locals.get(variable)) {
                    Some(repo) => {
                        let repo = repo.clone();
                        self.shell_push(ctx, &label, &repo, inline, vars);
                    }
                    None => self.unknown_push(ctx, &label),
                }
            }
        }
    }

    pub(super) fn container_cli(
        &mut self,
        ctx: &Ctx<'_, '_>,
        prog: &str,
        args: &[String],
        vars: &Vars,
    ) {
        let args = skip_global_flags(args);
        let Some(sub) = args.first().map(String::as_str) else {
            return;
        };
        let rest = &args[1..];
        match sub {
            "login" => {
                let pos = positionals(
                    rest,
                    &[
                        "-u",
                        "--username",
                        "-p",
                        "--password",
                        "--authfile",
                        "--cert-dir",
                    ],
                );
                self.shell_login(ctx, &format!("{prog} login"), pos.first().copied(), vars);
                self.login_password(ctx, rest, &format!("{prog} login"), vars);
            }
            "push" => {
                let pos = positionals(
                    rest,
                    &[
                        "--platform",
                        "--creds",
                        "--authfile",
                        "--format",
                        "-f",
                        "--digestfile",
                        "--sign-by",
                        "--retry",
                        "--retry-delay",
                        "--cert-dir",
                        "--compression-format",
                    ],
                );
                // podman/buildah `push SRC DEST`: DEST is where it goes.
                let target = if prog != "docker" && pos.len() >= 2 {
                    pos[1]
                } else {
                    pos.first().copied().unwrap_or_default()
                };
                if !target.is_empty() {
                    let inline = rest.iter().any(|a| a.starts_with("--creds"));
                    self.shell_push(ctx, &format!("{prog} push"), target, inline, vars);
                }
            }
            "build" | "bud" => self.build_command(ctx, &format!("{prog} {sub}"), rest, vars),
            "image" if rest.first().is_some_and(|s| s == "build") => {
                self.build_command(ctx, &format!("{prog} image build"), &rest[1..], vars)
            }
            "image" | "manifest" if rest.first().is_some_and(|s| s == "push") => {
                let pos = positionals(&rest[1..], &["--format", "-f", "--creds", "--authfile"]);
                if let Some(target) = pos.last() {
                    self.shell_push(ctx, &format!("{prog} {sub} push"), target, false, vars);
                }
            }
            "buildx" => {
                let Some(action) = rest.first().map(String::as_str) else {
                    return;
                };
                let tail = &rest[1..];
                match action {
                    "build" | "b" => {
                        self.build_command(ctx, &format!("{prog} buildx build"), tail, vars)
                    }
                    "bake" => {
                        self.out.builds = true;
                        if tail
                            .iter()
                            .any(|a| a == "--push" || a.contains("push=true"))
                        {
                            let tags: Vec<&str> = flag_values(tail, &["--set"])
                                .into_iter()
                                .filter_map(|s| s.split_once(".tags=").map(|(_, v)| v))
                                .collect();
                            if tags.is_empty() {
                                self.unknown_push(ctx, "docker buildx bake --push");
                            }
                            for t in tags {
                                self.shell_push(ctx, "docker buildx bake --push", t, false, vars);
                            }
                        }
                    }
                    "imagetools" if tail.first().is_some_and(|s| s == "create") => {
                        if tail.iter().any(|a| a == "--dry-run") {
                            return;
                        }
                        let tags = flag_values(&tail[1..], &["-t", "--tag"]);
                        // Tags generated by a command substitution (`$(jq ... "-t " ...)`)
                        // still push, somewhere the tool cannot see.
                        if tags.is_empty() {
                            self.unknown_push(ctx, "docker buildx imagetools create");
                        }
                        for t in tags {
                            self.shell_push(ctx, "docker buildx imagetools create", t, false, vars);
                        }
                    }
                    _ => {}
                }
            }
            "tag" => {
                let pos = positionals(rest, &[]);
                if let Some(dst) = pos.get(1) {
                    let image = self.shell_image(ctx, dst, vars);
                    self.out.refs.push(image);
                }
            }
            "compose" if rest.iter().any(|a| a == "push") => {
                self.unknown_push(ctx, &format!("{prog} compose push"))
            }
            _ => {}
        }
    }

    fn build_command(&mut self, ctx: &Ctx<'_, '_>, tool: &str, args: &[String], vars: &Vars) {
        self.out.builds = true;
        let file = flag_values(args, &["-f", "--file"])
            .first()
            .copied()
            .unwrap_or_default();
        let value_flags = [
            "-t",
            "--tag",
            "-f",
            "--file",
            "-o",
            "--output",
            "--platform",
            "--label",
            "--build-arg",
            "--cache-from",
            "--cache-to",
            "--target",
            "--secret",
            "--ssh",
            "--network",
            "--progress",
            "--builder",
            "--metadata-file",
            "--iidfile",
        ];
        let context = positionals(args, &value_flags)
            .first()
            .copied()
            .unwrap_or(".");
        self.dockerfile(&vars.expand(context, true), &vars.expand(file, true));
        let tags = flag_values(args, &["-t", "--tag"]);
        let outputs = flag_values(args, &["-o", "--output"]);
        let pushes = args.iter().any(|a| a == "--push")
            || outputs
                .iter()
                .any(|o| o.contains("push=true") || o.contains("type=registry"));
        for t in tags {
            if pushes {
                self.shell_push(ctx, &format!("{tool} --push"), t, false, vars);
            } else {
                let image = self.shell_image(ctx, t, vars);
                self.out.refs.push(image);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::workflow::model::Workflow;
    use crate::workflow::push::scan;
    use crate::workflow::source::Source;
    use crate::workflow::yaml;

    /// Every described subcommand, read from a script: (command, login or push, label,
    /// registry, inline credentials).
    #[test]
    fn every_described_subcommand_is_read() {
        let cases: &[(&str, &str, &str, &str, bool)] = &[
            (
                "skopeo login -u u ghcr.io",
                "login",
                "skopeo login",
                "ghcr.io",
                false,
            ),
            (
                "skopeo copy --dest-creds u:p docker-archive:a.tar docker://ghcr.io/o/n:1",
                "push",
                "skopeo copy",
                "ghcr.io",
                true,
            ),
            (
                "crane auth login ghcr.io -u u",
                "login",
                "crane auth login",
                "ghcr.io",
                false,
            ),
            (
                "crane push a.tar ghcr.io/o/n:1",
                "push",
                "crane push",
                "ghcr.io",
                false,
            ),
            (
                "crane cp quay.io/a/b ghcr.io/o/n",
                "push",
                "crane copy",
                "ghcr.io",
                false,
            ),
            (
                "crane tag ghcr.io/o/n:1 v1",
                "push",
                "crane tag",
                "ghcr.io",
                false,
            ),
            (
                "crane mutate x -t ghcr.io/o/n:2",
                "push",
                "crane mutate",
                "ghcr.io",
                false,
            ),
            (
                "oras login -u u quay.io",
                "login",
                "oras login",
                "quay.io",
                false,
            ),
            (
                "oras push -u u ghcr.io/o/n:1 f.txt",
                "push",
                "oras push",
                "ghcr.io",
                true,
            ),
            (
                "oras cp quay.io/a/b ghcr.io/o/n",
                "push",
                "oras cp",
                "ghcr.io",
                false,
            ),
            (
                "helm registry login ghcr.io -u u",
                "login",
                "helm registry login",
                "ghcr.io",
                false,
            ),
            (
                "helm push c.tgz oci://ghcr.io/o",
                "push",
                "helm push",
                "ghcr.io",
                false,
            ),
            (
                "cosign login ghcr.io -u u",
                "login",
                "cosign login",
                "ghcr.io",
                false,
            ),
            (
                "cosign sign --key k ghcr.io/o/n@sha256:0",
                "push",
                "cosign sign",
                "ghcr.io",
                false,
            ),
            (
                "ko login ghcr.io -u u",
                "login",
                "ko login",
                "ghcr.io",
                false,
            ),
            (
                "export KO_DOCKER_REPO=ghcr.io/o && ko build ./cmd",
                "push",
                "ko build",
                "ghcr.io",
                false,
            ),
            ("ko build ./cmd", "push", "ko build", "?", false),
        ];
        for (command, what, label, registry, inline) in cases {
            let text = format!(
                "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: {command}\n"
            );
            let docs = yaml::parse(&text).expect("parses");
            let src = Source::new(text.clone());
            let wf = Workflow::from_root("f.yml", &src, &docs[0]).expect("workflow");
            let s = scan(&wf, &wf.jobs[0]);
            let found = match *what {
                "login" => s
                    .logins
                    .first()
                    .map(|l| (l.tool.clone(), l.registry.display(), false)),
                _ => s
                    .pushes
                    .first()
                    .map(|p| (p.tool.clone(), p.registry.display(), p.inline_credentials)),
            };
            assert_eq!(
                found,
                Some(((*label).to_owned(), (*registry).to_owned(), *inline)),
                "{command}"
            );
        }
        // `skopeo copy` to something other than a registry pushes nothing.
        let text = "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: skopeo copy docker://a/b oci:dir\n";
        let docs = yaml::parse(text).expect("parses");
        let src = Source::new(text.into());
        let wf = Workflow::from_root("f.yml", &src, &docs[0]).expect("workflow");
        assert!(scan(&wf, &wf.jobs[0]).pushes.is_empty());
    }
}
