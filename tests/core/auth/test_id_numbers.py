"""Tests for resident identity numbers (GB 11643-1999) and USCCs (GB 32100-2015)."""

from __future__ import annotations

import pickle
import random
from collections.abc import Callable
from datetime import date, timedelta

import pytest

from cityverse.core.auth.id_numbers import (
    PROVINCE_CODES,
    USCC_CHARSET,
    USCC_ORGANISATION_TYPES,
    IdNumberError,
    ResidentId,
    parse_resident_id,
    parse_uscc,
    resident_id_check_char,
    uscc_check_char,
)

TODAY = date(2026, 6, 1)


def make_resident_id(first17: str) -> str:
    return first17 + resident_id_check_char(first17)


def make_uscc(first17: str) -> str:
    return first17 + uscc_check_char(first17)


def error_code(func: Callable[..., object], *args: object, **kwargs: object) -> str:
    with pytest.raises(IdNumberError) as info:
        func(*args, **kwargs)
    return info.value.code


# ---------------------------------------------------------------------- resident identity number


def test_published_example_from_gb_11643() -> None:
    # The worked example of GB 11643-1999: Beijing Chaoyang, born 1949-12-31, female.
    rid = parse_resident_id("11010519491231002X")
    assert rid == ResidentId(
        number="11010519491231002X",
        region_code="110105",
        birth_date=date(1949, 12, 31),
        gender="female",
    )
    assert rid.masked == "110105********002X"
    assert resident_id_check_char("11010519491231002") == "X"


def test_second_example_from_gb_11643_has_valid_check_but_is_before_1900() -> None:
    # The standard's other example (Guangdong Chaoyang, born 1880-01-01, male).
    assert resident_id_check_char("44052418800101001") == "4"
    assert error_code(parse_resident_id, "440524188001010014") == "birth_date"


def test_constructed_kunshan_numbers() -> None:
    male = make_resident_id("32058319900307123")  # 17th digit 3: odd -> male
    female = make_resident_id("32058320000229004")  # leap day, 17th digit 4 -> female
    rid = parse_resident_id(male, today=TODAY)
    assert rid.region_code == "320583"
    assert rid.birth_date == date(1990, 3, 7)
    assert rid.gender == "male"
    assert rid.masked == f"320583{'*' * 8}{male[-4:]}"
    assert len(rid.masked) == 18
    rid2 = parse_resident_id(female, today=TODAY)
    assert rid2.gender == "female"
    assert rid2.birth_date == date(2000, 2, 29)


def test_resident_id_is_frozen() -> None:
    rid = parse_resident_id("11010519491231002X")
    with pytest.raises(AttributeError):
        rid.number = "x"  # type: ignore[misc]


def test_lower_case_x_is_normalised() -> None:
    assert parse_resident_id("11010519491231002x").number == "11010519491231002X"


def test_surrounding_whitespace_is_ignored() -> None:
    assert parse_resident_id("  11010519491231002X\n").number == "11010519491231002X"
    assert parse_resident_id("\t11010519491231002x ").number == "11010519491231002X"


def test_inner_whitespace_is_a_format_error() -> None:
    assert error_code(parse_resident_id, "110105 19491231002X") == "format"
    assert error_code(parse_resident_id, "110105 9491231002X") == "format"


@pytest.mark.parametrize(
    "value",
    [
        "",
        "11010519491231002",  # 17
        "11010519491231002X1",  # 19
        "110105194912310",  # 15-digit first-generation numbers are not accepted
        "1101051949123100XX",  # X only allowed last
        "11010519491231002Y",
        "A1010519491231002X",
        "١١٠١٠٥١٩٤٩١٢٣١٠٠٢X",  # non-ASCII digits
        "１１０１０５１９４９１２３１００２X",  # full-width digits
    ],
)
def test_format_errors(value: str) -> None:
    assert error_code(parse_resident_id, value) == "format"


def test_wrong_length_message_mentions_length() -> None:
    with pytest.raises(IdNumberError) as info:
        parse_resident_id("12345")
    assert info.value.code == "format"
    assert "5" in info.value.message_en
    assert str(info.value) == info.value.message_en


@pytest.mark.parametrize(
    "prefix",
    [
        "00",
        "10",
        "16",
        "20",
        "24",
        "30",
        "38",
        "40",
        "47",
        "55",
        "60",
        "66",
        "70",
        "72",
        "80",
        "84",
        "90",
        "99",
    ],
)
def test_region_errors(prefix: str) -> None:
    number = make_resident_id(prefix + "0583" + "19900307" + "123")
    assert error_code(parse_resident_id, number, today=TODAY) == "region"


def test_every_province_code_is_accepted() -> None:
    assert len(PROVINCE_CODES) == 35
    for prefix in PROVINCE_CODES:
        number = make_resident_id(prefix + "0101" + "19800101" + "001")
        assert parse_resident_id(number, today=TODAY).region_code == prefix + "0101"


@pytest.mark.parametrize(
    "birth",
    [
        "19900230",  # Feb 30
        "19000229",  # 1900 is not a leap year
        "19901301",  # month 13
        "19900001",  # month 0
        "19900100",  # day 0
        "19900431",  # April 31
        "00000000",
    ],
)
def test_impossible_birth_dates(birth: str) -> None:
    number = make_resident_id("320583" + birth + "123")
    assert error_code(parse_resident_id, number, today=TODAY) == "birth_date"


def test_feb_30_error() -> None:
    number = make_resident_id("32058320000230001")
    with pytest.raises(IdNumberError) as info:
        parse_resident_id(number, today=TODAY)
    assert info.value.code == "birth_date"
    assert "20000230" in info.value.message_en


def test_birth_date_before_1900_is_rejected_and_1900_01_01_accepted() -> None:
    assert error_code(parse_resident_id, make_resident_id("32058318991231001")) == "birth_date"
    assert parse_resident_id(make_resident_id("32058319000101001")).birth_date == date(1900, 1, 1)


def test_future_birth_date() -> None:
    tomorrow = TODAY + timedelta(days=1)
    future = make_resident_id("320583" + tomorrow.strftime("%Y%m%d") + "001")
    assert error_code(parse_resident_id, future, today=TODAY) == "birth_date"
    born_today = make_resident_id("320583" + TODAY.strftime("%Y%m%d") + "001")
    assert parse_resident_id(born_today, today=TODAY).birth_date == TODAY


def test_future_birth_date_against_the_real_clock() -> None:
    future = make_resident_id("32058329991231001")
    assert error_code(parse_resident_id, future) == "birth_date"


def test_check_digit_error() -> None:
    with pytest.raises(IdNumberError) as info:
        parse_resident_id("110105194912310021")
    assert info.value.code == "check_digit"
    assert info.value.message_en


def test_check_order_region_before_birth_date_before_check_digit() -> None:
    # Bad region, bad date and bad check digit at once: region is reported first.
    assert error_code(parse_resident_id, "990583199002300010") == "region"
    # Bad date and bad check digit: birth date first.
    bad_date = make_resident_id("32058319900230001")
    wrong_check = bad_date[:17] + ("0" if bad_date[17] != "0" else "1")
    assert error_code(parse_resident_id, wrong_check, today=TODAY) == "birth_date"


def test_resident_id_check_char_rejects_bad_input() -> None:
    assert error_code(resident_id_check_char, "1101051949123100") == "format"
    assert error_code(resident_id_check_char, "11010519491231002X") == "format"
    assert error_code(resident_id_check_char, "1101051949123100A") == "format"


def test_error_is_a_value_error_and_pickles() -> None:
    with pytest.raises(ValueError, match="check digit"):
        parse_resident_id("110105194912310021")
    err = IdNumberError("region", "bad region")
    copy = pickle.loads(pickle.dumps(err))  # noqa: S301 - our own bytes
    assert (copy.code, copy.message_en) == ("region", "bad region")
    assert "region" in repr(err)


def _random_resident_first17(rng: random.Random) -> str:
    province = rng.choice(sorted(PROVINCE_CODES))
    region = province + f"{rng.randrange(100):02d}{rng.randrange(100):02d}"
    birth = date(1900, 1, 1) + timedelta(days=rng.randrange((TODAY - date(1900, 1, 1)).days + 1))
    return region + birth.strftime("%Y%m%d") + f"{rng.randrange(1000):03d}"


def test_property_flipping_any_single_digit_breaks_the_check() -> None:
    rng = random.Random(11643)
    for _ in range(1000):
        first17 = _random_resident_first17(rng)
        number = make_resident_id(first17)
        rid = parse_resident_id(number, today=TODAY)
        assert rid.number == number
        assert rid.gender == ("male" if int(number[16]) % 2 else "female")
        for pos in range(17):
            for digit in "0123456789":
                if digit == number[pos]:
                    continue
                mutated = number[:pos] + digit + number[pos + 1 :]
                assert resident_id_check_char(mutated[:17]) != number[17]
                with pytest.raises(IdNumberError):
                    parse_resident_id(mutated, today=TODAY)
        for check in "0123456789X":
            if check != number[17]:
                mutated = number[:17] + check
                assert error_code(parse_resident_id, mutated, today=TODAY) == "check_digit"


# ---------------------------------------------------------------------- unified social credit code


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y43",  # widely published sample (Fujian, Fuzhou)
        "914403001922038216",  # Huawei Technologies Co., Ltd. (Shenzhen)
        "91440300708461136T",  # Shenzhen Tencent Computer Systems Co., Ltd.
    ],
)
def test_real_world_usccs(code: str) -> None:
    assert parse_uscc(code) == code
    assert uscc_check_char(code[:17]) == code[17]


def test_constructed_kunshan_uscc() -> None:
    code = make_uscc("91320583DEMKN0001")
    assert parse_uscc(code) == code
    assert len(code) == 18
    assert code[17] in USCC_CHARSET


def test_uscc_lower_case_and_whitespace_are_normalised() -> None:
    assert parse_uscc(" 91350100m000100y43\n") == "91350100M000100Y43"
    assert uscc_check_char("91350100m000100y4") == "3"


@pytest.mark.parametrize(
    "value",
    [
        "",
        "91350100M000100Y4",  # 17
        "91350100M000100Y431",  # 19
        "91350100M0001 0Y43",  # inner space
        "91350100M000100I43",  # I is not in the charset
        "91350100O000100Y43",  # O
        "91350100M000100Z43",  # Z
        "91350100S000100Y43",  # S
        "91350100V000100Y43",  # V
        "91350100M000100Y4-",
    ],
)
def test_uscc_format_errors(value: str) -> None:
    assert error_code(parse_uscc, value) == "format"


@pytest.mark.parametrize("head", ["01", "B1", "C1", "Y2", "94", "99", "10", "54", "A2", "N4"])
def test_uscc_bad_authority_or_type_is_a_format_error(head: str) -> None:
    code = make_uscc(head + "320583DEMKN0001")
    assert error_code(parse_uscc, code) == "format"


def test_uscc_every_allowed_authority_and_type() -> None:
    assert set(USCC_ORGANISATION_TYPES) == set("123456789ANY")
    for authority, types in USCC_ORGANISATION_TYPES.items():
        for org_type in types:
            code = make_uscc(authority + org_type + "320583DEMKN0001")
            assert parse_uscc(code) == code


def test_uscc_division_code_must_be_digits() -> None:
    code = make_uscc("9132058ADEMKN0001")
    assert error_code(parse_uscc, code) == "format"


def test_uscc_check_char_error() -> None:
    with pytest.raises(IdNumberError) as info:
        parse_uscc("91350100M000100Y44")
    assert info.value.code == "check_char"
    assert info.value.message_en


def test_uscc_check_char_rejects_bad_input() -> None:
    assert error_code(uscc_check_char, "91350100M000100Y") == "format"
    assert error_code(uscc_check_char, "91350100M000100YI") == "format"


def test_property_changing_any_single_uscc_char_breaks_the_check() -> None:
    rng = random.Random(32100)
    for _ in range(1000):
        authority = rng.choice(sorted(USCC_ORGANISATION_TYPES))
        org_type = rng.choice(USCC_ORGANISATION_TYPES[authority])
        division = "".join(rng.choice("0123456789") for _ in range(6))
        subject = "".join(rng.choice(USCC_CHARSET) for _ in range(9))
        code = make_uscc(authority + org_type + division + subject)
        assert parse_uscc(code) == code
        for pos in range(17):
            replacement = rng.choice(USCC_CHARSET.replace(code[pos], ""))
            mutated = code[:pos] + replacement + code[pos + 1 :]
            assert uscc_check_char(mutated[:17]) != code[17]
            with pytest.raises(IdNumberError):
                parse_uscc(mutated)
        wrong = rng.choice(USCC_CHARSET.replace(code[17], ""))
        assert error_code(parse_uscc, code[:17] + wrong) == "check_char"
