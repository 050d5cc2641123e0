// Pure mapping from the extension's settings (`gwlint.*`) to what `gwlint lsp`
// and `gwlint check` accept. No `vscode` import, so node's test runner covers it.

export const SEVERITIES = ["error", "warning", "info", "hint"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The settings object `gwlint lsp` reads (src/lsp/settings.rs, camelCase). */
export interface ServerSettings {
  disable: string[];
  enable: string[];
  severity: Record<string, Severity>;
  allow: string[];
  debounceMs?: number;
  languages: string[];
  docsUrl?: string;
}

/** Reads one setting below `gwlint.`, e.g. `get("disable")`. */
export type Getter = (key: string) => unknown;

export interface Mapped {
  settings: ServerSettings;
  /** Settings that were ignored, in words a user can act on. */
  problems: string[];
}

/** Languages the server checks without being told. */
export const BUILTIN_LANGUAGES = ["plaintext", "markdown"];

function stringList(get: Getter, key: string, problems: string[]): string[] {
  const raw = get(key);
  if (raw === undefined || raw === null) {
    return [];
  }
  if (!Array.isArray(raw)) {
    problems.push(`gwlint.${key} 应为字符串列表，已忽略`);
    return [];
  }
  const out: string[] = [];
  for (const item of raw) {
    if (typeof item !== "string") {
      problems.push(`gwlint.${key} 中的 ${JSON.stringify(item)} 不是字符串，已忽略`);
      continue;
    }
    const trimmed = item.trim();
    if (trimmed !== "" && !out.includes(trimmed)) {
      out.push(trimmed);
    }
  }
  return out;
}

/** Maps `gwlint.*` settings to the server's settings object. */
export function toServerSettings(get: Getter): Mapped {
  const problems: string[] = [];
  const settings: ServerSettings = {
    disable: stringList(get, "disable", problems),
    enable: stringList(get, "enable", problems),
    severity: {},
    allow: stringList(get, "allow", problems),
    languages: stringList(get, "languages", problems).filter(
      (l) => !BUILTIN_LANGUAGES.includes(l),
    ),
  };
  const severity = get("severity");
  if (severity !== undefined && severity !== null) {
    if (typeof severity !== "object" || Array.isArray(severity)) {
      problems.push("gwlint.severity 应为 { 规则: 级别 } 对象，已忽略");
    } else {
      for (const [selector, level] of Object.entries(severity as Record<string, unknown>)) {
        const key = selector.trim();
        if (key === "") {
          continue;
        }
        if (typeof level === "string" && (SEVERITIES as readonly string[]).includes(level)) {
          settings.severity[key] = level as Severity;
        } else {
          problems.push(
            `gwlint.severity["${key}"] 的级别 ${JSON.stringify(level)} 无效（应为 error、warning、info 或 hint），已忽略`,
          );
        }
      }
    }
  }
  const debounce = get("debounceMs");
  if (debounce !== undefined && debounce !== null) {
    if (typeof debounce === "number" && Number.isFinite(debounce) && debounce >= 0) {
      settings.debounceMs = Math.round(debounce);
    } else {
      problems.push(`gwlint.debounceMs 应为非负整数（毫秒），已忽略 ${JSON.stringify(debounce)}`);
    }
  }
  const docsUrl = get("docsUrl");
  if (docsUrl !== undefined && docsUrl !== null && docsUrl !== "") {
    if (typeof docsUrl === "string" && /^(https?|file):\/\/\S+$/.test(docsUrl.trim())) {
      settings.docsUrl = docsUrl.trim();
    } else {
      problems.push(
        `gwlint.docsUrl 应为以 https://、http:// 或 file:// 开头的网址（可含 {id}），已忽略 ${JSON.stringify(docsUrl)}`,
      );
    }
  }
  return { settings, problems };
}

/** The `workspace/didChangeConfiguration` payload for the server. */
export function configurationPayload(settings: ServerSettings): { settings: { gwlint: ServerSettings } } {
  return { settings: { gwlint: settings } };
}

export interface DocumentFilter {
  language?: string;
  scheme?: string;
  pattern?: string;
}

/** Which documents the client sends to the server. */
export function documentSelector(settings: ServerSettings, filePatterns: string[]): DocumentFilter[] {
  const selector: DocumentFilter[] = [];
  for (const language of [...BUILTIN_LANGUAGES, ...settings.languages]) {
    for (const scheme of ["file", "untitled"]) {
      selector.push({ language, scheme });
    }
  }
  // `.gwlint.toml` and rule packs: the server reports their problems itself.
  selector.push({ language: "toml", scheme: "file" });
  for (const pattern of filePatterns) {
    selector.push({ scheme: "file", pattern });
  }
  return selector;
}

/**
 * The language id to send for a document. A document that reached the server
 * only through `gwlint.filePatterns` (an `.html`, `.rst`, …) is sent as plain
 * text so the server checks it; languages it knows are sent as they are.
 */
export function effectiveLanguageId(languageId: string, settings: ServerSettings): string {
  if (BUILTIN_LANGUAGES.includes(languageId) || settings.languages.includes(languageId) || languageId === "toml") {
    return languageId;
  }
  return "plaintext";
}

/** Arguments of `gwlint check` that apply the same settings to a whole workspace. */
export function checkArgs(settings: ServerSettings, paths: string[]): string[] {
  const args = ["check", "--format", "json", "--fail-on", "never"];
  for (const id of settings.disable) {
    args.push("--disable", id);
  }
  for (const id of settings.enable) {
    args.push("--enable", id);
  }
  for (const word of settings.allow) {
    args.push("--allow", word);
  }
  for (const [selector, level] of Object.entries(settings.severity)) {
    args.push("--severity", `${selector}=${level}`);
  }
  args.push("--", ...paths);
  return args;
}

/** Schema associations for Even Better TOML (`evenBetterToml.schema.associations`). */
export const SCHEMA_KEYS = {
  config: "^.*/\\.gwlint\\.toml$",
  pack: "^.*\\.gwlint-rules\\.toml$",
};

/**
 * The associations with ours pointing at this install's schema files, or
 * `undefined` when they already do (so settings are written only on change).
 */
export function schemaAssociations(
  existing: Record<string, string> | undefined,
  configSchemaUri: string,
  packSchemaUri: string,
): Record<string, string> | undefined {
  const current = { ...(existing ?? {}) };
  if (current[SCHEMA_KEYS.config] === configSchemaUri && current[SCHEMA_KEYS.pack] === packSchemaUri) {
    return undefined;
  }
  current[SCHEMA_KEYS.config] = configSchemaUri;
  current[SCHEMA_KEYS.pack] = packSchemaUri;
  return current;
}
