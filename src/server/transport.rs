//! The server's standard input and output: LSP messages framed by a `Content-Length`
//! header. Unlike `lsp_server::Connection::stdio`, a frame that is not a JSON-RPC
//! message (bad JSON, a missing header) is logged and skipped, and the server goes on;
//! only the end of the input ends it.

use std::io::{BufRead, Read, Write};
use std::thread::JoinHandle;

use crossbeam_channel::{Receiver, Sender, bounded};
use lsp_server::{Connection, Message};

/// Larger messages are skipped (no editor sends a document this large).
const MAX_MESSAGE: usize = 256 * 1024 * 1024;

/// The threads that read standard input and write standard output.
pub struct Threads {
    writer: JoinHandle<()>,
}

impl Threads {
    /// Waits until every message sent has been written. The reader is not waited for:
    /// it may be blocked on input that never comes, and ends with the process.
    pub fn join(self) {
        let _ = self.writer.join();
    }
}

pub fn stdio() -> (Connection, Threads) {
    let (to_server, receiver): (Sender<Message>, Receiver<Message>) = bounded(0);
    let (sender, to_client): (Sender<Message>, Receiver<Message>) = bounded(0);
    std::thread::spawn(move || {
        let stdin = std::io::stdin();
        let mut input = stdin.lock();
        loop {
            match read(&mut input) {
                Ok(Some(Frame::Message(message))) => {
                    let exit = matches!(&message, Message::Notification(n) if n.method == "exit");
                    if to_server.send(message).is_err() || exit {
                        break;
                    }
                }
                Ok(Some(Frame::Malformed(why))) => super::log(&format!("skipped a message: {why}")),
                Ok(None) => break,
                Err(e) => {
                    super::log(&format!("cannot read standard input: {e}"));
                    break;
                }
            }
        }
    });
    let writer = std::thread::spawn(move || {
        let stdout = std::io::stdout();
        let mut output = stdout.lock();
        for message in to_client {
            if let Err(e) = message.write(&mut output).and_then(|()| output.flush()) {
                super::log(&format!("cannot write standard output: {e}"));
                break;
            }
        }
    });
    (Connection { sender, receiver }, Threads { writer })
}

/// What one frame of input held.
#[derive(Debug)]
pub enum Frame {
    Message(Message),
    Malformed(String),
}

/// Reads one frame: headers up to an empty line, then `Content-Length` bytes. `None` at
/// the end of the input.
pub fn read(input: &mut impl BufRead) -> std::io::Result<Option<Frame>> {
    let mut length: Option<Result<usize, String>> = None;
    let mut line = String::new();
    let mut seen = false;
    loop {
        line.clear();
        let mut raw = Vec::new();
        if input.read_until(b'\n', &mut raw)? == 0 {
            return Ok(seen.then(|| Frame::Malformed("the input ended inside headers".into())));
        }
        line.push_str(&String::from_utf8_lossy(&raw));
        let header = line.trim_end_matches(['\r', '\n']);
        if header.is_empty() {
            if seen {
                break;
            }
            continue;
        }
        seen = true;
        if let Some((name, value)) = header.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = Some(
                value
                    .trim()
                    .parse::<usize>()
                    .map_err(|e| format!("bad Content-Length `{}`: {e}", value.trim())),
            );
        }
    }
    let length = match length {
        None => return Ok(Some(Frame::Malformed("no Content-Length header".into()))),
        Some(Err(why)) => return Ok(Some(Frame::Malformed(why))),
        Some(Ok(n)) => n,
    };
    if length > MAX_MESSAGE {
        std::io::copy(&mut input.take(length as u64), &mut std::io::sink())?;
        return Ok(Some(Frame::Malformed(format!(
            "{length} bytes, over the limit of {MAX_MESSAGE}"
        ))));
    }
    let mut body = vec![0; length];
    match input.read_exact(&mut body) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    Ok(Some(match serde_json::from_slice::<Message>(&body) {
        Ok(message) => Frame::Message(message),
        Err(e) => Frame::Malformed(format!(
            "not a JSON-RPC message ({e}): {}",
            String::from_utf8_lossy(&body[..body.len().min(200)])
        )),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_frames_are_skipped_and_reading_goes_on() {
        let ok = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        let input = format!(
            "Content-Length: 5\r\n\r\n{{bad}}X-Other: 1\r\n\r\nContent-Length: {}\r\n\r\n{ok}Content-Length: 2\r\n\r\n{{}}",
            ok.len()
        );
        let mut input = std::io::Cursor::new(input.into_bytes());
        assert!(matches!(read(&mut input), Ok(Some(Frame::Malformed(_)))));
        assert!(
            matches!(read(&mut input), Ok(Some(Frame::Malformed(m))) if m.contains("Content-Length"))
        );
        assert!(
            matches!(read(&mut input), Ok(Some(Frame::Message(Message::Notification(n)))) if n.method == "initialized")
        );
        assert!(matches!(read(&mut input), Ok(Some(Frame::Malformed(_)))));
        assert!(matches!(read(&mut input), Ok(None)));
    }
}
