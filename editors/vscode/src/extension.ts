// The VS Code side of flakelint: starts `flakelint lsp` for Nix files and flake.lock, and
// passes the `flakelint.*` settings to it (at start and whenever they change).

import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;

function settings(): object {
  const config = vscode.workspace.getConfiguration("flakelint");
  return {
    rules: config.get<object>("rules", {}),
    jetpack: { source: config.get<string | null>("jetpack.source", null) },
  };
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const command = vscode.workspace
    .getConfiguration("flakelint")
    .get<string>("path", "flakelint");
  const serverOptions: ServerOptions = { command, args: ["lsp"] };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "nix" },
      { scheme: "file", pattern: "**/flake.lock" },
    ],
    initializationOptions: settings(),
  };
  client = new LanguageClient("flakelint", "flakelint", serverOptions, clientOptions);
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("flakelint") && client) {
        void client.sendNotification("workspace/didChangeConfiguration", {
          settings: settings(),
        });
      }
    }),
  );
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
