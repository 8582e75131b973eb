//! A reader that stops early (`wfm … | head -1`) ends the command quietly with exit code 0, in
//! every output format (ripgrep and xsv behave the same way).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn closed_stdout_is_not_an_error() {
    let sample = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/anonbank/january_01-14.txt"
    );
    for format in ["csv", "table", "json"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_wfm"))
            .args(["ingest", "calls", sample, "--format", format])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("wfm starts");
        let mut first = String::new();
        BufReader::new(child.stdout.take().expect("piped"))
            .read_line(&mut first)
            .expect("one line");
        // The reader is dropped here: the rest of the output hits a closed pipe.
        let out = child.wait_with_output().expect("wfm ends");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!first.is_empty(), "{format}: no output");
        assert!(out.status.success(), "{format}: {:?}\n{stderr}", out.status);
        assert!(!stderr.contains("error"), "{format}: {stderr}");
    }
}
