// The VS Code side of gwlint: starts `gwlint lsp`, keeps its settings in sync,
// and checks whole workspaces with `gwlint check`.

import * as cp from "child_process";
import * as fs from "fs";
import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

import { checkArgs, configurationPayload, documentSelector, effectiveLanguageId, schemaAssociations, ServerSettings, toServerSettings } from "./settings";
import { resolveServerPath } from "./serverPath";
import { byFile, decoderLabel, findingRange, JsonFinding, parseFindings, splitLines } from "./workspaceCheck";

const INSTALL_DOCS = "README.md";

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let workspaceDiagnostics: vscode.DiagnosticCollection;
let currentSettings: ServerSettings | undefined;

function readSettings(): { settings: ServerSettings; filePatterns: string[] } {
  const config = vscode.workspace.getConfiguration("gwlint");
  const { settings, problems } = toServerSettings((key) => config.get(key));
  for (const p of problems) {
    output.appendLine(`[settings] ${p}`);
  }
  const patterns = config.get<unknown>("filePatterns");
  const filePatterns = Array.isArray(patterns) ? patterns.filter((p): p is string => typeof p === "string" && p.trim() !== "") : [];
  return { settings, filePatterns };
}

function isExecutable(file: string): boolean {
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) {
      return false;
    }
    if (process.platform !== "win32") {
      fs.accessSync(file, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

function serverPath(context: vscode.ExtensionContext): string | undefined {
  const configured = vscode.workspace.getConfiguration("gwlint").get<string>("path");
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const resolved = resolveServerPath(configured, process.env, process.platform, isExecutable, folder);
  if (resolved.path) {
    return resolved.path;
  }
  output.appendLine(`找不到 gwlint 可执行文件。查找过：\n  ${resolved.tried.join("\n  ")}`);
  const what = configured && configured.trim() !== "" ? `gwlint.path 指向的 “${configured}” 不存在或不可执行` : "在 PATH 中找不到 gwlint";
  void vscode.window
    .showErrorMessage(`gwlint：${what}。请先安装 gwlint（cargo install --path .），或在设置 gwlint.path 中填写它的完整路径。`, "安装说明", "打开设置", "查看日志")
    .then((choice) => {
      if (choice === "安装说明") {
        void vscode.commands.executeCommand("markdown.showPreview", vscode.Uri.joinPath(context.extensionUri, INSTALL_DOCS));
      } else if (choice === "打开设置") {
        void vscode.commands.executeCommand("workbench.action.openSettings", "gwlint.path");
      } else if (choice === "查看日志") {
        output.show();
      }
    });
  return undefined;
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  const command = serverPath(context);
  if (!command) {
    return;
  }
  const { settings, filePatterns } = readSettings();
  currentSettings = settings;
  const serverOptions: ServerOptions = {
    command,
    args: ["lsp"],
    transport: TransportKind.stdio,
  };
  const clientOptions: LanguageClientOptions = {
    // Each filter names a language, a scheme or both, as the protocol requires.
    documentSelector: documentSelector(settings, filePatterns) as LanguageClientOptions["documentSelector"],
    initializationOptions: settings,
    outputChannel: output,
    middleware: {
      didOpen: (document, next) => {
        const languageId = effectiveLanguageId(document.languageId, currentSettings ?? settings);
        if (languageId === document.languageId) {
          return next(document);
        }
        // Sent as plain text: only the language id differs.
        const proxy = new Proxy(document, {
          get: (target, prop, receiver) => (prop === "languageId" ? languageId : Reflect.get(target, prop, receiver)),
        });
        return next(proxy);
      },
    },
  };
  client = new LanguageClient("gwlint", "gwlint", serverOptions, clientOptions);
  try {
    await client.start();
    output.appendLine(`gwlint 语言服务器已启动：${command} lsp`);
  } catch (e) {
    output.appendLine(`gwlint 语言服务器启动失败：${e}`);
    void vscode.window.showErrorMessage(`gwlint 语言服务器启动失败：${e}`, "查看日志").then((c) => c && output.show());
    client = undefined;
  }
}

async function stopClient(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) {
    try {
      await c.stop();
    } catch (e) {
      output.appendLine(`停止语言服务器时出错：${e}`);
    }
  }
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  await stopClient();
  await startClient(context);
}

/** Sends changed settings to the running server; a new path or selector needs a restart. */
async function onConfigurationChanged(context: vscode.ExtensionContext, e: vscode.ConfigurationChangeEvent): Promise<void> {
  if (!e.affectsConfiguration("gwlint")) {
    return;
  }
  if (
    e.affectsConfiguration("gwlint.path") ||
    e.affectsConfiguration("gwlint.languages") ||
    e.affectsConfiguration("gwlint.filePatterns") ||
    !client
  ) {
    await restart(context);
    return;
  }
  const { settings } = readSettings();
  currentSettings = settings;
  await client.sendNotification(DidChangeConfigurationNotification.type, configurationPayload(settings));
}

function toDiagnostic(f: JsonFinding, lines: string[]): vscode.Diagnostic {
  const r = findingRange(f, lines);
  const range = new vscode.Range(r.startLine, r.startCharacter, r.endLine, r.endCharacter);
  const severity =
    f.severity === "error"
      ? vscode.DiagnosticSeverity.Error
      : f.severity === "warning"
        ? vscode.DiagnosticSeverity.Warning
        : f.severity === "info"
          ? vscode.DiagnosticSeverity.Information
          : vscode.DiagnosticSeverity.Hint;
  const d = new vscode.Diagnostic(range, f.message, severity);
  d.source = "gwlint";
  d.code = f.rule;
  return d;
}

function runCheck(command: string, args: string[], cwd: string, token: vscode.CancellationToken): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = cp.spawn(command, args, { cwd });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ stdout, stderr, code }));
    token.onCancellationRequested(() => child.kill());
  });
}

/** Checks every file of every workspace folder and fills the Problems panel. */
async function checkWorkspace(context: vscode.ExtensionContext): Promise<void> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    void vscode.window.showInformationMessage("gwlint：请先打开一个文件夹或工作区。");
    return;
  }
  const command = serverPath(context);
  if (!command) {
    return;
  }
  const { settings } = readSettings();
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: "gwlint：正在检查整个工作区…", cancellable: true },
    async (_progress, token) => {
      workspaceDiagnostics.clear();
      let files = 0;
      let total = 0;
      for (const folder of folders) {
        const args = checkArgs(settings, ["."]);
        output.appendLine(`[check] ${folder.uri.fsPath}$ ${command} ${args.join(" ")}`);
        let result;
        try {
          result = await runCheck(command, args, folder.uri.fsPath, token);
        } catch (e) {
          void vscode.window.showErrorMessage(`gwlint check 无法运行：${e}`);
          return;
        }
        if (token.isCancellationRequested) {
          return;
        }
        if (result.stderr.trim() !== "") {
          output.appendLine(result.stderr.trimEnd());
        }
        if (result.code === 2 && result.stdout.trim() === "") {
          void vscode.window.showErrorMessage("gwlint check 报告了错误（配置无效或文件无法读取），详见输出面板。", "查看日志").then((c) => c && output.show());
        }
        const { findings, bad } = parseFindings(result.stdout);
        for (const line of bad) {
          output.appendLine(`[check] 无法解析的输出：${line}`);
        }
        const open = new Set(vscode.workspace.textDocuments.map((d) => d.uri.toString()));
        for (const [file, list] of byFile(findings)) {
          const uri = vscode.Uri.joinPath(folder.uri, file);
          total += list.length;
          files += 1;
          // Open documents are already checked live by the language server.
          if (open.has(uri.toString()) && client) {
            continue;
          }
          let lines: string[] = [];
          try {
            const bytes = await vscode.workspace.fs.readFile(uri);
            lines = splitLines(new TextDecoder(decoderLabel(list[0].encoding)).decode(bytes));
          } catch {
            // Ranges then fall back to code-point columns, which is right for BMP text.
          }
          workspaceDiagnostics.set(
            uri,
            list.map((f) => toDiagnostic(f, lines)),
          );
        }
      }
      void vscode.window.showInformationMessage(`gwlint：在 ${files} 个文件中发现 ${total} 处问题。`);
    },
  );
}

async function registerTomlSchemas(context: vscode.ExtensionContext): Promise<void> {
  if (!vscode.workspace.getConfiguration("gwlint").get<boolean>("registerTomlSchemas", true)) {
    return;
  }
  if (!vscode.extensions.getExtension("tamasfe.even-better-toml")) {
    return;
  }
  const config = vscode.workspace.getConfiguration("evenBetterToml");
  const existing = config.inspect<Record<string, string>>("schema.associations")?.globalValue;
  const updated = schemaAssociations(
    existing,
    vscode.Uri.joinPath(context.extensionUri, "schemas", "gwlint-config.schema.json").toString(),
    vscode.Uri.joinPath(context.extensionUri, "schemas", "gwlint-rule-pack.schema.json").toString(),
  );
  if (updated) {
    await config.update("schema.associations", updated, vscode.ConfigurationTarget.Global);
    output.appendLine("已为 Even Better TOML 关联 .gwlint.toml 与 *.gwlint-rules.toml 的 JSON Schema。");
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("gwlint");
  workspaceDiagnostics = vscode.languages.createDiagnosticCollection("gwlint-workspace");
  context.subscriptions.push(
    output,
    workspaceDiagnostics,
    vscode.commands.registerCommand("gwlint.restartServer", () => restart(context)),
    vscode.commands.registerCommand("gwlint.checkWorkspace", () => checkWorkspace(context)),
    vscode.commands.registerCommand("gwlint.showOutput", () => output.show()),
    vscode.workspace.onDidChangeConfiguration((e) => onConfigurationChanged(context, e)),
    // Once a file is open the server's live diagnostics replace the workspace check's.
    vscode.workspace.onDidOpenTextDocument((doc) => {
      if (client) {
        workspaceDiagnostics.delete(doc.uri);
      }
    }),
  );
  registerTomlSchemas(context).catch((e) => output.appendLine(`无法关联 TOML Schema：${e}`));
  await startClient(context);
}

export async function deactivate(): Promise<void> {
  await stopClient();
}
