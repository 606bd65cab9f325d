// One colour per model for the whole site. A model keeps its colour on every page and in every
// source (our runs, imported HELM runs, the published paper), because the colour is derived from
// the model id and the site-wide model list, never from the labels one page happens to show.
// Pure: no DOM and no imports, so the assignment is unit-tested in Node (test/colors.test.ts).

/**
 * Vivid colours for language models: Plot's `observable10` scheme without its grey (grey is kept
 * for baselines), then three darker hues that stay apart from it. All are mid-lightness, so marks
 * read on the light and the dark theme alike.
 */
export const MODEL_PALETTE = [
  "#4269d0", "#efb118", "#ff725c", "#6cc5b0", "#3ca951", "#ff8ab7", "#a463f2", "#97bbf5", "#9c6b4e",
  "#b0306a", "#8c9a2b", "#1a7f8e"
];

/** Baselines are offline reference points, not language models: they are drawn in greys. */
export function isBaseline(model) {
  return model.startsWith("baseline/");
}

/** FNV-1a, 32 bits: a small stable hash, so a model's preferred colour never depends on the build. */
export function hashString(text) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** An sRGB hex colour from OKLCH (lightness 0-1, chroma, hue in degrees), clipped to the gamut. */
export function oklchHex(lightness, chroma, hue) {
  const a = chroma * Math.cos((hue * Math.PI) / 180);
  const b = chroma * Math.sin((hue * Math.PI) / 180);
  const l = (lightness + 0.3963377774 * a + 0.2158037573 * b) ** 3;
  const m = (lightness - 0.1055613458 * a - 0.0638541728 * b) ** 3;
  const s = (lightness - 0.0894841775 * a - 1.291485548 * b) ** 3;
  const linear = [
    4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s,
    -1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s,
    -0.0041960863 * l - 0.7034186147 * m + 1.707614701 * s
  ];
  const gamma = (x) => (x <= 0.0031308 ? 12.92 * x : 1.055 * x ** (1 / 2.4) - 0.055);
  return `#${linear.map((x) => Math.round(Math.min(1, Math.max(0, gamma(x))) * 255).toString(16).padStart(2, "0")).join("")}`;
}

/**
 * The colour of the `index`-th model that found the palette full: hues a golden angle apart at
 * the palette's lightness, so that however many models a site has, no two share a colour.
 */
export function overflowColor(index) {
  return oklchHex(0.64, 0.13, (25 + index * 137.508) % 360);
}

/** The `index`-th of `count` baseline greys, evenly spaced from mid-dark to mid-light grey. */
export function baselineGrey(index, count) {
  const level = count <= 1 ? 0x8a : Math.round(0x6b + ((0xa8 - 0x6b) * index) / (count - 1));
  return `#${level.toString(16).repeat(3)}`;
}

/**
 * Colours for `models`, placed in the given order: each model that is not a baseline goes to the
 * palette slot its hash picks, or to the next free slot when an earlier model holds it; once the
 * palette is full, models get overflow colours. Baselines (per `baseline`) get greys in sorted
 * order. Returns a Map from model id to hex colour; distinct models get distinct colours.
 */
export function assignModelColors(models, {palette = MODEL_PALETTE, baseline = isBaseline} = {}) {
  const unique = [...new Set(models)];
  const colors = new Map();
  const baselines = unique.filter(baseline).sort(byCodePoint);
  baselines.forEach((model, i) => colors.set(model, baselineGrey(i, baselines.length)));
  const taken = palette.map(() => false);
  let overflow = 0;
  for (const model of unique.filter((m) => !baseline(m))) {
    const start = hashString(model) % palette.length;
    const slot = palette.map((_, k) => (start + k) % palette.length).find((s) => !taken[s]);
    if (slot === undefined) {
      colors.set(model, overflowColor(overflow++));
    } else {
      taken[slot] = true;
      colors.set(model, palette[slot]);
    }
  }
  return colors;
}

function byCodePoint(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The site's model registry. `paper` are the published models ({model, name}) in Table 1 order;
 * `entries` the leaderboard entries of our runs ({label, model, source, model_kind}). The
 * published models are placed first, in their fixed order, so their colours never change with the
 * runs a site holds; the other models follow in code-point order of their ids. An entry is known by
 * its label, a published model by its display name, and either by its model id.
 */
export function modelRegistry({paper = [], entries = []} = {}) {
  const baselineIds = new Set(entries.filter((e) => e.model_kind === "baseline").map((e) => e.model));
  const baseline = (model) => isBaseline(model) || baselineIds.has(model);
  const paperIds = [...new Set(paper.map((p) => p.model))];
  const others = [...new Set(entries.map((e) => e.model))].filter((m) => !paperIds.includes(m)).sort(byCodePoint);
  const colors = assignModelColors([...paperIds, ...others], {baseline});
  const keys = new Map();
  for (const model of colors.keys()) keys.set(model, {model, imported: false});
  for (const p of paper) keys.set(p.name, {model: p.model, imported: false});
  for (const e of entries) keys.set(e.label, {model: e.model, imported: e.source != null && e.source !== "native", published: e.source === PUBLISHED_SOURCE});
  const known = (key) => keys.get(key) ?? {model: modelOfLabel(key), imported: / \[[^\]]+\]$/.test(key), published: PUBLISHED_LABEL.test(key)};
  const color = (key) => {
    const {model} = known(key);
    // A key the site-wide list lacks still gets the same colour on every page: its hash's slot.
    return colors.get(model) ?? (baseline(model) ? baselineGrey(0, 1) : MODEL_PALETTE[hashString(model) % MODEL_PALETTE.length]);
  };
  return {
    /** The model id behind a label, display name or id. */
    model: (key) => known(key).model,
    /** The model's colour. */
    color,
    /** Whether the entry's results were imported (drawn hollow next to our own runs of the model). */
    imported: (key) => known(key).imported,
    /** Whether the entry is a published MedHELM result (an import too: drawn hollow, point values only). */
    published: (key) => Boolean(known(key).published),
    /** Fill of a dot or bar: the colour, or none for imported results, whose marks are outlined. */
    fill: (key) => (known(key).imported ? "none" : color(key))
  };
}

/** The source of the published MedHELM results' entries, and the mark their labels end with. */
export const PUBLISHED_SOURCE = "medhelm-paper";
const PUBLISHED_LABEL = / \[MedHELM paper v\d+\]$/;

/** The model id inside an entry label: the label less its "(baseline)" and "[source]" marks. */
export function modelOfLabel(label) {
  return label.replace(/ \[[^\]]+\]$/, "").replace(/ \(baseline\)$/, "");
}
