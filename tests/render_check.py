"""Layout checker for export figures: draws a plotly figure in headless Chromium and reports the text that
a reader of the PNG (or of the Word page it is pasted into) would find broken.

Why: kaleido's PNG is plotly.js drawing the figure in Chromium; drawing it here with the same plotly.js
(the one bundled in the plotly package, which kaleido loads by default) at the same width and height gives
the same layout, but as an SVG whose text boxes can be measured. No pytest in here: ``make gallery`` and
other scripts call :class:`RenderChecker` directly.

Checks (each problem is one French sentence, prefixed by its kind):

* ``hors cadre``: a text lies, even partly, outside the canvas (the tick « 12,5 % » cut to « 2,5 % »);
* ``chevauchement``: two texts overlap (a legend over the title, a label over a column heading);
* ``sur les données``: a text sits on a bar, a marker, a Sankey node or link band, or a treemap tile it does
  not belong to (a text is never checked against its own trace: a bar's value label belongs to its bars, a
  treemap's tile labels to their tiles);
* ``décalé``: a Sankey label (annotation ``sankey-label``) whose middle is not level with its node and no
  leader line (shape ``sankey-leader``) joins them;
* ``trop petit``: given a print width in cm, a text that prints below 7 pt (treemap tile labels included,
  at the size plotly actually draws them after shrinking them into their tile).

Treemap tile labels are data labels: plotly shrinks a label that does not fit its tile (or hides it with
``uniformtext.mode="hide"``). So they are not checked against their own tiles, but a visible tile label
still has to be inside the canvas, clear of other text and, at print size, at least 7 pt: a label shrunk
to 4 pt is a defect, a tile left blank is not.

Invisible text is ignored: empty strings, ``display: none``, zero opacity, transparent fill (the Sankey's
own node labels, kept for hovers), the hover layer; ``staticPlot`` leaves out the modebar.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
MIN_PRINT_PT = 7.0
PT_PER_CM = 72 / 2.54
KINDS = ("hors cadre", "chevauchement", "sur les données", "décalé", "trop petit")


def plotly_js_path() -> Path:
    """plotly.js as bundled in the plotly package: the version kaleido draws PNGs with."""
    import plotly
    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


# Runs in the page on a drawn plotly chart (its graph div): every visible text and data mark with its box.
# Also measures a chart of a live page (tests/e2e/test_phone.py): the same checks as the take-away files.
MEASURE_DRAWN_JS = r"""
(gd) => {
  const origin = gd.getBoundingClientRect();
  const box = (r) => ({x0: r.left - origin.left, y0: r.top - origin.top,
                       x1: r.right - origin.left, y1: r.bottom - origin.top});
  const shown = (el) => el.checkVisibility({opacityProperty: true, visibilityProperty: true});
  const transparent = (c) => !c || c === 'none' || /rgba\(.*,\s*0\)$/.test(c) || c === 'transparent';
  const role = (el) => {
    const roles = [['.hoverlayer', 'survol'], ['.g-gtitle', 'titre'], ['.legend', 'légende'],
      ['.colorbar', 'barre de couleurs'], ['.annotation', 'annotation'], ['.xtick', 'graduation x'],
      ['.ytick', 'graduation y'], ['.g-xtitle', 'titre d\'axe x'], ['.g-ytitle', 'titre d\'axe y'],
      ['.slicetext', 'tuile'], ['.bartext', 'valeur de barre'], ['.textpoint', 'texte de point'],
      ['.sankey', 'sankey']];
    for (const [sel, name] of roles) if (el.closest(sel)) return name;
    const tick = el.closest('g[class$="tick"]');     // x2tick, y2tick… of subplots
    if (tick) return 'graduation ' + tick.getAttribute('class')[0];
    return 'texte';
  };
  const traceOf = (el) => { const t = el.closest('.trace'); return t ? t : null; };
  const traces = new Map();
  const traceId = (el) => { const t = traceOf(el); if (!t) return -1;
    if (!traces.has(t)) traces.set(t, traces.size); return traces.get(t); };
  const texts = [];
  for (const el of gd.querySelectorAll('svg text')) {
    const lines = el.querySelectorAll('tspan.line');
    const raw = lines.length ? Array.from(lines).map((t) => t.textContent).join(' ') : el.textContent;
    const content = (raw || '').replace(/\s+/g, ' ').trim();
    if (!content || !shown(el) || el.closest('.hoverlayer')) continue;
    const style = getComputedStyle(el);
    if (transparent(style.fill) || parseFloat(style.fillOpacity) === 0) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const m = el.getScreenCTM();
    const scale = m ? Math.hypot(m.a, m.b) : 1;
    let size = parseFloat(style.fontSize);
    for (const t of el.querySelectorAll('tspan')) {
      if ((t.textContent || '').trim()) size = Math.min(size, parseFloat(getComputedStyle(t).fontSize));
    }
    const ann = el.closest('.annotation');
    const index = ann ? parseInt(ann.getAttribute('data-index')) : -1;
    const name = index >= 0 && gd.layout.annotations && gd.layout.annotations[index]
      ? (gd.layout.annotations[index].name || '') : '';
    texts.push(Object.assign(box(r), {text: content, size: size * scale, role: role(el), name: name,
      trace: traceId(el)}));
  }
  const marks = [];
  const markSelectors = [['.sankey .node-rect', 'nœud'], ['.sankey .sankey-link', 'flux'],
    ['.barlayer .point path', 'barre'], ['.scatterlayer .points path', 'point'],
    ['.treemaplayer path.surface', 'tuile']];
  for (const [sel, kind] of markSelectors) {
    for (const el of gd.querySelectorAll(sel)) {
      if (!shown(el)) continue;
      const s = getComputedStyle(el);
      const fillOff = transparent(s.fill) || parseFloat(s.fillOpacity) === 0;
      if (fillOff) continue;
      const r = el.getBoundingClientRect();
      if (r.width < 0.5 || r.height < 0.5) continue;
      marks.push(Object.assign(box(r), {kind: kind, trace: traceId(el), el: marks.length}));
      el.setAttribute('data-check-mark', String(marks.length - 1));
    }
  }
  // texts over marks: sample points of each text box, tested against the mark's real fill
  const hits = [];
  const markEls = gd.querySelectorAll('[data-check-mark]');
  const svgOf = (el) => el.ownerSVGElement;
  texts.forEach((t, ti) => {
    const padY = Math.min(0.18 * t.size, (t.y1 - t.y0) / 4), padX = 1;
    const x0 = t.x0 + padX, x1 = t.x1 - padX, y0 = t.y0 + padY, y1 = t.y1 - padY;
    if (x1 <= x0 || y1 <= y0) return;
    for (const el of markEls) {
      const mi = parseInt(el.getAttribute('data-check-mark'));
      const mk = marks[mi];
      if (mk.trace === t.trace && t.trace !== -1) continue;     // its own trace: data labels
      if (mk.x1 <= x0 || mk.x0 >= x1 || mk.y1 <= y0 || mk.y0 >= y1) continue;
      const inv = el.getScreenCTM().inverse();
      const p = svgOf(el).createSVGPoint();
      let inside = 0;
      for (let i = 0; i <= 8; i++) for (let j = 0; j <= 2; j++) {
        p.x = origin.left + x0 + (x1 - x0) * i / 8; p.y = origin.top + y0 + (y1 - y0) * j / 2;
        const q = p.matrixTransform(inv);
        if (el.isPointInFill(q)) inside++;
      }
      if (inside >= 2) hits.push([ti, mi, inside]);
    }
  });
  // Sankey geometry: nodes per side, label annotations and leader lines (in px)
  const size = gd._fullLayout._size;
  const nodes = Array.from(gd.querySelectorAll('.sankey .node-rect')).map((el) => box(el.getBoundingClientRect()));
  const leaders = ((gd.layout.shapes || []).filter((s) => s.name === 'sankey-leader')).map((s) => ({
      y0: size.t + (1 - s.y0) * size.h, y1: size.t + (1 - s.y1) * size.h, right: s.xanchor === 1}));
  return {texts: texts, marks: marks.map(({el, ...rest}) => rest), hits: hits, nodes: nodes, leaders: leaders,
          plot: {l: size.l, t: size.t, w: size.w, h: size.h}};
}
"""

# Draws the figure at the asked size (static: no toolbar), then measures it.
_MEASURE_JS = r"""
async ([spec, width, height]) => {
  const gd = document.getElementById('chart');
  Plotly.purge(gd);
  gd.style.width = width + 'px'; gd.style.height = height + 'px';
  const layout = Object.assign({}, spec.layout || {}, {width: width, height: height});
  await Plotly.newPlot(gd, spec.data || [], layout, {staticPlot: true});
  return (%s)(gd);
}
""" % MEASURE_DRAWN_JS


@dataclass(frozen=True)
class Drawn:
    """What the page measured for one figure (px, origin top left of the canvas)."""
    texts: list[dict]
    marks: list[dict]
    hits: list[list]
    nodes: list[dict]
    leaders: list[dict]
    plot: dict


def _quote(text: str, limit: int = 40) -> str:
    return f"« {text if len(text) <= limit else text[:limit - 1] + '…'} »"


TICK_GAP_EM = 0.25     # two tick labels of one axis closer than this read as one (« 200 M€400 M€ »)


def _overlap(a: dict, b: dict, tolerance: float) -> float:
    """Area (px²) shared by two text boxes, each shrunk vertically by the line's inner leading; two tick
    labels of one axis must also keep a small gap between them."""
    pad_a, pad_b = 0.15 * a["size"], 0.15 * b["size"]
    gap = TICK_GAP_EM * min(a["size"], b["size"]) if a["role"] == b["role"] and a["role"].startswith("graduation") \
        else -tolerance
    w = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"]) + gap
    h = min(a["y1"] - pad_a, b["y1"] - pad_b) - max(a["y0"] + pad_a, b["y0"] + pad_b)
    return w * h if w > 0 and h > 0 else 0.0


def problems_in(drawn: Drawn, width: int, height: int, print_width_cm: float | None = None,
                tolerance: float = 1.0) -> list[str]:
    """The problems of one measured figure (see the module docstring), each a French sentence."""
    found: list[str] = []
    texts = drawn.texts
    for t in texts:
        sides = [("à gauche", -t["x0"]), ("à droite", t["x1"] - width), ("en haut", -t["y0"]),
                 ("en bas", t["y1"] - height)]
        out = [f"{side} de {amount:.0f} px" for side, amount in sides if amount > tolerance]
        if out:
            found.append(f"hors cadre : {_quote(t['text'])} ({t['role']}) dépasse {', '.join(out)}")
    for i, a in enumerate(texts):
        for b in texts[i + 1:]:
            if _overlap(a, b, tolerance) > 0:
                found.append(f"chevauchement : {_quote(a['text'])} ({a['role']}) et {_quote(b['text'])} "
                             f"({b['role']})")
    for ti, mi, _ in drawn.hits:
        t, m = texts[ti], drawn.marks[mi]
        found.append(f"sur les données : {_quote(t['text'])} ({t['role']}) couvre un(e) {m['kind']}")
    found.extend(_sankey_alignment(drawn))
    if print_width_cm:
        pt_per_px = print_width_cm * PT_PER_CM / width
        for t in texts:
            printed = t["size"] * pt_per_px
            if printed < MIN_PRINT_PT - 0.05:
                found.append(f"trop petit : {_quote(t['text'])} ({t['role']}) imprimé à "
                             f"{printed:.1f} pt sur {print_width_cm:g} cm".replace(".", ","))
    return found


def _sankey_alignment(drawn: Drawn) -> list[str]:
    """Sankey labels level with their node, or joined to it by a leader line."""
    labels = [t for t in drawn.texts if t["name"] == "sankey-label"]
    if not labels or not drawn.nodes:
        return []
    middle = drawn.plot["l"] + drawn.plot["w"] / 2
    found = []
    for right in (False, True):
        nodes = sorted((n for n in drawn.nodes if ((n["x0"] + n["x1"]) / 2 > middle) == right),
                       key=lambda n: n["y0"])
        side = sorted((t for t in labels if ((t["x0"] + t["x1"]) / 2 > middle) == right), key=lambda t: t["y0"])
        if len(nodes) != len(side):
            found.append(f"décalé : {len(side)} étiquettes pour {len(nodes)} nœuds "
                         f"du côté {'droit' if right else 'gauche'}")
            continue
        leaders = [line for line in drawn.leaders if line["right"] == right]
        for node, label in zip(nodes, side):
            centre = (label["y0"] + label["y1"]) / 2
            slack = max(2.0, 0.25 * label["size"])
            if node["y0"] - slack <= centre <= node["y1"] + slack:
                continue
            joined = any(abs(line["y0"] - centre) <= slack and node["y0"] - slack <= line["y1"] <= node["y1"] + slack
                         for line in leaders)
            if not joined:
                found.append(f"décalé : {_quote(label['text'])} (sankey) à {centre - (node['y0'] + node['y1']) / 2:+.0f}"
                             " px du milieu de son nœud, sans trait de rappel")
    return found


class RenderChecker:
    """One headless Chromium and one page, reused for many figures (about 0,1 s a figure).

    Use as a context manager. ``check(fig, width, height, print_width_cm)`` returns the problems.
    Playwright's sync API runs in a thread of its own: in a test session where pytest-playwright's browser
    tests ran first, the main thread holds their event loop and a second sync Playwright would refuse it.
    """

    def __init__(self, executable_path: str = CHROMIUM):
        self.executable_path = executable_path
        self._playwright = self._browser = self._page = None
        self._thread = None

    def __enter__(self) -> "RenderChecker":
        from concurrent.futures import ThreadPoolExecutor
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="render-check")
        try:
            self._thread.submit(self._open).result()
        except BaseException:
            self.close()
            raise
        return self

    def _open(self) -> None:
        from playwright.sync_api import sync_playwright
        self._playwright = sync_playwright().start()
        self._browser = self._playwright.chromium.launch(executable_path=self.executable_path,
                                                         args=CHROMIUM_ARGS, headless=True)
        self._page = self._browser.new_page(viewport={"width": 1600, "height": 1400})
        self._page.set_content("<!DOCTYPE html><html><head><meta charset='utf-8'></head>"
                               "<body style='margin:0;padding:0'><div id='chart'></div></body></html>")
        self._page.add_script_tag(path=str(plotly_js_path()))

    def __exit__(self, *exc) -> None:
        self.close()

    def _close(self) -> None:
        for thing in (self._browser, self._playwright):
            if thing is not None:
                try:
                    thing.close() if thing is self._browser else thing.stop()
                except Exception:  # noqa: BLE001 - closing after a failure: nothing more to do
                    pass
        self._browser = self._playwright = self._page = None

    def close(self) -> None:
        if self._thread is not None:
            self._thread.submit(self._close).result()
            self._thread.shutdown(wait=True)
            self._thread = None

    def measure(self, fig, width: int, height: int) -> Drawn:
        """Draw ``fig`` (a plotly figure or its dict) at ``width`` × ``height`` and measure it."""
        spec = json.loads(fig.to_json()) if hasattr(fig, "to_json") else fig
        result = self._thread.submit(self._page.evaluate, _MEASURE_JS, [spec, width, height]).result()
        return Drawn(**result)

    def check(self, fig, width: int, height: int, print_width_cm: float | None = None) -> list[str]:
        return problems_in(self.measure(fig, width, height), width, height, print_width_cm)

    def screenshot(self, path: str | Path) -> None:
        """The last figure drawn, as the page shows it (to look at a problem)."""
        self._thread.submit(lambda: self._page.locator("#chart").screenshot(path=str(path))).result()


def kind_of(problem: str) -> str:
    return problem.split(" : ", 1)[0]
