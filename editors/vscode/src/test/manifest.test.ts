// package.json, its translations and the code agree with each other.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";

import { SEVERITIES, toServerSettings } from "../settings";

const root = path.join(__dirname, "..", "..");
const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
const nls = JSON.parse(fs.readFileSync(path.join(root, "package.nls.json"), "utf8"));
const nlsZh = JSON.parse(fs.readFileSync(path.join(root, "package.nls.zh-cn.json"), "utf8"));

test("every setting the mapping reads is declared in package.json", () => {
  const read: string[] = [];
  toServerSettings((key) => {
    read.push(key);
    return undefined;
  });
  const declared = Object.keys(manifest.contributes.configuration.properties);
  for (const key of read) {
    assert.ok(declared.includes(`gwlint.${key}`), `gwlint.${key} is not declared`);
  }
  assert.deepEqual(
    manifest.contributes.configuration.properties["gwlint.severity"].additionalProperties.enum,
    [...SEVERITIES],
  );
  assert.ok(declared.includes("gwlint.path") && declared.includes("gwlint.trace.server"));
});

test("every %placeholder% has an English and a Chinese text", () => {
  const keys = [...JSON.stringify(manifest).matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]);
  assert.ok(keys.length >= 10);
  for (const key of keys) {
    assert.equal(typeof nls[key], "string", `package.nls.json lacks ${key}`);
    assert.equal(typeof nlsZh[key], "string", `package.nls.zh-cn.json lacks ${key}`);
  }
  assert.deepEqual(Object.keys(nls).sort(), Object.keys(nlsZh).sort());
});

test("the three commands are contributed and implemented", () => {
  const commands = manifest.contributes.commands.map((c: { command: string }) => c.command);
  assert.deepEqual(commands.sort(), ["gwlint.checkWorkspace", "gwlint.restartServer", "gwlint.showOutput"]);
  const source = fs.readFileSync(path.join(root, "src", "extension.ts"), "utf8");
  for (const c of commands) {
    assert.ok(source.includes(`registerCommand("${c}"`), `${c} has no handler`);
  }
});

test("tomlValidation points at the schemas shipped in the extension", () => {
  for (const entry of manifest.contributes.tomlValidation) {
    const file = path.join(root, entry.url);
    assert.ok(fs.existsSync(file), `${entry.url} missing (npm run copy-schemas)`);
    const shipped = fs.readFileSync(file, "utf8");
    const generated = fs.readFileSync(path.join(root, "..", "schema", path.basename(file)), "utf8");
    assert.equal(shipped, generated, `${entry.url} differs from editors/schema`);
  }
});
