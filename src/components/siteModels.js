// The site-wide model list, read once per page: the published models (paper Table 1) and every
// entry of our runs. Every page that colours models asks this module, so a model gets the same
// colour everywhere whichever subset of models the page shows.
import {FileAttachment} from "observablehq:stdlib";
import * as Arrow from "npm:apache-arrow";
import {modelRegistry} from "./modelColors.js";

let registry = null;

/**
 * The model registry of modelColors.js for this site (colour, fill and model id by label, display
 * name or model id). `labels` lists every leaderboard entry of our runs (label, model, source,
 * model_kind), baselines included. The small files are read whole before decoding, as elsewhere.
 */
export function siteModels() {
  registry ??= Promise.all([
    FileAttachment("../data/paper/table1.arrow").arrayBuffer(),
    FileAttachment("../data/suite/labels.arrow").arrayBuffer()
  ]).then(([paper, entries]) => modelRegistry({paper: rowsOf(paper), entries: rowsOf(entries)}));
  return registry;
}

function rowsOf(buffer) {
  return Array.from(Arrow.tableFromIPC(buffer), (row) => row.toJSON());
}
