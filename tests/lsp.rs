//! End-to-end tests of `flakelint lsp`: the real binary driven over stdio by a small JSON-RPC
//! client written here, on copies of `test-data/` in temporary directories; a seeded torture
//! test of random edits and requests; and a headless Neovim session (`tests/nvim/`).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use serde_json::{json, Value};

#[path = "support/git.rs"]
mod git_support;
use git_support::git;

#[path = "support/lsp_client.rs"]
mod lsp_client;
use lsp_client::{copy_dir, repo_root, uri, Client, TIMEOUT};

/// A copy of `test-data/example` (a jetpack configuration with deliberate findings).
fn example() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = fs::canonicalize(tmp.path()).unwrap().join("example");
    copy_dir(&repo_root().join("test-data/example"), &dir);
    (tmp, dir)
}

fn codes(diagnostics: &[Value]) -> Vec<String> {
    let mut codes: Vec<String> = diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("").to_string())
        .collect();
    codes.sort();
    codes
}

fn has_code(code: &str) -> impl Fn(&[Value]) -> bool + '_ {
    move |d: &[Value]| d.iter().any(|d| d["code"] == code)
}

fn find<'a>(diagnostics: &'a [Value], code: &str) -> &'a Value {
    diagnostics
        .iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {diagnostics:#?}"))
}

fn pos(line: u32, character: u32) -> Value {
    json!({"line": line, "character": character})
}

fn range(l1: u32, c1: u32, l2: u32, c2: u32) -> Value {
    json!({"start": pos(l1, c1), "end": pos(l2, c2)})
}

fn change(uri_: &str, version: i32, changes: Value) -> Value {
    json!({"textDocument": {"uri": uri_, "version": version}, "contentChanges": changes})
}

fn labels(completion: &Value) -> Vec<String> {
    let items = completion
        .get("items")
        .unwrap_or(completion)
        .as_array()
        .cloned()
        .unwrap_or_default();
    items
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn diagnostics_and_quick_fixes_over_utf16() {
    let (_tmp, dir) = example();
    let mut client = Client::start();
    let init = client.initialize(&dir, json!({}), Value::Null);
    let caps = &init["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental sync");
    assert_eq!(
        caps["completionProvider"]["triggerCharacters"],
        json!([".", "\"", "=", " "])
    );
    for capability in [
        "hoverProvider",
        "definitionProvider",
        "codeActionProvider",
        "documentSymbolProvider",
        "inlayHintProvider",
    ] {
        assert!(!caps[capability].is_null(), "{capability}: {caps:#}");
    }

    let flake = dir.join("flake.nix");
    client.open(&flake, &fs::read_to_string(&flake).unwrap());
    let diagnostics = client.diagnostics_until(&flake, has_code("invalid-system"));
    assert_eq!(
        codes(&diagnostics),
        ["deprecated-output", "invalid-system", "missing-follows"]
    );
    for d in &diagnostics {
        assert_eq!(d["source"], "flakelint");
    }
    let invalid = find(&diagnostics, "invalid-system");
    assert_eq!(invalid["range"], range(28, 13, 28, 26));
    assert_eq!(invalid["severity"], 1);
    assert_eq!(find(&diagnostics, "deprecated-output")["severity"], 2);
    assert_eq!(
        find(&diagnostics, "missing-follows")["range"],
        range(7, 4, 7, 11)
    );

    // The quick fix of invalid-system, asked for with the cursor inside the finding.
    let actions = client.ok(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri(&flake)}, "range": range(28, 15, 28, 15),
               "context": {"diagnostics": []}}),
    );
    let actions = actions.as_array().unwrap();
    assert_eq!(actions.len(), 1, "{actions:#?}");
    let action = &actions[0];
    assert_eq!(action["kind"], "quickfix");
    assert_eq!(action["title"], "replace with `aarch64-linux`");
    assert_eq!(action["diagnostics"][0]["code"], "invalid-system");
    assert_eq!(
        action["edit"]["changes"][uri(&flake)],
        json!([{"range": range(28, 13, 28, 26), "newText": "aarch64-linux"}])
    );

    // Asked only for other kinds of action: none.
    let none = client.ok(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri(&flake)}, "range": range(28, 15, 28, 15),
               "context": {"diagnostics": [], "only": ["source.organizeImports"]}}),
    );
    assert_eq!(none, json!([]));

    // The missing-follows fix inserts a line in the inputs.
    let actions = client.ok(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri(&flake)}, "range": range(7, 4, 7, 11),
               "context": {"diagnostics": []}}),
    );
    let edits = &actions[0]["edit"]["changes"][uri(&flake)];
    assert!(
        edits[0]["newText"]
            .as_str()
            .unwrap()
            .contains("jetpack.inputs.nixpkgs.follows = \"nixpkgs\";"),
        "{actions:#}"
    );

    // Applying the fix as the client would: the finding goes away.
    client.notify(
        "textDocument/didChange",
        change(
            &uri(&flake),
            2,
            json!([{"range": range(28, 13, 28, 26), "text": "aarch64-linux"}]),
        ),
    );
    let after = client.diagnostics_until(&flake, |d| !has_code("invalid-system")(d));
    assert_eq!(codes(&after), ["deprecated-output", "missing-follows"]);

    // A file the flake imports: its own diagnostics, with the missing file found on disk.
    let configuration = dir.join("configuration.nix");
    client.open(&configuration, &fs::read_to_string(&configuration).unwrap());
    let found = client.diagnostics_until(&configuration, has_code("missing-file"));
    assert_eq!(find(&found, "missing-file")["range"], range(6, 4, 6, 24));
    // Creating the file and saving: the finding goes.
    fs::write(dir.join("modules/camera.nix"), "{ }\n").unwrap();
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri(&configuration)}}),
    );
    client.diagnostics_until(&configuration, |d| d.is_empty());
    client.shutdown();
}

/// What nil and rust-analyzer users expect of the items themselves: deprecated and unneeded
/// code tagged (struck through, greyed out); completion items in the analysis' order (enum
/// values as declared, not alphabetical), booleans as keywords, plain-text inserts; values
/// offered after a priority (`lib.mkDefault |`) as after `=`.
#[test]
fn diagnostic_tags_and_completion_items_as_editors_expect() {
    let (_tmp, dir) = example();
    let mut client = Client::start();
    client.initialize(&dir, json!({}), Value::Null);
    let flake = dir.join("flake.nix");
    let text = fs::read_to_string(&flake).unwrap();
    // A suppression that silences nothing, on the line before `inputs`.
    let text = text.replacen(
        "  inputs = {",
        "  # flakelint: ignore[invalid-system]\n  inputs = {",
        1,
    );
    client.open(&flake, &text);
    let diagnostics = client.diagnostics_until(&flake, has_code("unused-suppression"));
    assert_eq!(
        find(&diagnostics, "deprecated-output")["tags"],
        json!([2]),
        "deprecated"
    );
    assert_eq!(
        find(&diagnostics, "unused-suppression")["tags"],
        json!([1]),
        "unnecessary"
    );
    assert!(find(&diagnostics, "invalid-system").get("tags").is_none());

    let configuration = dir.join("configuration.nix");
    let text = fs::read_to_string(&configuration).unwrap();
    client.open(&configuration, &text);
    // A module's outline: its settings, by their keys as written.
    let symbols = client.ok(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri(&configuration)}}),
    );
    let names: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names[..3],
        [
            "imports",
            "hardware.nvidia-jetpack.enable",
            "hardware.nvidia-jetpack.som"
        ]
    );
    let som = &symbols[2];
    assert_eq!(som["kind"], 7, "property");
    assert_eq!(som["detail"], "\"orin-agx\"");
    assert_eq!(som["selectionRange"], range(10, 2, 10, 29));
    // Hover over the value: the option it sets, with the value's range.
    let hover = client.ok(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&configuration)}, "position": pos(10, 36)}),
    );
    assert_eq!(hover["range"], range(10, 32, 10, 42));
    let markdown = hover["contents"]["value"].as_str().unwrap();
    assert!(
        markdown.starts_with("**hardware.nvidia-jetpack.som**"),
        "{markdown}"
    );
    let line = text.lines().position(|l| l.contains(".som =")).unwrap() as u32;
    let typed = "  hardware.nvidia-jetpack.som = lib.mkDefault ";
    client.notify(
        "textDocument/didChange",
        change(
            &uri(&configuration),
            2,
            json!([{"range": range(line, 0, line + 1, 0), "text": format!("{typed}\n")}]),
        ),
    );
    let at = pos(line, typed.len() as u32);
    let completion = client.ok(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri(&configuration)}, "position": at}),
    );
    let items = completion.as_array().unwrap();
    assert_eq!(
        labels(&completion)[..4],
        ["generic", "orin-agx", "orin-agx-industrial", "orin-nx"]
    );
    let sort: Vec<&str> = items
        .iter()
        .map(|i| i["sortText"].as_str().unwrap())
        .collect();
    assert!(sort.windows(2).all(|w| w[0] < w[1]), "{sort:?}");
    let first = &items[0];
    assert_eq!(first["kind"], 20, "enum member");
    assert_eq!(first["insertTextFormat"], 1, "plain text");
    assert_eq!(
        first["textEdit"],
        json!({"range": {"start": at, "end": at}, "newText": "\"generic\""})
    );

    // Booleans are keywords, `true` first.
    let typed = "  hardware.nvidia-jetpack.enable = lib.mkForce ";
    client.notify(
        "textDocument/didChange",
        change(
            &uri(&configuration),
            3,
            json!([{"range": range(line, 0, line + 1, 0), "text": format!("{typed}\n")}]),
        ),
    );
    let completion = client.ok(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri(&configuration)},
               "position": pos(line, typed.len() as u32)}),
    );
    assert_eq!(labels(&completion), ["true", "false"]);
    // Triggered by that space: the same values.
    let by_space = json!({"triggerKind": 2, "triggerCharacter": " "});
    let completion_by_space = client.ok(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri(&configuration)},
               "position": pos(line, typed.len() as u32), "context": by_space}),
    );
    assert_eq!(completion_by_space, completion);
    // A space typed to indent a new line: no option names popping up (asked for explicitly,
    // they are there).
    client.notify(
        "textDocument/didChange",
        change(
            &uri(&configuration),
            4,
            json!([{"range": range(line, 0, line + 1, 0), "text": "  \n"}]),
        ),
    );
    let indenting = client.ok(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri(&configuration)}, "position": pos(line, 2),
               "context": by_space}),
    );
    assert_eq!(indenting, json!([]));
    let invoked = client.ok(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri(&configuration)}, "position": pos(line, 2),
               "context": {"triggerKind": 1}}),
    );
    assert!(
        labels(&invoked).contains(&"hardware".to_string()),
        "{invoked}"
    );
    assert_eq!(completion[0]["kind"], 14, "keyword");
    assert!(completion[0]["sortText"].as_str() < completion[1]["sortText"].as_str());
    client.shutdown();
}

/// A malformed message (a body that is not JSON, a wrong `jsonrpc` version, an id that is not
/// an integer, unknown or lower-case headers) does not end the server, as it would end
/// tower-lsp's own reader: a request with an id is answered with InvalidRequest, the rest is
/// dropped, and the next messages are served.
#[test]
fn malformed_messages_do_not_end_the_server() {
    let (_tmp, dir) = example();
    let mut client = Client::start();
    client.initialize(&dir, json!({}), Value::Null);
    let configuration = dir.join("configuration.nix");
    let text = fs::read_to_string(&configuration).unwrap();
    client.open(&configuration, &text);
    let frame = |headers: &str, body: &[u8]| {
        let mut bytes = format!("Content-Length: {}\r\n{headers}\r\n", body.len()).into_bytes();
        bytes.extend_from_slice(body);
        bytes
    };
    client.send_raw(&frame("", b"{{{{ not json"));
    client.send_raw(&frame("", &[0xff, 0xfe, b'"']));
    client.send_raw(&frame(
        "",
        br#"{"jsonrpc":"1.0","id":9001,"method":"textDocument/hover"}"#,
    ));
    client.send_raw(&frame("", br#"{"jsonrpc":"2.0","id":1.5,"method":"x"}"#));
    client.send_raw(b"garbage without a length\r\n\r\n");
    // Headers tower-lsp refuses: a Content-Type without a charset, more than two headers.
    client.send_raw(&frame(
        "Content-Type: application/vscode-jsonrpc\r\nX-Other: 1\r\n",
        br#"{"jsonrpc":"2.0","method":"$/unknownNotification"}"#,
    ));
    let error = client.reply(9001).unwrap_err();
    assert_eq!(error["code"], -32600, "{error}");

    // Still serving, and with lower-case header names too.
    let body = json!({"jsonrpc": "2.0", "id": 9002, "method": "textDocument/hover",
        "params": {"textDocument": {"uri": uri(&configuration)}, "position": pos(10, 28)}})
    .to_string();
    client.send_raw(format!("content-length: {}\r\n\r\n{body}", body.len()).as_bytes());
    let hover = client.reply(9002).unwrap();
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("hardware.nvidia-jetpack.som"),
        "{hover:#}"
    );
    client.shutdown();
}

/// A double overlay names two places; the editor gets the other one as related information
/// (a location it can jump to), with what it is.
#[test]
fn double_overlay_points_at_its_other_place() {
    let (_tmp, dir) = example();
    let mut client = Client::start();
    client.initialize(&dir, json!({}), Value::Null);
    let flake = dir.join("flake.nix");
    let text = fs::read_to_string(&flake).unwrap().replacen(
        "        ./modules/networking.nix\n",
        "        ./modules/networking.nix\n        { nixpkgs.overlays = [ jetpack.overlays.default ]; }\n",
        1,
    );
    client.open(&flake, &text);
    let diagnostics = client.diagnostics_until(&flake, has_code("double-overlay"));
    let d = find(&diagnostics, "double-overlay");
    assert_eq!(d["range"], range(18, 31, 18, 55));
    assert_eq!(
        d["relatedInformation"],
        json!([{
            "location": {"uri": uri(&flake), "range": range(15, 8, 15, 36)},
            "message": "jetpack-nixos's NixOS module, which applies this overlay itself, is included here"
        }])
    );
    // Other findings have none.
    assert!(find(&diagnostics, "invalid-system")
        .get("relatedInformation")
        .is_none());
    client.shutdown();
}

/// "Fix all" as ruff offers it (`source.fixAll.flakelint`, for `codeActionsOnSave`): only when
/// asked for by kind; one edit with every fix of the document; the result parses and the
/// findings it fixes are gone.
#[test]
fn fix_all_in_a_document_when_asked_for() {
    let (_tmp, dir) = example();
    let mut client = Client::start();
    let init = client.initialize(&dir, json!({}), Value::Null);
    assert_eq!(
        init["capabilities"]["codeActionProvider"]["codeActionKinds"],
        json!(["quickfix", "source.fixAll.flakelint"])
    );
    let flake = dir.join("flake.nix");
    let text = fs::read_to_string(&flake).unwrap();
    client.open(&flake, &text);
    client.diagnostics_until(&flake, has_code("invalid-system"));
    let ask = |client: &mut Client, only: Value| {
        client.ok(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri(&flake)}, "range": range(0, 0, 0, 0),
                   "context": {"diagnostics": [], "only": only}}),
        )
    };
    // Not asked for: not there (the cursor is on no finding: nothing at all).
    assert_eq!(ask(&mut client, Value::Null), json!([]));
    assert_eq!(ask(&mut client, json!(["quickfix"])), json!([]));
    for only in [json!(["source.fixAll"]), json!(["source"])] {
        let actions = ask(&mut client, only);
        assert_eq!(actions.as_array().unwrap().len(), 1, "{actions:#}");
        assert_eq!(actions[0]["kind"], "source.fixAll.flakelint");
        assert_eq!(actions[0]["title"], "flakelint: apply 3 fixes in this file");
    }
    let actions = ask(&mut client, json!(["source.fixAll"]));
    let edits = actions[0]["edit"]["changes"][uri(&flake)]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(edits.len(), 4, "{edits:#?}");
    // Applied as a client does (from the end, so earlier positions hold).
    let mut fixed = text.clone();
    for edit in edits.iter().rev() {
        let at = |p: &Value| {
            model_offset(
                &text,
                p["line"].as_u64().unwrap() as u32,
                p["character"].as_u64().unwrap() as u32,
            )
        };
        let (start, end) = (at(&edit["range"]["start"]), at(&edit["range"]["end"]));
        fixed.replace_range(start..end, edit["newText"].as_str().unwrap());
    }
    assert!(
        fixed.contains("devShells.x86_64-linux.default = "),
        "{fixed}"
    );
    assert!(
        fixed.contains("packages.aarch64-linux.flash-script"),
        "{fixed}"
    );
    assert!(
        fixed.contains("jetpack.inputs.nixpkgs.follows = \"nixpkgs\";"),
        "{fixed}"
    );
    client.notify(
        "textDocument/didChange",
        change(&uri(&flake), 2, json!([{"text": fixed}])),
    );
    // What is left is the lock, which only `nix flake lock` updates.
    let after = client.diagnostics_until(&flake, |d| !has_code("invalid-system")(d));
    assert_eq!(codes(&after), ["lock-out-of-date"]);
    assert_eq!(ask(&mut client, json!(["source.fixAll"])), json!([]));
    client.shutdown();
}

#[test]
fn editor_features_answer_with_positions() {
    let (_tmp, dir) = example();
    let mut client = Client::start();
    client.initialize(&dir, json!({}), Value::Null);
    let configuration = dir.join("configuration.nix");
    let text = fs::read_to_string(&configuration).unwrap();
    client.open(&configuration, &text);

    // Completion after `hardware.nvidia-jetpack.` on a fresh line.
    let line = text
        .lines()
        .position(|l| l.contains("carrierBoard"))
        .unwrap() as u32;
    let typed = "  hardware.nvidia-jetpack.";
    client.notify(
        "textDocument/didChange",
        change(
            &uri(&configuration),
            2,
            json!([{"range": range(line + 1, 0, line + 1, 0), "text": format!("{typed}\n")}]),
        ),
    );
    let completion = client.ok(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri(&configuration)}, "position": pos(line + 1, typed.len() as u32)}),
    );
    let got = labels(&completion);
    for want in ["majorVersion", "super", "firmware"] {
        assert!(got.iter().any(|l| l == want), "{want} not in {got:?}");
    }
    // The example sets these already, in the same attrset: not offered again.
    for set in ["enable", "som", "carrierBoard"] {
        assert!(
            !got.iter().any(|l| l == set),
            "{set} offered again: {got:?}"
        );
    }

    // Hover on `som` in `hardware.nvidia-jetpack.som = "orin-agx";`.
    let som_line = text.lines().position(|l| l.contains(".som =")).unwrap() as u32;
    let som_col = text
        .lines()
        .nth(som_line as usize)
        .unwrap()
        .find("som")
        .unwrap() as u32;
    let hover = client.ok(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&configuration)}, "position": pos(som_line, som_col + 1)}),
    );
    let markdown = hover["contents"]["value"].as_str().unwrap_or_default();
    for part in [
        "hardware.nvidia-jetpack.som",
        "*Type:*",
        "\"orin-agx\"",
        "*Default:*",
    ] {
        assert!(markdown.contains(part), "{part} not in {hover:#}");
    }
    assert_eq!(hover["contents"]["kind"], "markdown");
    assert_eq!(hover["range"], range(som_line, 2, som_line, 29));

    // Definition of a path: the file itself.
    let users_line = text.lines().position(|l| l.contains("users.nix")).unwrap() as u32;
    let definition = client.ok(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri(&configuration)}, "position": pos(users_line, 8)}),
    );
    assert_eq!(
        definition,
        json!([{"uri": uri(&dir.join("modules/users.nix")), "range": range(0, 0, 0, 0)}])
    );

    // flake.nix: symbols and inlay hints.
    let flake = dir.join("flake.nix");
    client.open(&flake, &fs::read_to_string(&flake).unwrap());
    let symbols = client.ok(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri(&flake)}}),
    );
    let names: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"inputs") && names.contains(&"outputs"),
        "{symbols:#}"
    );
    let inputs = symbols
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "inputs")
        .unwrap();
    let children: Vec<&str> = inputs["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(children, ["nixpkgs", "jetpack", "flake-utils"]);
    assert_eq!(inputs["children"][1]["selectionRange"], range(7, 4, 7, 11));

    // Hover on an input: its locked revision and date; definition of its use in `outputs`.
    let hover = client.ok(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&flake)}, "position": pos(7, 5)}),
    );
    let markdown = hover["contents"]["value"].as_str().unwrap_or_default();
    for part in [
        "jetpack",
        "10effed87e908b6243ab950419c103841874f52c",
        "2025-02-10",
    ] {
        assert!(markdown.contains(part), "{part} not in {hover:#}");
    }
    let definition = client.ok(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri(&flake)}, "position": pos(15, 9)}),
    );
    assert_eq!(
        definition,
        json!([{"uri": uri(&flake), "range": range(7, 4, 7, 11)}])
    );

    let hints = client.ok(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": uri(&flake)}, "range": range(0, 0, 40, 0)}),
    );
    let hints = hints.as_array().unwrap();
    let jetpack = hints
        .iter()
        .find(|h| h["label"].as_str().unwrap_or("").contains("10effed"))
        .unwrap_or_else(|| panic!("no hint with jetpack's locked rev: {hints:#?}"));
    // After the closing quote of `jetpack.url = "github:anduril/jetpack-nixos";`.
    assert_eq!(jetpack["position"], pos(7, 48));
    client.shutdown();
}

/// The jetpack-nixos source named in the editor's settings: hover shows its description, and
/// definition goes to the declaration in it.
#[test]
fn jetpack_source_from_the_editor_settings() {
    let (tmp, dir) = example();
    let source = tmp.path().join("jetpack-src");
    fs::create_dir_all(source.join("modules")).unwrap();
    fs::write(
        source.join("modules/default.nix"),
        "{ lib, ... }:\n{\n  options.hardware.nvidia-jetpack = {\n    enable = lib.mkEnableOption \"jetpack\";\n    som = lib.mkOption {\n      type = lib.types.enum [ \"orin-agx\" \"thor-agx\" ];\n      default = \"thor-agx\";\n      description = \"The system on module of the board.\";\n    };\n    carrierBoard = lib.mkOption { type = lib.types.str; };\n  };\n}\n",
    )
    .unwrap();
    let source = fs::canonicalize(&source).unwrap();
    let mut client = Client::start();
    client.initialize(
        &dir,
        json!({}),
        json!({"jetpack": {"source": source.display().to_string()}}),
    );
    let configuration = dir.join("configuration.nix");
    let text = fs::read_to_string(&configuration).unwrap();
    client.open(&configuration, &text);
    let som_line = text.lines().position(|l| l.contains(".som =")).unwrap() as u32;
    let hover = client.ok(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&configuration)}, "position": pos(som_line, 27)}),
    );
    let markdown = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(
        markdown.contains("The system on module of the board."),
        "{hover:#}"
    );
    // With the line, as with the bundled index (the source is read by the server, not held
    // by the analysis).
    assert!(
        markdown
            .contains("*Declared in* `modules/default.nix:5` of jetpack-nixos (explicit source"),
        "{hover:#}"
    );
    let definition = client.ok(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri(&configuration)}, "position": pos(som_line, 27)}),
    );
    assert_eq!(
        definition[0]["uri"],
        uri(&source.join("modules/default.nix")),
        "{definition:#}"
    );
    assert_eq!(definition[0]["range"]["start"]["line"], 4, "{definition:#}");
    client.shutdown();
}

/// Columns count in the negotiated encoding on lines with non-ASCII text, both in what the
/// client sends and in what the server answers.
#[test]
fn position_encodings_on_non_ascii_lines() {
    for (offered, expected, column_of) in [
        (
            json!(["utf-8", "utf-16"]),
            "utf-8",
            utf8_column as fn(&str) -> u32,
        ),
        (json!(["utf-16"]), "utf-16", utf16_column as fn(&str) -> u32),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = fs::canonicalize(tmp.path()).unwrap();
        let flake = dir.join("flake.nix");
        let prefix = "  /* é𝄞 ü */ packages.";
        let text =
            format!("{{\n  outputs = {{ self }}: {{\n{prefix}x86_64_linux.a = 1;\n  }};\n}}\n");
        fs::write(&flake, &text).unwrap();
        let mut client = Client::start();
        let init = client.initialize(
            &dir,
            json!({"general": {"positionEncodings": offered}}),
            Value::Null,
        );
        assert_eq!(init["capabilities"]["positionEncoding"], expected);
        client.open(&flake, &text);
        let d = client.diagnostics_until(&flake, has_code("invalid-system"));
        let start = column_of(prefix);
        let end = start + "x86_64_linux".len() as u32;
        assert_eq!(find(&d, "invalid-system")["range"], range(2, start, 2, end));

        // Fix the system with an edit that names those columns, then type after the comment.
        client.notify(
            "textDocument/didChange",
            change(
                &uri(&flake),
                2,
                json!([{"range": range(2, start, 2, end), "text": "x86_64-linux"},
                       {"range": range(2, column_of("  /* é𝄞"), 2, column_of("  /* é𝄞")), "text": "ß"}]),
            ),
        );
        client.diagnostics_until(&flake, |d| d.is_empty());
        let server = client.document_text(&flake);
        assert_eq!(
            server["text"],
            text.replace("x86_64_linux", "x86_64-linux")
                .replace("é𝄞", "é𝄞ß")
        );
        assert_eq!(server["version"], 2);
        client.shutdown();
    }
}

fn utf8_column(s: &str) -> u32 {
    s.len() as u32
}

fn utf16_column(s: &str) -> u32 {
    s.encode_utf16().count() as u32
}

#[test]
fn configuration_from_the_editor_and_flakelint_toml() {
    let (_tmp, dir) = example();
    let mut client = Client::start();
    // initializationOptions turn one rule off (nested under `flakelint`, as clients send it).
    client.initialize(
        &dir,
        json!({}),
        json!({"flakelint": {"rules": {"deprecated-output": "off"}}}),
    );
    let flake = dir.join("flake.nix");
    client.open(&flake, &fs::read_to_string(&flake).unwrap());
    let d = client.diagnostics_until(&flake, has_code("invalid-system"));
    assert_eq!(codes(&d), ["invalid-system", "missing-follows"]);

    // didChangeConfiguration: another rule off, another at a different severity.
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"rules": {"invalid-system": "off", "missing-follows": "error"}}}),
    );
    let d = client.diagnostics_until(&flake, |d| {
        !has_code("invalid-system")(d) && has_code("deprecated-output")(d)
    });
    assert_eq!(codes(&d), ["deprecated-output", "missing-follows"]);
    assert_eq!(find(&d, "missing-follows")["severity"], 1);

    // `settings: null` (a client that expects to be asked) keeps the settings.
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": null}),
    );

    // A flakelint.toml written on disk wins over the editor, noticed on the next change.
    fs::write(
        dir.join("flakelint.toml"),
        "[rules]\ninvalid-system = \"info\"\n",
    )
    .unwrap();
    client.notify(
        "textDocument/didChange",
        change(
            &uri(&flake),
            2,
            json!([{"range": range(0, 0, 0, 0), "text": " "}]),
        ),
    );
    let d = client.diagnostics_until(&flake, has_code("invalid-system"));
    assert_eq!(find(&d, "invalid-system")["severity"], 3);
    assert_eq!(
        find(&d, "missing-follows")["severity"],
        1,
        "the editor's level stays"
    );

    // A broken flakelint.toml: a message naming the file, line and key; the editor's settings
    // go on applying.
    fs::write(
        dir.join("flakelint.toml"),
        "[rules]\ninvalid-sistem = \"info\"\n",
    )
    .unwrap();
    client.notify(
        "textDocument/didChange",
        change(
            &uri(&flake),
            3,
            json!([{"range": range(0, 0, 0, 0), "text": " "}]),
        ),
    );
    let deadline = Instant::now() + TIMEOUT;
    let message = loop {
        let m = client
            .next_message(deadline)
            .expect("a message about flakelint.toml");
        if m["method"] == "window/showMessage" {
            break m["params"]["message"].as_str().unwrap().to_string();
        }
        client.backlog.push_back(m);
    };
    assert!(
        message.contains("flakelint.toml")
            && message.contains("line 2")
            && message.contains("invalid-sistem"),
        "{message}"
    );
    let d = client.diagnostics_until(&flake, |d| !has_code("invalid-system")(d));
    assert_eq!(codes(&d), ["deprecated-output", "missing-follows"]);
    client.shutdown();
}

#[test]
fn flake_lock_changed_on_disk_is_noticed() {
    let (_tmp, dir) = example();
    let mut client = Client::start();
    client.initialize(&dir, json!({}), Value::Null);
    let flake = dir.join("flake.nix");
    let text = fs::read_to_string(&flake).unwrap();
    client.open(&flake, &text);
    let d = client.diagnostics_until(&flake, has_code("missing-follows"));
    assert!(!has_code("lock-out-of-date")(&d));

    // `nix flake lock` elsewhere drops an input from the lock: no event from the client, only
    // the next change to a document tells the server to look.
    let lock = dir.join("flake.lock");
    let locked = fs::read_to_string(&lock).unwrap();
    fs::write(
        &lock,
        locked.replace("        \"flake-utils\": \"flake-utils\",\n", ""),
    )
    .unwrap();
    client.notify(
        "textDocument/didChange",
        change(
            &uri(&flake),
            2,
            json!([{"range": range(0, 0, 0, 0), "text": "\n"}]),
        ),
    );
    let d = client.diagnostics_until(&flake, has_code("lock-out-of-date"));
    assert_eq!(find(&d, "lock-out-of-date")["range"], range(9, 4, 9, 15));
    // The lock file itself gets diagnostics too when they change: none here, but it must not
    // crash and the flake's other findings stay.
    assert!(has_code("missing-follows")(&d));
    client.shutdown();
}

/// `git add` in a terminal changes `.git/index`; the next change to a document shows it.
/// `nix flake update` in a terminal: the inlay hints (locked revisions) are pull-based, so a
/// client that supports it is asked to refresh them, and then gets the new revision.
#[test]
fn flake_lock_changed_on_disk_refreshes_inlay_hints() {
    let (_tmp, dir) = example();
    let mut client = Client::start();
    client.initialize(
        &dir,
        json!({"workspace": {"inlayHint": {"refreshSupport": true}}}),
        Value::Null,
    );
    let flake = dir.join("flake.nix");
    let text = fs::read_to_string(&flake).unwrap();
    client.open(&flake, &text);
    client.diagnostics_until(&flake, has_code("missing-follows"));
    let hints = |client: &mut Client| {
        client.ok(
            "textDocument/inlayHint",
            json!({"textDocument": {"uri": uri(&flake)}, "range": range(0, 0, 40, 0)}),
        )
    };
    let before = hints(&mut client);
    let label = before[1]["label"].as_str().unwrap().to_string();
    assert!(label.starts_with("10effed"), "{before:#}");

    let lock = dir.join("flake.lock");
    let locked = fs::read_to_string(&lock).unwrap();
    assert!(locked.contains("10effed87e908b6243ab950419c103841874f52c"));
    fs::write(
        &lock,
        locked.replace(
            "10effed87e908b6243ab950419c103841874f52c",
            "abcdef0123456789abcdef0123456789abcdef01",
        ),
    )
    .unwrap();
    client.notify(
        "textDocument/didChange",
        change(
            &uri(&flake),
            2,
            json!([{"range": range(0, 0, 0, 0), "text": "\n"}]),
        ),
    );
    let deadline = Instant::now() + lsp_client::TIMEOUT;
    let asked = client
        .backlog
        .iter()
        .any(|m| m["method"] == "workspace/inlayHint/refresh");
    if !asked {
        loop {
            let m = client
                .next_message(deadline)
                .expect("no workspace/inlayHint/refresh after flake.lock changed");
            if m["method"] == "workspace/inlayHint/refresh" {
                break;
            }
            client.backlog.push_back(m);
        }
    }
    let after = hints(&mut client);
    assert!(
        after[1]["label"].as_str().unwrap().starts_with("abcdef0"),
        "{after:#}"
    );
    client.shutdown();
}

#[test]
fn git_index_changed_on_disk_is_noticed() {
    let (_tmp, dir) = example();
    git(&dir, &["init", "-q"]);
    git(
        &dir,
        &[
            "add",
            "flake.nix",
            "flake.lock",
            "configuration.nix",
            "modules/networking.nix",
        ],
    );
    let mut client = Client::start();
    client.initialize(&dir, json!({}), Value::Null);
    let configuration = dir.join("configuration.nix");
    let text = fs::read_to_string(&configuration).unwrap();
    client.open(&configuration, &text);
    let d = client.diagnostics_until(&configuration, has_code("untracked-file"));
    let untracked = find(&d, "untracked-file");
    assert_eq!(untracked["range"], range(4, 4, 4, 23));
    assert!(
        untracked["message"].as_str().unwrap().contains("git add"),
        "{untracked}"
    );

    git(&dir, &["add", "modules/users.nix"]);
    client.notify(
        "textDocument/didChange",
        change(
            &uri(&configuration),
            2,
            json!([{"range": range(0, 0, 0, 0), "text": " "}]),
        ),
    );
    let d = client.diagnostics_until(&configuration, |d| !has_code("untracked-file")(d));
    assert_eq!(codes(&d), ["missing-file"]);
    client.shutdown();
}

#[test]
fn watched_file_events_when_the_client_sends_them() {
    let (_tmp, dir) = example();
    let mut client = Client::start();
    client.initialize(
        &dir,
        json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}),
        Value::Null,
    );
    // The server registers its watchers with the client.
    let deadline = Instant::now() + TIMEOUT;
    let registration = loop {
        let m = client
            .next_message(deadline)
            .expect("a client/registerCapability request");
        if m["method"] == "client/registerCapability" {
            break m;
        }
        client.backlog.push_back(m);
    };
    let registered = &registration["params"]["registrations"][0];
    assert_eq!(registered["method"], "workspace/didChangeWatchedFiles");
    let globs: Vec<&str> = registered["registerOptions"]["watchers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["globPattern"].as_str().unwrap())
        .collect();
    assert!(globs.contains(&"**/flake.lock") && globs.contains(&"**/.git/index"));

    let flake = dir.join("flake.nix");
    client.open(&flake, &fs::read_to_string(&flake).unwrap());
    client.diagnostics_until(&flake, has_code("missing-follows"));
    let lock = dir.join("flake.lock");
    let locked = fs::read_to_string(&lock).unwrap();
    fs::write(
        &lock,
        locked.replace("        \"flake-utils\": \"flake-utils\",\n", ""),
    )
    .unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&lock), "type": 2}]}),
    );
    client.diagnostics_until(&flake, has_code("lock-out-of-date"));
    client.shutdown();
}

#[test]
fn bad_requests_get_errors_and_the_server_keeps_serving() {
    let (_tmp, dir) = example();
    let mut client = Client::start();
    // Before initialize: refused, not a crash.
    let early = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri(&dir.join("flake.nix"))}, "position": pos(0, 0)}),
        )
        .unwrap_err();
    assert_eq!(early["code"], -32002);
    client.initialize(&dir, json!({}), Value::Null);

    // A change to a document that is not open is ignored; requests about unknown documents
    // get an error that names them.
    let nowhere = dir.join("nowhere.nix");
    client.notify(
        "textDocument/didChange",
        change(
            &uri(&nowhere),
            3,
            json!([{"range": range(0, 0, 0, 0), "text": "x"}]),
        ),
    );
    let error = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri(&nowhere)}, "position": pos(0, 0)}),
        )
        .unwrap_err();
    assert_eq!(error["code"], -32602);
    assert!(
        error["message"].as_str().unwrap().contains("nowhere.nix"),
        "{error}"
    );
    let error = client
        .request(
            "textDocument/completion",
            json!({"textDocument": {"uri": "untitled:Untitled-1"}, "position": pos(0, 0)}),
        )
        .unwrap_err();
    assert_eq!(error["code"], -32602);
    assert_eq!(client.document_text(&nowhere), Value::Null);
    // Malformed parameters.
    let error = client
        .request("textDocument/hover", json!({"textDocument": 42}))
        .unwrap_err();
    assert_eq!(error["code"], -32602);

    // A binary file: analysed as (broken) Nix, positions stay valid.
    let binary = dir.join("blob.nix");
    let bytes: String = (0u32..2000)
        .map(|i| char::from_u32((i * 7919) % 0x2fff).unwrap_or('\u{fffd}'))
        .collect();
    client.open(&binary, &bytes);
    let d = client.diagnostics_until(&binary, has_code("syntax-error"));
    assert!(!d.is_empty());
    client.ok(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&binary)}, "position": pos(3, 7)}),
    );

    // A 10 MB document: kept in sync, not analysed, with a message saying why.
    let big = dir.join("big.nix");
    let line =
        "  a = \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\";\n";
    let text = format!("{{\n{}}}\n", line.repeat(10 * 1024 * 1024 / line.len()));
    client.open(&big, &text);
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let m = client
            .next_message(deadline)
            .expect("a message about the large file");
        if m["method"] == "window/showMessage" {
            assert!(
                m["params"]["message"]
                    .as_str()
                    .unwrap()
                    .contains("larger than"),
                "{m}"
            );
            break;
        }
        client.backlog.push_back(m);
    }
    let hover = client.ok(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&big)}, "position": pos(5, 5)}),
    );
    assert_eq!(hover, Value::Null);
    client.notify(
        "textDocument/didChange",
        change(
            &uri(&big),
            2,
            json!([{"range": range(1, 2, 1, 3), "text": "b"}]),
        ),
    );
    let server = client.document_text(&big);
    assert_eq!(server["text"].as_str().unwrap().len(), text.len());
    assert!(server["text"].as_str().unwrap().starts_with("{\n  b = "));

    // Still serving.
    let flake = dir.join("flake.nix");
    client.open(&flake, &fs::read_to_string(&flake).unwrap());
    client.diagnostics_until(&flake, has_code("invalid-system"));
    client.shutdown();
}

/// A deterministic random number generator (xorshift64*), so that a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// The client's model of how a position becomes an offset, as LSP clients and the server agree
/// for valid positions; for invalid ones it follows the server's documented clamping: a line
/// past the end is the end of the text, a column past the end of its line is the line's end,
/// and a column inside a character (a UTF-16 surrogate pair) moves to after that character.
fn model_offset(text: &str, line: u32, col: u32) -> usize {
    let mut start = 0;
    for _ in 0..line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let mut counted = 0;
    for (i, c) in text[start..end].char_indices() {
        if counted >= col {
            return start + i;
        }
        counted += c.len_utf16() as u32;
    }
    end
}

const PIECES: &[&str] = &[
    "a",
    "{ ",
    " }",
    "\n",
    "é",
    "𝄞",
    "\"",
    "hardware.nvidia-jetpack.",
    "som = \"orin-agx\";",
    " = ",
    ";\n",
    "inputs.",
    "${",
    "''",
    "# ü\n",
    "\r\n",
    "ß𝄞x",
    "",
];

#[test]
fn torture_random_edits_and_requests() {
    let (_tmp, dir) = example();
    let mut client = Client::start();
    client.initialize(&dir, json!({}), Value::Null);
    let paths = [
        dir.join("flake.nix"),
        dir.join("configuration.nix"),
        dir.join("modules/scratch.nix"),
    ];
    let mut texts: Vec<String> = paths
        .iter()
        .map(|p| fs::read_to_string(p).unwrap_or_else(|_| "{ }\n".into()))
        .collect();
    for (path, text) in paths.iter().zip(&texts) {
        client.open(path, text);
    }
    let seed = std::env::var("TORTURE_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_f1a4_e11e_u64);
    let mut rng = Rng(seed);
    let mut request_ids = Vec::new();
    let methods = [
        "textDocument/completion",
        "textDocument/hover",
        "textDocument/definition",
        "textDocument/documentSymbol",
        "textDocument/inlayHint",
        "textDocument/codeAction",
    ];
    for step in 0..5000 {
        let which = rng.below(paths.len() as u64) as usize;
        let doc_uri = uri(&paths[which]);
        let lines = texts[which].matches('\n').count() as u64 + 1;
        let random_pos = |rng: &mut Rng| {
            // Mostly valid places, sometimes far out of range.
            let line = if rng.below(10) == 0 {
                rng.below(1000)
            } else {
                rng.below(lines + 1)
            };
            let col = if rng.below(10) == 0 {
                rng.below(5000)
            } else {
                rng.below(40)
            };
            (line as u32, col as u32)
        };
        match rng.below(20) {
            0..=11 => {
                let mut changes = Vec::new();
                for _ in 0..=rng.below(3) {
                    let (l1, c1) = random_pos(&mut rng);
                    let (l2, c2) = if rng.below(2) == 0 {
                        (l1, c1)
                    } else {
                        random_pos(&mut rng)
                    };
                    let insert: String = (0..rng.below(4))
                        .map(|_| PIECES[rng.below(PIECES.len() as u64) as usize])
                        .collect();
                    let text = &mut texts[which];
                    let (a, b) = (model_offset(text, l1, c1), model_offset(text, l2, c2));
                    text.replace_range(a.min(b)..a.max(b), &insert);
                    changes.push(json!({"range": range(l1, c1, l2, c2), "text": insert}));
                }
                // Versions mostly go up, sometimes back.
                let version = if rng.below(8) == 0 {
                    rng.below(5) as i32
                } else {
                    step + 10
                };
                client.notify(
                    "textDocument/didChange",
                    change(&doc_uri, version, json!(changes)),
                );
            }
            12 => {
                // A whole-document replacement now and then keeps the texts from growing.
                let text: String = (0..rng.below(30))
                    .map(|_| PIECES[rng.below(PIECES.len() as u64) as usize])
                    .collect();
                texts[which] = format!("{{\n{text}\n}}\n");
                client.notify(
                    "textDocument/didChange",
                    change(&doc_uri, step + 10, json!([{"text": texts[which]}])),
                );
            }
            13 => {
                // A change to a file that is not open.
                let other = uri(&dir.join(format!("unopened-{}.nix", rng.below(3))));
                client.notify(
                    "textDocument/didChange",
                    change(
                        &other,
                        1,
                        json!([{"range": range(0, 0, 0, 1), "text": "x"}]),
                    ),
                );
            }
            14 => {
                let other = dir.join("modules/users.nix");
                let error = client.request(
                    "textDocument/hover",
                    json!({"textDocument": {"uri": uri(&other)}, "position": pos(2, 3)}),
                );
                // Not open but part of the flake: answered from the file on disk.
                assert!(error.is_ok(), "{error:?}");
            }
            _ => {
                let method = methods[rng.below(methods.len() as u64) as usize];
                let (l, c) = random_pos(&mut rng);
                let (l2, c2) = random_pos(&mut rng);
                let mut params = json!({"textDocument": {"uri": doc_uri}});
                match method {
                    "textDocument/codeAction" => {
                        params["range"] = range(l.min(l2), c, l.max(l2), c2);
                        params["context"] = json!({"diagnostics": []});
                    }
                    "textDocument/inlayHint" => {
                        params["range"] = range(l.min(l2), c, l.max(l2), c2)
                    }
                    "textDocument/documentSymbol" => {}
                    _ => params["position"] = pos(l, c),
                }
                request_ids.push((client.send_request(method, params), method));
            }
        }
    }
    for (id, method) in request_ids {
        if let Err(error) = client.reply(id) {
            // Only a newer edit may turn a request away.
            assert_eq!(error["code"], -32801, "{method}: {error}");
        }
    }
    for (path, text) in paths.iter().zip(&texts) {
        let server = client.document_text(path);
        assert_eq!(
            server["text"].as_str(),
            Some(text.as_str()),
            "the server's text of {} differs (seed {seed})",
            path.display()
        );
    }
    // The diagnostics after all those edits are those of a fresh server given the final texts
    // (whatever the edits did to the parse along the way).
    const LAST: i32 = 1_000_000;
    let settled = |client: &mut Client, path: &Path, version: i32| {
        let target = uri(path);
        let deadline = Instant::now() + TIMEOUT;
        let mut found = None;
        while Instant::now() < deadline {
            let Some(m) = client
                .backlog
                .pop_front()
                .or_else(|| client.next_message(deadline))
            else {
                break;
            };
            if m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == target.as_str()
                && m["params"]["version"] == version
            {
                found = Some(m["params"]["diagnostics"].clone());
                break;
            }
        }
        found.unwrap_or_else(|| panic!("no diagnostics for version {version} of {target}"))
    };
    let mut after_edits = Vec::new();
    for path in &paths {
        client.notify(
            "textDocument/didChange",
            change(
                &uri(path),
                LAST,
                json!([{"range": range(0, 0, 0, 0), "text": ""}]),
            ),
        );
        after_edits.push(settled(&mut client, path, LAST));
    }
    client.shutdown();
    let mut fresh = Client::start();
    fresh.initialize(&dir, json!({}), Value::Null);
    for (path, text) in paths.iter().zip(&texts) {
        fresh.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(path), "languageId": "nix", "version": 1, "text": text}}),
        );
    }
    // Once all are open (each one's diagnostics can depend on the others).
    for (path, expected) in paths.iter().zip(&after_edits) {
        fresh.notify(
            "textDocument/didChange",
            change(
                &uri(path),
                LAST,
                json!([{"range": range(0, 0, 0, 0), "text": ""}]),
            ),
        );
        let got = settled(&mut fresh, path, LAST);
        assert_eq!(
            &got,
            expected,
            "diagnostics of {} (seed {seed})",
            path.display()
        );
    }
    fresh.shutdown();
}

/// The headless Neovim session of `tests/nvim/test.lua` (Debian's neovim 0.7.2 is enough):
/// completion after `hardware.nvidia-jetpack.` and a diagnostic for a typo, as a user sees them.
#[test]
fn neovim_completion_and_diagnostics() {
    let nvim = Command::new("nvim").arg("--version").output();
    if !nvim.is_ok_and(|o| o.status.success()) {
        // CI installs Neovim (.ci/run): there, a missing `nvim` is a failure, not a skip.
        assert!(
            std::env::var_os("CI").is_none(),
            "`nvim` is not installed but CI is set: .ci/run should have installed neovim"
        );
        println!("SKIPPED neovim_completion_and_diagnostics: `nvim` is not installed (apt-get install neovim); .ci/run installs it");
        return;
    }
    let (_tmp, dir) = example();
    let script = repo_root().join("tests/nvim/test.lua");
    let output = Command::new("timeout")
        .args(["60", "nvim", "--headless", "-u", "NONE", "-i", "NONE", "-n"])
        .arg("-c")
        .arg(format!("luafile {}", script.display()))
        .env("FLAKELINT", env!("CARGO_BIN_EXE_flakelint"))
        .env("FLAKELINT_TEST_DIR", &dir)
        .env("HOME", dir.parent().unwrap())
        .env("XDG_STATE_HOME", dir.parent().unwrap())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let log = fs::read_to_string(dir.parent().unwrap().join("nvim-test.log")).unwrap_or_default();
    assert!(
        output.status.success(),
        "neovim test failed ({:?})\n--- log\n{log}\n--- stdout\n{}\n--- stderr\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(log.contains("PASS"), "{log}");
}
