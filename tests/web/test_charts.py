"""Chart tables: what people type (candidate titles) is escaped, gaps show as a dash."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from app.charts import Chart, _columns, wrapped


def test_table_rows_escape_text_and_show_gaps():
    chart = Chart(
        key="k",
        title="t",
        figure={"data": [], "layout": {}},
        columns=["a", "b", "c", "d"],
        rows=[['<script>alert("x")</script>', None, 1.5, date(2026, 12, 3)]],
    )
    html = str(chart.table_rows_html)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert html == (
        "<tr><td>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</td><td>—</td>"
        "<td>1.5</td><td>2026-12-03</td></tr>"
    )


def test_dict_figures_serialise_dates():
    chart = Chart("k", "t", {"data": [{"x": [date(2026, 1, 2)]}], "layout": {}}, [], [])
    assert '"2026-01-02"' in chart.figure_json


def test_long_axis_labels_wrap_at_spaces_and_chinese_ones_between_characters():
    assert wrapped("Final investment decision") == "Final<br>investment<br>decision"
    assert wrapped("Opportunity study") == "Opportunity<br>study"
    assert wrapped("Idea") == "Idea"
    assert wrapped("a b c d", width=3) == "a b<br>c d"
    assert wrapped("Opportunity", width=4) == "Opportunity"  # a Latin word stays whole
    # Chinese characters are two columns wide.
    assert wrapped("最终投资决策") == "最终投资决策"
    assert wrapped("最终投资决策", width=8) == "最终投资<br>决策"
    assert wrapped("投资 机会研究", width=8) == "投资<br>机会研究"
    assert wrapped("ERP 系统上线", width=8) == "ERP<br>系统上线"


@given(label=st.text(alphabet="ab 最终投资", max_size=30), width=st.integers(2, 16))
def test_wrapping_loses_no_character_and_keeps_lines_short(label, width):
    lines = wrapped(label, width).split("<br>")
    assert "".join(lines).replace(" ", "") == label.replace(" ", "")
    for line in lines:
        # Only a single Latin word, which is never split, may run past the width.
        assert _columns(line) <= width or (" " not in line and _columns(line) == len(line))
