import assert from "node:assert/strict";
import * as path from "node:path";
import { test } from "node:test";

import { resolveServerPath } from "../serverPath";

const only = (...files: string[]) => (f: string) => files.includes(f);

test("gwlint on PATH is found first", () => {
  const r = resolveServerPath("", { PATH: "/usr/bin:/opt/gw/bin", HOME: "/home/u" }, "linux", only("/opt/gw/bin/gwlint", "/home/u/.cargo/bin/gwlint"));
  assert.equal(r.path, "/opt/gw/bin/gwlint");
});

test("cargo's bin folder is the fallback", () => {
  const r = resolveServerPath(undefined, { PATH: "/usr/bin", HOME: "/home/u" }, "linux", only("/home/u/.cargo/bin/gwlint"));
  assert.equal(r.path, "/home/u/.cargo/bin/gwlint");
});

test("a configured path is used as given, with ~ and ${workspaceFolder} expanded", () => {
  assert.equal(resolveServerPath("~/bin/gwlint", { HOME: "/home/u" }, "linux", only("/home/u/bin/gwlint")).path, "/home/u/bin/gwlint");
  assert.equal(
    resolveServerPath("${workspaceFolder}/target/debug/gwlint", {}, "linux", only("/w/target/debug/gwlint"), "/w").path,
    "/w/target/debug/gwlint",
  );
  assert.equal(resolveServerPath("target/release/gwlint", {}, "linux", only("/w/target/release/gwlint"), "/w").path, "/w/target/release/gwlint");
  // A bare name is looked up on PATH.
  assert.equal(resolveServerPath("gwlint-dev", { PATH: "/x" }, "linux", only("/x/gwlint-dev")).path, "/x/gwlint-dev");
});

test("a configured path that does not exist is not silently replaced", () => {
  const r = resolveServerPath("/nope/gwlint", { PATH: "/usr/bin" }, "linux", only("/usr/bin/gwlint"));
  assert.equal(r.path, undefined);
  assert.deepEqual(r.tried, ["/nope/gwlint"]);
});

test("not found: every place looked at is listed for the message", () => {
  const r = resolveServerPath("", { PATH: "/a:/b", HOME: "/h" }, "linux", only());
  assert.equal(r.path, undefined);
  assert.deepEqual(r.tried, ["/a/gwlint", "/b/gwlint", "/h/.cargo/bin/gwlint"]);
});

test("Windows looks for gwlint.exe with PATHEXT", () => {
  const exe = path.join("C:\\tools", "gwlint.exe");
  const r = resolveServerPath("", { PATH: "C:\\tools", PATHEXT: ".EXE;.CMD" }, "win32", only(exe));
  assert.equal(r.path, exe);
});
