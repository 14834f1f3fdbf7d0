"""An [html] stem renders as sanitised HTML; any other stem stays escaped text (trainer/quiz/question_text.py)."""

from trainer.quiz.question_text import question_text


def test_html_stems_are_sanitised_and_others_escaped():
    assert str(question_text("[html]<p>按 <b>规定</b><script>x()</script></p>")) == "<p>按 <b>规定</b></p>"
    assert str(question_text('[html]<img src="x" onerror="alert(1)">')) == '<img src="x">'
    assert str(question_text("a < b <b>")) == "a &lt; b &lt;b&gt;"
