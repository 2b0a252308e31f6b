//! A small JSON-RPC client of `flakelint lsp` over stdio, shared by the protocol tests
//! (`tests/lsp.rs`) and the server benchmark (`server/benches/lsp.rs`).

#![allow(dead_code)] // each user needs a different part of it

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub const TIMEOUT: Duration = Duration::from_secs(60);

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

pub fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// The client side of one server process.
pub struct Client {
    pub child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    next_id: i64,
    /// Notifications (and replies nobody waited for yet) in arrival order.
    pub backlog: VecDeque<Value>,
}

impl Client {
    /// Starts `flakelint lsp` (the binary this crate builds).
    pub fn start() -> Client {
        Client::start_binary(Path::new(env!("CARGO_BIN_EXE_flakelint")))
    }

    pub fn start_binary(binary: &Path) -> Client {
        let mut child = Command::new(binary)
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, incoming) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.expect("a Content-Length header")];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                let value: Value = serde_json::from_slice(&body).expect("JSON from the server");
                if tx.send(value).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            incoming,
            next_id: 1,
            backlog: VecDeque::new(),
        }
    }

    pub fn send(&mut self, message: &Value) {
        let body = serde_json::to_string(message).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    /// Bytes as they are, for malformed frames.
    pub fn send_raw(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).unwrap();
        self.stdin.flush().unwrap();
    }

    /// `params: null` is left out, as clients do for `shutdown` and `exit`.
    pub fn message(method: &str, params: Value) -> Value {
        let mut message = json!({"jsonrpc": "2.0", "method": method});
        if !params.is_null() {
            message["params"] = params;
        }
        message
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&Self::message(method, params));
    }

    /// Sends a request without waiting; returns its id.
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        let mut message = Self::message(method, params);
        message["id"] = json!(id);
        self.send(&message);
        id
    }

    /// The next message from the server; requests from the server are answered here.
    pub fn next_message(&mut self, deadline: Instant) -> Option<Value> {
        let left = deadline.saturating_duration_since(Instant::now());
        let message = match self.incoming.recv_timeout(left) {
            Ok(m) => m,
            Err(RecvTimeoutError::Timeout) => return None,
            Err(RecvTimeoutError::Disconnected) => panic!("the server closed its output"),
        };
        if message.get("method").is_some() && message.get("id").is_some() {
            // client/registerCapability and the like: accept.
            let id = message["id"].clone();
            self.send(&json!({"jsonrpc": "2.0", "id": id, "result": null}));
        }
        Some(message)
    }

    /// Waits for the reply to request `id`: `Ok(result)` or `Err(error)`.
    pub fn reply(&mut self, id: i64) -> Result<Value, Value> {
        if let Some(i) = self
            .backlog
            .iter()
            .position(|m| m["id"] == id && m.get("method").is_none())
        {
            let m = self.backlog.remove(i).unwrap();
            return m.get("error").cloned().map_or(Ok(m["result"].clone()), Err);
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let m = self
                .next_message(deadline)
                .unwrap_or_else(|| panic!("no reply to request {id}"));
            if m["id"] == id && m.get("method").is_none() {
                return m.get("error").cloned().map_or(Ok(m["result"].clone()), Err);
            }
            self.backlog.push_back(m);
        }
    }

    pub fn request(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        let id = self.send_request(method, params);
        self.reply(id)
    }

    pub fn ok(&mut self, method: &str, params: Value) -> Value {
        self.request(method, params)
            .unwrap_or_else(|e| panic!("{method} failed: {e}"))
    }

    pub fn initialize(&mut self, root: &Path, capabilities: Value, options: Value) -> Value {
        let result = self.ok(
            "initialize",
            json!({"processId": null, "rootUri": uri(root), "capabilities": capabilities,
                   "initializationOptions": options}),
        );
        self.notify("initialized", json!({}));
        result
    }

    pub fn open(&mut self, path: &Path, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(path), "languageId": "nix", "version": 1, "text": text}}),
        );
    }

    /// Waits for diagnostics of `path` that satisfy `want`; returns them.
    pub fn diagnostics_until(
        &mut self,
        path: &Path,
        want: impl Fn(&[Value]) -> bool,
    ) -> Vec<Value> {
        let target = uri(path);
        let matches = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == target.as_str()
        };
        let mut last = None;
        let mut i = 0;
        while i < self.backlog.len() {
            if matches(&self.backlog[i]) {
                let m = self.backlog.remove(i).unwrap();
                let d = m["params"]["diagnostics"].as_array().unwrap().clone();
                if want(&d) {
                    return d;
                }
                last = Some(d);
            } else {
                i += 1;
            }
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let Some(m) = self.next_message(deadline) else {
                panic!("no matching diagnostics for {target}; last published: {last:#?}");
            };
            if matches(&m) {
                let d = m["params"]["diagnostics"].as_array().unwrap().clone();
                if want(&d) {
                    return d;
                }
                last = Some(d);
            } else {
                self.backlog.push_back(m);
            }
        }
    }

    pub fn document_text(&mut self, path: &Path) -> Value {
        self.ok("flakelint/documentText", json!({"uri": uri(path)}))
    }

    /// `shutdown` then `exit`; the process must end with 0.
    pub fn shutdown(mut self) {
        assert_eq!(self.ok("shutdown", Value::Null), Value::Null);
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert_eq!(status.code(), Some(0), "exit status after shutdown");
                return;
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
