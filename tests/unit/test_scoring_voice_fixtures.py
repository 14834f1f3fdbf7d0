"""Agreement with labelled speech: the clip texts, hand-made ASR slips, and real Whisper transcripts.

``tests/fixtures/voice/transcripts.json`` holds Whisper base transcripts of the labelled clips, decoded
without (``transcript``) and with (``transcript_prompted``) an ``initial_prompt`` of expected phrases.
The rubrics (all nine specs of the shared voice set) live in the repository's copy of the manifest.
"""

import json
from pathlib import Path

import pytest

from trainer.scoring import Rubric, merge_results, score_transcript

REPO = Path(__file__).resolve().parents[2]
VOICE = REPO / "tests" / "fixtures" / "voice"
MANIFESTS = (VOICE / "manifest.json",)
MIN_AGREEMENT = 0.97


def load_specs() -> dict[str, Rubric]:
    specs: dict[str, Rubric] = {}
    for path in reversed(MANIFESTS):  # the repository copy wins where both define a spec
        if path.exists():
            specs |= {
                name: Rubric.from_dict(spec) for name, spec in json.loads(path.read_text())["specs"].items()
            }
    return specs


def load_clips() -> list[dict]:
    return json.loads((VOICE / "transcripts.json").read_text(encoding="utf-8"))


SPECS = load_specs()
CLIPS = load_clips()


def test_every_clip_has_its_rubric():
    assert {clip["spec"] for clip in CLIPS} <= set(SPECS)


def test_spoken_texts_all_agree_with_their_labels():
    for clip in CLIPS:
        assert score_transcript(clip["text"], SPECS[clip["spec"]]).passed is clip["passed"], clip["text"]


def two_pass(clip: dict, rubric: Rubric):
    """What trainer.speech.assess does: the prompted decode only rescues an answer the plain one fails
    without a forbidden phrase, and the two results are merged."""
    first = score_transcript(clip["transcript"], rubric)
    if first.passed or first.forbidden or not clip["transcript"]:
        return first
    return merge_results(first, score_transcript(clip["transcript_prompted"], rubric))


def test_two_pass_recognition_agrees_with_labels():
    # Single passes reach 42/44 each (plain: d05-phone, d21-slow mis-heard; prompted: 请坐 dropped in d01);
    # they fail on different clips, which is why production uses the rescue pass.
    disagreements = []
    for clip in CLIPS:
        result = two_pass(clip, SPECS[clip["spec"]])
        if result.passed is not clip["passed"]:
            disagreements.append((clip["file"], result.transcript, [i.expect for i in result.items if not i.hit]))
    assert 1 - len(disagreements) / len(CLIPS) >= MIN_AGREEMENT, disagreements


def test_merge_never_hides_a_forbidden_phrase():
    rubric = Rubric(phrases=["您好", "请坐"], forbid=["不知道"])
    merged = merge_results(score_transcript("您好,不知道", rubric), score_transcript("您好请坐", rubric))
    assert not merged.passed and [f.phrase for f in merged.forbidden] == ["不知道"]
    assert [i.hit for i in merged.items] == [True, True]


@pytest.mark.parametrize("field", ["transcript", "transcript_prompted"])
def test_no_negative_clip_passes(field):
    # A false pass is the error a trainee could exploit; biasing the recogniser must not create one.
    false_passes = [
        (clip["file"], clip[field])
        for clip in CLIPS
        if not clip["passed"] and score_transcript(clip[field], SPECS[clip["spec"]]).passed
    ]
    assert false_passes == []


@pytest.mark.parametrize("field", ["transcript", "transcript_prompted"])
def test_no_negative_clip_with_a_push_off_passes(field):
    for clip in CLIPS:
        rubric = SPECS[clip["spec"]]
        said = score_transcript(clip["text"], rubric).forbidden
        if clip["passed"] or not said:
            continue
        result = score_transcript(clip[field], rubric)
        assert not result.passed, clip["file"]
        assert result.forbidden, (clip["file"], clip[field])


# Slips Whisper makes on this material (DESIGN.md), applied by hand to model answers.
COUNTER = Rubric(
    phrases=["您好", "请坐", "请问您需要什么帮助|请问您要办理什么业务|有什么可以帮您"],
    forbid=["不知道", "不清楚", "不归我管", "问别人"],
)
WAIT = Rubric(phrases=["请稍候|请您稍候|请稍等", "马上|立即"], forbid=["没空", "等着吧"])


@pytest.mark.parametrize(
    ("transcript", "rubric", "passed"),
    [
        ("你好请做有什么可以帮你", COUNTER, True),  # 您→你, 坐→做, no punctuation
        ("您好,請坐,請問您需要甚麼幫助", COUNTER, True),  # Traditional output
        ("您好请问您需要什么帮助吗", COUNTER, False),  # 请坐 lost: nothing left to credit
        ("您好请坐电费的是不归我管", COUNTER, False),  # push-off heard through other slips
        ("您好请坐您要是不清楚我再说一遍有什么可以帮您", COUNTER, True),  # 不清楚 about the customer
        ("请您稍等一下我马上为您办理", WAIT, True),  # 请稍等 with fillers
        ("请稍后我们马上为您办理", WAIT, True),  # 候→后
        ("等著把我现在没空", WAIT, False),  # 吧→把, Traditional 著
    ],
)
def test_hand_made_asr_slips(transcript, rubric, passed):
    assert score_transcript(transcript, rubric).passed is passed
