"""学会名录 (config/societies.yaml) and the people who may act (config/people.yaml)."""

from __future__ import annotations

import pickle
from functools import cached_property
from typing import Annotated, Any, Generic, Literal, Protocol, TypeVar

from pydantic import BeforeValidator, WithJsonSchema, model_validator
from pydantic_core import PydanticCustomError

from schemas.types import Email, Form, Identifier, ShortText, Year, YesNo, field

T = TypeVar("T")
Inspection = Literal["合格", "基本合格", "不合格", "未参检"]
Role = Literal["学会用户", "管理员", "专家", "维护者"]


class PastProject(Form):
    year: Year = field("年度", "往年项目的年度")
    name: ShortText = field("项目名称", "往年项目的名称")
    accepted: YesNo = field("验收通过", "是 或 否：往年项目是否已验收通过")


class Society(Form):
    id: Identifier = field("id", "小写字母、数字和连字符，如 hbjx；也是申报文件夹名")
    name: ShortText = field("学会名称", "学会全称，如 湖北省机械工程学会")
    org_name: ShortText = field("党组织名称", "学会党组织的全称")
    inspections: dict[Year, Inspection] = field("年检", "各年度年检结果", default_factory=dict)
    past: list[PastProject] = field("往年项目", "往年“党建强会”项目及是否验收通过",
                                    default_factory=list)


class Registry(Form):
    societies: list[Society] = field("学会", "学会名录：每个学会一项")

    def get(self, society_id: str) -> Society | None:
        return self._by_id.get(society_id)

    @cached_property
    def _by_id(self) -> dict[str, Society]:
        return {s.id: s for s in self.societies}


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


class Person(Form):
    id: Identifier = field("id", "人员 id：小写字母、数字和连字符，如 li-hbjx")
    name: ShortText = field("姓名", "姓名")
    role: Role = field("角色", "学会用户、管理员、专家 或 维护者")
    societies: Annotated[list[Identifier], BeforeValidator(_as_list),
                         WithJsonSchema({"anyOf": [{"type": "string"},
                                                   {"type": "array", "items": {"type": "string"}}]})
                         ] = field(
        "学会", "学会用户：所属学会；专家：本人所在的学会（回避评审）", default_factory=list)
    emails: list[Email] = field("邮箱", "git 提交使用的作者邮箱", min_length=1)
    keys: list[str] = field("公钥", "SSH 签名公钥（ssh-ed25519 …）", default_factory=list)
    enabled: YesNo = field("启用", "是：可以提交；否：停用", default=True)

    @model_validator(mode="after")
    def _one_society_for_users(self) -> Person:
        if self.role == "学会用户" and len(self.societies) != 1:
            raise PydanticCustomError("society_user", "学会用户必须且只能属于一个学会（字段“学会”）")
        return self


class People(Form):
    people: list[Person] = field("人员", "可以修改材料的人员：每人一项")

    def by_email(self, email: str) -> Person | None:
        return self._by_email.get(email.strip().lower())

    def by_id(self, person_id: str) -> Person | None:
        return self._by_id.get(person_id)

    @cached_property
    def _by_email(self) -> dict[str, Person]:
        return {e.lower(): p for p in reversed(self.people) for e in p.emails}

    @cached_property
    def _by_id(self) -> dict[str, Person]:
        return {p.id: p for p in reversed(self.people)}      # the first of a repeated id


# -- the config cache's form of the two long lists ------------------------------------------------
#
# A national round's registry and people list hold thousands of entries; a command on one form
# looks up a handful. The disk cache keeps each entry pickled on its own, so loading the cache
# costs a dictionary of bytes and a lookup unpickles one entry. Both forms answer the same
# questions as the models (SocietyLookup, PersonLookup); the whole list is built on demand.


class SocietyLookup(Protocol):
    def get(self, society_id: str) -> Society | None: ...


class PersonLookup(Protocol):
    @property
    def people(self) -> list[Person]: ...

    def by_email(self, email: str) -> Person | None: ...

    def by_id(self, person_id: str) -> Person | None: ...


class _Packed(Generic[T]):
    """Entries pickled one by one, in order; a key names its first entry."""

    def __init__(self, entries: list[tuple[str, T]]) -> None:
        self.__setstate__([(key, pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
                           for key, value in entries])

    def get(self, key: str) -> T | None:
        position = self.index.get(key)
        return None if position is None else self.at(position)

    def at(self, position: int) -> T:
        if position not in self._done:
            self._done[position] = pickle.loads(self.entries[position][1])
        return self._done[position]

    def all(self) -> list[T]:
        return [self.at(position) for position in range(len(self.entries))]

    def __getstate__(self) -> list[tuple[str, bytes]]:
        return self.entries

    def __setstate__(self, entries: list[tuple[str, bytes]]) -> None:
        self.entries = entries
        self._done: dict[int, T] = {}
        self.index: dict[str, int] = {}
        for position, (key, _) in enumerate(entries):
            self.index.setdefault(key, position)


class PackedRegistry:
    """The registry as the config cache keeps it (see above)."""

    def __init__(self, registry: Registry) -> None:
        self._packed = _Packed([(s.id, s) for s in registry.societies])

    def get(self, society_id: str) -> Society | None:
        return self._packed.get(society_id)

    @cached_property
    def societies(self) -> list[Society]:
        return self._packed.all()

    def __getstate__(self) -> _Packed[Society]:
        return self._packed

    def __setstate__(self, packed: _Packed[Society]) -> None:
        self._packed = packed


class PackedPeople:
    """The people list as the config cache keeps it (see above)."""

    def __init__(self, people: People) -> None:
        self._packed = _Packed([(p.id, p) for p in people.people])
        self._emails = {email.lower(): position for position, p in reversed(list(enumerate(
            people.people))) for email in p.emails}            # the first person with an e-mail

    def by_id(self, person_id: str) -> Person | None:
        return self._packed.get(person_id)

    def by_email(self, email: str) -> Person | None:
        position = self._emails.get(email.strip().lower())
        return None if position is None else self._packed.at(position)

    @cached_property
    def people(self) -> list[Person]:
        return self._packed.all()

    def __getstate__(self) -> tuple[_Packed[Person], dict[str, int]]:
        return self._packed, self._emails

    def __setstate__(self, state: tuple[_Packed[Person], dict[str, int]]) -> None:
        self._packed, self._emails = state
