"""Errors a steward can act on: Vietnamese first, English too, never a traceback."""

from __future__ import annotations

import errno
import os
import re
import resource
import shutil
from pathlib import Path


class InputError(Exception):
    """Something in the inbox the steward must fix; carries both languages."""

    def __init__(self, vi: str, en: str, file: str | None = None):
        self.vi, self.en, self.file = vi, en, file
        super().__init__(f"{vi} / {en}")

    def __str__(self) -> str:
        where = f"[{self.file}] " if self.file else ""
        return f"{where}{self.vi}\n    ({self.en})"


def held_back(errors: list[InputError], exports_wait: bool = False) -> InputError:
    """Every file a step held back, in one message: the steward fixes them all in one go.
    `exports_wait`: these are reference files, and the month's exports, checked against them,
    were not read yet."""
    def lines(language: str) -> str:
        return "\n".join(f"  [{e.file}] {getattr(e, language)}" if e.file else f"  {getattr(e, language)}" for e in errors)

    error = errors[0] if len(errors) == 1 else InputError(
        f"{len(errors)} tệp bị giữ lại:\n{lines('vi')}", f"{len(errors)} files held back:\n{lines('en')}")
    if exports_wait:
        error = InputError(
            f"{error.vi}\nCác tệp tháng chưa được kiểm tra: chúng được đối chiếu với tệp tham chiếu, nên sẽ được "
            "kiểm tra khi tệp trên đã sửa (hoặc ngay bây giờ, theo danh mục đã công bố: cchc check <tệp>).",
            f"{error.en}\nThe monthly exports were not checked yet: they are checked against the reference files, "
            "so they will be once the file above is fixed (or now, against the published ones: cchc check <file>).", error.file)
    return error


class DiskFull(InputError):
    """No room left to write (ENOSPC, EFBIG, a quota): said with the file, its filesystem and the
    space still free, since the steward's fix is to free space there, not to change a file."""

    def __init__(self, path: Path | str | None, too_large: bool = False, inside: bool = False):
        """`inside`: `path` is the directory the file was in, not the file (SQLite names none)."""
        self.path, self.too_large = (Path(path) if path else None), too_large
        mount, free = _filesystem(self.path)
        vi_file, en_file = ((f"một tệp trong {self.path}", f"a file in {self.path}") if inside else
                            (str(self.path), str(self.path))) if self.path else ("một tệp", "a file")
        if too_large:
            super().__init__(
                f"Hết chỗ ghi: {vi_file} đã chạm giới hạn kích thước tệp (ulimit -f, hoặc giới hạn của hệ thống "
                f"tệp); hệ thống tệp {mount} còn trống {free}. Hãy nâng giới hạn đó hoặc đặt CCHC_HOME trên đĩa "
                "khác, rồi chạy lại.",
                f"No room to write: {en_file} reached the file size limit (ulimit -f, or the filesystem's); "
                f"{free} free on filesystem {mount}. Raise that limit or put CCHC_HOME on another disk, then run "
                "it again.")
        else:
            super().__init__(
                f"Đĩa đã đầy: không ghi được {vi_file} (hệ thống tệp {mount}, còn trống {free}). Hãy giải phóng "
                "chỗ trống trên đĩa đó rồi chạy lại.",
                f"The disk is full: could not write {en_file} (filesystem {mount}, {free} free). Free some space "
                "there, then run it again.")


# How DuckDB, SQLite (through SQLAlchemy, for Dagster's storage) and the OS say there is no room.
_NO_SPACE = re.compile(r"No space left on device|database or disk is full|Disk quota exceeded|\[Errno 28\]|"
                       r"max_temp_directory_size", re.IGNORECASE)
_TOO_LARGE = re.compile(r"(?:write|truncate|extend|allocate)[^\n]*: File too large|\[Errno 27\]", re.IGNORECASE)
_IO_ERROR = re.compile(r"disk I/O error")  # SQLite's, for a write refused midway (a journal, a limit)
_QUOTED_PATH = re.compile(r"""(?:file|database|directory)\s+["'](/[^"']+)["']""", re.IGNORECASE)


def disk_full(error: BaseException | str | None, where: Path | str | None = None) -> DiskFull | None:
    """The DiskFull an error is or was caused by, anywhere in its chain (a failed commit whose
    rollback failed too, Dagster's wrappers, SQLAlchemy's `orig`); None when space was not the
    cause. `where` names the place when the error does not (SQLite never says which file)."""
    seen: set[int] = set()
    todo: list = [error]
    while todo:
        e = todo.pop(0)
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, DiskFull):
            return e
        if isinstance(e, str):
            text, code, path = e, None, None
        elif isinstance(e, InputError):  # its own words about a file (one "too large" to read is no disk's fault)
            todo += [e.__cause__, e.__context__]
            continue
        else:
            text, code = str(e), getattr(e, "errno", None)
            path = (getattr(e, "filename2", None) or getattr(e, "filename", None)) if isinstance(e, OSError) else None
            todo += [e.__cause__, e.__context__, getattr(e, "orig", None)]
        too_large = code == errno.EFBIG or (code is None and bool(_TOO_LARGE.search(text)))
        if code in (errno.ENOSPC, errno.EDQUOT) or too_large or (code is None and _NO_SPACE.search(text)):
            quoted = _QUOTED_PATH.search(text)
            named = path or (quoted and quoted.group(1))
            return DiskFull(named or where, too_large=too_large, inside=not named)
        if where is not None and _IO_ERROR.search(text) and (limited := _no_room_at(Path(where))) is not None:
            return DiskFull(where, too_large=limited, inside=True)
    return None


def _no_room_at(where: Path) -> bool | None:
    """Whether SQLite's bare "disk I/O error" at `where` was for want of room: SQLite says "disk is
    full" only when a write finds no room at once. False (no room) when that filesystem has all but
    filled up, True (a size limit) when this process has a file size limit, None otherwise."""
    existing = Path(os.path.abspath(where))
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    try:
        if shutil.disk_usage(existing).free < 16 << 20:
            return False
    except OSError:
        pass
    return True if resource.getrlimit(resource.RLIMIT_FSIZE)[0] != resource.RLIM_INFINITY else None


def _filesystem(path: Path | None) -> tuple[str, str]:
    """The mount point holding `path` (or its nearest existing parent), and its free space."""
    if path is None:
        return "?", "?"
    existing = Path(os.path.abspath(path))
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    mount = existing if existing.is_dir() else existing.parent
    while not os.path.ismount(mount) and mount != mount.parent:
        mount = mount.parent
    try:
        free = shutil.disk_usage(existing).free
    except OSError:
        return str(mount), "?"
    return str(mount), human_size(free)


def human_size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if n < 1024 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TB"
