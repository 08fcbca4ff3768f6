"""A run as a picture: one bar per resource (or per step), its calls dark and its waiting on
AWS light, the critical path outlined. Plain SVG text, the same look as `ecsdeploy up
--timeline` (src/cli/timeline_svg.c) draws for users."""
from xml.sax.saxutils import escape

LEFT, ROW, TOP, WIDTH, BOTTOM = 250, 16, 46, 980, 30


def _step(span):
    """A tick spacing giving 5-12 ticks over span seconds."""
    for s in (0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600):
        if span / s <= 12:
            return s
    return 7200


def timeline(title, bars, unit="s"):
    """SVG text for bars [{id, start, end, wait_from (None or when it began waiting),
    critical}] in seconds."""
    bars = sorted(bars, key=lambda b: (b["start"], b["end"], b["id"]))
    span = max([b["end"] for b in bars] + [1e-9])
    scale = (WIDTH - LEFT - 20) / span
    height = TOP + ROW * len(bars) + BOTTOM
    x = lambda t: LEFT + t * scale  # noqa: E731
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" '
           'font-family="sans-serif" font-size="11">' % (WIDTH, height, WIDTH, height),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="8" y="16" font-size="13" font-weight="bold">%s</text>' % escape(title),
           '<text x="8" y="32" fill="#555">dark: calls; light: waiting on AWS; red outline: '
           'critical path; %d bars, %.1f %s</text>' % (len(bars), span, escape(unit))]
    step = _step(span)
    t = 0.0
    while t <= span + 1e-9:
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>'
                   % (x(t), TOP - 4, x(t), height - BOTTOM + 4))
        out.append('<text x="%.1f" y="%d" text-anchor="middle" fill="#555">%g</text>'
                   % (x(t), height - BOTTOM + 16, round(t, 3)))
        t += step
    for i, b in enumerate(bars):
        y = TOP + i * ROW
        crit = b.get("critical")
        wf = b.get("wait_from")
        calls_end = wf if wf is not None else b["end"]
        tip = "%s: %.2f-%.2f %s%s%s" % (b["id"], b["start"], b["end"], unit,
                                        "" if wf is None else ", waiting from %.2f" % wf,
                                        ", critical path" if crit else "")
        out.append('<g class="bar%s"><title>%s</title>' % (" critical" if crit else "", escape(tip)))
        out.append('<text x="%d" y="%d" text-anchor="end"%s>%s</text>'
                   % (LEFT - 6, y + 11, ' font-weight="bold" fill="#b22"' if crit else "", escape(b["id"])))
        out.append('<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="#3b6ea8"/>'
                   % (x(b["start"]), y + 2, max(1.0, (calls_end - b["start"]) * scale), ROW - 4))
        if wf is not None:
            out.append('<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="#a8c5e8"/>'
                       % (x(wf), y + 2, max(1.0, (b["end"] - wf) * scale), ROW - 4))
        if crit:
            out.append('<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="none" stroke="#d22" '
                       'stroke-width="2"/>' % (x(b["start"]), y + 1, max(1.0, (b["end"] - b["start"]) * scale),
                                              ROW - 2))
        out.append('</g>')
    out.append('</svg>')
    return "\n".join(out) + "\n"


def from_spans(spans, path):
    """Bars of a measured run: {id: {start, end, wait_from}} (analyse.resource_spans)."""
    on = set(path)
    return [{"id": r, "start": s["start"], "end": s["end"], "wait_from": s.get("wait_from"),
             "critical": r in on} for r, s in spans.items() if s["end"] is not None]


def from_calls(calls, chain):
    """Bars of a phase without resources (plan, status): one per AWS call, in seconds after
    the first call began; the round-trip chain is the critical path."""
    if not calls:
        return []
    t0 = min(c["start"] for c in calls)
    on = {c["seq"] for c in chain}
    return [{"id": "%s %s" % (c.get("operation"), c["seq"]), "start": c["start"] - t0,
             "end": c["end"] - t0, "wait_from": None, "critical": c["seq"] in on}
            for c in calls if "start" in c and "end" in c]
