//! The rule packs compiled into the binary, from the repository's `rules/` folder.

/// `(file name, TOML text)` of every built-in pack, in load order.
pub const BUILTIN_PACKS: &[(&str, &str)] = &[
    ("typos.toml", include_str!("../rules/typos.toml")),
    (
        "placeholders.toml",
        include_str!("../rules/placeholders.toml"),
    ),
    ("lexicon.toml", include_str!("../rules/lexicon.toml")),
    ("usage.toml", include_str!("../rules/usage.toml")),
];
