//! What the integration tests share: vector files and the built binary.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

pub use crate::common::{input_line, received};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One vector file: its name and parsed contents.
pub struct Vector {
    pub name: String,
    pub path: PathBuf,
    pub doc: Value,
}

/// Every `*.json` vector under `tests/vectors/<group>`, sorted by name.
pub fn vectors(group: &str) -> Vec<Vector> {
    let dir = root().join("tests/vectors").join(group);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no vectors in {}", dir.display());
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("readable vector");
            let doc =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let name = path
                .file_stem()
                .expect("stem")
                .to_string_lossy()
                .into_owned();
            Vector { name, path, doc }
        })
        .collect()
}

/// With `BARG_BLESS=1`, tests write what they see into their vectors instead
/// of comparing; the diff is then reviewed like any other change.
pub fn blessing() -> bool {
    std::env::var_os("BARG_BLESS").is_some_and(|v| v == "1")
}

/// Writes a vector back, pretty-printed.
pub fn write_vector(path: &Path, doc: &Value) {
    let mut text = serde_json::to_string_pretty(doc).expect("json");
    text.push('\n');
    std::fs::write(path, text).expect("writable vector");
}

/// Runs the `barg` binary with `args`, feeding it `stdin`.
pub fn barg(args: &[&str], stdin: &str) -> Output {
    barg_env(args, stdin, &[])
}

/// As [`barg`], with extra environment variables.
pub fn barg_env(args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_barg"));
    command
        .args(args)
        .current_dir(root())
        .env_remove("BARG_LOG_LEVEL")
        .env_remove("DJANGO_LOG_LEVEL")
        .env_remove("DEBUG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().expect("barg runs");
    let mut input = child.stdin.take().expect("stdin");
    let stdin = stdin.to_owned();
    let feeder = std::thread::spawn(move || {
        let _ = input.write_all(stdin.as_bytes());
    });
    let output = child.wait_with_output().expect("barg finishes");
    feeder.join().expect("stdin written");
    output
}

/// Standard output as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("utf-8 stdout")
}

/// Standard error as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs `run` on every vector of `group` and compares with its `expect`
/// (or, with `BARG_BLESS=1`, writes what it got there), reporting every
/// mismatch at once.
pub fn check_vectors(group: &str, run: impl Fn(&Value) -> Value) {
    let mut failures = Vec::new();
    for mut vector in vectors(group) {
        let got = run(&vector.doc);
        if blessing() {
            vector.doc["expect"] = got;
            write_vector(&vector.path, &vector.doc);
        } else if vector.doc["expect"] != got {
            failures.push(format!(
                "{}:\n  expected {}\n  got      {}",
                vector.name, vector.doc["expect"], got
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
