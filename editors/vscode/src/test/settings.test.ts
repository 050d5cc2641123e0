import assert from "node:assert/strict";
import { test } from "node:test";

import {
  checkArgs,
  configurationPayload,
  documentSelector,
  effectiveLanguageId,
  schemaAssociations,
  SCHEMA_KEYS,
  toServerSettings,
} from "../settings";

const getter = (values: Record<string, unknown>) => (key: string) => values[key];

test("defaults map to an empty settings object the server accepts", () => {
  const { settings, problems } = toServerSettings(getter({ path: "", disable: [], severity: {}, debounceMs: null }));
  assert.deepEqual(settings, { disable: [], enable: [], severity: {}, allow: [], languages: [] });
  assert.deepEqual(problems, []);
  // No debounce key at all: the server then uses .gwlint.toml or its default.
  assert.equal("debounceMs" in settings, false);
});

test("lists are trimmed and deduplicated; the server's camelCase keys are used", () => {
  const { settings } = toServerSettings(
    getter({
      disable: [" placeholder.star ", "placeholder.star", ""],
      enable: ["typo"],
      allow: ["登陆", "登陆"],
      debounceMs: 40.4,
      languages: ["markdown", "restructuredtext"],
      severity: { placeholder: "warning", " typo ": "hint" },
    }),
  );
  assert.deepEqual(settings, {
    disable: ["placeholder.star"],
    enable: ["typo"],
    severity: { placeholder: "warning", typo: "hint" },
    allow: ["登陆"],
    debounceMs: 40,
    languages: ["restructuredtext"],
  });
  assert.deepEqual(configurationPayload(settings), { settings: { gwlint: settings } });
});

test("invalid values are dropped and reported, never sent", () => {
  const { settings, problems } = toServerSettings(
    getter({
      disable: "typo",
      allow: ["ok", 3],
      severity: { typo: "fatal", placeholder: "error" },
      debounceMs: -5,
    }),
  );
  assert.deepEqual(settings.disable, []);
  assert.deepEqual(settings.allow, ["ok"]);
  assert.deepEqual(settings.severity, { placeholder: "error" });
  assert.equal(settings.debounceMs, undefined);
  assert.equal(problems.length, 4, problems.join("\n"));
  assert.ok(problems.some((p) => p.includes("fatal")));
  const arraySeverity = toServerSettings(getter({ severity: ["error"] }));
  assert.deepEqual(arraySeverity.settings.severity, {});
  assert.equal(arraySeverity.problems.length, 1);
});

test("a docs URL template is passed on when it is a URL", () => {
  const ok = toServerSettings(getter({ docsUrl: " https://wiki.example.org/gwlint/{id} " }));
  assert.equal(ok.settings.docsUrl, "https://wiki.example.org/gwlint/{id}");
  assert.equal(ok.problems.length, 0);
  const bad = toServerSettings(getter({ docsUrl: "wiki/{id}" }));
  assert.equal(bad.settings.docsUrl, undefined);
  assert.equal(bad.problems.length, 1);
  assert.ok(bad.problems[0].includes("docsUrl"));
  assert.equal("docsUrl" in toServerSettings(getter({ docsUrl: "" })).settings, false);
});

test("the selector covers text, markdown, extra languages, toml rule files and patterns", () => {
  const { settings } = toServerSettings(getter({ languages: ["latex"] }));
  const selector = documentSelector(settings, ["**/*.html"]);
  for (const language of ["plaintext", "markdown", "latex"]) {
    assert.ok(selector.some((f) => f.language === language && f.scheme === "file"), language);
    assert.ok(selector.some((f) => f.language === language && f.scheme === "untitled"), language);
  }
  assert.ok(selector.some((f) => f.language === "toml" && f.scheme === "file"));
  assert.ok(selector.some((f) => f.pattern === "**/*.html" && f.scheme === "file"));
  // Every filter names a language or a scheme, as the protocol requires.
  assert.ok(selector.every((f) => f.language !== undefined || f.scheme !== undefined));
});

test("documents selected by pattern are sent as plain text", () => {
  const { settings } = toServerSettings(getter({ languages: ["latex"] }));
  assert.equal(effectiveLanguageId("html", settings), "plaintext");
  assert.equal(effectiveLanguageId("markdown", settings), "markdown");
  assert.equal(effectiveLanguageId("latex", settings), "latex");
  assert.equal(effectiveLanguageId("toml", settings), "toml");
});

test("the workspace check passes the same settings to gwlint check", () => {
  const { settings } = toServerSettings(
    getter({ disable: ["typo"], enable: ["x.y"], allow: ["某某"], severity: { placeholder: "hint" } }),
  );
  assert.deepEqual(checkArgs(settings, ["."]), [
    "check",
    "--format",
    "json",
    "--fail-on",
    "never",
    "--disable",
    "typo",
    "--enable",
    "x.y",
    "--allow",
    "某某",
    "--severity",
    "placeholder=hint",
    "--",
    ".",
  ]);
});

test("schema associations are written once and refreshed when the install moves", () => {
  const a = "file:///ext/gwlint-0.1.0/schemas/gwlint-config.schema.json";
  const b = "file:///ext/gwlint-0.1.0/schemas/gwlint-rule-pack.schema.json";
  const first = schemaAssociations({ "other\\.toml$": "https://x/y.json" }, a, b);
  assert.deepEqual(first, { "other\\.toml$": "https://x/y.json", [SCHEMA_KEYS.config]: a, [SCHEMA_KEYS.pack]: b });
  assert.equal(schemaAssociations(first, a, b), undefined);
  const moved = schemaAssociations(first, a.replace("0.1.0", "0.2.0"), b.replace("0.1.0", "0.2.0"));
  assert.equal(moved?.[SCHEMA_KEYS.config], a.replace("0.1.0", "0.2.0"));
  assert.equal(moved?.["other\\.toml$"], "https://x/y.json");
  // The keys are regexes over document URIs.
  assert.match("file:///p/.gwlint.toml", new RegExp(SCHEMA_KEYS.config));
  assert.doesNotMatch("file:///p/x.gwlint.toml", new RegExp(SCHEMA_KEYS.config));
  assert.match("file:///p/rules/ours.gwlint-rules.toml", new RegExp(SCHEMA_KEYS.pack));
});
