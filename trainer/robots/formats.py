"""What each kind of group robot expects (pure: no Flask, no database, no network).

* 企业微信 群机器人: ``POST <webhook>`` with ``{"msgtype": "markdown", "markdown": {"content": …}}``; content at
  most 4096 bytes of UTF-8; the answer is ``{"errcode": 0, "errmsg": "ok"}``.
* 钉钉 自定义机器人: ``POST <webhook>`` with ``{"msgtype": "markdown", "markdown": {"title": …, "text": …}}``;
  with 加签 the URL also carries ``timestamp`` (ms) and ``sign`` = URL-encoded Base64 of HMAC-SHA256 over
  ``"{timestamp}\\n{secret}"`` keyed with the secret (the server refuses a timestamp more than an hour off);
  the answer is ``{"errcode": 0, "errmsg": "ok"}``.

A kind is a class in :data:`KINDS`; the rest of the feature never asks which kind it holds.
"""

import base64
import hashlib
import hmac
from dataclasses import dataclass
from urllib.parse import quote_plus, urlsplit


class RobotKind:
    key = ""
    label = ""
    max_bytes = 4000
    uses_secret = False
    hosts: tuple[str, ...] = ()  # the official webhook host(s), for the outbound-access note

    def payload(self, title: str, text: str) -> dict:
        raise NotImplementedError

    def url(self, webhook: str, secret: str, timestamp_ms: int) -> str:
        return webhook

    @staticmethod
    def error(answer: dict) -> str | None:
        """None when the robot took the message; else its errcode and errmsg."""
        code = answer.get("errcode")
        if code == 0:
            return None
        return f"errcode {code}: {answer.get('errmsg', '')}"[:300]


class WeCom(RobotKind):
    key = "wecom"
    label = "企业微信"
    max_bytes = 4096
    hosts = ("qyapi.weixin.qq.com",)

    def payload(self, title: str, text: str) -> dict:
        return {"msgtype": "markdown", "markdown": {"content": text}}


class DingTalk(RobotKind):
    key = "dingtalk"
    label = "钉钉"
    max_bytes = 18000  # the documented limit is 20000 bytes; leave room for the JSON around it
    uses_secret = True
    hosts = ("oapi.dingtalk.com",)

    def payload(self, title: str, text: str) -> dict:
        return {"msgtype": "markdown", "markdown": {"title": title, "text": text}}

    def url(self, webhook: str, secret: str, timestamp_ms: int) -> str:
        if not secret:
            return webhook
        joiner = "&" if urlsplit(webhook).query else "?"
        return f"{webhook}{joiner}timestamp={timestamp_ms}&sign={dingtalk_sign(secret, timestamp_ms)}"


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest))


KINDS: dict[str, RobotKind] = {kind.key: kind for kind in (WeCom(), DingTalk())}


@dataclass(frozen=True)
class Group:
    """One line of a message: what happened (a reminder's sentence) and to whom."""

    sentence: str
    names: tuple[str, ...]


def compose(title: str, groups: list[Group], link: str | None, max_bytes: int, names_shown: int = 30) -> str:
    """The Markdown text: a heading, each group's sentence with the names under it (past ``names_shown`` names,
    "等 N 人"), then the link. Groups that would pass ``max_bytes`` (UTF-8) are left out and counted in a
    closing line, so a message is never refused for its size."""
    head = f"### {title}"
    tail = f"\n\n[在培训平台查看]({link})" if link else ""
    parts: list[str] = []
    for index, group in enumerate(groups):
        shown = "、".join(group.names[:names_shown])
        if len(group.names) > names_shown:
            shown += f" 等 {len(group.names)} 人"
        else:
            shown += f"({len(group.names)} 人)" if len(group.names) > 1 else ""
        part = f"\n\n{group.sentence}\n> {shown}" if group.names else f"\n\n{group.sentence}"
        rest = len(groups) - index - 1
        more = f"\n\n……另有 {rest} 条提醒,请登录平台查看。" if rest else ""
        if len((head + "".join(parts) + part + more + tail).encode()) > max_bytes:
            left = len(groups) - index
            parts.append(f"\n\n……另有 {left} 条提醒,请登录平台查看。")
            break
        parts.append(part)
    return head + "".join(parts) + tail
