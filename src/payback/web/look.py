"""How the page looks: its stylesheet (the answer kept in view, figures never cut short)
and the report's charts fitted to the answer's column. No Streamlit here."""

from __future__ import annotations

import html
from typing import Any

from payback.report.categories import is_categories, narrow_categories
from payback.report.charts import is_today
from payback.report.tornado import names_above

__all__ = [
    "REDRAW_KEY",
    "REFUSED_KEY",
    "STYLE",
    "figure_key",
    "fit_to_column",
    "legend_lines",
    "theme_watch",
    "upload_watch",
]

# The answer stays in view: where the page is wide enough for the answer's column to hold
# its figures and charts (about 340 px: the page's own width, sidebar open or not), that
# column stays put while the inputs scroll; narrower, it comes first, above the inputs.
# Its top, 3.75rem, plus its height, 100vh less 5.5rem, end above the page's bottom padding
# (1.5rem, not Streamlit's 10rem): at the inputs' end the row it is sticky in ends there,
# and a taller column was pushed up with it (the verdict 88 px off the top at 1400x1000).
# A figure is drawn smaller the longer its longest word (``figure_key``), never cut short.
FIGURE_SIZES = "\n".join(
    f'[class*="st-key-figure{n}-"] [data-testid="stMetricValue"] '
    f"{{ font-size: min(2.25rem, {200 / n:.1f}cqi); }}"
    for n in range(11, 31)
)
# a figure of a few short words ("month 0.015") is sized whole (figure_key), on one line
FIGURE_SIZES += "\n" + ",\n".join(
    f'[class*="st-key-figure{n}-"] [data-testid="stMetricValue"] *' for n in range(10, 31)
)
FIGURE_SIZES += " { white-space: nowrap !important; }"
FIGURE_SIZES += (
    '\n[class*="st-key-figurewords-"] [data-testid="stMetricValue"] { font-size: 1.5rem; }'
)

STYLE = (
    """<style>
[data-testid="stMainBlockContainer"] {
  container-type: inline-size; padding-bottom: 1.5rem !important;
}
@container (min-width: 820px) {
  [data-testid="stColumn"]:has(.st-key-answer) {
    position: sticky; top: 3.75rem; align-self: flex-start;
    max-height: calc(100vh - 5.5rem); overflow-y: auto; overscroll-behavior: contain;
  }
}
@container (max-width: 819.98px) {
  [data-testid="stHorizontalBlock"]:has(.st-key-answer) { flex-direction: column; }
  [data-testid="stColumn"]:has(.st-key-answer) { order: -1; width: 100%; flex: 1 1 100%; }
  [data-testid="stColumn"]:has(.st-key-inputs) { width: 100%; flex: 1 1 100%; }
}
.st-key-headline [data-testid="stMetric"] { container-type: inline-size; }
.st-key-headline [data-testid="stMetricValue"] { font-size: min(2.25rem, 20cqi); }
.st-key-headline [data-testid="stMetricValue"] *,
.st-key-headline [data-testid="stMetricLabel"] * { white-space: normal !important; }
"""
    + FIGURE_SIZES
    + """
[class*="st-key-box-"] [data-testid="stMarkdownContainer"] p { font-size: 0.875rem; }
[class*="st-key-box-"] { gap: 0.25rem; }
[class*="st-key-box-"] [data-testid="stAlert"] { margin-top: 0.25rem; }
.st-key-monte-carlo [data-testid="stMetricValue"] { font-size: 1.6rem; }
.st-key-verdict p { font-size: 1.12rem; line-height: 1.45; }
.st-key-theme-redraw, .st-key-upload-refused { display: none; }
/* the workloads table (portfolio.workloads_table): every column in the answer's column,
   names and headers wrapped, figures whole; too narrow even so, each row stacks */
.st-key-workloads { container-type: inline-size; }
.st-key-workloads table { width: 100%; border-collapse: collapse; font-size: 0.8rem; }
.st-key-workloads th, .st-key-workloads td {
  padding: 0.3rem 0.2rem; text-align: left; vertical-align: top; white-space: pre-wrap;
  overflow-wrap: break-word;
  border-bottom: 1px solid rgba(128, 128, 128, 0.25);
}
.st-key-workloads th { font-weight: 600; vertical-align: bottom; white-space: normal; }
.st-key-workloads .number { text-align: right; white-space: nowrap; overflow-wrap: normal; }
.st-key-workloads th.number { white-space: normal; }
@container (max-width: 330px) {
  .st-key-workloads thead { display: none; }
  .st-key-workloads table, .st-key-workloads tbody, .st-key-workloads tr { display: block; }
  .st-key-workloads tr { padding: 0.35rem 0; border-bottom: 1px solid rgba(128, 128, 128, 0.25); }
  .st-key-workloads td { display: flex; justify-content: space-between; gap: 0.5rem;
    border: none; padding: 0.1rem 0; text-align: right; }
  .st-key-workloads td::before { content: attr(data-label); text-align: left; opacity: 0.7; }
  .st-key-workloads td:empty { display: none; }
}
/* the uploader's "21MB per file": Streamlit's own cap, above a scenario's limit so that the
   page says why a larger file is refused; the label says the limit (see app.py) */
[data-testid="stFileUploaderDropzoneInstructions"] { display: none; }
/* a list's choices ("alternative: a    b") keep every space of a name, as its box does */
[role="listbox"] [role="option"] > div { white-space: pre !important; }
@media (max-width: 640px) {  /* two figures a row on a phone, not one; a smaller title */
  h1 { font-size: 1.75rem !important; padding-top: 0 !important; }
  .st-key-headline [data-testid="stHorizontalBlock"] { flex-wrap: nowrap; gap: 0.75rem; }
  .st-key-headline [data-testid="stColumn"] { min-width: 0; }
}
</style>"""
)


def figure_key(slot: str, value: str) -> str:
    """The key of the container of one figure of the answer: its longest word's length
    sizes it (``FIGURE_SIZES``), so "$184,638,861,795" is drawn whole, only smaller; words
    that wrap onto lines are drawn smaller too.

    >>> figure_key("npv", "$7,836"), figure_key("npv", "$184,638,861,795")
    ('figure10-npv', 'figure16-npv')
    >>> figure_key("quarter", "unknown (horizon too short)")
    'figurewords-quarter'

    A figure of a few words, up to 12 characters, is one line sized by its whole length
    ("month 0.015" broke after "month" where its longest word sized it):

    >>> figure_key("month", "month 0.015"), figure_key("month", "month 13.4")
    ('figure11-month', 'figure10-month')
    """
    if len(value) > 12 and " " in value:
        return f"figurewords-{slot}"
    longest = max((len(word) for word in value.split()), default=0)
    if " " in value:
        longest = len(value)
    return f"figure{min(max(longest, 10), 30)}-{slot}"


LEGEND_CHARS = 40
"""The longest legend line the answer's column holds beside its line sample (about 390 px
at 420 and at 1400 px wide, 13 px text)."""


def legend_lines(name: str, width: int = LEGEND_CHARS) -> str:
    """A legend entry broken onto lines (plotly's ``<br>``) of at most ``width``
    characters: at spaces, and a longer word after a hyphen, dot, underscore or slash
    (else cut), so a long name is read whole in the column, not cut at its edge. The name
    as the report's figure holds it (``&lt;`` for a ``<`` its user wrote), counted and cut
    as read, never inside an entity.

    >>> legend_lines("baseline: hosted big model")
    'baseline: hosted big model'
    >>> legend_lines("fine-tuned-qwen2.5-7b-instruct-lora-on-one-rented-nvidia-l4-with-vllm")
    'fine-tuned-qwen2.5-7b-instruct-lora-on-<br>one-rented-nvidia-l4-with-vllm'
    >>> legend_lines("a fine-tuned 8B on rented H100s in the cheapest region we found", 30)
    'a fine-tuned 8B on rented<br>H100s in the cheapest region<br>we found'
    >>> legend_lines("&lt;b&gt;" * 4, 6)
    '&lt;b&gt;&lt;b&gt;<br>&lt;b&gt;&lt;b&gt;'
    """
    name = html.unescape(name)
    lines: list[str] = []
    line = ""
    for word in name.split(" "):
        while len(word) > width:  # a word longer than a line: at a separator, else cut
            room = width - len(line) - (1 if line else 0)
            cut = max((word.rfind(c, 0, room) + 1 for c in "-._/"), default=0) if room > 0 else 0
            if cut <= 0 and line:
                lines.append(line)
                line = ""
                continue
            cut = cut if cut > 0 else width
            line = f"{line} {word[:cut]}" if line else word[:cut]
            lines.append(line)
            line, word = "", word[cut:]
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "<br>".join(html.escape(one, quote=False) for one in ([*lines, line] if line else lines))


def _names_above_bars(fig: Any) -> None:
    """The drivers chart for a narrow column: each input's name and range above its bar,
    not beside it, so the bars get the column's width (beside them, the names took 84%),
    as the report's narrow drawing puts them (:func:`payback.report.tornado.names_above`),
    in rows 78 px tall and with plotly's own money ticks."""
    rows = list(fig.data[0].y) if fig.data else []  # each name and range, as drawn beside
    names_above(fig, rows, 78, bar=0.34, yshift=15, shade=0.8, top_px=64, below_px=100)
    fig.update_xaxes(nticks=5, automargin=True)


def fit_to_column(fig: Any, chart: Any) -> None:
    """A report chart's figure made to fit the answer's narrow column: no title (the page
    writes it above), a break-even label without the alternative's name (its colour names
    it), no legend entry for a crossing's marker, the drivers' names above their bars, the
    names of bars by category level on lines (:mod:`payback.report.categories`)."""
    fig.update_layout(title_text=None, margin={"t": 30})
    for note in fig.layout.annotations:  # the column is narrow: the label's colour names the line
        text = (note.text or "").replace(":<br>", ": ")
        if ": break-even" in text:
            note.text = text.split(": ", 1)[1]
    # a crossing's marker is named on the chart and in the note: its long legend entry
    # ("… cheaper per request than the baseline from …") would run past the column
    crossings = {m.get("text") for m in chart.markers if not is_today(m)}
    fig.for_each_trace(
        lambda t: t.update(showlegend=False),
        selector=lambda t: getattr(t, "mode", None) == "markers" and t.name in crossings,
    )
    # a legend entry longer than the column: on lines of its own, not cut at the edge
    fig.for_each_trace(
        lambda t: t.update(name=legend_lines(t.name)),
        selector=lambda t: isinstance(t.name, str) and len(html.unescape(t.name)) > LEGEND_CHARS,
    )
    if chart.key.startswith("tornado"):
        _names_above_bars(fig)
    if is_categories(chart):  # the names level on lines, the legend under the axis title
        narrow_categories(fig, chart)


REDRAW_KEY = "theme-redraw"
"""The hidden button :func:`theme_watch` clicks (its key; ``.st-key-theme-redraw`` in
:data:`STYLE` hides it)."""


def theme_watch(drawn: str | None) -> str:
    """A script that runs the page again when the browser's theme is no longer the one its
    charts were drawn for (``drawn``: "light" or "dark", as ``st.context.theme.type``
    says): a reader who turns the dark theme on or off, from the page's menu or the
    system's setting, gets charts in its colours, where they kept the other theme's
    (Streamlit runs nothing on a change of theme). It clicks the hidden button
    :data:`REDRAW_KEY`, judging the theme as Streamlit does (light where the page's
    background is light), and stops after two runs in a row that drew the other theme
    than the one asked for, so a theme Streamlit misreads cannot run the page for ever.

    >>> "paybackDrawn = 'dark';" in theme_watch("dark"), "paybackDrawn = null;" in theme_watch(None)
    (True, True)
    """
    colour = repr(drawn) if drawn in ("light", "dark") else "null"
    return f"""<script>
(() => {{
  window.paybackDrawn = {colour};
  if (window.paybackAsked) {{
    window.paybackMisses = window.paybackAsked === {colour} ? 0 : (window.paybackMisses || 0) + 1;
    window.paybackAsked = null;
  }}
  if (window.paybackWatching) return;
  window.paybackWatching = true;
  const scheme = () => {{
    const app = document.querySelector('[data-testid=stApp]');
    const rgb = app && getComputedStyle(app).backgroundColor.match(/[\\d.]+/g);
    if (!rgb) return null;
    const [r, g, b] = rgb.map(Number);
    return (0.299 * r + 0.587 * g + 0.114 * b) / 255 > 0.5 ? 'light' : 'dark';
  }};
  setInterval(() => {{
    const now = scheme();
    if (!now || !window.paybackDrawn || now === window.paybackDrawn) return;
    const button = document.querySelector('.st-key-{REDRAW_KEY} button');
    if (!button || (window.paybackMisses || 0) >= 2) return;
    window.paybackDrawn = now;
    window.paybackAsked = now;
    button.click();
  }}, 400);
}})();
</script>"""


REFUSED_KEY = "upload-refused"
"""The hidden button :func:`upload_watch` clicks when the browser refuses a file
(``.st-key-upload-refused`` in :data:`STYLE` hides it)."""


def upload_watch() -> str:
    """A script that tells the page of a file the browser refused without sending it (over
    Streamlit's cap, of a type not offered): Streamlit keeps the file sent before as the
    uploader's value and runs nothing, so the page went on saying why that earlier file was
    refused, on every run, and nothing of the file just dropped. The script removes the
    files before the last one (before a refused one, the uploader's value becomes none:
    what the page said of them goes; before one sent, a refused one kept in view), then, once
    the page has run, clicks the hidden button :data:`REFUSED_KEY` once for that file: the
    answer says it was not opened.

    >>> "st-key-upload-refused" in upload_watch()
    True
    """
    return f"""<script>
(() => {{
  if (window.paybackUploadWatching) return;
  window.paybackUploadWatching = true;
  setInterval(() => {{
    const chips = [...document.querySelectorAll(
      '[data-testid=stFileUploader] [data-testid=stFileChip]'
    )];
    if (chips.length > 1) {{  // the files before the last: their value, what was said of them
      for (const chip of chips.slice(0, -1)) {{
        chip.querySelector('[data-testid=stFileChipDeleteBtn] button')?.click();
      }}
      return;
    }}
    const last = chips[0];
    if (!last || last.getAttribute('aria-invalid') !== 'true') return;
    const app = document.querySelector('[data-testid=stApp]');
    const running = app && app.getAttribute('data-test-script-state') === 'running';
    if (running || last.dataset.paybackSaid) return;
    const button = document.querySelector('.st-key-{REFUSED_KEY} button');
    if (!button) return;
    last.dataset.paybackSaid = '1';
    button.click();
  }}, 300);
}})();
</script>"""
