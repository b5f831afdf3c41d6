"""Zips from students, extracted as the hostile input they are: one member at a time under a fresh folder, with
paths that could land elsewhere (absolute, ``..``, drive letters, backslashes), links, special files and
encrypted members refused, a member whose header admits to a bomb refused before a byte is written, and every
other member held to :class:`ZipLimits` on the bytes it really produces (a header can lie)."""
from __future__ import annotations

import os
import re
import stat
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

CHUNK = 1 << 16
DRIVE = re.compile(r"^[A-Za-z]:")
IGNORED_NAMES = {"__MACOSX", ".ipynb_checkpoints", "__pycache__"}


@dataclass(frozen=True)
class Problem:
    source: str
    message: str


@dataclass(frozen=True)
class ZipLimits:
    max_members: int = 5000
    max_total_bytes: int = 2 << 30       # uncompressed, summed over members actually extracted
    max_member_bytes: int = 256 << 20
    max_ratio: float = 200.0             # uncompressed/compressed per member: beyond this it is a zip bomb
    # A small file of repeated text can compress beyond any bomb's ratio, so a member no larger than this is
    # never refused for its ratio: a bomb is about size, and this much is harmless.
    ratio_grace_bytes: int = 1 << 20


def _fresh_folder(work_dir: Path, stem: str) -> Path:
    from grader.intake.collect import safe_key

    base = safe_key(stem)
    work_dir.mkdir(parents=True, exist_ok=True)
    n = 2
    candidate = work_dir / base
    while True:
        try:
            candidate.mkdir()
            return candidate
        except FileExistsError:
            candidate, n = work_dir / f"{base}-{n}", n + 1


def extract(zip_path: Path, source: str, work_dir: Path, limits: ZipLimits,
             problems: list[Problem]) -> Path | None:
    """Extract the regular files of ``zip_path`` into a fresh folder under ``work_dir``; None when unreadable."""
    try:
        archive = zipfile.ZipFile(zip_path)
    except Exception as exc:  # noqa: BLE001 - whatever a damaged or hostile zip raises, it is that zip's problem
        problems.append(Problem(source, f"not a readable zip file ({why(exc)}): skipped"))
        return None
    with archive:
        members = archive.infolist()
        if len(members) > limits.max_members:
            problems.append(Problem(source, f"has {len(members)} members, more than the limit of "
                                            f"{limits.max_members}: not extracted"))
            return None
        try:
            root = _fresh_folder(work_dir, zip_path.stem)
        except OSError as exc:
            problems.append(Problem(source, f"could not make a folder to extract it into under {work_dir} "
                                            f"({why(exc)}): not extracted"))
            return None
        total = 0
        for index, info in enumerate(members):
            where = f"{source}:{shown(info.filename)}"
            parts, refusal = _member_parts(info)
            if refusal:
                problems.append(Problem(where, refusal))
                continue
            if not parts or any(p.startswith(".") or p in IGNORED_NAMES for p in parts):
                continue
            dest = root.joinpath(*parts)
            if not _inside(dest, root):  # unreachable after _member_parts; kept as the last line of defence
                problems.append(Problem(where, "would be written outside the extraction folder: refused"))
                continue
            if info.is_dir():
                _mkdirs(dest, root, where, problems)
                continue
            refusal = _claims_too_much(info, limits)
            if refusal:
                problems.append(Problem(where, refusal))
                continue
            if not _mkdirs(dest.parent, root, where, problems):
                continue
            written, refusal = _copy_member(archive, info, dest, limits, limits.max_total_bytes - total)
            total += written
            if refusal:
                problems.append(Problem(where, refusal))
            if refusal == _TOTAL:
                left = len(members) - index - 1
                problems.append(Problem(source, f"extraction stopped: more than {_size(limits.max_total_bytes)} "
                                                f"uncompressed in total; {left} later member(s) not extracted"))
                break
    return root


_TOTAL = "would take the extraction past its total size limit: refused, partial copy deleted"


def _member_parts(info: zipfile.ZipInfo) -> tuple[list[str], str | None]:
    """The member's path components, or why it is refused; links and special files are refused here too."""
    name = info.filename
    if "\\" in name:
        return [], "backslash in its path: refused"
    if "\x00" in name:
        return [], "NUL character in its path: refused"
    if name.startswith("/"):
        return [], "absolute path: refused"
    if DRIVE.match(name):
        return [], "drive letter in its path: refused"
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if ".." in parts:
        return [], "'..' in its path would escape the extraction folder: refused"
    mode = info.external_attr >> 16
    kind = stat.S_IFMT(mode)
    if stat.S_ISLNK(mode):
        return [], "a symbolic link: skipped"
    if kind and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        return [], "not a regular file: skipped"
    if info.flag_bits & 0x1:
        return [], "encrypted: skipped (no password is tried)"
    return parts, None


def _claims_too_much(info: zipfile.ZipInfo, limits: ZipLimits) -> str | None:
    """Refuse before writing a byte when the header itself admits to a bomb.

    Header sizes are only ever used to refuse, never to allow: :func:`_copy_member` still counts what really
    comes out.  (CPython's zipfile also stops a member at its claimed size, so a header that understates it
    gets the member refused as damaged, not inflated.)
    """
    if info.file_size > limits.max_member_bytes:
        return (f"is {_size(info.file_size)} uncompressed, more than the limit of {_size(limits.max_member_bytes)}: "
                "refused")
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > limits.ratio_grace_bytes and ratio > limits.max_ratio:
        return (f"inflates {ratio:.0f} times its compressed size, more than the limit of {limits.max_ratio:g} "
                "(a zip bomb): refused")
    return None


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False


def _mkdirs(folder: Path, root: Path, where: str, problems: list[Problem]) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        problems.append(Problem(where, f"could not be extracted ({why(exc)}): skipped"))
        return False
    if not folder.is_dir() or not _inside(folder, root):
        problems.append(Problem(where, "its folder clashes with a file in the zip: skipped"))
        return False
    return True


def _copy_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path, limits: ZipLimits,
                 budget: int) -> tuple[int, str | None]:
    """Stream one member to ``dest``, counting the bytes really produced; (bytes kept, refusal or None).

    The header's sizes are not trusted here: the limits are checked on the bytes produced so far, before each
    chunk is written, so a member never leaves more than ``max_member_bytes`` or ``max_ratio`` times its
    compressed size on disk, and any refused copy is deleted.
    """
    compressed = max(info.compress_size, 1)
    size = 0
    refusal = None
    try:
        fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except FileExistsError:
        return 0, "appears twice in the zip: the first copy is kept"
    except OSError as exc:
        return 0, f"could not be extracted ({why(exc)}): skipped"
    try:
        with os.fdopen(fd, "wb") as out, archive.open(info) as src:
            while chunk := src.read(CHUNK):
                size += len(chunk)
                if size > limits.max_member_bytes:
                    refusal = (f"larger than {_size(limits.max_member_bytes)} uncompressed: refused, "
                               "partial copy deleted")
                elif size > limits.ratio_grace_bytes and size / compressed > limits.max_ratio:
                    refusal = (f"inflates more than {limits.max_ratio:g} times its compressed size (a zip "
                               "bomb): refused, partial copy deleted")
                elif size > budget:
                    refusal = _TOTAL
                if refusal:
                    break
                out.write(chunk)
    except Exception as exc:  # noqa: BLE001 - any failure reading a hostile member is that member's problem
        refusal = f"damaged ({why(exc)}): skipped"
    if refusal:
        dest.unlink(missing_ok=True)
        return 0, refusal
    try:
        stamp = time.mktime((*info.date_time, 0, 0, -1))
        os.utime(dest, (stamp, stamp))  # "most recently modified" then means what the student saw
    except (OverflowError, ValueError, OSError):
        pass
    return size, None


def shown(text: str) -> str:
    """``text`` with control characters escaped, so a hostile file name cannot rewrite the instructor's terminal."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def why(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _size(n: int) -> str:
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if n >= 1 << shift:
            return f"{n / (1 << shift):g} {unit}"
    return f"{n} bytes"
