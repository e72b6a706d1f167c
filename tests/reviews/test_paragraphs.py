"""The ``paragraphs`` filter: people's text keeps its lines and simple lists, and never
becomes markup of its own."""

from __future__ import annotations

from markupsafe import Markup

from saas.presentation.text import paragraphs


def test_empty_text_is_empty_markup():
    assert paragraphs(None) == Markup("")
    assert paragraphs("") == Markup("")
    assert paragraphs(" \n\n ") == Markup("")


def test_blank_lines_make_paragraphs_and_single_breaks_stay_breaks():
    out = paragraphs("One\nstill one\n\nTwo\r\n\r\nThree")
    assert isinstance(out, Markup)
    assert out == "<p>One<br>\nstill one</p>\n<p>Two</p>\n<p>Three</p>"


def test_numbered_lines_become_an_ordered_list():
    out = paragraphs("Next quarter:\n1. Add customer care\n2. Fix the KPIs\n3) Shorten the teaser")
    assert out == (
        "<p>Next quarter:</p>\n"
        "<ol><li>Add customer care</li><li>Fix the KPIs</li><li>Shorten the teaser</li></ol>"
    )


def test_a_list_that_starts_later_keeps_its_number():
    assert paragraphs("3. Third\n4. Fourth") == '<ol start="3"><li>Third</li><li>Fourth</li></ol>'


def test_dashes_and_bullets_become_a_bulleted_list():
    out = paragraphs("- Instagram\n• TikTok\n* LinkedIn\nThat is all.")
    assert out == (
        "<ul><li>Instagram</li><li>TikTok</li><li>LinkedIn</li></ul>\n<p>That is all.</p>"
    )


def test_arabic_text_and_arabic_digits():
    out = paragraphs("الخطوات:\n١. أضيفوا خدمة العملاء\n٢. صحّحوا المؤشرات")
    assert out == ("<p>الخطوات:</p>\n<ol><li>أضيفوا خدمة العملاء</li><li>صحّحوا المؤشرات</li></ol>")


def test_numbers_and_dashes_inside_text_are_not_lists():
    assert paragraphs("2024 was good\n-10% reach\n18–30 year olds") == (
        "<p>2024 was good<br>\n-10% reach<br>\n18–30 year olds</p>"
    )


def test_html_is_escaped_never_rendered():
    out = paragraphs('<script>alert("x")</script>\n1. <img src=x onerror=alert(1)>\n- <b>b</b>')
    assert "<script>" not in out and "<img" not in out and "<b>" not in out
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in out
    assert "<li>&lt;img src=x onerror=alert(1)&gt;</li>" in out
    assert "<li>&lt;b&gt;b&lt;/b&gt;</li>" in out


def test_markup_input_is_escaped_too():
    """Text that is already Markup (a lazy string, a template value) is not trusted as HTML."""
    assert paragraphs(Markup("<em>x</em>")) == "<p>&lt;em&gt;x&lt;/em&gt;</p>"


def test_the_jinja_filter_is_registered_and_autoescape_keeps_it(app):
    template = app.jinja_env.from_string("{{ text | paragraphs }}")
    with app.test_request_context():
        assert template.render(text="a\n<i>b</i>") == "<p>a<br>\n&lt;i&gt;b&lt;/i&gt;</p>"
