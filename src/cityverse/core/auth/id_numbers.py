"""Chinese identity numbers: resident identity numbers and unified social credit codes.

Pure functions, no I/O:

* Resident identity number (公民身份号码), GB 11643-1999: 6-digit administrative division code,
  8-digit birth date (YYYYMMDD), 3-digit sequence number (odd for men, even for women) and an
  ISO 7064 MOD 11-2 check character (``0``-``9`` or ``X``).
* Unified social credit code (统一社会信用代码), GB 32100-2015: registration authority code,
  organisation type code, 6-digit administrative division code, 9-character subject identifier
  and a MOD 31 check character, drawn from 31 characters (no I, O, S, V, Z).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Literal

__all__ = [
    "PROVINCE_CODES",
    "USCC_CHARSET",
    "USCC_ORGANISATION_TYPES",
    "IdNumberError",
    "IdNumberErrorCode",
    "ResidentId",
    "parse_resident_id",
    "parse_uscc",
    "resident_id_check_char",
    "uscc_check_char",
]

IdNumberErrorCode = Literal["format", "region", "birth_date", "check_digit", "check_char"]


class IdNumberError(ValueError):
    """An identity number is invalid; ``code`` says why, ``message_en`` explains it in English."""

    def __init__(self, code: IdNumberErrorCode, message_en: str) -> None:
        super().__init__(message_en)
        self.code: IdNumberErrorCode = code
        self.message_en = message_en

    def __reduce__(self) -> tuple[type[IdNumberError], tuple[IdNumberErrorCode, str]]:
        return (type(self), (self.code, self.message_en))

    def __repr__(self) -> str:
        return f"IdNumberError(code={self.code!r}, message_en={self.message_en!r})"


# --------------------------------------------------------------------------------------------
# Resident identity number (GB 11643-1999)
# --------------------------------------------------------------------------------------------

#: Province-level division codes (first two digits of GB/T 2260 codes) that may start a
#: resident identity number. 81/82/83 are used by the residence permits for residents of
#: Hong Kong, Macao and Taiwan (港澳台居民居住证); 71 is the GB/T 2260 code for Taiwan.
PROVINCE_CODES: Mapping[str, str] = MappingProxyType(
    {
        "11": "北京市",
        "12": "天津市",
        "13": "河北省",
        "14": "山西省",
        "15": "内蒙古自治区",
        "21": "辽宁省",
        "22": "吉林省",
        "23": "黑龙江省",
        "31": "上海市",
        "32": "江苏省",
        "33": "浙江省",
        "34": "安徽省",
        "35": "福建省",
        "36": "江西省",
        "37": "山东省",
        "41": "河南省",
        "42": "湖北省",
        "43": "湖南省",
        "44": "广东省",
        "45": "广西壮族自治区",
        "46": "海南省",
        "50": "重庆市",
        "51": "四川省",
        "52": "贵州省",
        "53": "云南省",
        "54": "西藏自治区",
        "61": "陕西省",
        "62": "甘肃省",
        "63": "青海省",
        "64": "宁夏回族自治区",
        "65": "新疆维吾尔自治区",
        "71": "台湾省",
        "81": "香港特别行政区",
        "82": "澳门特别行政区",
        "83": "台湾地区（居住证）",
    }
)

_RESIDENT_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RESIDENT_CHECK_CHARS = "10X98765432"
_RESIDENT_RE = re.compile(r"[0-9]{17}[0-9X]")
_FIRST17_RE = re.compile(r"[0-9]{17}")
_EARLIEST_BIRTH_DATE = date(1900, 1, 1)


@dataclass(frozen=True, slots=True)
class ResidentId:
    """A valid resident identity number and what it encodes."""

    number: str
    region_code: str
    birth_date: date
    gender: Literal["male", "female"]

    @property
    def masked(self) -> str:
        """The first 6 and last 4 characters with 8 ``*`` between, e.g. ``320583********1234``."""
        return f"{self.number[:6]}{'*' * 8}{self.number[-4:]}"


def resident_id_check_char(first17: str) -> str:
    """The check character (``0``-``9`` or ``X``) for the first 17 digits of a resident ID."""
    if not _FIRST17_RE.fullmatch(first17):
        raise IdNumberError("format", "The first 17 characters must be 17 digits.")
    total = sum(int(ch) * weight for ch, weight in zip(first17, _RESIDENT_WEIGHTS, strict=True))
    return _RESIDENT_CHECK_CHARS[total % 11]


def parse_resident_id(value: str, *, today: date | None = None) -> ResidentId:
    """Validate an 18-character resident identity number and decode it.

    Surrounding whitespace is ignored and a lower-case ``x`` is accepted (the result uses
    ``X``). ``today`` (default: the current local date) bounds the birth date from above.

    Raises :class:`IdNumberError` with code ``format``, ``region``, ``birth_date`` or
    ``check_digit``, checked in that order.
    """
    number = value.strip().upper()
    if len(number) != 18:
        raise IdNumberError(
            "format", f"A resident identity number has 18 characters, not {len(number)}."
        )
    if not _RESIDENT_RE.fullmatch(number):
        raise IdNumberError(
            "format",
            "A resident identity number is 17 digits followed by a digit or X.",
        )

    region_code = number[:6]
    if region_code[:2] not in PROVINCE_CODES:
        raise IdNumberError(
            "region", f"{region_code[:2]!r} is not a province-level administrative division code."
        )

    birth_text = number[6:14]
    try:
        birth_date = date(int(birth_text[:4]), int(birth_text[4:6]), int(birth_text[6:]))
    except ValueError:
        raise IdNumberError("birth_date", f"{birth_text} is not a valid date.") from None
    if birth_date < _EARLIEST_BIRTH_DATE:
        raise IdNumberError("birth_date", "The birth date is before 1900-01-01.")
    if birth_date > (today if today is not None else date.today()):
        raise IdNumberError("birth_date", "The birth date is in the future.")

    expected = resident_id_check_char(number[:17])
    if number[17] != expected:
        raise IdNumberError("check_digit", "The check digit does not match the other digits.")

    gender: Literal["male", "female"] = "male" if int(number[16]) % 2 == 1 else "female"
    return ResidentId(number=number, region_code=region_code, birth_date=birth_date, gender=gender)


# --------------------------------------------------------------------------------------------
# Unified social credit code (GB 32100-2015)
# --------------------------------------------------------------------------------------------

#: The 31 characters a unified social credit code may use, in check-value order.
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUES: Mapping[str, int] = MappingProxyType({ch: i for i, ch in enumerate(USCC_CHARSET)})
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

#: Registration authority code (position 1) -> organisation type codes it allows (position 2),
#: per GB 32100-2015 table 1 and the codes assigned since (外交, 司法行政, 文化, 旅游, 宗教,
#: 工会, 中央军委改革和编制办公室, 农业).
USCC_ORGANISATION_TYPES: Mapping[str, str] = MappingProxyType(
    {
        "1": "1239",  # 机构编制: 机关, 事业单位, 中央编办直接管理机构编制的群众团体, 其他
        "2": "19",  # 外交: 外国常驻新闻机构, 其他
        # 司法行政: 律师执业机构, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会, 其他
        "3": "123459",
        "4": "19",  # 文化: 外国在华文化中心, 其他
        "5": "1239",  # 民政: 社会团体, 民办非企业单位, 基金会, 其他
        "6": "129",  # 旅游: 外国旅游部门常驻代表机构, 港澳台地区旅游部门常驻内地代表机构, 其他
        "7": "129",  # 宗教: 宗教活动场所, 宗教院校, 其他
        "8": "19",  # 工会: 基层工会, 其他
        "9": "123",  # 工商: 企业, 个体工商户, 农民专业合作社
        "A": "19",  # 中央军委改革和编制办公室: 军队事业单位, 其他
        "N": "1239",  # 农业: 组级, 村级, 乡镇级集体经济组织, 其他
        "Y": "1",  # 其他 (no type subdivision)
    }
)


def _uscc_check_index(first17: str) -> int:
    total = sum(_USCC_VALUES[ch] * w for ch, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return (31 - total % 31) % 31


def uscc_check_char(first17: str) -> str:
    """The check character for the first 17 characters of a unified social credit code.

    Lower-case letters are accepted. Raises :class:`IdNumberError` (``format``) when the input
    is not 17 characters from :data:`USCC_CHARSET`.
    """
    body = first17.upper()
    if len(body) != 17 or any(ch not in _USCC_VALUES for ch in body):
        raise IdNumberError(
            "format", "The first 17 characters must be 17 characters from the USCC charset."
        )
    return USCC_CHARSET[_uscc_check_index(body)]


def parse_uscc(value: str) -> str:
    """Validate a unified social credit code and return it in upper case.

    Surrounding whitespace is ignored. Raises :class:`IdNumberError` with code ``format``
    (length, characters, registration authority / organisation type, division code) or
    ``check_char``.
    """
    code = value.strip().upper()
    if len(code) != 18:
        raise IdNumberError(
            "format", f"A unified social credit code has 18 characters, not {len(code)}."
        )
    bad = sorted({ch for ch in code if ch not in _USCC_VALUES})
    if bad:
        raise IdNumberError(
            "format",
            "A unified social credit code uses only digits and the letters "
            f"ABCDEFGHJKLMNPQRTUWXY; found {''.join(bad)!r}.",
        )
    allowed_types = USCC_ORGANISATION_TYPES.get(code[0])
    if allowed_types is None:
        raise IdNumberError("format", f"{code[0]!r} is not a registration authority code.")
    if code[1] not in allowed_types:
        raise IdNumberError(
            "format",
            f"{code[1]!r} is not an organisation type of registration authority {code[0]!r}.",
        )
    if not code[2:8].isdigit():
        raise IdNumberError(
            "format", "Characters 3-8 must be a 6-digit administrative division code."
        )
    if code[17] != USCC_CHARSET[_uscc_check_index(code[:17])]:
        raise IdNumberError("check_char", "The check character does not match the others.")
    return code
