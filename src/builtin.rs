//! The rule packs compiled into the binary, from the repository's `rules/` folder.

/// `(file name, TOML text)` of every built-in pack, in load order.
pub const BUILTIN_PACKS: &[(&str, &str)] = &[
    ("typos.toml", include_str!("../rules/typos.toml")),
    (
        "placeholders.toml",
        include_str!("../rules/placeholders.toml"),
    ),
    ("duplicates.toml", include_str!("../rules/duplicates.toml")),
    (
        "punctuation.toml",
        include_str!("../rules/punctuation.toml"),
    ),
    ("residue.toml", include_str!("../rules/residue.toml")),
    ("linebreak.toml", include_str!("../rules/linebreak.toml")),
    ("numbers.toml", include_str!("../rules/numbers.toml")),
    ("variants.toml", include_str!("../rules/variants.toml")),
    ("outline.toml", include_str!("../rules/outline.toml")),
    ("lexicon.toml", include_str!("../rules/lexicon.toml")),
    ("usage.toml", include_str!("../rules/usage.toml")),
];
