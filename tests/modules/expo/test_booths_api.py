"""The booth editor: members edit their own enterprise's profile and booth; the hall shows it."""

from __future__ import annotations

import struct
import zlib

from cityverse.core.auth.policy import Role
from expo_support import Expo


def png() -> bytes:
    """A real 1×1 PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def booth(**changes: object) -> dict[str, object]:
    return {"description": "专注近眼显示十年。", "description_en": "Near-eye displays.",
            "website": "https://example.com", "contact_name": "周航",
            "contact_phone": "0512-50000000", "contact_email": "bd@example.com",
            "brand_color": "#dc2626", "accent_color": "#f59e0b", "panel_zh": "全新展位文字",
            "panel_en": "New booth text", "product_ids": [], "media": [], **changes}


async def test_member_edits_booth_and_the_hall_shows_it(expo: Expo) -> None:
    product = (await expo.member_a.post("/api/commerce/seller/products", json={
        "name": "示例·MR 眼镜", "category": "hardware", "price_fen": 199900, "stock": 3,
        "published": True})).json()["id"]
    mine = (await expo.member_a.get("/api/expo/booths/mine")).json()
    assert mine["enterprise_id"] == expo.enterprise_a
    assert mine["booth_keys"] == ["booth-01"]
    video = {"kind": "video", "url": "https://player.bilibili.com/player.html?bvid=BV1",
             "caption": "介绍"}
    saved = await expo.member_a.put(f"/api/expo/booths/{expo.enterprise_a}",
                                    json=booth(product_ids=[product], media=[video]))
    assert saved.status_code == 200, saved.text
    logo = await expo.member_a.put(f"/api/expo/booths/{expo.enterprise_a}/logo", content=png(),
                                   headers={"Content-Type": "image/png"})
    assert logo.status_code == 200, logo.text
    logo_url = logo.json()["logo_url"]
    assert (await expo.visitor.get(logo_url)).content == png()

    public = (await expo.visitor.get(f"/api/expo/booths/{expo.enterprise_a}")).json()
    assert public["description"] == "专注近眼显示十年。"
    assert public["website"] == "https://example.com"
    scene = (await expo.visitor.get("/api/spaces/cloud-living-room")).json()["scene"]
    shown = next(b for b in scene["booths"] if b["key"] == "booth-01")
    assert shown["brand_color"] == "#dc2626"
    assert shown["panel"]["text_zh"] == "全新展位文字"
    assert shown["profile"]["logo_url"] == logo_url
    assert [p["name"] for p in shown["profile"]["products"]] == ["示例·MR 眼镜"]
    assert shown["profile"]["media"][0]["url"].startswith("https://player.bilibili.com/")
    untouched = next(b for b in scene["booths"] if b["key"] == "booth-04")
    assert "profile" not in untouched


async def test_only_members_and_officers_edit(expo: Expo, signed_in) -> None:
    other = await expo.member_b.put(f"/api/expo/booths/{expo.enterprise_a}", json=booth())
    assert other.status_code == 404
    other_logo = await expo.member_b.put(f"/api/expo/booths/{expo.enterprise_a}/logo",
                                         content=png())
    assert other_logo.status_code == 404
    assert (await expo.visitor.put(f"/api/expo/booths/{expo.enterprise_a}",
                                   json=booth())).status_code == 403
    assert (await expo.visitor.get("/api/expo/booths/mine")).status_code == 403
    officer = await signed_in("officer_o", Role.OFFICER)
    assert (await officer.put(f"/api/expo/booths/{expo.enterprise_a}",
                              json=booth(panel_zh="官方校正"))).status_code == 200


async def test_bad_booth_input_is_refused(expo: Expo) -> None:
    url = f"/api/expo/booths/{expo.enterprise_a}"
    foreign = (await expo.member_b.post("/api/commerce/seller/products", json={
        "name": "示例·别家", "category": "hardware", "price_fen": 1, "stock": 1,
        "published": True})).json()["id"]
    cases = [
        (booth(product_ids=[foreign]), "booth_product_not_yours"),
        (booth(media=[{"kind": "video", "url": "https://evil.example/x"}]),
         "booth_media_not_allowed"),
        (booth(media=[{"kind": "image", "url": "/etc/passwd"}]), "booth_media_not_allowed"),
        (booth(brand_color="red"), "validation_error"),
        (booth(website="javascript:alert(1)"), "validation_error"),
    ]
    for body, code in cases:
        response = await expo.member_a.put(url, json=body)
        assert response.status_code == 422, (code, response.text)
        assert response.json()["error"]["code"] == code
    fake = await expo.member_a.put(f"{url}/logo", content=b"GIF89a" + b"\0" * 40)
    assert fake.status_code == 415
    big = await expo.member_a.put(f"{url}/logo", content=b"\x89PNG\r\n\x1a\n" + b"\0" * 1_000_001)
    assert big.status_code == 413
    media = await expo.member_a.post(f"{url}/media", content=png())
    assert media.status_code == 201
    ok = await expo.member_a.put(url, json=booth(media=[{"kind": "image",
                                                         "url": media.json()["url"]}]))
    assert ok.status_code == 200, ok.text
