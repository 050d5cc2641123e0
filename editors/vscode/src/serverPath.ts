// Finding the `gwlint` executable: `gwlint.path` when set, else PATH, else the
// place `cargo install` puts it. Pure apart from the injected file test.

import * as path from "path";

/** Environment variables (`PATH`, `HOME`, `USERPROFILE`, `PATHEXT` are read). */
export type Environment = Record<string, string | undefined>;

export interface Resolved {
  /** The executable to start, when one was found. */
  path?: string;
  /** Every place looked at, for the "not found" message. */
  tried: string[];
}

function expand(p: string, env: Environment, workspaceFolder: string | undefined): string {
  let out = p.trim();
  const home = env.HOME ?? env.USERPROFILE;
  if (home && (out === "~" || out.startsWith("~/") || out.startsWith("~\\"))) {
    out = path.join(home, out.slice(1));
  }
  if (workspaceFolder) {
    out = out.split("${workspaceFolder}").join(workspaceFolder);
  }
  if (!path.isAbsolute(out) && /[\\/]/.test(out) && workspaceFolder) {
    out = path.join(workspaceFolder, out);
  }
  return out;
}

export function resolveServerPath(
  configured: string | undefined,
  env: Environment,
  platform: string,
  isExecutable: (file: string) => boolean,
  workspaceFolder?: string,
): Resolved {
  const tried: string[] = [];
  const exe = platform === "win32" ? "gwlint.exe" : "gwlint";
  const check = (candidate: string): string | undefined => {
    tried.push(candidate);
    return isExecutable(candidate) ? candidate : undefined;
  };
  if (configured && configured.trim() !== "") {
    const expanded = expand(configured, env, workspaceFolder);
    if (path.isAbsolute(expanded) || /[\\/]/.test(expanded)) {
      return { path: check(expanded), tried };
    }
    // A bare name such as "gwlint-nightly": look it up on PATH below.
    return lookOnPath(expanded, env, platform, check, tried);
  }
  const onPath = lookOnPath(exe, env, platform, check, tried);
  if (onPath.path) {
    return onPath;
  }
  const home = env.HOME ?? env.USERPROFILE;
  if (home) {
    const cargo = check(path.join(home, ".cargo", "bin", exe));
    if (cargo) {
      return { path: cargo, tried };
    }
  }
  return { tried };
}

function lookOnPath(
  name: string,
  env: Environment,
  platform: string,
  check: (candidate: string) => string | undefined,
  tried: string[],
): Resolved {
  const sep = platform === "win32" ? ";" : ":";
  const dirs = (env.PATH ?? "").split(sep).filter((d) => d !== "");
  const names =
    platform === "win32" && path.extname(name) === ""
      ? (env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";").map((ext) => name + ext.toLowerCase())
      : [name];
  for (const dir of dirs) {
    for (const n of names) {
      const found = check(path.join(dir, n));
      if (found) {
        return { path: found, tried };
      }
    }
  }
  return { tried };
}
