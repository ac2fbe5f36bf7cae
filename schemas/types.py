"""Field types shared by every form: text, money, dates, phone, e-mail, yes/no, file paths.

Every value arrives as text (see pipeline.forms.yamlio); these types convert and judge it, raising
errors whose messages are already Chinese.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    HttpUrl,
    StringConstraints,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from schemas.characters import HIDDEN, IDENTIFIER, hidden_message

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")


class Form(BaseModel):
    """Base of every YAML form: Chinese keys as aliases, unknown keys refused."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, str_strip_whitespace=True,
                              frozen=True, defer_build=True)


def field(alias: str, description: str = "", **kw: Any) -> Any:
    """A model field whose YAML key (and JSON Schema title) is the Chinese `alias`."""
    return Field(alias=alias, title=alias, description=description or None, **kw)


def _visible(value: str) -> str:
    """A name, a title, an e-mail: no invisible character may make it differ from its look-alike
    (in free text they are only a warning: pipeline.forms.loading)."""
    found = HIDDEN.search(value)
    if found is not None:
        raise PydanticCustomError("hidden_character", "第 {at} 个字处{what}",
                                  {"at": found.start() + 1, "what": hidden_message(found.group())})
    return value


ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
                      AfterValidator(_visible)]
MidText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
def _visible_text(value: Any) -> Any:
    return _visible(value) if isinstance(value, str) else value


Identifier = Annotated[str, BeforeValidator(_visible_text),
                       StringConstraints(pattern=f"^{IDENTIFIER}$"),
                       WithJsonSchema({"type": "string", "pattern": f"^{IDENTIFIER}$",
                                       "errorMessage": "应为小写字母、数字和连字符组成的 id，如 hbjx"})]
def halfwidth(value: Any) -> Any:
    """Full-width digits typed with a Chinese input method (２００００) read as 20000."""
    return unicodedata.normalize("NFKC", value).strip() if isinstance(value, str) else value


AMOUNT_TEXT = "^[0-9０-９]{1,10}([.．][0-9０-９]{1,2})?$"     # a quoted amount, full-width digits too
Money = Annotated[Decimal, BeforeValidator(halfwidth), Field(gt=0, max_digits=12, decimal_places=2),
                  WithJsonSchema({"type": ["number", "string"], "exclusiveMinimum": 0,
                                  "maximum": 9999999999.99, "pattern": AMOUNT_TEXT,
                                  "errorMessage": "金额只写数字（元，大于 0，最多两位小数），如 20000；不写“元”“万”"})]
Count = Annotated[int, BeforeValidator(halfwidth)]
Year = Annotated[int, BeforeValidator(halfwidth), Field(ge=2000, le=2100),
                 WithJsonSchema({"type": "integer", "minimum": 2000, "maximum": 2100,
                                 "errorMessage": "年度应为四位数字，如 2022"})]


def _yes_no(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip().lower()
        if text in {"是", "true", "yes", "y"}:
            return True
        if text in {"否", "false", "no", "n"}:
            return False
        raise PydanticCustomError("yes_no", "应填“是”或“否”")
    return value


YesNo = Annotated[bool, BeforeValidator(_yes_no),
                  WithJsonSchema({"enum": ["是", "否"], "errorMessage": "应填“是”或“否”"})]


def _phone(value: str) -> str:
    import phonenumbers

    try:
        number = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException:
        number = None
    kinds = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE,
             phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
    if number is None or number.country_code != 86 or not phonenumbers.is_valid_number(number) \
            or phonenumbers.number_type(number) not in kinds:
        raise PydanticCustomError(
            "phone_invalid", "「{value}」不是有效的手机号或固定电话（固话请带区号，如 027-87654321）",
            {"value": value})
    return value


PHONE_TEXT = ("^(\\+?86[- ]?)?(1[3-9][0-9][- ]?[0-9]{4}[- ]?[0-9]{4}"
              "|[(（]?0[1-9][0-9]{1,2}[)）]?[- ]?[1-9][0-9]{6,7}([-转][0-9]{1,6})?)$")
Phone = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=30),
                  AfterValidator(_phone),
                  WithJsonSchema({"type": ["string", "integer"], "pattern": PHONE_TEXT,
                                  "minimum": 10000000, "maximum": 19999999999,
                                  "description": "手机号或带区号的固定电话，如 027-87654321",
                                  "errorMessage": "应为手机号（11 位）或带区号的固定电话，如 027-87654321"})]


def _email(value: str) -> str:
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError as e:
        raise PydanticCustomError("email_invalid", "「{value}」不是有效的电子邮箱地址",
                                  {"value": value}) from e
    return value


Email = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=254),
                  AfterValidator(_visible), AfterValidator(_email),
                  WithJsonSchema({"type": "string", "format": "email", "maxLength": 254,
                                  "pattern": "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$",
                                  "errorMessage": "不是有效的电子邮箱地址，如 lihua@example.org"})]


def _date_text(value: Any) -> Any:
    value = halfwidth(value)
    if isinstance(value, str) and value.strip() and not _ISO_DATE(value.strip()):
        raise PydanticCustomError("date_format", "日期应写成 YYYY-MM-DD，如 2022-05-10")
    return value


def _ISO_DATE(text: str) -> bool:
    parts = text.split("-")
    return len(parts) == 3 and len(parts[0]) == 4 and all(p.isdigit() for p in parts)


DATE_TEXT = "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
Date = Annotated[date, BeforeValidator(_date_text),
                 WithJsonSchema({"type": "string", "format": "date", "pattern": DATE_TEXT,
                                 "errorMessage": "日期应写成 YYYY-MM-DD，如 2022-05-10"})]


def _beijing(value: Any) -> Any:
    if isinstance(value, str) and _ISO_DATE(value.strip()):
        return datetime.combine(date.fromisoformat(value.strip()), time(23, 59, 59), BEIJING)
    return value


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=BEIJING)


Moment = Annotated[datetime, BeforeValidator(_beijing), AfterValidator(_aware),
                   WithJsonSchema({"type": "string", "description":
                                   "日期时间，如 2022-05-12 23:59:59+08:00；只写日期表示当天 24 时前",
                                   "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}"
                                              "(:[0-9]{2})?([+-][0-9]{2}:?[0-9]{2}|Z)?)?$",
                                   "errorMessage": "应写成 2022-05-12 23:59:59+08:00，或只写日期 2022-05-12"})]


def _relative_path(value: str) -> str:
    path = PurePosixPath(value.replace("\\", "/"))
    if path.is_absolute() or ":" in value or ".." in path.parts:
        raise PydanticCustomError(
            "path_outside", "文件路径「{value}」必须是本申报文件夹内的相对路径（如 files/盖章页.jpg），"
            "不能以 / 开头，也不能含有 ..", {"value": value})
    return value


Link = Annotated[HttpUrl, WithJsonSchema({
    "type": "string", "format": "uri", "maxLength": 2083, "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://[^\\s/?#]+[^\\s]*$",
    "errorMessage": "链接应为以 http:// 或 https:// 开头的网址"})]

FileRef = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255),
                    AfterValidator(_relative_path),
                    WithJsonSchema({"type": "string", "minLength": 1, "maxLength": 255,
                                    "pattern": "^(?![/\\\\])(?!.*(^|[/\\\\])\\.\\.([/\\\\]|$))[^:]+$",
                                    "errorMessage": "应为本文件夹内的相对路径，如 files/盖章页.jpg（不以 / 开头，不含 ..）"})]
