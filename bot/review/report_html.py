"""The report as one self-contained HTML page: inline CSS and SVG charts, nothing fetched."""

from __future__ import annotations

from html import escape

from bot.induction.report_html import html_section
from bot.review.report import Report, Week
from bot.words import one_line, unreordered

WIDTH, HEIGHT, PAD = 640, 200, 32

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:2rem auto;
max-width:760px;color:#1f2933;line-height:1.45;padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d9e2ec}
.summary{display:flex;gap:1rem;flex-wrap:wrap}.card{background:#f0f4f8;border-radius:8px;
padding:.75rem 1rem;min-width:9rem}.card b{display:block;font-size:1.4rem}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.35rem .5rem;
border-bottom:1px solid #e4e7eb;vertical-align:top}.muted{color:#616e7c;font-size:.9rem}
.status{font-size:.8rem;background:#e4e7eb;border-radius:4px;padding:0 .3rem}
svg text{font-size:11px;fill:#52606d}.legend span{display:inline-block;width:10px;height:10px;
margin:0 .3rem 0 1rem}
"""


def _bars(weeks: tuple[Week, ...]) -> str:
    if not weeks:
        return "<p>No questions in this period.</p>"
    top = max((w.unanswered for w in weeks), default=0) or 1
    step = (WIDTH - PAD) / len(weeks)
    parts = [
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT + 20}" width="100%" role="img" aria-label="Unanswered questions per week">'
    ]
    for n, week in enumerate(weeks):
        height = (HEIGHT - PAD) * week.unanswered / top
        x = PAD + n * step
        parts.append(
            f'<rect x="{x + 2:.1f}" y="{HEIGHT - height:.1f}" width="{max(step - 4, 1):.1f}" '
            f'height="{height:.1f}" fill="#d64545"><title>{week.start:%d %b}: {week.unanswered}</title></rect>'
        )
        if len(weeks) <= 16 or n % max(1, len(weeks) // 8) == 0:
            parts.append(f'<text x="{x + 2:.1f}" y="{HEIGHT + 14}">{week.start:%d %b}</text>')
    parts.append(f'<text x="0" y="{PAD - 12}">{top}</text><text x="0" y="{HEIGHT}">0</text></svg>')
    return "".join(parts)


def _lines(weeks: tuple[Week, ...]) -> str:
    if not weeks:
        return ""
    step = (WIDTH - PAD) / max(len(weeks) - 1, 1)

    def path(values: list[float | None]) -> str:
        points = [
            f"{PAD + n * step:.1f},{HEIGHT - (HEIGHT - PAD) * v:.1f}"
            for n, v in enumerate(values)
            if v is not None
        ]
        return " ".join(points)

    answer = path([w.answer_rate for w in weeks])
    helpful = path([w.helpful_rate for w in weeks])

    def dots(points: str, colour: str) -> str:
        return "".join(
            f'<circle cx="{p.split(",")[0]}" cy="{p.split(",")[1]}" r="3" fill="{colour}"/>'
            for p in points.split()
        )

    return (
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT + 20}" width="100%" role="img" aria-label="Answer rate and helpful rate">'
        f'<line x1="{PAD}" y1="{PAD}" x2="{WIDTH}" y2="{PAD}" stroke="#e4e7eb"/>'
        f'<line x1="{PAD}" y1="{HEIGHT}" x2="{WIDTH}" y2="{HEIGHT}" stroke="#e4e7eb"/>'
        f'<text x="0" y="{PAD + 4}">100%</text><text x="0" y="{HEIGHT}">0%</text>'
        f'<polyline points="{answer}" fill="none" stroke="#2f80ed" stroke-width="2"/>'
        f'<polyline points="{helpful}" fill="none" stroke="#27ae60" stroke-width="2"/>'
        f"{dots(answer, '#2f80ed')}{dots(helpful, '#27ae60')}"
        f'<text x="{PAD}" y="{HEIGHT + 14}">{weeks[0].start:%d %b}</text>'
        f'<text x="{WIDTH - 60}" y="{HEIGHT + 14}">{weeks[-1].start:%d %b}</text></svg>'
        '<p class="legend muted"><span style="background:#2f80ed"></span>answered outright'
        '<span style="background:#27ae60"></span>marked helpful</p>'
    )


def _note(note: str) -> str:
    """A theme's triage note, under its status: typed by the review group, so escaped."""
    return f"<br><span class='muted'>{escape(one_line(note))}</span>" if note else ""


def to_html(report: Report) -> str:
    title = f"Compact Assistant gaps report, {report.since:%d %B %Y} to {report.until:%d %B %Y}"
    themes = (
        "".join(
            f"<tr><td>{escape(t.id)}</td><td><b>{escape(unreordered(t.label))}</b><br><span class='muted'>"
            f"{escape(unreordered('; '.join(t.examples[1:4])))}</span></td><td>{t.count}</td><td>{t.askers}</td>"
            f"<td><span class='status'>{escape(t.status.value)}</span>{_note(t.note)}</td>"
            f"<td>{escape(', '.join(t.nearest_entries) or '-')}</td></tr>"
            for t in report.themes
        )
        or "<tr><td colspan='6'>No unanswered questions in this period.</td></tr>"
    )
    worst = (
        "".join(
            f"<tr><td>{escape(e.entry_id)}</td><td>{escape(e.question)}</td><td>{e.count}</td></tr>"
            for e in report.not_helpful
        )
        or "<tr><td colspan='3'>No answers were marked not helpful.</td></tr>"
    )
    topics = "".join(f"<tr><td>{escape(t)}</td><td>{n}</td></tr>" for t, n in report.topics) or (
        "<tr><td colspan='2'>No answered questions yet.</td></tr>"
    )
    rate = f"{report.answered / report.questions:.0%}" if report.questions else "-"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{escape(title)}</title><style>{STYLE}</style></head><body>
<h1>{escape(title)}</h1>
<div class="summary"><div class="card"><b>{report.questions}</b>questions</div>
<div class="card"><b>{rate}</b>answered outright</div>
<div class="card"><b>{report.unanswered}</b>not answered</div>
<div class="card"><b>{len(report.themes)}</b>top themes</div></div>
<h2>Top themes</h2>
<table><tr><th>#</th><th>Theme and examples</th><th>Questions</th><th>People</th><th>Status</th><th>Nearest answers</th></tr>{themes}</table>
<h2>Unanswered questions per week</h2>{_bars(report.weeks)}
<h2>Answer rate and helpful rate</h2>{_lines(report.weeks)}
<h2>Answers marked not helpful most often</h2>
<table><tr><th>Entry</th><th>Question</th><th>Times</th></tr>{worst}</table>
<h2>Topics asked about most</h2><table><tr><th>Topic</th><th>Questions answered</th></tr>{topics}</table>
{html_section(report.induction) if report.induction is not None else ""}
<p class="muted">No user identifiers appear in this report. Questions were stored with personal data removed.</p>
</body></html>
"""
