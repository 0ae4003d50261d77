//! `barg write`: the one owner of a log directory. Sources (standard input,
//! Unix and TCP streams, HTTP) admit lines into events, route and format
//! them into batches of lines and feed one bounded queue; one writer thread
//! drains it into the files.
//!
//! ```text
//! stdin ─┐
//! unix  ─┼─ Admission::admit ─▶ Layout::add ─▶ queue (bounded, sources wait) ─▶ Writer ─▶ files
//! tcp   ─┤                                                                       └──▶ rejected.log
//! http  ─┘
//! ```

mod batch;
mod config;
mod diag;
mod http;
mod metrics;
mod pipeline;
mod rotating;
mod stdin;
mod writer;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};

use barg::{Event, Timestamp};
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::sync::{mpsc, watch};

pub use barg::route::REJECTED_LOG;
use batch::{BATCH, Batch, Layout};
pub use config::Fsync;
use config::{Config, Listen, Overrides};
use metrics::Metrics;
use pipeline::{Admission, Admitted, Frame, Lines};
use writer::{Item, Writer};

/// The options of `barg write`.
#[derive(clap::Args)]
pub struct WriteArgs {
    /// The TOML configuration; without it, the seed's layout.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// The log directory, over the configuration's `dir` [default: logs].
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Take NDJSON streams on `unix:PATH` or `tcp:127.0.0.1:PORT`
    /// (repeatable). With a listener or --http, standard input is not read.
    #[arg(long, value_name = "ADDR")]
    listen: Vec<String>,
    /// Serve HTTP (POST /v1/events, GET /healthz, GET /metrics) on IP:PORT.
    #[arg(long, value_name = "IP:PORT")]
    http: Option<String>,
    /// When lines are forced to the disk [default: interval].
    #[arg(long, value_enum)]
    fsync: Option<Fsync>,
    /// Print the counters on standard error at exit.
    #[arg(long)]
    stats: bool,
}

/// The options of `barg config`.
#[derive(clap::Args)]
pub struct ConfigArgs {
    /// The TOML configuration; without it, the seed's layout.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// The log directory, over the configuration's `dir`.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// `barg config`: prints the effective configuration as TOML.
pub fn print_config(args: ConfigArgs) -> ExitCode {
    let overrides = Overrides {
        file: args.config,
        dir: args.dir,
        ..Overrides::default()
    };
    match Config::effective(&overrides, env) {
        Ok(config) => {
            print!("{}", config.to_toml());
            ExitCode::SUCCESS
        }
        Err(error) => {
            diag::error(&error_chain(&error));
            ExitCode::from(2)
        }
    }
}

/// `barg write`.
pub fn run(args: WriteArgs) -> ExitCode {
    let overrides = Overrides {
        file: args.config,
        dir: args.dir,
        listen: args.listen,
        http: args.http,
        fsync: args.fsync,
    };
    let config = match Config::effective(&overrides, env) {
        Ok(config) => config,
        Err(error) => return fail(&error_chain(&error)),
    };
    let dir = config.dir.clone();
    if !dir.is_dir() {
        return fail(&format!(
            "log directory {} does not exist or is not a directory",
            dir.display()
        ));
    }
    // Held until the process ends: the lock goes with the descriptor.
    let _lock = match lock_directory(&dir) {
        Ok(lock) => lock,
        Err(message) => return fail(&message),
    };
    let names = config
        .files
        .iter()
        .map(|f| f.path.clone())
        .chain([REJECTED_LOG.to_owned()]);
    let metrics = Arc::new(Metrics::new(names));
    let stopping = Arc::new(AtomicBool::new(false));
    let layout = Arc::new(Layout::new(config.route_table()));
    let writer = match Writer::open(&config, layout.clone(), metrics.clone(), stopping.clone()) {
        Ok(writer) => writer,
        Err(error) => {
            return fail(&format!(
                "cannot open the log files in {}: {error}",
                dir.display()
            ));
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => return fail(&format!("cannot start the runtime: {error}")),
    };
    let capacity = config.queue.div_ceil(BATCH).max(1);
    let (queue, drain) = mpsc::channel(capacity);
    let handle = runtime.handle().clone();
    let writer_thread = std::thread::Builder::new()
        .name("barg-writer".into())
        .spawn(move || writer.run(drain, handle));
    let writer_thread = match writer_thread {
        Ok(thread) => thread,
        Err(error) => return fail(&format!("cannot start the writer thread: {error}")),
    };
    let ingest = Arc::new(Ingest {
        queue,
        admission: Admission {
            max_line_bytes: config.max_line_bytes,
            validator: Arc::new(barg::Validator::new(config.validation)),
            // `Config::problems` has built this sanitizer once already.
            sanitizer: match barg::Sanitizer::new(&config.sanitizer) {
                Ok(sanitizer) => Arc::new(sanitizer),
                Err(error) => return fail(&format!("sanitizer: {error}")),
            },
        },
        layout,
        metrics: metrics.clone(),
        stopping: stopping.clone(),
    });
    let stop_queue = ingest.queue.clone();
    let (served, http) = match runtime.block_on(serve(&config, ingest)) {
        Ok(http) => (Ok(()), http),
        Err(error) => (Err(error), None),
    };
    // After a stop `serve` has sent this already; after a failed start it
    // has not, and the writer must still end.
    let _ = runtime.block_on(stop_queue.send(Item::Stop));
    drop(stop_queue);
    if writer_thread.join().is_err() {
        diag::error("the writer thread failed");
    }
    // Requests still open when `serve` stopped waiting for them have had
    // their events written (or refused) by now: their answers go out
    // before the runtime ends, within the time a client is given.
    if let Some(http) = http {
        let grace = std::time::Duration::from_millis(config.http.timeout_ms);
        let _ = runtime.block_on(async { tokio::time::timeout(grace, http).await });
    }
    if args.stats {
        for line in metrics.summary() {
            diag::info(&format!("stats: {line}"));
        }
    }
    runtime.shutdown_background();
    let dropped = metrics.dropped.load(std::sync::atomic::Ordering::Relaxed);
    match served {
        Ok(()) if dropped > 0 => {
            diag::error(&format!("stopped, with {dropped} events not written"));
            ExitCode::from(1)
        }
        Ok(()) => {
            diag::info("stopped");
            ExitCode::SUCCESS
        }
        Err(message) => fail(&message),
    }
}

fn fail(message: &str) -> ExitCode {
    diag::error(message);
    ExitCode::from(2)
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Takes the directory's exclusive lock, `DIR/.barg.lock`, without waiting.
fn lock_directory(dir: &Path) -> Result<std::fs::File, String> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let path = dir.join(".barg.lock");
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(rotating::MODE)
        .open(&path)
        .map_err(|error| {
            format!(
                "log directory {} is not writable: {}: {error}",
                dir.display(),
                path.display()
            )
        })?;
    match rustix::fs::flock(&file, rustix::fs::FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => {}
        Err(rustix::io::Errno::WOULDBLOCK) => {
            return Err(format!(
                "another barg writer owns {} (it holds {}); one directory has one writer",
                dir.display(),
                path.display()
            ));
        }
        Err(error) => return Err(format!("cannot lock {}: {error}", path.display())),
    }
    let _ = file.set_len(0);
    let _ = writeln!(file, "{}", std::process::id());
    Ok(file)
}

/// What every source shares: the queue's sending end, admission and the
/// layout that turns admitted items into lines.
pub struct Ingest {
    queue: mpsc::Sender<Item>,
    admission: Admission,
    layout: Arc<Layout>,
    metrics: Arc<Metrics>,
    stopping: Arc<AtomicBool>,
}

impl Ingest {
    /// Admits one frame of a stream.
    fn admit(&self, frame: Frame<'_>, received: Timestamp, source: &'static str) -> Admitted {
        match frame {
            Frame::Line(line) => {
                let writes_data = |event: &Event| self.layout.writes_data(event);
                self.admission.admit(line, received, source, writes_data)
            }
            Frame::TooLong { prefix, len } => {
                Err(self.admission.too_long(prefix, len, received, source))
            }
        }
    }

    /// Routes, formats and queues admitted items, waiting while the queue
    /// is full. Items the writer can no longer take are counted as dropped.
    async fn send(&self, items: Vec<Admitted>) -> Result<(), ()> {
        let batches = self.layout.batches(items);
        let mut left = self.count(&batches);
        for batch in batches {
            let items = batch.items as u64;
            if self.queue.send(Item::Batch(batch)).await.is_err() {
                self.metrics.dropped.fetch_add(left, Relaxed);
                return Err(());
            }
            left -= items;
        }
        Ok(())
    }

    /// As [`Ingest::send`] for batches made already, from a thread outside
    /// the runtime.
    fn send_blocking(&self, batches: Vec<Batch>) -> Result<(), ()> {
        let mut left = self.count(&batches);
        for batch in batches {
            let items = batch.items as u64;
            if self.queue.blocking_send(Item::Batch(batch)).is_err() {
                self.metrics.dropped.fetch_add(left, Relaxed);
                return Err(());
            }
            left -= items;
        }
        Ok(())
    }

    /// Counts the items of `batches` as received; gives how many there are.
    fn count(&self, batches: &[Batch]) -> u64 {
        batches
            .iter()
            .for_each(|batch| self.metrics.count_batch(batch));
        batches.iter().map(|batch| batch.items as u64).sum()
    }
}

/// Runs the sources until standard input ends or a stop signal comes, then
/// stops them and queues the writer's stop. Gives the HTTP server when it
/// has not ended: requests that waited longer than it was waited for.
async fn serve(
    config: &Config,
    ingest: Arc<Ingest>,
) -> Result<Option<tokio::task::JoinHandle<()>>, String> {
    use tokio::signal::unix::{SignalKind, signal};

    let (stop, stopped) = watch::channel(false);
    let mut term = signal(SignalKind::terminate()).map_err(|e| format!("signals: {e}"))?;
    let mut int = signal(SignalKind::interrupt()).map_err(|e| format!("signals: {e}"))?;
    let mut hup = signal(SignalKind::hangup()).map_err(|e| format!("signals: {e}"))?;

    let mut tasks = Vec::new();
    // Each socket this writer made, removed when `serve` returns, whether
    // it stopped or failed to start.
    let mut sockets = Vec::new();
    let clients = Arc::new(tokio::sync::Semaphore::new(config.max_clients));
    for listen in &config.listen {
        let listen = Listen::parse(listen)?;
        let task = listen_streams(listen, ingest.clone(), clients.clone(), stopped.clone());
        let (task, socket) = task.await?;
        tasks.push(task);
        sockets.extend(socket);
    }
    let mut http = match &config.http.listen {
        Some(addr) => Some(http::start(addr, &config.http, ingest.clone(), stopped.clone()).await?),
        None => None,
    };
    let (stdin_done_tx, mut stdin_done) = mpsc::channel::<()>(1);
    let reads_stdin = config.listen.is_empty() && http.is_none();
    let progress = Arc::new(stdin::Progress::default());
    if reads_stdin {
        let (ingest, progress) = (ingest.clone(), progress.clone());
        std::thread::Builder::new()
            .name("barg-stdin".into())
            .spawn(move || {
                stdin::read(&ingest, &progress);
                let _ = stdin_done_tx.blocking_send(());
            })
            .map_err(|e| format!("cannot start the stdin reader: {e}"))?;
    } else {
        drop(stdin_done_tx);
    }
    diag::info(&format!(
        "started: dir={} files={} fsync={}{}",
        config.dir.display(),
        config.files.len(),
        config.fsync.name(),
        if reads_stdin { " input=stdin" } else { "" }
    ));

    loop {
        tokio::select! {
            _ = term.recv() => { diag::info("SIGTERM: stopping"); break; }
            _ = int.recv() => { diag::info("SIGINT: stopping"); break; }
            _ = hup.recv() => {
                if ingest.queue.send(Item::Reopen).await.is_err() { break; }
            }
            done = stdin_done.recv(), if reads_stdin => {
                if done.is_some() { break; }
            }
        }
    }
    // Stop accepting: listeners and connections end, HTTP finishes the
    // requests it has (their events are queued and will be written), and
    // what was read from standard input is queued.
    if reads_stdin {
        let stopping = ingest.stopping.clone();
        let _ = tokio::task::spawn_blocking(move || progress.settle(&stopping)).await;
    }
    ingest.stopping.store(true, Relaxed);
    let _ = stop.send(true);
    for task in tasks {
        let _ = task.await;
    }
    if let Some(server) = &mut http {
        let waited = tokio::time::timeout(std::time::Duration::from_secs(5), server).await;
        if waited.is_ok() {
            http = None;
        }
    }
    // Everything queued before Stop is written before the writer ends.
    let _ = ingest.queue.send(Item::Stop).await;
    Ok(http)
}

/// A Unix socket file this writer bound: removed when dropped, if the path
/// still names that same file.
struct SocketFile {
    path: PathBuf,
    id: (u64, u64),
}

impl SocketFile {
    fn id(metadata: &std::fs::Metadata) -> (u64, u64) {
        use std::os::unix::fs::MetadataExt;
        (metadata.dev(), metadata.ino())
    }
}

impl Drop for SocketFile {
    fn drop(&mut self) {
        if std::fs::symlink_metadata(&self.path).is_ok_and(|m| SocketFile::id(&m) == self.id) {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Makes way for a socket at `path`: a socket that nothing listens on any
/// more (left by a writer that died) is removed; a live one, or any other
/// kind of file, stays, and the bind after this names the problem.
async fn clear_stale_socket(path: &Path) -> Result<(), String> {
    let is_socket = std::fs::symlink_metadata(path)
        .is_ok_and(|m| std::os::unix::fs::FileTypeExt::is_socket(&m.file_type()));
    if !is_socket {
        return Ok(());
    }
    match tokio::net::UnixStream::connect(path).await {
        Ok(_) => Err(format!(
            "cannot listen on unix:{}: a live socket is there, which another program listens on",
            path.display()
        )),
        Err(error) if error.kind() == std::io::ErrorKind::ConnectionRefused => {
            let _ = std::fs::remove_file(path);
            Ok(())
        }
        Err(_) => Ok(()),
    }
}

/// Binds a stream listener and spawns its accept loop; for a Unix socket,
/// also the file it made.
async fn listen_streams(
    listen: Listen,
    ingest: Arc<Ingest>,
    clients: Arc<tokio::sync::Semaphore>,
    stopped: watch::Receiver<bool>,
) -> Result<(tokio::task::JoinHandle<()>, Option<SocketFile>), String> {
    match listen {
        Listen::Unix(path) => {
            clear_stale_socket(&path).await?;
            let listener = tokio::net::UnixListener::bind(&path)
                .map_err(|e| format!("cannot listen on unix:{}: {e}", path.display()))?;
            let socket = std::fs::symlink_metadata(&path)
                .map(|m| SocketFile {
                    id: SocketFile::id(&m),
                    path: path.clone(),
                })
                .ok();
            diag::info(&format!("listening on unix:{}", path.display()));
            let listener = Arc::new(listener);
            let task = tokio::spawn(accept_loop(
                move || {
                    let listener = listener.clone();
                    async move { listener.accept().await.map(|(stream, _)| stream) }
                },
                "unix",
                ingest,
                clients,
                stopped,
            ));
            Ok((task, socket))
        }
        Listen::Tcp(addr) => {
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .map_err(|e| format!("cannot listen on tcp:{addr}: {e}"))?;
            let bound = listener.local_addr().map_err(|e| e.to_string())?;
            diag::info(&format!("listening on tcp:{bound}"));
            let listener = Arc::new(listener);
            let task = tokio::spawn(accept_loop(
                move || {
                    let listener = listener.clone();
                    async move { listener.accept().await.map(|(stream, _)| stream) }
                },
                "tcp",
                ingest,
                clients,
                stopped,
            ));
            Ok((task, None))
        }
    }
}

async fn accept_loop<S, F, Fut>(
    mut accept: F,
    source: &'static str,
    ingest: Arc<Ingest>,
    clients: Arc<tokio::sync::Semaphore>,
    mut stopped: watch::Receiver<bool>,
) where
    S: AsyncRead + Unpin + Send + 'static,
    F: FnMut() -> Fut,
    Fut: Future<Output = std::io::Result<S>>,
{
    let mut connections = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            // Past `max_clients`, new clients wait in the kernel's backlog.
            accepted = async {
                let permit = clients.clone().acquire_owned().await;
                (permit, accept().await)
            } => match accepted {
                (permit, Ok(stream)) => {
                    let reading = read_stream(stream, source, ingest.clone(), stopped.clone());
                    connections.spawn(async move {
                        reading.await;
                        drop(permit);
                    });
                }
                (_, Err(error)) => {
                    diag::error(&format!("accepting a {source} client: {error}"));
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            _ = stopped.changed() => break,
        }
    }
    // Connections see the same stop and end after their current batch.
    while connections.join_next().await.is_some() {}
}

/// Reads one client's NDJSON stream. When the client closes its side, a
/// last line without its line break is taken if it is a valid event (what
/// `printf '{...}' | nc` sends); otherwise, and when the client goes away
/// mid-line or at a stop, the unfinished line is discarded and counted.
async fn read_stream<S: AsyncRead + Unpin>(
    mut stream: S,
    source: &'static str,
    ingest: Arc<Ingest>,
    mut stopped: watch::Receiver<bool>,
) {
    let mut lines = Lines::new(ingest.admission.max_line_bytes);
    let mut buffer = vec![0u8; 16 * 1024];
    let mut items = Vec::new();
    let mut closed = false;
    loop {
        let read = tokio::select! {
            read = stream.read(&mut buffer) => match read {
                Ok(0) => {
                    closed = true;
                    break;
                }
                Err(_) => break,
                Ok(read) => read,
            },
            _ = stopped.changed() => break,
        };
        let received = Timestamp::now();
        lines.push(&buffer[..read], |frame| {
            items.push(ingest.admit(frame, received, source))
        });
        if ingest.send(std::mem::take(&mut items)).await.is_err() {
            return;
        }
    }
    if closed {
        let mut last = None;
        lines.finish(|frame| last = Some(ingest.admit(frame, Timestamp::now(), source)));
        match last {
            Some(Ok(event)) => {
                // A closed queue (a stop) counts it as dropped.
                let _ = ingest.send(vec![Ok(event)]).await;
            }
            Some(Err(_)) => {
                ingest.metrics.partial_lines.fetch_add(1, Relaxed);
            }
            None => {}
        }
    } else if lines.discard() {
        ingest.metrics.partial_lines.fetch_add(1, Relaxed);
    }
}
