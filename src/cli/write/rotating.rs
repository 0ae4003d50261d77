//! `RotatingFile`: one log file, its buffered lines and its rollover. The
//! decision is `barg::rotation`'s; this module carries it out.
//!
//! Lines are buffered whole and written with one `write` per flush. A failed
//! write (a full disk) cuts the file back to its last whole line, so a
//! reader never sees half a line, and keeps the buffer for the retry. The
//! size the rule sees counts buffered bytes, so rollover happens at the same
//! line as if every line were written at once, as CPython does.
//!
//! A rollover swaps a new file in for `x.log` before the old one is made a
//! backup ([`RotatingFile::roll_over`]), so lines only ever go to the file
//! named `x.log`. With `gzip`, the rolled-over file is compressed on a
//! thread of its own, so that writing goes on meanwhile; the next rollover
//! of the same file waits for it, so the backups' names only ever shift
//! once it is done.

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

/// What a rolled-over file's name gets while it waits to be made a backup,
/// before the time it was moved (`x.log.rolled-<µs>`).
const ASIDE: &str = ".rolled-";

/// Flush when this many bytes wait.
const FLUSH_AT: usize = 64 * 1024;

/// One log file owned by the writer.
pub struct RotatingFile {
    /// The file's name relative to the log directory (as configured).
    name: String,
    path: PathBuf,
    /// The directory the file is in, and its name there.
    dir: PathBuf,
    base: String,
    /// Whether the directory is synced after a rollover (its handle given
    /// to `retired`): not with `fsync = never`.
    sync_dir: bool,
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
    /// Opens (creating with mode 0640) `dir/name`. With `sync_dir`, the
    /// handle of its directory is given to `retired` after each rollover.
    pub fn open(
        dir: &Path,
        name: &str,
        rotation: Rotation,
        gzip: bool,
        sync_dir: bool,
    ) -> io::Result<RotatingFile> {
        let path = dir.join(name);
        let parent = path
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        std::fs::create_dir_all(&parent)?;
        let base = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (file, size, day) = open_append(&path)?;
        let file = RotatingFile {
            name: name.to_owned(),
            path,
            dir: parent,
            base,
            sync_dir,
            rotation,
            gzip,
            file,
            size,
            day,
            pending: Vec::with_capacity(FLUSH_AT + 4096),
            pending_lines: 0,
            unsynced: false,
            compressing: None,
        };
        file.report_left_aside();
        Ok(file)
    }

    /// Appends a batch's lines for this file, rolling over before each line
    /// that the rule says must start a new file. Lines are copied in runs:
    /// the rule is applied line by line, the bytes between rollovers move
    /// at once. A failed write leaves the lines buffered and the error
    /// returned; the caller retries with [`RotatingFile::flush`].
    ///
    /// The handle of each file rolled over with lines not yet synced (or
    /// of the dated file they were appended to), and of the directory whose
    /// names changed, is pushed to `retired`, still open, for the caller to
    /// sync as its `fsync` setting says: the rollover itself never waits for
    /// the disk.
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
        self.append_on(today, lines, counters, retired)
    }

    /// [`RotatingFile::append`] on the day `today`.
    fn append_on(
        &mut self,
        today: Day,
        lines: &FileLines,
        counters: &Arc<FileCounters>,
        retired: &mut Vec<File>,
    ) -> io::Result<()> {
        // An empty file's content begins with these lines: it is dated the
        // day they come, not the day it was opened or made.
        if self.size == 0 && self.pending.is_empty() {
            self.day = today;
        }
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

    /// Rolls the file over, in an order that never leaves lines going to a
    /// file other than the one named `x.log`:
    ///
    /// 1. The next file is made, as `x.log.next`. Should that fail (no
    ///    descriptor or inode left, a permission), nothing has moved: the
    ///    lines go on to the current file and the rollover is tried again at
    ///    the next line.
    /// 2. `x.log` moves aside, to `x.log.rolled-<µs>`, and the next file
    ///    takes its name; should that fail, the file is put back. An `x.log`
    ///    removed under the writer (without SIGHUP) is replaced by the next
    ///    file, and reported.
    /// 3. The lines go to the new file from here on, and the rolled-over
    ///    file is made a backup ([`RotatingFile::place`]): the backups move
    ///    up and it becomes `x.log.1`, or its dated name, or it is
    ///    compressed into either on a thread of its own. Should that fail,
    ///    it stays aside under its own name, reported and counted, and
    ///    nothing is retried: its lines are kept, and no further backup
    ///    is moved for it.
    fn roll_over(
        &mut self,
        today: Day,
        counters: &Arc<FileCounters>,
        retired: &mut Vec<File>,
    ) -> io::Result<()> {
        // The backups' names are settled only once the last one is written.
        self.wait_for_compression();
        let next_path = self.beside(".next");
        let next = self.open_next(&next_path)?;
        let aside = self.aside_name();
        let moved = match std::fs::rename(&self.path, &aside) {
            Ok(()) => true,
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                diag::warning(&format!(
                    "{} was removed under the writer (without SIGHUP): the lines written \
                     to it since are gone with it; a new one starts here",
                    self.path.display()
                ));
                false
            }
            Err(error) => {
                let _ = std::fs::remove_file(&next_path);
                return Err(error);
            }
        };
        if let Err(error) = std::fs::rename(&next_path, &self.path) {
            if moved {
                if let Err(error) = std::fs::rename(&aside, &self.path) {
                    diag::error(&format!(
                        "cannot put {} back as {}, lines go on to it: {error}",
                        aside.display(),
                        self.path.display()
                    ));
                }
            }
            let _ = std::fs::remove_file(&next_path);
            return Err(error);
        }
        let old = std::mem::replace(&mut self.file, next);
        if moved && self.unsynced {
            retired.push(old);
        }
        // The names changed: the directory is synced as the files are, so
        // that synced lines are found under their names after a crash.
        if self.sync_dir {
            if let Ok(dir) = File::open(&self.dir) {
                retired.push(dir);
            }
        }
        self.unsynced = false;
        self.size = 0;
        let day = std::mem::replace(&mut self.day, today);
        counters.rotations.fetch_add(1, Relaxed);
        if !moved {
            return Ok(());
        }
        let placed = match self.place(&aside, day, counters, retired) {
            Ok(()) => true,
            Err(error) => {
                counters.backup_failures.fetch_add(1, Relaxed);
                diag::error(&format!(
                    "cannot make {} a backup of {}, kept as it is: {error}",
                    aside.display(),
                    self.path.display()
                ));
                false
            }
        };
        if let Rotation::Daily { keep_days } = self.rotation {
            let placed = placed.then(|| daily_backup_name(&self.base, day, self.gzip));
            self.remove_expired(keep_days, placed.as_deref());
        }
        Ok(())
    }

    /// Makes the file rolled over to `aside`, whose lines belong to `day`,
    /// a backup: the size backups move up one place (the oldest replaced,
    /// as CPython does) and it becomes the first; or it takes its dated
    /// name. With `gzip` it is compressed into that name on a thread, and
    /// removed once done. A dated file there already (the clock went back,
    /// or a restart) is appended to, never replaced.
    fn place(
        &mut self,
        aside: &Path,
        day: Day,
        counters: &Arc<FileCounters>,
        retired: &mut Vec<File>,
    ) -> io::Result<()> {
        let (dir, base) = (&self.dir, &self.base);
        let target = match self.rotation {
            Rotation::Size { backups, .. } => {
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
                    // Compressing appends to its target: with one backup,
                    // which nothing moves up, the old one goes first.
                    let _ = std::fs::remove_file(&first);
                }
                first
            }
            Rotation::Daily { .. } => {
                let target = dir.join(daily_backup_name(base, day, self.gzip));
                if !self.gzip {
                    match OpenOptions::new().append(true).open(&target) {
                        Ok(to) => return append_rolled(aside, to, &target, retired),
                        Err(error) if error.kind() != io::ErrorKind::NotFound => {
                            return Err(error);
                        }
                        Err(_) => {}
                    }
                }
                target
            }
        };
        if self.gzip {
            self.compress_later(aside.to_path_buf(), target, counters);
        } else {
            std::fs::rename(aside, &target)?;
        }
        Ok(())
    }

    /// Removes the dated backups past the newest `keep_days`; one that
    /// cannot be removed is reported, and tried again at the next rollover.
    /// `placed`, the backup this rollover made, counts among them even while
    /// its compression has not yet created it, and is never removed here
    /// (were it past `keep_days`, the clock having gone back, the next
    /// rollover removes it).
    fn remove_expired(&self, keep_days: u32, placed: Option<&str>) {
        let mut names = match names_in(&self.dir) {
            Ok(names) => names,
            Err(error) => {
                diag::error(&format!("cannot list {}: {error}", self.dir.display()));
                return;
            }
        };
        if let Some(placed) = placed.filter(|placed| !names.iter().any(|name| name == placed)) {
            names.push(placed.to_owned());
        }
        let names = names.iter().map(String::as_str);
        for expired in expired_daily_backups(&self.base, names, keep_days) {
            if Some(expired) == placed {
                continue;
            }
            if let Err(error) = std::fs::remove_file(self.dir.join(expired)) {
                diag::error(&format!("cannot remove {expired}, past keep_days: {error}"));
            }
        }
    }

    /// The file's path with `suffix` added.
    fn beside(&self, suffix: &str) -> PathBuf {
        let mut path = self.path.as_os_str().to_owned();
        path.push(suffix);
        PathBuf::from(path)
    }

    /// Creates the next file at `path`, empty, with [`MODE`]. An empty file
    /// left there is replaced; one with lines (a rollover that the disk
    /// lost part of) is moved aside first, and reported; anything else
    /// there is an error.
    fn open_next(&self, path: &Path) -> io::Result<File> {
        let create = || {
            OpenOptions::new()
                .create_new(true)
                .append(true)
                .mode(MODE)
                .open(path)
        };
        match create() {
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
                let left = std::fs::symlink_metadata(path)?;
                if !left.is_file() {
                    return Err(io::Error::other(format!(
                        "{} is in the way, and not a file",
                        path.display()
                    )));
                }
                if left.len() == 0 {
                    std::fs::remove_file(path)?;
                } else {
                    let aside = self.aside_name();
                    std::fs::rename(path, &aside)?;
                    diag::warning(&format!(
                        "{} held lines; moved to {}",
                        path.display(),
                        aside.display()
                    ));
                }
                create()
            }
            opened => opened,
        }
    }

    /// A name of its own beside the file, for it to wait under until it is
    /// made a backup: `x.log.rolled-<µs>`.
    fn aside_name(&self) -> PathBuf {
        let mut aside = self.beside(&format!("{ASIDE}{}", Timestamp::now().unix_micros()));
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

    /// Reports the files that a rollover moved aside and that are still
    /// there: the writer could not make them backups, or stopped first.
    /// Their lines are in no backup; they are left as they are.
    fn report_left_aside(&self) {
        let prefix = format!("{}{ASIDE}", self.base);
        let Ok(names) = names_in(&self.dir) else {
            return;
        };
        for name in names.iter().filter(|name| name.starts_with(&prefix)) {
            diag::warning(&format!(
                "{} holds lines rolled over from {} that are in no backup; left as it is",
                self.dir.join(name).display(),
                self.path.display()
            ));
        }
    }

    /// Waits until the file last rolled over is compressed.
    fn wait_for_compression(&mut self) {
        if let Some(compressing) = self.compressing.take() {
            let _ = compressing.join();
        }
    }
}

/// The writer never leaves a compression running behind it.
impl Drop for RotatingFile {
    fn drop(&mut self) {
        self.wait_for_compression();
    }
}

/// Appends the file rolled over to `aside` to the dated file there already,
/// `to` (opened for appending at `target`), then removes it. Should the copy
/// fail, `to` is cut back to its length before. The copy is pushed to
/// `retired`: it is what must reach the disk now.
fn append_rolled(
    aside: &Path,
    mut to: File,
    target: &Path,
    retired: &mut Vec<File>,
) -> io::Result<()> {
    let before = to.metadata()?.len();
    if let Err(error) = io::copy(&mut File::open(aside)?, &mut to) {
        let _ = to.set_len(before);
        return Err(error);
    }
    retired.push(to);
    if let Err(error) = std::fs::remove_file(aside) {
        diag::error(&format!(
            "appended {} to {} but cannot remove it: {error}",
            aside.display(),
            target.display()
        ));
    }
    Ok(())
}

/// Compresses a file moved aside at a rollover into `target`, then removes
/// it. One that cannot be compressed is kept under its name, reported and
/// counted, and `target` left as it was before ([`compress_into`]).
fn compress_rolled(rolled: &Path, target: &Path, counters: &FileCounters) {
    if let Err(error) = compress_into(rolled, target) {
        counters.backup_failures.fetch_add(1, Relaxed);
        diag::error(&format!(
            "cannot compress {} into {}, kept as it is: {error}",
            rolled.display(),
            target.display()
        ));
    } else if let Err(error) = std::fs::remove_file(rolled) {
        diag::error(&format!(
            "compressed {} into {} but cannot remove it: {error}",
            rolled.display(),
            target.display()
        ));
    } else if let Some(dir) = target.parent() {
        // The compressed file's name, as its lines, reaches the disk.
        let _ = File::open(dir).and_then(|dir| dir.sync_all());
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

/// Appends `source` gzip-compressed to `target` (created with [`MODE`]). A
/// gzip file may hold several members, so appending never loses the old;
/// should it fail, `target` is cut back to its length before, or removed
/// when it was empty (no empty file left to pass for a backup).
fn compress_into(source: &Path, target: &Path) -> io::Result<()> {
    let out = OpenOptions::new()
        .create(true)
        .append(true)
        .mode(MODE)
        .open(target)?;
    let before = out.metadata()?.len();
    let written = (|| {
        let mut encoder =
            flate2::write::GzEncoder::new(io::BufWriter::new(&out), flate2::Compression::default());
        io::copy(&mut File::open(source)?, &mut encoder)?;
        encoder.finish()?.flush()
    })();
    let done = written.and_then(|()| out.sync_data());
    if done.is_err() {
        let _ = match before {
            0 => std::fs::remove_file(target),
            _ => out.set_len(before),
        };
    }
    done
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> FileLines {
        let ends = text.match_indices('\n').map(|(at, _)| at + 1).collect();
        FileLines {
            bytes: text.as_bytes().to_vec(),
            ends,
        }
    }

    #[test]
    fn an_empty_file_is_dated_the_day_its_first_line_comes() {
        let tmp = tempfile::tempdir().expect("tmp");
        let daily = Rotation::Daily { keep_days: 5 };
        let mut file = RotatingFile::open(tmp.path(), "x.log", daily, false, false).expect("open");
        let counters = Arc::new(FileCounters::default());
        let mut retired = Vec::new();
        let mut write = |day: &str, text: &str| {
            let day = Day::parse(day).expect("day");
            file.append_on(day, &lines(text), &counters, &mut retired)
                .and_then(|()| file.flush(&counters))
                .expect("written");
        };
        // Opened empty today, its first line years later.
        write("2030-01-02", "on the 2nd\n");
        write("2030-01-03", "on the 3rd\n");
        let read = |name: &str| std::fs::read_to_string(tmp.path().join(name)).expect(name);
        assert_eq!(read("x.log.2030-01-02"), "on the 2nd\n");
        assert_eq!(read("x.log"), "on the 3rd\n");
    }

    #[test]
    fn a_compression_that_fails_leaves_its_target_as_it_was() {
        let tmp = tempfile::tempdir().expect("tmp");
        // A directory opens but cannot be read: the copy fails midway,
        // after the encoder has begun its member.
        let unreadable = tmp.path().join("x.log.aside");
        std::fs::create_dir(&unreadable).expect("dir");
        let new = tmp.path().join("x.log.2030-01-02.gz");
        assert!(compress_into(&unreadable, &new).is_err());
        assert!(!new.exists(), "an empty target is removed");
        let earlier = tmp.path().join("x.log.2030-01-01.gz");
        std::fs::write(&earlier, b"an earlier member").expect("written");
        assert!(compress_into(&unreadable, &earlier).is_err());
        assert_eq!(std::fs::read(&earlier).expect("read"), b"an earlier member");
    }
}
