// The generated JSON Schemas accept what gwlint accepts (the built-in packs, the
// README's config) and reject what it rejects, as a real validator sees them.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";

import Ajv from "ajv";
import { parse } from "smol-toml";

const repo = path.join(__dirname, "..", "..", "..", "..");
const load = (name: string) => JSON.parse(fs.readFileSync(path.join(repo, "editors", "schema", name), "utf8"));
const ajv = new Ajv({ allErrors: true, strict: true, formats: { uint64: true } });
const validateConfig = ajv.compile(load("gwlint-config.schema.json"));
const validatePack = ajv.compile(load("gwlint-rule-pack.schema.json"));

test("every built-in rule pack validates", () => {
  const dir = path.join(repo, "rules");
  const packs = fs.readdirSync(dir).filter((f) => f.endsWith(".toml"));
  assert.ok(packs.length > 0);
  for (const name of packs) {
    const doc = parse(fs.readFileSync(path.join(dir, name), "utf8"));
    assert.ok(validatePack(doc), `${name}: ${ajv.errorsText(validatePack.errors)}`);
  }
});

test("the README's example config validates", () => {
  const readme = fs.readFileSync(path.join(repo, "README.md"), "utf8");
  const block = readme.split("## Configuration: `.gwlint.toml`")[1].split("```toml")[1].split("```")[0];
  const doc = parse(block);
  assert.ok(validateConfig(doc), ajv.errorsText(validateConfig.errors));
  assert.deepEqual(doc.disable, ["placeholder.circle"]);
});

test("mistakes gwlint rejects are rejected by the schema too", () => {
  assert.equal(validateConfig(parse('disabled = ["typo"]')), false);
  assert.equal(validateConfig(parse('[severity]\ntypo = "loud"')), false);
  assert.equal(validateConfig(parse("[lsp]\ndebounce_ms = -1")), false);
  const rule = (extra: string) =>
    parse(`[[rule]]\nid = "ours.x"\nkind = "dictionary"\nseverity = "error"\nsummary = "s"\nmessage = "m"\n${extra}`);
  assert.ok(validatePack(rule('[rule.entries]\n"县城管局" = ["县城市管理局", "县城管理局"]')), ajv.errorsText(validatePack.errors));
  assert.equal(validatePack(rule("colour = 1")), false);
  assert.equal(validatePack(rule('examples.ugly = ["x"]')), false);
  assert.equal(validatePack(parse('[[rule]]\nid = "Ours"\nkind = "pattern"\nseverity = "error"\nsummary = "s"\nmessage = "m"')), false);
  assert.equal(validatePack(parse('[[rule]]\nid = "a"\nkind = "regex"\nseverity = "error"\nsummary = "s"\nmessage = "m"')), false);
  assert.equal(validatePack(parse('[[rule]]\nid = "a"\nkind = "pattern"\nseverity = "error"\nmessage = "m"')), false);
});
