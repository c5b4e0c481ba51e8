"""``python -m explorer handout``: a PDF written atomically; bad arguments: one line, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_runner import run
from cli_runner import run_in_process as main
from pypdf import PdfReader

from explorer import story


def test_handout_as_teachers_run_it(tmp_path):
    out = tmp_path / "lekcja.pdf"
    proc = run("handout", "--out", str(out), "--lang", "pl")
    assert proc.returncode == 0, proc.stderr
    chapters = story.load_chapters()
    reader = PdfReader(out)
    # A4 portrait by default (issue 18): the chapters, then the sources that did not fit.
    extra = len(reader.pages) - len(chapters)
    assert extra >= 0
    assert proc.stdout == (
        f"Wrote {out} ({len(reader.pages)} pages: {len(chapters)} chapters and {extra} of "
        "sources, A4 portrait, 10 mm margin, pl, " + proc.stdout.split(", ")[-1]
    )
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx((595.28, 841.89), abs=0.01)
    assert "Polska" in reader.pages[1].extract_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]  # no temporary file left


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--out", "/nonexistent-folder/h.pdf"], "output folder does not exist"),
        (["--out", "{tmp}"], "is a folder"),
        (["--out", "{tmp}/h.png"], "give a .pdf file name"),
        (["--out", "{tmp}/h.pdf", "--lang", "de"], "invalid choice: 'de'"),
        (["--out", "{tmp}/h.pdf", "--data", "/nonexistent"], "data folder not found"),
        ([], "the following arguments are required: --out"),
    ],
)
def test_usage_errors_are_one_line_exit_2(capsys, tmp_path, args, needle):
    code, out, err = main(capsys, "handout", *[a.format(tmp=tmp_path) for a in args])
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and needle in err, err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not Path("/sys/kernel").is_dir(), reason="needs Linux sysfs")
def test_unwritable_folder_is_one_line_exit_2(capsys):
    """sysfs refuses new files, even to root."""
    code, out, err = main(capsys, "handout", "--out", "/sys/handout.pdf")
    assert code == 2 and out == ""
    assert err.count("\n") == 1, err
    assert "cannot write /sys/handout.pdf: Permission denied" in err


def test_file_name_too_long_is_one_line_exit_2(capsys, tmp_path):
    code, out, err = main(capsys, "handout", "--out", str(tmp_path / ("h" * 300 + ".pdf")))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "File name too long" in err, err


def test_broken_story_lists_problems_exit_1(capsys, data_copy):
    story_csv = data_copy / "story.csv"
    story_csv.write_text(story_csv.read_text(encoding="utf-8").replace(
        "borders;treaty;basemap", "borders;treaty;moat", 1), encoding="utf-8")  # fmt: skip
    code, out, err = main(capsys, "handout", "--out", str(data_copy / "h.pdf"), "--data",
                          str(data_copy))  # fmt: skip
    assert code == 1 and out == ""
    assert "story.csv: signature-1997: layers: unknown layer 'moat'" in err
    assert not (data_copy / "h.pdf").exists()


def test_base_url_is_the_permalink_printed_on_every_page(capsys, tmp_path):
    out = tmp_path / "h.pdf"
    code, _, err = main(
        capsys, "handout", "--out", str(out), "--base-url", "https://class.example.org/"
    )
    assert code == 0, err
    pages = [page.extract_text() for page in PdfReader(out).pages]
    assert all("https://class.example.org/?mode=present" in text for text in pages)
    assert not any("localhost" in text for text in pages)
