"""The registration certificate of a work: one set of facts, as JSON and as a printable PDF.

Everything a stranger needs to check the registration without trusting the platform's pages:
the content hash, the creator's DID, the signed log entry, its inclusion proof and the signed
checkpoint the proof leads to, and the log's verifier key. The QR code on the PDF opens the
public verify page with the certificate id; the JSON can be dropped onto that page as well.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import segno
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.core.config import Settings
from cityverse.core.errors import AppError
from cityverse.modules.assets.ledger import Verifier, open_checkpoint
from cityverse.modules.assets.ledger import service as ledger
from cityverse.modules.assets.ledger.encoding import b64encode
from cityverse.modules.assets.works.models import REGISTERED, Work

FORMAT = "cityverse-work-certificate/v1"
CJK_FONT = "STSong-Light"  # one of the CID fonts every PDF reader has; no font file shipped
MONO_FONT = "Courier"
MM = 72 / 25.4
# Characters the GB1 character collection of STSong-Light lacks, and the look-alike it has.
_CJK_SUBSTITUTES = str.maketrans({"\u00b7": "\u30fb", "\u2022": "\u30fb"})


def verify_url(base_url: str, certificate_id: str) -> str:
    return f"{base_url.rstrip('/')}/verify?cert={certificate_id}"


async def certificate_data(
    session: AsyncSession, settings: Settings, work: Work, base_url: str
) -> dict[str, Any]:
    """The certificate's facts, proven against the newest checkpoint that covers the work."""
    if work.status != REGISTERED or work.log_index is None or work.registered_at is None:
        raise AppError(409, "work_not_registered")
    origin, vkey = ledger.verifier_key(settings)
    note = await ledger.latest_checkpoint(session, settings)
    checkpoint, _ = open_checkpoint(note, [Verifier.from_vkey(vkey)], origin)
    if checkpoint.tree_size <= work.log_index:
        # The appender signs a checkpoint within CITYVERSE_LEDGER_CHECKPOINT_INTERVAL_MS.
        raise AppError(409, "certificate_not_ready", headers={"Retry-After": "2"})
    entry = await ledger.get_entry(session, work.log_index)
    proof = await ledger.inclusion_proof(session, work.log_index, checkpoint.tree_size)
    return {
        "format": FORMAT,
        "certificate_id": work.public_id,
        "verify_url": verify_url(base_url, work.public_id),
        "work": {
            "id": work.public_id, "title": work.title, "kind": work.kind,
            "media_type": work.media_type, "size_bytes": work.size_bytes,
            "content_sha256": work.content_sha256,
        },
        "creator": {"did": work.creator_did, "name": work.creator_name},
        "registered_at": _time(work.registered_at),
        "log": {
            "origin": origin,
            "verifier_key": vkey,
            "index": work.log_index,
            "entry": b64encode(entry.data),
            "leaf_hash": b64encode(proof.leaf_hash),
            "tree_size": checkpoint.tree_size,
            "root_hash": b64encode(checkpoint.root_hash),
            "inclusion_proof": [b64encode(h) for h in proof.hashes],
            "checkpoint": note,
        },
        "issued_at": _time(datetime.now(UTC)),
    }


def _time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- PDF ---------------------------------------------------------------------------------------

def _fonts() -> None:
    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))


def _draw_qr(canvas: Canvas, text: str, x: float, y: float, size: float) -> None:
    """Draw the QR code as vector squares: sharp at any zoom, no image library involved."""
    code = segno.make(text, error="m")
    modules = list(code.matrix)
    quiet = 2
    count = len(modules) + 2 * quiet
    cell = size / count
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    for row, line in enumerate(modules):
        for col, dark in enumerate(line):
            if dark:
                canvas.rect(x + (col + quiet) * cell, y + size - (row + quiet + 1) * cell,
                            cell, cell, stroke=0, fill=1)


class _Writer:
    """Top-down lines on a page, in the CJK font for words and Courier for hashes."""

    def __init__(self, canvas: Canvas, x: float, y: float) -> None:
        self.canvas, self.x, self.y = canvas, x, y

    def label(self, zh: str, en: str, value: str, mono: bool = False, width: int = 64) -> None:
        self.canvas.setFont(CJK_FONT, 9)
        self.canvas.setFillColorRGB(0.35, 0.35, 0.35)
        self.canvas.drawString(self.x, self.y, f"{zh}  {en}")
        self.y -= 13
        self.canvas.setFillColorRGB(0, 0, 0)
        font, size = (MONO_FONT, 8.5) if mono else (CJK_FONT, 11)
        if not mono:
            value = value.translate(_CJK_SUBSTITUTES)
        self.canvas.setFont(font, size)
        for start in range(0, max(len(value), 1), width):
            self.canvas.drawString(self.x + 6, self.y, value[start:start + width])
            self.y -= size + 3
        self.y -= 5

    def block(self, zh: str, en: str, lines: list[str]) -> None:
        self.canvas.setFont(CJK_FONT, 9)
        self.canvas.setFillColorRGB(0.35, 0.35, 0.35)
        self.canvas.drawString(self.x, self.y, f"{zh}  {en}")
        self.y -= 12
        self.canvas.setFillColorRGB(0, 0, 0)
        self.canvas.setFont(MONO_FONT, 7)
        for line in lines:
            for start in range(0, max(len(line), 1), 100):  # signature lines are long
                self.canvas.drawString(self.x + 6, self.y, line[start:start + 100])
                self.y -= 9
        self.y -= 5


def certificate_pdf(data: dict[str, Any]) -> bytes:
    """One A4 page: the facts of ``certificate_data`` and a QR code to the verify page."""
    _fonts()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, invariant=True)
    canvas.setTitle(f"作品登记证书 {data['certificate_id']}")
    canvas.setAuthor(data["log"]["origin"])
    width, height = A4
    margin = 18 * MM
    canvas.setStrokeColorRGB(0.7, 0.1, 0.1)
    canvas.setLineWidth(2)
    canvas.rect(10 * MM, 10 * MM, width - 20 * MM, height - 20 * MM)
    canvas.setFont(CJK_FONT, 22)
    canvas.drawCentredString(width / 2, height - 32 * MM, "数字作品登记证书")
    canvas.setFont("Helvetica", 11)
    canvas.drawCentredString(width / 2, height - 39 * MM, "Certificate of Work Registration")
    qr_size = 42 * MM
    _draw_qr(canvas, data["verify_url"], width - margin - qr_size, height - 92 * MM, qr_size)
    canvas.setFont(CJK_FONT, 8)
    canvas.drawCentredString(width - margin - qr_size / 2, height - 96 * MM,
                             "扫码核验  Scan to verify")

    work, log = data["work"], data["log"]
    writer = _Writer(canvas, margin, height - 52 * MM)
    writer.label("作品名称", "Title", work["title"][:52], width=26)  # clear of the QR code
    writer.label("证书编号", "Certificate ID", data["certificate_id"], mono=True)
    writer.label("作品类型", "Type", f"{work['media_type']}  ·  {work['size_bytes']} bytes",
                 mono=True)
    writer.label("创作者", "Creator", data["creator"]["name"])
    writer.label("登记时间 (UTC)", "Registered at", data["registered_at"], mono=True)
    writer.label("账本序号", "Log index", f"{log['index']}  (tree size {log['tree_size']})",
                 mono=True)
    writer.x, writer.y = margin, min(writer.y, height - 102 * MM)
    writer.label("内容哈希 SHA-256", "Content hash", work["content_sha256"], mono=True, width=88)
    writer.label("创作者数字身份", "Creator DID", data["creator"]["did"], mono=True, width=88)
    writer.label("账本", "Log", log["origin"], mono=True, width=88)
    writer.label("账本公钥", "Log verifier key", log["verifier_key"], mono=True, width=88)
    writer.block("包含证明 (RFC 9162)", "Inclusion proof",
                 [f"leaf {log['leaf_hash']}", *(f"  {h}" for h in log["inclusion_proof"]),
                  f"root {log['root_hash']}"])
    writer.block("签名检查点", "Signed checkpoint", log["checkpoint"].rstrip("\n").split("\n"))
    canvas.setFont(CJK_FONT, 8.5)
    canvas.setFillColorRGB(0.3, 0.3, 0.3)
    canvas.drawString(margin, 16 * MM, "核验方法：打开二维码链接，或在核验页拖入原文件与证书 JSON；"
                      "浏览器独立计算哈希、校验包含证明与检查点签名。")
    canvas.setFont(MONO_FONT, 8)
    canvas.drawString(margin, 12.5 * MM, f"Verify: {data['verify_url']}")
    canvas.showPage()
    canvas.save()
    return out.getvalue()
