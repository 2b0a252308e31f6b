//! A guard in front of tower-lsp's reader. tower-lsp ends its read loop at the first message it
//! cannot decode (a body that is not JSON, JSON that is not a JSON-RPC message, a header it does
//! not know what to do with), and with it the whole server. A client bug or a stray write into
//! the pipe must not take the editor's diagnostics down: this task reads the client's frames
//! itself, passes every well-formed message through unchanged, and turns a bad one into a
//! request for `flakelint/invalidMessage`, which answers with an error for the bad message's id
//! (or is dropped if it has none, as a notification would be).

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tower_lsp::jsonrpc;

/// The method a malformed message is turned into.
pub const INVALID_MESSAGE: &str = "flakelint/invalidMessage";

/// Longest header section accepted before the reader resynchronises on the next frame.
const MAX_HEADER_LINE: usize = 8 * 1024;

/// Copies frames from `input` to `output` until `input` ends (then `output` is shut, which
/// ends tower-lsp's loop as the end of stdin would).
pub async fn filter(input: impl AsyncRead + Unpin, mut output: impl AsyncWrite + Unpin) {
    let mut input = BufReader::new(input);
    loop {
        let length = match read_headers(&mut input).await {
            Some(Some(length)) => length,
            // A header section without a usable length: skip it.
            Some(None) => continue,
            None => break,
        };
        let mut body = vec![0; length];
        if input.read_exact(&mut body).await.is_err() {
            break;
        }
        let body = match check(&body) {
            Ok(()) => body,
            Err(replacement) => {
                eprintln!("flakelint: ignored a malformed message from the client");
                match replacement {
                    Some(request) => request.to_string().into_bytes(),
                    None => continue,
                }
            }
        };
        let header = format!("Content-Length: {}\r\n\r\n", body.len());
        if output.write_all(header.as_bytes()).await.is_err()
            || output.write_all(&body).await.is_err()
            || output.flush().await.is_err()
        {
            break;
        }
    }
    let _ = output.shutdown().await;
}

/// Reads one header section: `None` at the end of input, `Some(None)` for a section without a
/// valid `Content-Length` (header names are case-insensitive; other headers are ignored).
async fn read_headers(input: &mut (impl AsyncBufReadExt + Unpin)) -> Option<Option<usize>> {
    let mut length = None;
    let mut seen_any = false;
    loop {
        let mut line = Vec::new();
        let n = (&mut *input)
            .take(MAX_HEADER_LINE as u64)
            .read_until(b'\n', &mut line)
            .await
            .ok()?;
        if n == 0 {
            return None;
        }
        let line = String::from_utf8_lossy(&line);
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if seen_any {
                return Some(length);
            }
            // Blank lines between frames.
            continue;
        }
        seen_any = true;
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = value.trim().parse::<usize>().ok();
            }
        }
    }
}

/// `Ok` for a message tower-lsp decodes; otherwise the request to pass on instead, if the
/// message has an id to answer.
fn check(body: &[u8]) -> Result<(), Option<Value>> {
    // The common case first, in one pass: a request or notification, then a response.
    if serde_json::from_slice::<jsonrpc::Request>(body).is_ok()
        || serde_json::from_slice::<jsonrpc::Response>(body).is_ok()
    {
        return Ok(());
    }
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return Err(None);
    };
    let id = match value.get("id") {
        Some(id @ Value::String(_)) => id.clone(),
        Some(id @ Value::Number(n)) if n.is_i64() => id.clone(),
        _ => return Err(None),
    };
    // A response the client sent back with a broken shape is not answered.
    if value.get("method").is_none() {
        return Err(None);
    }
    Err(Some(
        json!({"jsonrpc": "2.0", "id": id, "method": INVALID_MESSAGE}),
    ))
}

/// The answer to a malformed request.
pub fn invalid_request_error() -> jsonrpc::Error {
    jsonrpc::Error {
        code: jsonrpc::ErrorCode::InvalidRequest,
        message: "malformed JSON-RPC request".into(),
        data: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_formed_messages_pass_and_bad_ones_become_errors_or_nothing() {
        for good in [
            r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#,
            r#"{"jsonrpc":"2.0","method":"initialized"}"#,
            r#"{"jsonrpc":"2.0","id":"a","result":null}"#,
            r#"{"jsonrpc":"2.0","id":3,"error":{"code":-1,"message":"no"}}"#,
        ] {
            assert_eq!(check(good.as_bytes()), Ok(()), "{good}");
        }
        assert_eq!(
            check(br#"{"jsonrpc":"1.0","id":7,"method":"x"}"#),
            Err(Some(
                json!({"jsonrpc": "2.0", "id": 7, "method": INVALID_MESSAGE})
            ))
        );
        for dropped in [
            &b"{ not json"[..],
            &[0xff, 0xfe][..],
            br#"{"jsonrpc":"1.0","method":"x"}"#,
            br#"{"jsonrpc":"2.0","id":1.5,"method":"x"}"#,
            b"[]",
        ] {
            assert_eq!(check(dropped), Err(None), "{dropped:?}");
        }
    }

    #[tokio::test]
    async fn frames_are_passed_on_in_order() {
        let a = r#"{"jsonrpc":"2.0","method":"initialized"}"#;
        let b = r#"{"jsonrpc":"2.0","id":1,"method":"x"}"#;
        let bad = r#"{"jsonrpc":"1.0","id":9,"method":"x"}"#;
        let input = format!(
            "content-length: {}\r\nX: y\r\n\r\n{a}\r\nContent-Length: 4\r\n\r\n{{{{{{{{garbage\r\n\r\nContent-Length: {}\r\n\r\n{bad}Content-Length: {}\r\n\r\n{b}",
            a.len(),
            bad.len(),
            b.len()
        );
        let mut out = Vec::new();
        filter(input.as_bytes(), &mut out).await;
        let replaced = json!({"jsonrpc": "2.0", "id": 9, "method": INVALID_MESSAGE}).to_string();
        let expected = format!(
            "Content-Length: {}\r\n\r\n{a}Content-Length: {}\r\n\r\n{replaced}Content-Length: {}\r\n\r\n{b}",
            a.len(),
            replaced.len(),
            b.len()
        );
        assert_eq!(String::from_utf8(out).unwrap(), expected);
    }
}
