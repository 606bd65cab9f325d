/**
 * `medhelm ratings sample`: draws the responses a team's clinicians rate to validate the jury on
 * its own runs, and writes one blinded sheet per rater (CSV and Excel) and the analyst's key.
 * `medhelm agreement --results DIR --ratings DIR` reads the sheets back.
 */
import {existsSync} from "node:fs";
import {join, resolve} from "node:path";
import {type Command, commandConfig, integerFlag, listFlag, parseFlags, resultFolders, UsageError} from "../command.ts";
import {loadRegistry} from "../../benchmark/registry.ts";
import {textTable} from "../text-table.ts";
import type {Rubric} from "../../benchmark/types.ts";
import {readJudgedResponses, type JudgedResponse} from "../../clinicians/judged.ts";
import {assignPackets, stratifiedSample} from "../../clinicians/packets.ts";
import {MEDHELM_DESIGN, requiredResponses, zouSampleSize, type ZouDesign} from "../../clinicians/sample-size.ts";
import {buildSheets, KEY_FILE, keyRows, writeSheets} from "../../clinicians/sheets.ts";

const usage = `usage: medhelm ratings sample --results DIR[,DIR...] --raters r1,r2,... --out DIR
                              [--benchmarks a,b] [--responses N | --target-icc X [--assurance P] [--width W]]
                              [--overlap K] [--seed S] [--format table|json] [--config FILE]

Samples jury-scored answers of result folders for clinicians to rate, and writes one blinded
sheet per rater, <out>/<rater>.csv and <out>/<rater>.xlsx, plus <out>/${KEY_FILE} for the analyst
(packet_id, run_id, benchmark, instance_id, model). Sheets show the packet id, the benchmark,
the input and the answer as the judges saw them, the gold answer where the rubric shows it to
the judges, the rubric's criteria and scale, and one empty column per criterion; never a model
or judge name or a jury score. Read the completed sheets with
"medhelm agreement --results DIR --ratings <out>".

  --results DIR,...   result folders of "medhelm run" (default: the config's outDir)
  --benchmarks a,b    open-ended benchmarks to sample (default: every benchmark with jury scores)
  --responses N       responses to rate per benchmark, spread evenly over the models
  --target-icc X      else Zou's (2012) sample size for an ICC interval, with a finite-population
                      correction over the benchmark's jury-scored answers (MedHELM's design:
                      --target-icc ${MEDHELM_DESIGN.expectedIcc} --assurance ${MEDHELM_DESIGN.assurance} --width ${MEDHELM_DESIGN.width}; the default)
  --assurance P       probability that the interval is no wider than --width (default ${MEDHELM_DESIGN.assurance})
  --width W           full width of the 95 % interval aimed for (default ${MEDHELM_DESIGN.width})
  --raters r1,r2,...  rater ids; each names its sheet file
  --overlap K         raters per response (default 2, so clinicians can be compared with each other)
  --seed S            seed of the sample, the assignment and the row orders (default 0)
  --out DIR           folder for the sheets and the key (must not hold a ${KEY_FILE} already)
  --config FILE       configuration file (default medhelm.config.json); gated and private
                      benchmarks' texts go into sheets only when it sets publishRestrictedText`;

function numberFlag(value: string | undefined, flag: string, low: number, high: number): number | undefined {
  if (value === undefined) return undefined;
  const x = Number(value);
  if (value.trim() === "" || !Number.isFinite(x) || x <= low || x >= high) throw new UsageError(`${flag} must be a number between ${low} and ${high} (exclusive), got ${JSON.stringify(value)}`);
  return x;
}

const command: Command = {
  name: "ratings",
  summary: "blinded rating sheets for your clinicians, to validate the jury on your runs (ratings sample)",
  usage,
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub === "--help" || sub === "-h" || sub === undefined) {
      io.stdout(`${usage}\n`);
      return sub === undefined ? 2 : 0;
    }
    if (sub !== "sample") throw new UsageError(`unknown ratings command ${JSON.stringify(sub)}; the one command is "ratings sample"`);
    const {values} = parseFlags({
      args: rest,
      options: {
        results: {type: "string"}, benchmarks: {type: "string"}, responses: {type: "string"}, "target-icc": {type: "string"}, assurance: {type: "string"},
        width: {type: "string"}, raters: {type: "string"}, overlap: {type: "string"}, seed: {type: "string"}, out: {type: "string"}, format: {type: "string"},
        config: {type: "string"}, help: {type: "boolean", short: "h"}
      },
      allowPositionals: false
    });
    if (values.help) {
      io.stdout(`${usage}\n`);
      return 0;
    }
    const format = values.format ?? "table";
    if (format !== "table" && format !== "json") throw new UsageError(`--format must be table or json, got ${format}`);
    const raters = listFlag(values.raters);
    if (!raters?.length) throw new UsageError("--raters is required: the ids of the clinicians who rate (e.g. --raters r1,r2,r3)");
    const badName = raters.find((r) => !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(r) || r === "key");
    if (badName) throw new UsageError(`--raters: ${JSON.stringify(badName)} cannot name a sheet file (letters, digits, ".", "_" and "-"; not "key")`);
    if (new Set(raters).size !== raters.length) throw new UsageError(`--raters names a rater twice: ${raters.join(",")}`);
    const overlap = integerFlag(values.overlap, "--overlap", 1) ?? 2;
    if (overlap > raters.length) throw new UsageError(`--overlap ${overlap} needs at least ${overlap} raters; --raters names ${raters.length}`);
    const seed = integerFlag(values.seed, "--seed") ?? 0;
    if (!values.out) throw new UsageError("--out is required: the folder for the sheets and the key");
    const out = resolve(io.cwd, values.out);
    if (existsSync(join(out, KEY_FILE))) throw new UsageError(`${out} already holds a ${KEY_FILE}; choose a new --out so that no sheet is overwritten`);
    const fixed = integerFlag(values.responses, "--responses", 1);
    if (fixed !== undefined && (values["target-icc"] !== undefined || values.assurance !== undefined || values.width !== undefined)) {
      throw new UsageError("--responses fixes the sample size; do not combine it with --target-icc, --assurance or --width");
    }
    const design: ZouDesign = {
      ...MEDHELM_DESIGN,
      expectedIcc: numberFlag(values["target-icc"], "--target-icc", 0, 1) ?? MEDHELM_DESIGN.expectedIcc,
      assurance: numberFlag(values.assurance, "--assurance", 0, 1) ?? MEDHELM_DESIGN.assurance,
      width: numberFlag(values.width, "--width", 0, 2) ?? MEDHELM_DESIGN.width
    };
    const config = commandConfig(io, values.config);
    const dirs = resultFolders(values.results, io.cwd, [config.outDir]);
    let judged: JudgedResponse[];
    try {
      judged = await readJudgedResponses(dirs);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }

    const rubrics: Record<string, Rubric> = Object.fromEntries((await loadRegistry()).filter((b) => b.rubric).map((b) => [b.id, b.rubric!]));
    const present = [...new Set(judged.map((r) => r.benchmark))].sort();
    const named = listFlag(values.benchmarks);
    if (named && !named.length) throw new UsageError("--benchmarks names no benchmark");
    const unknown = (named ?? []).filter((b) => !present.includes(b));
    if (unknown.length) throw new UsageError(`--benchmarks: no jury-scored answers of ${unknown.join(", ")} in ${dirs.join(", ")} (jury-scored: ${present.join(", ") || "none"})`);
    let selected = named ?? present;
    const noRubric = selected.filter((b) => !rubrics[b]);
    if (noRubric.length) throw new UsageError(`benchmark ${noRubric.join(", ")} has no jury rubric in this workbench's registry, so its sheets cannot show the criteria`);
    const access = new Map(judged.map((r) => [r.benchmark, r.access]));
    const restricted = selected.filter((b) => access.get(b) !== "public");
    if (restricted.length && !config.publishRestrictedText) {
      const which = restricted.map((b) => `${b} (${access.get(b)})`).join(", ");
      const why = `the texts of ${which} are gated or private and go into rating sheets only when the configuration sets "publishRestrictedText": true (the switch that also publishes them on the site)`;
      if (named) throw new UsageError(`${why}; set it if your clinicians may read these texts, or leave these benchmarks out`);
      io.stderr(`ratings: skipping ${which}: ${why}\n`);
      selected = selected.filter((b) => !restricted.includes(b));
    }
    if (!selected.length) throw new UsageError(`no benchmark left to sample in ${dirs.join(", ")}`);

    const pool = judged.filter((r) => selected.includes(r.benchmark));
    const population = Object.fromEntries(selected.map((b) => [b, pool.filter((r) => r.benchmark === b).length]));
    const sizes = Object.fromEntries(selected.map((b) => [b, fixed !== undefined ? Math.min(fixed, population[b]) : requiredResponses(population[b], design)]));
    const sample = stratifiedSample(pool, sizes, seed);
    const packets = assignPackets(sample, raters, overlap, seed);
    const sheets = buildSheets(packets, raters, rubrics, seed);
    const files = await writeSheets(out, sheets, keyRows(packets));

    const load = Object.fromEntries(raters.map((r) => [r, packets.filter((p) => p.raters.includes(r)).length]));
    const perBenchmark = selected.map((b) => {
      const chosen = sample.filter((r) => r.benchmark === b);
      const models = [...new Set(chosen.map((r) => r.model))].sort();
      return {benchmark: b, population: population[b], responses: chosen.length, by_model: Object.fromEntries(models.map((m) => [m, chosen.filter((r) => r.model === m).length]))};
    });
    const method = fixed !== undefined ? {kind: "fixed", responses: fixed} : {kind: "zou2012", ...design, base_responses: zouSampleSize(design)};
    if (format === "json") {
      io.stdout(`${JSON.stringify({results: dirs, out, seed, overlap, method, benchmarks: perBenchmark, packets: packets.length, raters: load, files}, null, 2)}\n`);
    } else {
      io.stdout(`${textTable(["benchmark", "jury-scored answers", "to rate", "models"], perBenchmark.map((b) => [b.benchmark, String(b.population), String(b.responses), String(Object.keys(b.by_model).length)]), {labels: 1})}\n`);
      io.stdout(`\n${packets.length} responses, each to ${overlap} of ${raters.length} raters: ${raters.map((r) => `${r} ${load[r]}`).join(", ")}\n`);
      io.stdout(method.kind === "fixed"
        ? `sample size: fixed, ${fixed} per benchmark\n`
        : `sample size: Zou (2012) for an expected ICC of ${design.expectedIcc}, a 95 % interval ${design.width} wide with ${design.assurance} assurance (${zouSampleSize(design)} before the finite-population correction)\n`);
      io.stdout(`sheets: ${out} (send each rater <rater>.csv or <rater>.xlsx; keep ${KEY_FILE} for the analysis)\n`);
    }
    return 0;
  }
};

export default command;
