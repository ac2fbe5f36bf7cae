"""结题报告 (submissions/<年度>/<学会>/completion.yaml)."""

from __future__ import annotations

from pydantic import ConfigDict

from schemas.application import FormState
from schemas.types import Form, Identifier, Year, field


class CompletionHeader(Form):
    """The part of a completion report the status machine reads: year, society, state.

    The report's body (活动记录, 目标完成情况, 宣传报道, 财务总结 …) is judged by the acceptance rules.
    """

    model_config = ConfigDict(extra="allow")

    year: Year = field("年度")
    society: Identifier = field("学会")
    state: FormState = field("状态")
