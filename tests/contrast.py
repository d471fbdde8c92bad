"""WCAG's contrast, measured in the browser: every text and chart mark of a page with the
colours behind it (:data:`COLOURS`), and those that do not stand out (:func:`below_contrast`).
Used by the page's tests (tests/web) and the HTML report's (tests/report)."""

from __future__ import annotations

from typing import Any

COLOURS = """(where) => {
  // the page's answer column and its charts, or a report's body and its charts
  const {root = '.st-key-answer', charts = '[data-testid=stPlotlyChart]'} = where || {};
  // the backgrounds behind an element, innermost first, down to the first opaque one (the
  // browser's white canvas where none is); an ancestor it is drawn outside of (a slider's
  // value above its thumb) is not behind it
  const behind = (el) => {
    const layers = [];
    const r = el.getBoundingClientRect();
    for (let e = el; e; e = e.parentElement) {
      const bg = getComputedStyle(e).backgroundColor;
      const a = e.getBoundingClientRect();
      const around = a.left <= r.left + 1 && a.top <= r.top + 1 &&
                     a.right >= r.right - 1 && a.bottom >= r.bottom - 1;
      if (bg && bg !== 'rgba(0, 0, 0, 0)' && bg !== 'transparent' && (around || e.matches('[data-testid=stApp]'))) {
        layers.push(bg);
        if (!bg.startsWith('rgba')) break;
      }
    }
    if (!layers.length || layers[layers.length - 1].startsWith('rgba')) layers.push('rgb(255, 255, 255)');
    return layers;
  };
  const out = [];
  const answer = document.querySelector(root);
  const page = behind(answer);
  const words = document.createTreeWalker(answer, NodeFilter.SHOW_TEXT);
  for (let n = words.nextNode(); n; n = words.nextNode()) {
    const el = n.parentElement;
    if (!n.textContent.trim() || el.closest(charts)) continue;
    const s = getComputedStyle(el);
    if (s.visibility === 'hidden' || el.getClientRects().length === 0) continue;
    out.push({kind: 'text', what: n.textContent.trim(), fg: s.color,
              opacity: +s.opacity, behind: behind(el)});
  }
  for (const chart of answer.querySelectorAll(charts)) {
    const paper = chart.querySelector('svg.main-svg rect.bg');
    const fill = paper && getComputedStyle(paper);
    const base = fill && +fill.fillOpacity > 0 && fill.fill !== 'none'
      ? [`${fill.fill}|${fill.fillOpacity}`, ...page] : page;
    for (const t of chart.querySelectorAll('svg text, svg tspan')) {
      const s = getComputedStyle(t);
      if (t.closest('.modebar') || !t.textContent.trim() || s.display === 'none') continue;
      const box = t.closest('g.annotation')?.querySelector('rect.bg');
      const b = box && getComputedStyle(box);
      const layers = b && b.fill !== 'none' && +b.fillOpacity > 0
        ? [`${b.fill}|${b.fillOpacity}`, ...base] : base;
      out.push({kind: 'chart text', what: t.textContent.trim(), fg: s.fill,
                opacity: +s.fillOpacity * +s.opacity, behind: layers});
    }
    const marks = [['line', '.scatterlayer path.js-line', 'stroke'],
                   ['marker', '.scatterlayer path.point', 'fill'],
                   ['bar', '.barlayer path', 'fill'],
                   ['shape', '.shapelayer path', 'stroke']];
    for (const [kind, selector, paint] of marks) {
      for (const p of chart.querySelectorAll(selector)) {
        const s = getComputedStyle(p);
        const opacity = +(paint === 'fill' ? s.fillOpacity : s.strokeOpacity) * +s.opacity;
        if (s[paint] === 'none' || opacity === 0) continue;
        const name = p.closest('.trace')?.__data__?.[0]?.trace?.name ?? '';
        out.push({kind: 'chart ' + kind, what: String(name), fg: s[paint], opacity, behind: base});
      }
    }
  }
  return out;
}"""
"""Every text of the page's answer column (the verdict, the figures, the captions, the
chart's words) and every line, marker, bar and rule of its chart, each with its colour and
the backgrounds behind it: the page's, the chart's paper, a label's box. Given ``{root,
charts}`` (selectors), those of another page: ``{root: 'body', charts: '.chart'}`` for an
HTML report."""


def below_contrast(items: list[dict[str, Any]]) -> list[tuple[str, str, str, float]]:
    """The items of COLOURS that do not stand out from what is behind them: text under
    WCAG's 4.5:1 (1.4.3), a chart's line, marker, bar or rule under 3:1 (1.4.11); each
    translucent colour laid over what is behind it first."""
    from payback.web.colours import contrast, parse_colour

    def over(
        colour: tuple[float, ...], alpha: float, under: tuple[float, ...]
    ) -> tuple[float, ...]:
        return tuple(
            c * alpha + u * (1 - alpha) for c, u in zip(colour[:3], under[:3], strict=True)
        )

    def solid(layers: list[str]) -> tuple[float, ...]:
        colour: tuple[float, ...] | None = None
        for layer in reversed(layers):  # the opaque one first, then each over it
            text, _, opacity = layer.partition("|")
            parsed = parse_colour(text)
            assert parsed is not None, text
            alpha = parsed[3] * (float(opacity) if opacity else 1.0)
            colour = parsed[:3] if colour is None else over(parsed, alpha, colour)
        assert colour is not None, layers
        return colour

    below = []
    for item in items:
        under = solid(item["behind"])
        parsed = parse_colour(item["fg"])
        assert parsed is not None, item
        ratio = contrast(over(parsed, parsed[3] * item["opacity"], under), under)
        if ratio < (4.5 if item["kind"].endswith("text") else 3.0):
            below.append((item["kind"], item["what"][:50], item["fg"], round(ratio, 2)))
    return below
