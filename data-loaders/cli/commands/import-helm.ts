/**
 * `medhelm import-helm`: reads HELM / MedHELM outputs (run directories, or `helm-summarize`
 * leaderboards when there are none) into our Parquet tables, so official results can be shown
 * and analysed next to native runs. Runs that cannot be read are listed on stderr with the file
 * and field at fault; everything else is still written, and the exit code is then 1.
 */
import {resolve} from "node:path";
import {listFlag, parseFlags, UsageError, type Command} from "../command.ts";
import {importHelm, type ImportReport} from "../../helm/import.ts";
import {parquetSink} from "../../formats/parquet.ts";
import {toolVersion} from "../../runner/suite.ts";

const usage = `usage: medhelm import-helm <benchmark_output dir> [options]

Imports HELM runs (runs/<suite>/<run>/) into the six Parquet tables with source "helm-import".
Without run directories, or with --from-summary, it reads helm-summarize leaderboards
(releases/<r>/groups/*.json or runs/<suite>/groups/*.json): one score per model and benchmark.

  --suite a,b        suites (or releases) to read, in precedence order: a later one wins for the
                     same model and benchmark (default: every suite in name order; the last release)
  --from-summary     read groups/*.json leaderboards even when run directories exist
  --out DIR          where the Parquet tables go (default results/helm)
  --run-id ID        run id of the imported result set (default helm-<suites>)
  --format json      print the import report as JSON on stdout

Exit code 1 when any run or file could not be read (the rest is still written).
Show the result on the site with {"site": {"include": ["results/helm"]}} in medhelm.config.json.`;

/** The human-readable report. */
function describe(report: ImportReport, out: string): string {
  const lines: string[] = [];
  if (report.mode === "runs") {
    const benchmarks = new Set(report.imported.map((r) => r.benchmark));
    const models = new Set(report.imported.map((r) => r.model));
    lines.push(`imported ${report.imported.length} HELM runs (${benchmarks.size} benchmarks, ${models.size} models) as ${report.runId ?? "nothing"}`);
    if (report.superseded.length) lines.push(`${report.superseded.length} runs superseded by a later suite`);
    if (report.skipped.length) lines.push(`${report.skipped.length} runs skipped`);
  } else lines.push(`imported ${report.cells} leaderboard cells from helm-summarize tables as ${report.runId ?? "nothing"}`);
  lines.push(`rows: ${Object.entries(report.counts).map(([t, n]) => `${t} ${n}`).join(", ")}`);
  if (report.files) lines.push(`tables written to ${out}`);
  return `${lines.join("\n")}\n`;
}

const command: Command = {
  name: "import-helm",
  summary: "import HELM / MedHELM run outputs or leaderboards into Parquet tables",
  usage,
  async run(args, io) {
    const {values, positionals} = parseFlags({
      args,
      allowPositionals: true,
      options: {suite: {type: "string"}, "from-summary": {type: "boolean"}, out: {type: "string"}, "run-id": {type: "string"}, format: {type: "string"}}
    });
    if (positionals.length !== 1) throw new UsageError(`expected one benchmark_output folder, got ${positionals.length}`);
    if (values.format && !["json", "table"].includes(values.format)) throw new UsageError(`unknown format: ${values.format}`);
    const suites = listFlag(values.suite);
    const out = resolve(io.cwd, values.out ?? "results/helm");
    const report = await importHelm(
      {root: resolve(io.cwd, positionals[0]), suites, fromSummary: values["from-summary"], runId: values["run-id"], toolVersion},
      {openSink: () => parquetSink(out)}
    );
    for (const s of report.skipped) io.stderr(`skipped ${s.run}: ${s.reason}\n`);
    for (const w of report.warnings) io.stderr(`warning: ${w}\n`);
    for (const e of report.errors) io.stderr(`error: ${e.message}${e.message.startsWith(e.run) ? "" : ` (run ${e.run})`}\n`);
    if (values.format === "json") io.stdout(`${JSON.stringify({...report, out})}\n`);
    else io.stdout(describe(report, out));
    return report.errors.length || !report.files ? 1 : 0;
  }
};

export default command;
