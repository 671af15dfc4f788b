"""Reading archive files: the size limit holds even for a file that changes while read."""

from __future__ import annotations

import io

import pytest

from tos_kb.records import files


@pytest.mark.parametrize("stated", [0, 3, 10, 11, 50])
@pytest.mark.parametrize("length", [0, 3, 10, 11, 50])
def test_reads_whole_file_up_to_one_past_the_limit(
    monkeypatch: pytest.MonkeyPatch, stated: int, length: int
) -> None:
    """Whatever size stat gave (a file may grow or shrink after it), the bytes read are the
    file's first limit + 1, so a grown file is still refused and a shrunk one read whole."""
    monkeypatch.setattr(files, "MAX_FILE_BYTES", 10)
    content = bytes(range(65, 65 + length))
    assert files.read_upto(io.BytesIO(content), stated) == content[:11]
