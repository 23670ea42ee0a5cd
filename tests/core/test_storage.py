from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from cityverse.core.errors import AppError
from cityverse.core.storage import (
    DOCX,
    JPEG,
    PDF,
    PNG,
    TXT,
    XLSX,
    BlobStore,
    check_upload,
    safe_filename,
    sniff_document_type,
)


def _office(part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(part, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(("data", "expected"), [
    (b"%PDF-1.7\n", PDF), (b"\x89PNG\r\n\x1a\n....", PNG), (b"\xff\xd8\xff\xe0JFIF", JPEG),
    (_office("word/document.xml"), DOCX), (_office("xl/workbook.xml"), XLSX),
    ("纯文本说明\n".encode(), TXT), (b"MZ\x90\x00", None), (b"PK\x03\x04junk", None),
    (b"", None), (b"\xff\xfe\x00\x00binary", None), (b"text\x1b[31m", None),
])
def test_types_are_told_by_content(data: bytes, expected: str | None) -> None:
    assert sniff_document_type(data) == expected


def test_blobs_round_trip_and_leave_no_temporary_files(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    key = store.put(b"hello")
    assert store.get(key) == b"hello"
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [key]
    store.delete(key)
    assert not store.exists(key)
    with pytest.raises(ValueError):
        store.get("../../etc/passwd")


def test_upload_limits() -> None:
    with pytest.raises(AppError) as too_big:
        check_upload(b"a" * 11, 10)
    assert too_big.value.status == 413
    with pytest.raises(AppError) as wrong:
        check_upload(b"MZ\x90\x00", 10)
    assert wrong.value.status == 415
    assert check_upload(b"text", 10) == TXT


def test_safe_filename() -> None:
    assert safe_filename("C:\\Users\\x\\报告.pdf") == "报告.pdf"
    assert safe_filename("../../a\x00b.txt") == "ab.txt"
    assert safe_filename(None) == "attachment"
