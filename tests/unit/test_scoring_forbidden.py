"""Forbidden phrases: found exactly or in homophones, ignored when negated, quoted or about the customer."""

import pytest

from trainer.scoring import Rubric, score_transcript
from trainer.scoring.forbidden import find_forbidden, is_quoted
from trainer.scoring.normalize import normalize, normalize_with_map

PUSH_OFFS = ["不知道", "不清楚", "不归我管", "问别人", "听不懂", "自己填", "明天再来", "爱投诉就投诉", "没空"]


def forbidden_in(transcript):
    rubric = Rubric(phrases=[], forbid=PUSH_OFFS)
    return [hit.phrase for hit in score_transcript(transcript, rubric).forbidden]


@pytest.mark.parametrize(
    ("transcript", "phrases"),
    [
        ("我不知道", ["不知道"]),
        ("这不归我管", ["不归我管"]),
        ("不知道,你问别人", ["不知道", "问别人"]),
        ("不知道你问别人", ["不知道", "问别人"]),  # Whisper often drops punctuation
        ("你说什么我听不懂", ["听不懂"]),  # nearest subject is 我
        ("您好不知道", ["不知道"]),  # a greeting is not a subject
        ("我们现在没空", ["没空"]),
    ],
)
def test_push_offs_said_by_the_clerk_count(transcript, phrases):
    assert forbidden_in(transcript) == phrases


def test_homophones_of_a_forbidden_phrase_count():
    assert forbidden_in("我不知到") == ["不知道"]
    assert forbidden_in("表格自己甜") == ["自己填"]


def test_forbidden_matching_is_stricter_than_expected_matching():
    # a confusable sound (n/l) or an inserted filler would be forgiven in an expected phrase, not here
    assert forbidden_in("我不知道") == ["不知道"]
    assert forbidden_in("我不吃到") == []
    assert forbidden_in("不归我们管") == []


def test_heard_words_are_reported():
    rubric = Rubric(phrases=[], forbid=["不知道"])
    (hit,) = score_transcript("我不知到", rubric).forbidden
    assert (hit.phrase, hit.heard) == ("不知道", "不知到")


@pytest.mark.parametrize(
    "transcript",
    ["不是不知道", "并非不归我管", "我们并不是不清楚", "不是我们不知道", "这绝不是不归我管"],
)
def test_negated_uses_do_not_count(transcript):
    assert forbidden_in(transcript) == []


@pytest.mark.parametrize(
    "transcript",
    [
        "我们不会说'不知道'",
        "我们不会说“不知道”",
        "规范里写着「不归我管」这样的话",
        '把"问别人"换成"我帮您问"',
    ],
)
def test_quoted_mentions_do_not_count(transcript):
    assert forbidden_in(transcript) == []


@pytest.mark.parametrize(
    "transcript", ["我们不会说不知道", "千万别说不清楚", "从来不说不归我管", "禁止说问别人"]
)
def test_mentions_after_a_negated_verb_of_saying_do_not_count(transcript):
    assert forbidden_in(transcript) == []


def test_unnegated_saying_still_counts():
    assert forbidden_in("我只能说不知道") == ["不知道"]


@pytest.mark.parametrize(
    "transcript",
    [
        "您可能不知道",
        "如果您不知道也没关系",
        "您不清楚的话我再说一遍",
        "你们也许还不清楚",
        "您要是听不懂我慢慢讲",
        "您好 您可能不知道 我跟您说",  # Whisper's spaces elsewhere do not cut the customer from the phrase
    ],
)
def test_negative_predicates_about_the_customer_do_not_count(transcript):
    assert forbidden_in(transcript) == []


@pytest.mark.parametrize(
    ("transcript", "phrase"),
    [
        ("你问别人", "问别人"),
        ("您明天再来吧", "明天再来"),
        ("你爱投诉就投诉", "爱投诉就投诉"),
        ("您自己填", "自己填"),
    ],
)
def test_push_offs_aimed_at_the_customer_still_count(transcript, phrase):
    # Only negative predicates (不…/没…/听不…) read as "about the customer"; an order to the customer
    # is exactly the push-off the codes forbid.
    assert forbidden_in(transcript) == [phrase]


@pytest.mark.parametrize(
    ("transcript", "forbid", "phrase"),
    [
        # Whisper dropped the comma after 谢谢您: the one thanked is no subject of what follows.
        ("谢谢您下不为例东西放这儿吧", ["下不为例"], "下不为例"),
        ("感谢你们下不为例", ["下不为例"], "下不为例"),
        # A push-off that names the clerk is the clerk's, whoever is named before it.
        ("表是你们弄坏的不是我弄的", ["不是我弄的"], "不是我弄的"),
        ("您这个事不归我管", ["不归我管"], "不归我管"),
    ],
)
def test_a_customer_named_before_a_push_off_does_not_always_excuse_it(transcript, forbid, phrase):
    rubric = Rubric(phrases=[], forbid=forbid)
    assert [hit.phrase for hit in score_transcript(transcript, rubric).forbidden] == [phrase]


def test_thanks_do_not_hide_a_customer_subject_that_follows():
    assert forbidden_in("谢谢您,您可能不知道") == [] and forbidden_in("谢谢您 您要是听不懂我慢慢讲") == []


def test_customer_subject_must_be_close():
    assert forbidden_in("您那个表格的事情我们这边不清楚") == ["不清楚"]  # nearest pronoun is 我们
    assert forbidden_in("您那个表格的事情不清楚") == ["不清楚"]  # 您 too far away to be the subject


def test_each_occurrence_is_judged_on_its_own():
    assert forbidden_in("不是不知道,是真的不知道") == ["不知道"]
    assert forbidden_in("您可能不清楚,我也不清楚") == ["不清楚"]


def test_quote_detection_needs_both_marks_in_the_same_sentence():
    clean = normalize_with_map("他说“不知道。不知道”").clean
    first = clean.index("不知道")
    assert not is_quoted(clean, first, first + 3)


def test_find_forbidden_returns_none_when_absent():
    assert find_forbidden(normalize("不知道"), normalize_with_map("您好,请坐")) is None


SITUATIONAL = ["下班了", "到点了", "就当没看见", "瞎填", "自己查", "办不了"]


def situational_in(transcript):
    rubric = Rubric(phrases=[], forbid=SITUATIONAL + PUSH_OFFS)
    return [hit.phrase for hit in score_transcript(transcript, rubric).forbidden]


@pytest.mark.parametrize("transcript", [
    "您别着急,虽然快下班了,我一定给您办理完。",   # concessive
    "虽然已经到点了,我们还是给您办。",
    "已经到点了,不过我一定给您办完。",           # a statement conceded by a promise of service
    "这事我们不能就当没看见。",                    # prohibited
    "您不用再问别人了,我来帮您。",
    "您不用去问别人,我来给您讲。",
    "您别自己查了,我帮您查。",
    "您先看一下。填得不对的地方我帮您改。",       # 瞎填 only by sound across a full stop
    "有人跟您说不归我管?那是不对的。",            # reported
    "他说:不知道。我替他向您道歉。",
    "肯定不能让您自己查,我帮您查。",                # prohibited, with whom it concerns in between
    "对,快下班了,您放心,我一定给您办完。",          # a statement followed by a promise of service
    "有听不懂的您就问我。",                          # relative: "whatever you don't follow"
    "我们不会让您两眼一抹黑、不知道进度。",          # the prohibition covers the list
    "现在随口说能办或者办不了,都可能说错。",        # alternatives weighed
    "我刚才说下不为例是我不对,向您道歉。",           # retracted
])
def test_harmless_uses_of_situational_push_offs_do_not_count(transcript):
    assert situational_in(transcript) == []


@pytest.mark.parametrize("transcript, phrases", [
    ("下班了,明天再来吧。", ["下班了", "明天再来"]),
    ("不知道,不过我一定给您办。", ["不知道"]),          # a "but" does not excuse 不知道
    ("我跟您说,不知道。", ["不知道"]),                   # the clerk speaking, not a report
    ("您说得对,不过这事不归我管。", ["不归我管"]),
    ("你说什么我听不懂。", ["听不懂"]),
    ("你瞎填的吧?", ["瞎填"]),
    ("我听不懂的,你问别人。", ["问别人", "听不懂"]),
    ("下班了,你明天再来。", ["下班了", "明天再来"]),
    ("这个办不了,你去问别人。", ["办不了", "问别人"]),
    ("我忙得很、不知道。", ["不知道"]),
    ("我刚才说了,下班了。", ["下班了"]),                     # repeated, not retracted
    ("别着急,请坐,您慢慢说,那事不归我管。", ["不归我管"]),  # an invitation to speak is no report
    ("您请讲,这个我不知道。", ["不知道"]),
    ("你接着说,下班了明天再来。", ["下班了", "明天再来"]),
    ("凭证您收好 不知道问别人去", ["不知道", "问别人"]),  # Whisper's space is a pause: 您 is not its subject
])
def test_push_offs_in_the_same_sentences_still_count(transcript, phrases):
    assert situational_in(transcript) == phrases
