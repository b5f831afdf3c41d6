"""Collecting submissions: one entry per student from files, folders and LMS zips, and hostile zips refused."""
import os
import stat
import zipfile

import nbformat
import pytest

from grader.intake.collect import Collected, Entry, Problem, ZipLimits, collect, safe_key


def notebook_text(source: str = "x = 1") -> str:
    return nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source, id="c0")]))


@pytest.fixture
def make_tree(tmp_path):
    """Write files under tmp_path/<root>: ``{"alice/nb.ipynb": text or bytes or None (a notebook)}``."""
    def make(root: str, files: dict, mtimes: dict | None = None):
        base = tmp_path / root
        base.mkdir(parents=True, exist_ok=True)
        for rel, content in files.items():
            path = base / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            content = notebook_text() if content is None else content
            (path.write_bytes if isinstance(content, bytes) else path.write_text)(content)
        for rel, stamp in (mtimes or {}).items():
            os.utime(base / rel, (stamp, stamp))
        return base
    return make


@pytest.fixture
def make_zip(tmp_path):
    """A zip at tmp_path/<name> from (member name or ZipInfo, data) pairs, written exactly as given."""
    def make(name: str, members, compression=zipfile.ZIP_DEFLATED):
        path = tmp_path / name
        with zipfile.ZipFile(path, "w", compression) as archive:
            for member, data in members:
                data = notebook_text() if data is None else data
                archive.writestr(member, data, compress_type=compression)
        return path
    return make


@pytest.fixture
def work(tmp_path):
    return tmp_path / "work"


def files_under(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() or p.is_symlink())


def test_flat_folder_grades_each_notebook_and_says_what_it_skipped(make_tree, work):
    d = make_tree("flat", {"alice.ipynb": None, "bob.py": "x = 1\n", "notes.txt": "hi", "class.zip": b"PK",
                           ".hidden.ipynb": None, ".ipynb_checkpoints/alice-checkpoint.ipynb": None,
                           "__MACOSX/._alice.ipynb": b"junk"})
    (d / "secret.py").symlink_to("/etc/hostname")
    got = collect([d], work)
    assert got == Collected(
        entries=[Entry("alice", d / "alice.ipynb", f"{d}/alice.ipynb"), Entry("bob", d / "bob.py", f"{d}/bob.py")],
        problems=[Problem(f"{d}/class.zip", "a zip inside the submissions is not extracted: skipped (extract it, "
                                            "or give it to the grader on its own)"),
                  Problem(f"{d}/notes.txt", "not a notebook or .py file: skipped"),
                  Problem(f"{d}/secret.py", "is a symbolic link: skipped")])
    assert not work.exists()


def test_per_student_folders_pick_one_notebook_each(make_tree, work):
    d = make_tree("subs", {"alice/nb.ipynb": None, "alice/.ipynb_checkpoints/nb-checkpoint.ipynb": None,
                           "bob/old.ipynb": None, "bob/new.ipynb": None, "bob/sub/older.ipynb": None,
                           "carol/helper.py": "x = 1\n", "dave/readme.txt": "", "dave/data.csv": "",
                           "erin/nb.ipynb": None, "erin/utils.py": "", "frank/.DS_Store": "",
                           "__MACOSX/alice/._nb.ipynb": b"junk", ".DS_Store": b""},
                  mtimes={"bob/old.ipynb": 1_000_000, "bob/new.ipynb": 2_000_000, "bob/sub/older.ipynb": 500})
    got = collect([d], work)
    assert got.entries == [Entry("alice", d / "alice/nb.ipynb", f"{d}/alice/nb.ipynb"),
                           Entry("bob", d / "bob/new.ipynb", f"{d}/bob/new.ipynb"),
                           Entry("carol", d / "carol/helper.py", f"{d}/carol/helper.py"),
                           Entry("erin", d / "erin/nb.ipynb", f"{d}/erin/nb.ipynb")]
    assert got.problems == [
        Problem(f"{d}/bob", "several notebooks: graded the most recently modified, 'new.ipynb'; ignored "
                            "'old.ipynb', 'sub/older.ipynb'"),
        Problem(f"{d}/dave", "no .ipynb or .py file in this student's folder: skipped (found data.csv, readme.txt)"),
        Problem(f"{d}/erin", "'nb.ipynb' is graded on its own: its sandbox does not see 'utils.py' beside it, so "
                             "importing from it fails"),
        Problem(f"{d}/frank", "no .ipynb or .py file in this student's folder: skipped (it is empty)")]


def test_several_scripts_and_no_notebook_picks_the_newest_script(make_tree, work):
    d = make_tree("subs", {"ann/a.py": "", "ann/b.py": ""}, mtimes={"ann/a.py": 2_000_000, "ann/b.py": 1_000_000})
    got = collect([d], work)
    assert got.entries == [Entry("ann", d / "ann/a.py", f"{d}/ann/a.py")]
    assert got.problems == [Problem(f"{d}/ann", "several .py files: graded the most recently modified, 'a.py'; "
                                                "ignored 'b.py'")]


def test_canvas_zip_names_give_student_name_id_and_lateness(make_zip, work):
    members = ["smithjohn_12345_67890_lesson4.ipynb", "doejane_LATE_222_333_my_lesson_4-1.ipynb",
               "leeann_444_555_lesson_4.py", "smithjohn_999_111_chapter4.ipynb", "leeann_444_556_notes.pdf"]
    z = make_zip("class.zip", [(m, None) for m in members])
    got = collect([z], work)
    root = work / "class"
    assert got.entries == [
        Entry("doejane", root / members[1], f"{z}:{members[1]}", "doejane", "222", late=True),
        Entry("leeann", root / members[2], f"{z}:{members[2]}", "leeann", "444"),
        Entry("smithjohn_12345", root / members[0], f"{z}:{members[0]}", "smithjohn", "12345"),
        Entry("smithjohn_999", root / members[3], f"{z}:{members[3]}", "smithjohn", "999")]
    assert got.problems == [Problem(f"{z}:{members[4]}", "not a notebook or .py file: skipped")]
    assert (root / members[0]).read_text() == notebook_text()


def test_canvas_student_with_two_files_keeps_both_under_distinct_ids(make_zip, work):
    z = make_zip("hw.zip", [("smithjohn_1_2_a.ipynb", None), ("smithjohn_1_2_b.ipynb", None)])
    got = collect([z], work)
    assert [(e.student, e.lms_id) for e in got.entries] == [("smithjohn", "1"), ("smithjohn-2", "1")]
    assert got.problems == [Problem(f"{z}:smithjohn_1_2_b.ipynb",
                                    f"duplicate student id 'smithjohn' (also {z}:smithjohn_1_2_a.ipynb): "
                                    "graded as 'smithjohn-2'")]


def test_moodle_folders_give_name_and_id(make_tree, work):
    d = make_tree("moodle", {"John Smith_12345_assignsubmission_file_/Lesson 4.ipynb": None,
                             "John Smith_12345_assignsubmission_onlinetext_/onlinetext.html": "<p>hi</p>",
                             "Zoë Ngata_678_assignsubmission_file_/nb.ipynb": None,
                             "Mary Ann_90_assignsubmission_file_/work/final.py": "x = 1\n"})
    got = collect([d], work)
    john, mary, zoe = (d / "John Smith_12345_assignsubmission_file_/Lesson 4.ipynb",
                       d / "Mary Ann_90_assignsubmission_file_/work/final.py",
                       d / "Zoë Ngata_678_assignsubmission_file_/nb.ipynb")
    assert got.entries == [Entry("John_Smith", john, str(john), "John Smith", "12345"),
                           Entry("Mary_Ann", mary, str(mary), "Mary Ann", "90"),
                           Entry("Zoe_Ngata", zoe, str(zoe), "Zoë Ngata", "678")]
    assert got.problems == [Problem(f"{d}/John Smith_12345_assignsubmission_onlinetext_",
                                    "no .ipynb or .py file in this student's folder: skipped (found onlinetext.html)")]


def test_moodle_single_folder_download_names_the_files(make_zip, work):
    members = ["Ann Lee_55_assignsubmission_file_lesson_4.ipynb", "Bo Chen_56_assignsubmission_file_nb.py"]
    z = make_zip("moodle.zip", [(m, None) for m in members])
    got = collect([z], work)
    assert got == Collected([Entry("Ann_Lee", work / "moodle" / members[0], f"{z}:{members[0]}", "Ann Lee", "55"),
                             Entry("Bo_Chen", work / "moodle" / members[1], f"{z}:{members[1]}", "Bo Chen", "56")],
                            [])


def test_control_characters_in_names_are_escaped_in_sources(make_zip, work):
    z = make_zip("esc.zip", [("\x1b[2Jclear.ipynb", None), ("bad\r.txt", "")])
    got = collect([z], work)
    assert got.entries == [Entry("2Jclear", work / "esc/\x1b[2Jclear.ipynb", f"{z}:\\x1b[2Jclear.ipynb")]
    assert got.problems == [Problem(f"{z}:bad\\r.txt", "not a notebook or .py file: skipped")]


def test_an_unusable_work_dir_is_a_problem(make_zip, tmp_path):
    z = make_zip("class.zip", [("a.ipynb", None)])
    blocker = tmp_path / "work"
    blocker.write_text("a file where the work folder should be")
    got = collect([z], blocker)
    assert got.entries == []
    assert [p.source for p in got.problems] == [str(z)]
    assert got.problems[0].message.startswith(f"could not make a folder to extract it into under {blocker} (")
    assert got.problems[0].message.endswith("): not extracted")


def test_zip_with_a_wrapping_folder_is_unwrapped_and_mac_junk_is_not_extracted(make_zip, work):
    z = make_zip("class.zip", [("submissions/alice/nb.ipynb", None), ("submissions/bob/nb.ipynb", None),
                               ("__MACOSX/submissions/alice/._nb.ipynb", b"junk"),
                               ("submissions/bob/.ipynb_checkpoints/nb-checkpoint.ipynb", None)])
    got = collect([z], work)
    root = work / "class/submissions"
    assert got == Collected([Entry("alice", root / "alice/nb.ipynb", f"{z}:submissions/alice/nb.ipynb"),
                             Entry("bob", root / "bob/nb.ipynb", f"{z}:submissions/bob/nb.ipynb")], [])
    assert files_under(work) == ["class/submissions/alice/nb.ipynb", "class/submissions/bob/nb.ipynb"]


def test_one_students_zip_keeps_their_folder_name_and_reruns_never_mix(make_zip, work):
    z = make_zip("alice.zip", [("alice/work.ipynb", None)])
    first, second = collect([z], work), collect([z], work)
    assert first.entries == [Entry("alice", work / "alice/alice/work.ipynb", f"{z}:alice/work.ipynb")]
    assert second.entries == [Entry("alice", work / "alice-2/alice/work.ipynb", f"{z}:alice/work.ipynb")]


def test_zip_paths_that_escape_are_refused_and_nothing_lands_outside_work_dir(tmp_path, make_zip):
    work = tmp_path / "a" / "b" / "work"
    bad = ["../evil.py", "../../evil2.py", "/abs.py", "C:/win.py", "C:evil3.py", "..\\back.py",
           "sub/../../up.py", "ok/..\\..\\x.py"]
    z = make_zip("evil.zip", [(name, "import os\n") for name in bad] + [("good.ipynb", None)])
    got = collect([z], work)
    assert got.entries == [Entry("good", work / "evil/good.ipynb", f"{z}:good.ipynb")]
    assert got.problems == [
        Problem(f"{z}:../evil.py", "'..' in its path would escape the extraction folder: refused"),
        Problem(f"{z}:../../evil2.py", "'..' in its path would escape the extraction folder: refused"),
        Problem(f"{z}:/abs.py", "absolute path: refused"),
        Problem(f"{z}:C:/win.py", "drive letter in its path: refused"),
        Problem(f"{z}:C:evil3.py", "drive letter in its path: refused"),
        Problem(f"{z}:..\\back.py", "backslash in its path: refused"),
        Problem(f"{z}:sub/../../up.py", "'..' in its path would escape the extraction folder: refused"),
        Problem(f"{z}:ok/..\\..\\x.py", "backslash in its path: refused")]
    outside = [p for p in files_under(tmp_path) if not p.startswith("a/b/work/")]
    assert outside == ["evil.zip"]
    assert files_under(work) == ["evil/good.ipynb"]


def test_links_and_special_files_in_a_zip_are_skipped(make_zip, work):
    def typed(name, mode):
        info = zipfile.ZipInfo(name)
        info.create_system = 3
        info.external_attr = mode << 16
        return info

    z = make_zip("links.zip", [(typed("link.ipynb", stat.S_IFLNK | 0o777), "/etc/passwd"),
                               (typed("fifo.py", stat.S_IFIFO | 0o644), ""),
                               (typed("real.py", stat.S_IFREG | 0o755), "x = 1\n")])
    got = collect([z], work)
    assert got.entries == [Entry("real", work / "links/real.py", f"{z}:real.py")]
    assert got.problems == [Problem(f"{z}:link.ipynb", "a symbolic link: skipped"),
                            Problem(f"{z}:fifo.py", "not a regular file: skipped")]
    assert files_under(work) == ["links/real.py"]
    assert not any(p.is_symlink() for p in work.rglob("*"))
    assert not os.access(work / "links/real.py", os.X_OK)


@pytest.fixture
def written(monkeypatch):
    """Every byte extraction writes, refused copies included (extraction writes through os.fdopen)."""
    sizes: list[int] = []
    real_fdopen = os.fdopen

    class Counting:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, data):
            sizes.append(len(data))
            return self.handle.write(data)

    monkeypatch.setattr(os, "fdopen", lambda fd, mode="r", *a, **k: Counting(real_fdopen(fd, mode, *a, **k)))
    return sizes


def bomb_zip(make_zip, name="bomb.zip"):
    z = make_zip(name, [("bomb.ipynb", bytes(50 << 20)), ("ok.ipynb", None)])
    assert z.stat().st_size < 1 << 20
    with zipfile.ZipFile(z) as archive:
        return z, archive.getinfo("bomb.ipynb")


def test_zip_bomb_is_refused_by_ratio_before_anything_is_written(make_zip, work, written):
    z, info = bomb_zip(make_zip)
    got = collect([z], work)
    assert got.entries == [Entry("ok", work / "bomb/ok.ipynb", f"{z}:ok.ipynb")]
    ratio = info.file_size / info.compress_size
    assert ratio > 500
    assert got.problems == [Problem(f"{z}:bomb.ipynb", f"inflates {ratio:.0f} times its compressed size, more than "
                                                       "the limit of 200 (a zip bomb): refused")]
    assert sum(written) == len(notebook_text())
    assert files_under(work) == ["bomb/ok.ipynb"]


def test_a_header_that_understates_a_bomb_does_not_get_it_inflated(make_zip, work, written):
    z, info = bomb_zip(make_zip)
    raw = bytearray(z.read_bytes())  # claim 100 bytes uncompressed, in the local and the central header
    raw[info.header_offset + 22:info.header_offset + 26] = (100).to_bytes(4, "little")
    central = raw.find(b"PK\x01\x02")
    raw[central + 24:central + 28] = (100).to_bytes(4, "little")
    z.write_bytes(bytes(raw))
    got = collect([z], work)
    assert got.entries == [Entry("ok", work / "bomb/ok.ipynb", f"{z}:ok.ipynb")]
    assert got.problems == [Problem(f"{z}:bomb.ipynb", "damaged (BadZipFile: Bad CRC-32 for file 'bomb.ipynb'): "
                                                       "skipped")]
    assert sum(written) <= 100 + len(notebook_text())
    assert files_under(work) == ["bomb/ok.ipynb"]


def test_streaming_limits_hold_without_the_header_check(make_zip, work, written, monkeypatch):
    import grader.intake.unzip as collect_module

    monkeypatch.setattr(collect_module, "_claims_too_much", lambda info, limits: None)
    z, info = bomb_zip(make_zip)
    got = collect([z], work)
    assert [e.student for e in got.entries] == ["ok"]
    assert got.problems == [Problem(f"{z}:bomb.ipynb", "inflates more than 200 times its compressed size (a zip "
                                                       "bomb): refused, partial copy deleted")]
    assert sum(written) <= 200 * info.compress_size + len(notebook_text())
    written.clear()
    got = collect([z], work, ZipLimits(max_member_bytes=1 << 20, max_ratio=1e9))
    assert got.problems == [Problem(f"{z}:bomb.ipynb", "larger than 1 MiB uncompressed: refused, partial copy "
                                                       "deleted")]
    assert sum(written) <= (1 << 20) + len(notebook_text())
    assert files_under(work) == ["bomb-2/ok.ipynb", "bomb/ok.ipynb"]


def test_member_and_total_size_limits(make_zip, work):
    noise = os.urandom(60 << 10)  # incompressible, so the ratio never trips
    z = make_zip("big.zip", [("a.py", noise), ("b.py", noise), ("c.py", "x = 1\n")])
    got = collect([z], work, ZipLimits(max_total_bytes=100 << 10))
    assert [e.student for e in got.entries] == ["a"]
    assert got.problems == [
        Problem(f"{z}:b.py", "would take the extraction past its total size limit: refused, partial copy deleted"),
        Problem(str(z), "extraction stopped: more than 100 KiB uncompressed in total; 1 later member(s) not "
                        "extracted")]
    got = collect([z], work, ZipLimits(max_member_bytes=32 << 10))
    assert [e.student for e in got.entries] == ["c"]
    too_big = "is 60 KiB uncompressed, more than the limit of 32 KiB: refused"
    assert got.problems == [Problem(f"{z}:a.py", too_big), Problem(f"{z}:b.py", too_big)]
    got = collect([z], work, ZipLimits(max_members=2))
    assert got == Collected([], [Problem(str(z), "has 3 members, more than the limit of 2: not extracted")])


def test_damaged_zips_are_problems_never_exceptions(tmp_path, make_zip, work):
    garbage = tmp_path / "garbage.zip"
    garbage.write_bytes(b"this is not a zip file at all")
    good = make_zip("good.zip", [("a.ipynb", None)])
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(good.read_bytes()[:-30])
    text = notebook_text("print('checksum me')")
    crc = make_zip("crc.zip", [("a.ipynb", text), ("b.ipynb", None)], compression=zipfile.ZIP_STORED)
    raw = bytearray(crc.read_bytes())
    raw[raw.find(b"checksum me")] ^= 0x20
    crc.write_bytes(bytes(raw))
    bad_deflate = make_zip("inflate.zip", [("c.ipynb", notebook_text("y = 2" * 50))])
    raw = bytearray(bad_deflate.read_bytes())
    start = 30 + len("c.ipynb")
    raw[start:start + 8] = b"\xff" * 8
    bad_deflate.write_bytes(bytes(raw))

    got = collect([garbage, truncated, crc, bad_deflate], work)
    assert got.entries == [Entry("b", work / "crc/b.ipynb", f"{crc}:b.ipynb")]
    assert got.problems[:3] == [
        Problem(str(garbage), "not a readable zip file (BadZipFile: File is not a zip file): skipped"),
        Problem(str(truncated), "not a readable zip file (BadZipFile: File is not a zip file): skipped"),
        Problem(f"{crc}:a.ipynb", "damaged (BadZipFile: Bad CRC-32 for file 'a.ipynb'): skipped")]
    assert got.problems[3].source == f"{bad_deflate}:c.ipynb"
    assert got.problems[3].message.startswith("damaged (") and got.problems[3].message.endswith("): skipped")
    assert len(got.problems) == 4
    assert files_under(work) == ["crc/b.ipynb"]


def test_encrypted_members_are_skipped(make_zip, work):
    z = make_zip("enc.zip", [("secret.ipynb", None)])
    raw = bytearray(z.read_bytes())  # zipfile cannot encrypt, so set the flag bit in both headers
    raw[6] |= 0x1
    raw[raw.find(b"PK\x01\x02") + 8] |= 0x1
    z.write_bytes(bytes(raw))
    got = collect([z], work)
    assert got == Collected([], [Problem(f"{z}:secret.ipynb", "encrypted: skipped (no password is tried)")])


def test_student_ids_that_collide_get_suffixes_and_a_problem(make_tree, work):
    d = make_tree("dups", {"Alice.ipynb": None, "alice.py": "", "ALICE/nb.ipynb": None})
    got = collect([d, d / "Alice.ipynb", d], work)
    assert got.entries == [Entry("ALICE", d / "ALICE/nb.ipynb", f"{d}/ALICE/nb.ipynb"),
                           Entry("Alice-2", d / "Alice.ipynb", f"{d}/Alice.ipynb"),
                           Entry("alice-3", d / "alice.py", f"{d}/alice.py")]
    assert got.problems == [
        Problem(str(d), "given more than once: collected once"),
        Problem(f"{d}/Alice.ipynb", "reached through more than one input: collected once"),
        Problem(f"{d}/Alice.ipynb", f"duplicate student id 'Alice' (also {d}/ALICE/nb.ipynb): graded as 'Alice-2'"),
        Problem(f"{d}/alice.py", f"duplicate student id 'alice' (also {d}/ALICE/nb.ipynb): graded as 'alice-3'")]


def test_each_entry_says_where_it_is_from_as_steadily_as_the_input_allows(make_tree, make_zip, work):
    d = make_tree("cls", {"alice.py": "", "bob/nb.ipynb": None, "Jo Lee_77_assignsubmission_file_/w.ipynb": None})
    z = make_zip("canvas.zip", [("leeann_444_555_lesson4.ipynb", None), ("leeann_444_556_lesson4-1.py", "")])
    got = collect([d, z], work)
    assert sorted(e.origin for e in got.entries) == ["canvas:444", "canvas:444@" + f"{z}:leeann_444_556_lesson4-1.py",
                                                     "file:alice.py", "folder:bob", "moodle:77"]


def test_known_origins_keep_their_keys_and_no_new_entry_takes_one(make_tree, make_zip, work):
    d = make_tree("cls", {"Alice.py": "", "alice.py": "", "carol.py": "", "dave.py": ""})
    z = make_zip("canvas.zip", [("leeann_444_999_lesson4-2.ipynb", None)])  # a resubmission: new ids, new name
    known = {"file:alice.py": "alice", "canvas:444": "leeann", "file:gone.py": "Carol",
             f"legacy:{d}/dave.py": "dave_old"}
    got = collect([d, z], work, known=known)
    assert {e.source.rsplit("/", 1)[-1]: e.student for e in got.entries} == {
        "Alice.py": "Alice-2", "alice.py": "alice", "carol.py": "carol-2", "dave.py": "dave_old",
        "canvas.zip:leeann_444_999_lesson4-2.ipynb": "leeann"}
    assert got.problems == [
        Problem(f"{d}/Alice.py", f"duplicate student id 'Alice' (also {d}/alice.py): graded as 'Alice-2'"),
        Problem(f"{d}/carol.py", "duplicate student id 'carol' (also file:gone.py, graded in an earlier run): "
                                 "graded as 'carol-2'")]


def test_awkward_names_become_safe_distinct_keys(make_tree, work):
    names = ["-v.py", ";rm -rf ~.py", "Ann Lee.ipynb", "CON.ipynb", "Zoë Ōtsuka.py", "x" * 100 + ".py",
             "李雷.ipynb", "王芳.ipynb"]
    d = make_tree("names", {n: "x = 1\n" for n in names})
    keys = [e.student for e in collect([d], work).entries]
    assert keys[:6] == ["v", "rm_-rf", "Ann_Lee", "_CON", "Zoe_Otsuka", "x" * 80]
    assert keys[6].startswith("student_") and keys[7].startswith("student_") and keys[6] != keys[7]
    assert len({k.lower() for k in keys}) == len(keys)


@pytest.mark.parametrize("text, key", [("../../etc/passwd", "etc_passwd"), ("", None), ("...", None),
                                       ("a.b-c_d", "a.b-c_d"), ("nul.txt", "_nul.txt"), ("trailing. ", "trailing"),
                                       ("Ünïcödé Nâme", "Unicode_Name")])
def test_safe_key(text, key):
    got = safe_key(text)
    assert got == key if key else got.startswith("student_")
    assert len(got) <= 80 and not got.startswith(".")


def test_inputs_missing_or_not_notebooks_are_problems(tmp_path, make_tree, work):
    d = make_tree("loose", {"hw.ipynb": None, "essay.docx": b"PK", "run.PY": "x = 1\n"})
    fifo = tmp_path / "pipe.py"
    os.mkfifo(fifo)
    got = collect([d / "hw.ipynb", d / "essay.docx", tmp_path / "nope.ipynb", d / "run.PY", fifo], work)
    assert got.entries == [Entry("hw", d / "hw.ipynb", f"{d}/hw.ipynb"), Entry("run", d / "run.PY", f"{d}/run.PY")]
    assert got.problems == [Problem(f"{d}/essay.docx", "not a notebook or .py file: skipped"),
                            Problem(f"{tmp_path}/nope.ipynb", "does not exist: skipped"),
                            Problem(str(fifo), "not a regular file or folder: skipped")]
