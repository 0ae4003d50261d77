//! `RotatingFile`: one log file, its buffered lines and its rollover. The
//! decision is `barg::rotation`'s; this module carries it out.
//!
//! Lines are buffered whole and written with one `write` per flush. A failed
//! write (a full disk) cuts the file back to its last whole line, so a
//! reader never sees half a line, and keeps the buffer for the retry. The
//! size the rule sees counts buffered bytes, so rollover happens at the same
//! line as if every line were written at once, as CPython does.
//!
//! With `gzip`, a rolled-over file is moved aside (`x.log.rolled-<µs>`) and
//! compressed on a thread of its own, so that writing goes on meanwhile; the
//! next rollover of the same file waits for it, so the backups' names only
//! ever shift once it is done.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::thread::JoinHandle;

use barg::Timestamp;
use barg::rotation::{
    FileState, Rotation, daily_backup_name, expired_daily_backups, should_roll_over,
    size_backup_name, size_backups_to_shift,
};
use barg::timestamp::Day;

use super::batch::FileLines;
use super::diag;
use super::metrics::FileCounters;

/// Log files are readable by the owner's group, never by others.
pub const MODE: u32 = 0o640;

/// Flush when this many bytes wait.
const FLUSH_AT: usize = 64 * 1024;

/// One log file owned by the writer.
pub struct RotatingFile {
    /// The file's name relative to the log directory (as configured).
    name: String,
    path: PathBuf,
    rotation: Rotation,
    gzip: bool,
    file: File,
    /// Bytes in the file on disk.
    size: u64,
    /// The day its content belongs to (for daily rotation).
    day: Day,
    pending: Vec<u8>,
    pending_lines: u64,
    /// Written since the last sync.
    unsynced: bool,
    /// The last file rolled over, being compressed (`gzip = true`).
    compressing: Option<JoinHandle<()>>,
}

impl RotatingFile {
    /// Opens (creating with mode 0640) `dir/name`.
    pub fn open(
        dir: &Path,
        name: &str,
        rotation: Rotation,
        gzip: bool,
    ) -> io::Result<RotatingFile> {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let (file, size, day) = open_append(&path)?;
        report_left_aside(&path);
        Ok(RotatingFile {
            name: name.to_owned(),
            path,
            rotation,
            gzip,
            file,
            size,
            day,
            pending: Vec::with_capacity(FLUSH_AT + 4096),
            pending_lines: 0,
            unsynced: false,
            compressing: None,
        })
    }

    /// Appends a batch's lines for this file, rolling over before each line
    /// that the rule says must start a new file. Lines are copied in runs:
    /// the rule is applied line by line, the bytes between rollovers move
    /// at once. A failed write leaves the lines buffered and the error
    /// returned; the caller retries with [`RotatingFile::flush`].
    ///
    /// The handle of each file rolled over with lines not yet synced (or
    /// of the dated file they were appended to) is pushed to `retired`,
    /// still open, for the caller to sync as its `fsync` setting says: the
    /// rollover itself never waits for the disk.
    pub fn append(
        &mut self,
        lines: &FileLines,
        counters: &Arc<FileCounters>,
        retired: &mut Vec<File>,
    ) -> io::Result<()> {
        if lines.ends.is_empty() {
            return Ok(());
        }
        let today = match self.rotation {
            Rotation::Daily { .. } => Timestamp::now().day(),
            Rotation::Size { .. } => self.day,
        };
        let mut result = Ok(());
        // The run of lines not yet buffered: from `run` to `start`.
        let (mut run, mut run_lines, mut start) = (0, 0, 0);
        for &end in &lines.ends {
            let state = FileState {
                size: self.size + (self.pending.len() + start - run) as u64,
                day: self.day,
            };
            if should_roll_over(self.rotation, state, (end - start) as u64, today) {
                self.buffer(&lines.bytes[run..start], run_lines);
                (run, run_lines) = (start, 0);
                // Should this fail, the line still goes to the current file
                // and the rollover is tried again at the next line.
                let rolled = self
                    .flush(counters)
                    .and_then(|()| self.roll_over(today, counters, retired));
                result = result.and(rolled);
            }
            run_lines += 1;
            start = end;
        }
        self.buffer(&lines.bytes[run..], run_lines);
        if self.pending.len() >= FLUSH_AT {
            result = result.and(self.flush(counters));
        }
        result
    }

    fn buffer(&mut self, lines: &[u8], count: u64) {
        self.pending.extend_from_slice(lines);
        self.pending_lines += count;
    }

    /// Writes the buffered lines. On failure the file is cut back to its
    /// last whole line and the lines stay buffered.
    pub fn flush(&mut self, counters: &FileCounters) -> io::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        match self.file.write_all(&self.pending) {
            Ok(()) => {
                let bytes = self.pending.len() as u64;
                self.size += bytes;
                counters.lines.fetch_add(self.pending_lines, Relaxed);
                counters.bytes.fetch_add(bytes, Relaxed);
                self.pending.clear();
                self.pending_lines = 0;
                self.unsynced = true;
                Ok(())
            }
            Err(error) => {
                // Never half a line: drop whatever part of the buffer landed.
                let _ = self.file.set_len(self.size);
                Err(error)
            }
        }
    }

    /// Gives up the buffered lines, returning how many there were.
    pub fn abandon(&mut self) -> u64 {
        let lines = self.pending_lines;
        self.pending.clear();
        self.pending_lines = 0;
        lines
    }

    /// Forces written lines to the disk, when some were written since.
    pub fn sync(&mut self) -> io::Result<()> {
        if self.unsynced {
            self.file.sync_data()?;
            self.unsynced = false;
        }
        Ok(())
    }

    /// A second handle on the file, to be synced elsewhere, when lines were
    /// written since the last sync; the file counts as synced from here.
    /// Without a handle to spare (no descriptor left), it is synced here.
    pub fn unsynced_handle(&mut self) -> io::Result<Option<File>> {
        if !self.unsynced {
            return Ok(None);
        }
        match self.file.try_clone() {
            Ok(handle) => {
                self.unsynced = false;
                Ok(Some(handle))
            }
            Err(_) => self.sync().map(|()| None),
        }
    }

    /// Reopens the path, for an external rotation (logrotate's move). The
    /// buffer is written to the old file first.
    pub fn reopen(&mut self, counters: &FileCounters) -> io::Result<()> {
        self.flush(counters)?;
        let _ = self.sync();
        let (file, size, day) = open_append(&self.path)?;
        self.file = file;
        self.size = size;
        self.day = day;
        Ok(())
    }

    /// The file's name as configured.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Rolls the file over. The next file is made first, as `x.log.next`:
    /// should that fail, nothing has moved and the lines go on to the
    /// current file, the rollover tried again at the next line. Then the
    /// file moves out (or, for a dated file there already, is appended to
    /// it) and the next one takes its name; should that last step fail, what
    /// moved is put back. So the handle written to is always the file named
    /// `x.log`, and a file being compressed is never written to again.
    fn roll_over(
        &mut self,
        today: Day,
        counters: &Arc<FileCounters>,
        retired: &mut Vec<File>,
    ) -> io::Result<()> {
        // The backups' names are settled only once the last one is written.
        self.wait_for_compression();
        let dir = self
            .path
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let base = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let next_path = dir.join(format!("{base}.next"));
        let next = open_new(&next_path)?;
        let out = match self.move_out(&dir, &base) {
            Ok(out) => out,
            Err(error) => {
                let _ = std::fs::remove_file(&next_path);
                return Err(error);
            }
        };
        if let Err(error) = std::fs::rename(&next_path, &self.path) {
            match &out {
                Out::Moved { to, .. } => {
                    let _ = std::fs::rename(to, &self.path);
                }
                Out::Appended { to, before } => {
                    let _ = to.set_len(*before);
                }
            }
            let _ = std::fs::remove_file(&next_path);
            return Err(error);
        }
        let old = std::mem::replace(&mut self.file, next);
        match out {
            Out::Moved { to, compress_into } => {
                if self.unsynced {
                    retired.push(old);
                }
                if let Some(target) = compress_into {
                    self.compress_later(to, target, counters);
                }
            }
            // The copy is what must reach the disk now.
            Out::Appended { to, .. } => retired.push(to),
        }
        self.unsynced = false;
        self.size = 0;
        self.day = today;
        counters.rotations.fetch_add(1, Relaxed);
        match self.rotation {
            Rotation::Daily { keep_days } => {
                let names = names_in(&dir)?;
                for expired in
                    expired_daily_backups(&base, names.iter().map(String::as_str), keep_days)
                {
                    std::fs::remove_file(dir.join(expired))?;
                }
                Ok(())
            }
            Rotation::Size { .. } => Ok(()),
        }
    }

    /// Moves the current file out of its name: to its first backup, after
    /// the others move up; to its dated name; or, with `gzip`, aside until
    /// it is compressed. A dated file there already (the clock went back,
    /// or a restart) is appended to, never replaced.
    fn move_out(&self, dir: &Path, base: &str) -> io::Result<Out> {
        let target = match self.rotation {
            Rotation::Size { backups, .. } => {
                // x.log.(N-1) → x.log.N, ..., x.log.1 → x.log.2: the oldest
                // is replaced, as CPython removes it.
                let names = names_in(dir)?;
                let names = names.iter().map(String::as_str);
                for index in size_backups_to_shift(base, names, backups, self.gzip) {
                    std::fs::rename(
                        dir.join(size_backup_name(base, index, self.gzip)),
                        dir.join(size_backup_name(base, index + 1, self.gzip)),
                    )?;
                }
                let first = dir.join(size_backup_name(base, 1, self.gzip));
                if self.gzip {
                    // With one backup nothing moves up: it is replaced.
                    let _ = std::fs::remove_file(&first);
                }
                first
            }
            Rotation::Daily { .. } => dir.join(daily_backup_name(base, self.day, self.gzip)),
        };
        if self.gzip {
            let aside = self.aside_name();
            std::fs::rename(&self.path, &aside)?;
            return Ok(Out::Moved {
                to: aside,
                compress_into: Some(target),
            });
        }
        if matches!(self.rotation, Rotation::Daily { .. }) && target.exists() {
            let mut to = OpenOptions::new().append(true).open(&target)?;
            let before = to.metadata()?.len();
            let copied = io::copy(&mut File::open(&self.path)?, &mut to);
            if let Err(error) = copied {
                let _ = to.set_len(before);
                return Err(error);
            }
            return Ok(Out::Appended { to, before });
        }
        std::fs::rename(&self.path, &target)?;
        Ok(Out::Moved {
            to: target,
            compress_into: None,
        })
    }

    /// A name of its own beside the file, for it to wait under while it is
    /// compressed: `x.log.rolled-<µs>`.
    fn aside_name(&self) -> PathBuf {
        let mut aside = self.path.as_os_str().to_owned();
        aside.push(format!(".rolled-{}", Timestamp::now().unix_micros()));
        let mut aside = PathBuf::from(aside);
        while aside.exists() {
            aside.as_mut_os_string().push("+");
        }
        aside
    }

    /// Compresses a file moved aside into `target` on a thread, removing it
    /// once done: compressing 10 MB of log takes about 0.14 s, in which the
    /// writer would write nothing and every source would wait. Where no
    /// thread can be started, it is done here. A failure is counted in
    /// `counters`.
    fn compress_later(&mut self, aside: PathBuf, target: PathBuf, counters: &Arc<FileCounters>) {
        let (on_thread, into, counted) = (aside.clone(), target.clone(), counters.clone());
        let spawned = std::thread::Builder::new()
            .name("barg-gzip".into())
            .spawn(move || compress_rolled(&on_thread, &into, &counted));
        match spawned {
            Ok(handle) => self.compressing = Some(handle),
            Err(_) => compress_rolled(&aside, &target, counters),
        }
    }

    /// Waits until the file last rolled over is compressed.
    fn wait_for_compression(&mut self) {
        if let Some(compressing) = self.compressing.take() {
            let _ = compressing.join();
        }
    }
}

/// Where [`RotatingFile::move_out`] put the file's lines.
enum Out {
    /// The file itself moved, to be compressed into a target or not.
    Moved {
        to: PathBuf,
        compress_into: Option<PathBuf>,
    },
    /// Its lines were appended to a dated file, `before` bytes long until
    /// then.
    Appended { to: File, before: u64 },
}

/// The writer never leaves a compression running behind it.
impl Drop for RotatingFile {
    fn drop(&mut self) {
        self.wait_for_compression();
    }
}

/// Compresses a file moved aside at a rollover into `target`, then removes
/// it. One that cannot be compressed is kept under its name, reported and
/// counted.
fn compress_rolled(rolled: &Path, target: &Path, counters: &FileCounters) {
    let done = compress_into(rolled, target).and_then(|()| std::fs::remove_file(rolled));
    if let Err(error) = done {
        counters.compression_failures.fetch_add(1, Relaxed);
        diag::error(&format!(
            "cannot compress {} into {}, kept as it is: {error}",
            rolled.display(),
            target.display()
        ));
    }
}

/// Reports the files that a rollover moved aside for compression and that
/// are still there: the writer stopped before compressing them, or could
/// not. Their lines are in no backup; they are left as they are.
fn report_left_aside(path: &Path) {
    let (Some(dir), Some(base)) = (path.parent(), path.file_name()) else {
        return;
    };
    let prefix = format!("{}.rolled-", base.to_string_lossy());
    let Ok(names) = names_in(dir) else {
        return;
    };
    for name in names.iter().filter(|name| name.starts_with(&prefix)) {
        diag::warning(&format!(
            "{} holds lines rolled over from {} but never compressed; left as it is",
            dir.join(name).display(),
            path.display()
        ));
    }
}

/// The names of the files in `dir`.
fn names_in(dir: &Path) -> io::Result<Vec<String>> {
    Ok(std::fs::read_dir(dir)?
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect())
}

/// Opens for appending, creating with [`MODE`]; gives the size and the day
/// of the last change (today for a new file).
fn open_append(path: &Path) -> io::Result<(File, u64, Day)> {
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .mode(MODE)
        .open(path)?;
    let meta = file.metadata()?;
    let day = meta
        .modified()
        .ok()
        .filter(|_| meta.len() > 0)
        .and_then(|time| time.duration_since(std::time::UNIX_EPOCH).ok())
        .and_then(|since| Timestamp::from_unix_micros(i64::try_from(since.as_micros()).ok()?))
        .map(Timestamp::day)
        .unwrap_or_else(|| Timestamp::now().day());
    Ok((file, meta.len(), day))
}

/// Creates `path` empty with [`MODE`], replacing a file left there.
fn open_new(path: &Path) -> io::Result<File> {
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .mode(MODE)
        .open(path)?;
    file.set_len(0)?;
    Ok(file)
}

/// Appends `source` gzip-compressed to `target` (created with [`MODE`]). A
/// gzip file may hold several members, so appending never loses the old.
fn compress_into(source: &Path, target: &Path) -> io::Result<()> {
    let out = OpenOptions::new()
        .create(true)
        .append(true)
        .mode(MODE)
        .open(target)?;
    let mut encoder =
        flate2::write::GzEncoder::new(io::BufWriter::new(out), flate2::Compression::default());
    io::copy(&mut File::open(source)?, &mut encoder)?;
    let mut out = encoder.finish()?;
    out.flush()?;
    out.get_ref().sync_data()
}
