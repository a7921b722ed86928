"""Issue 15: an article without a summary shows its lead once (the first paragraph is not repeated as a
standfirst); cards and the page description still fall back to it."""

from __future__ import annotations


def test_the_lead_shows_once_without_a_summary_and_the_summary_shows_when_given(make_site, build, parse_html) -> None:  # type: ignore[no-untyped-def]
    lead = "The ferry line reopened on Monday after three weeks of repairs."
    root = make_site({
        "content/politics/a.md": make_site.article("No summary", body=f"{lead}\n\nMore text.\n"),
        "content/politics/b.md": make_site.article("With summary", summary="A standfirst of its own.",
                                                   body=f"{lead}\n\nMore text.\n"),
    })
    build(root)
    page = parse_html(root / "public/politics/no-summary/index.html")
    texts = [" ".join(p.text_content().split()) for p in page.iter("p")]
    assert texts.count(lead) == 1
    assert page.find(".//p[@class='standfirst']") is None
    assert page.find(".//meta[@name='description']").get("content") == lead  # the fallback, for machines
    other = parse_html(root / "public/politics/with-summary/index.html")
    assert other.find(".//p[@class='standfirst']").text_content() == "A standfirst of its own."
    home = parse_html(root / "public/index.html")
    assert lead in home.text_content()  # the card shows the first paragraph
