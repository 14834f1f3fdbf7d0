"""A question's text as trainees see it: a stem stored with the ``[html]`` mark (GIFT ``[html]`` question text,
trainer/quiz/gift.py) is sanitised again with nh3's allow-list and rendered as HTML; any other stem is plain text
(escaped by Jinja as before). Template filter ``question_text``."""

import html

import nh3
from markupsafe import Markup, escape

HTML_MARK = "[html]"


def question_text(stem) -> Markup:
    text = str(stem or "")
    if text.startswith(HTML_MARK):
        return Markup(nh3.clean(text[len(HTML_MARK):]))  # noqa: S704  (sanitised by nh3 just above)
    return escape(text)


def plain_text(stem) -> str:
    """The stem as plain text (tags dropped, entities decoded), for places that cannot show HTML: chart labels."""
    text = str(stem or "")
    if text.startswith(HTML_MARK):
        return html.unescape(nh3.clean(text[len(HTML_MARK):], tags=set()))
    return text
