//! Token scopes: `repository:owner/name:pull,push` (distribution's `scope` parameter).

use std::fmt;

/// One resource scope. Actions compare as a set: registries echo them in any order.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Scope {
    pub resource_type: String,
    pub name: String,
    pub actions: Vec<String>,
}

impl Scope {
    /// `repository:NAME:ACTIONS`.
    pub fn repository(name: &str, actions: &[&str]) -> Scope {
        Scope {
            resource_type: "repository".into(),
            name: name.to_owned(),
            actions: actions.iter().map(|a| (*a).to_owned()).collect(),
        }
    }

    /// Parses `type:name:actions`; the name may hold colons (`registry:catalog:*`), so the
    /// type ends at the first colon and the actions start after the last.
    pub fn parse(s: &str) -> Option<Scope> {
        let (resource_type, rest) = s.split_once(':')?;
        let (name, actions) = rest.rsplit_once(':')?;
        if resource_type.is_empty() || name.is_empty() {
            return None;
        }
        Some(Scope {
            resource_type: resource_type.to_owned(),
            name: name.to_owned(),
            actions: actions
                .split(',')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(str::to_owned)
                .collect(),
        })
    }

    /// True when this scope grants every action of `other` on the same resource.
    pub fn covers(&self, other: &Scope) -> bool {
        self.resource_type == other.resource_type
            && self.name == other.name
            && other
                .actions
                .iter()
                .all(|a| self.actions.iter().any(|b| b == a || b == "*"))
    }

    /// True when the action is granted.
    pub fn allows(&self, action: &str) -> bool {
        self.actions.iter().any(|a| a == action || a == "*")
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}",
            self.resource_type,
            self.name,
            self.actions.join(",")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_order_insensitive_cover() {
        let cases = [
            (
                "repository:owner/app:pull,push",
                "repository",
                "owner/app",
                vec!["pull", "push"],
            ),
            ("repository:a:pull", "repository", "a", vec!["pull"]),
            ("registry:catalog:*", "registry", "catalog", vec!["*"]),
            (
                "repository:h:5000/x:pull",
                "repository",
                "h:5000/x",
                vec!["pull"],
            ),
        ];
        for (s, t, n, a) in cases {
            let scope = Scope::parse(s).expect(s);
            assert_eq!((scope.resource_type.as_str(), scope.name.as_str()), (t, n));
            assert_eq!(scope.actions, a);
            assert_eq!(scope.to_string(), s);
        }
        let granted = Scope::parse("repository:a:push,pull").expect("scope");
        assert!(granted.covers(&Scope::repository("a", &["pull", "push"])));
        assert!(!granted.covers(&Scope::repository("b", &["pull"])));
        let pull = Scope::parse("repository:a:pull").expect("scope");
        assert!(!pull.covers(&Scope::repository("a", &["pull", "push"])));
        assert!(pull.allows("pull") && !pull.allows("push"));
    }

    #[test]
    fn invalid() {
        for s in [
            "",
            "repository",
            "repository:a",
            ":a:pull",
            "repository::pull",
        ] {
            assert_eq!(Scope::parse(s), None, "{s}");
        }
    }
}
