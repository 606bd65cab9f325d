/** `medhelm merge`: writes one result folder from the shard folders of a run (runner/merge.ts). */
import {resolve} from "node:path";
import {parseFlags, UsageError, type Command} from "../command.ts";
import {mergeFolders} from "../../runner/merge.ts";

const usage = `usage: medhelm merge DIR DIR... --out DIR [--format json]

Writes one result folder from the folders of a sharded run ("medhelm run --shard i/n"): every
table is the union of theirs, and the runs table keeps one row per shard. The folders must come
from the same configuration (models, judges, seed, limit, benchmarks, number of shards) and hold
each (benchmark, instance) once; otherwise nothing is written and the difference is named.
Merging is optional: the leaderboard and the site read a list of shard folders as one run.

  --out DIR        the merged folder (created; tables in it are replaced)
  --format json    print what was merged as JSON`;

const command: Command = {
  name: "merge",
  summary: "write one result folder from the shard folders of a run (refusing overlaps and mixed configurations)",
  usage,
  async run(args, io) {
    const {values, positionals} = parseFlags({args, options: {out: {type: "string"}, format: {type: "string"}}, allowPositionals: true});
    if (!values.out) throw new UsageError("--out DIR is required (where the merged tables go)");
    if (values.format && !["json", "table"].includes(values.format)) throw new UsageError(`--format must be json or table, got ${values.format}`);
    if (positionals.length < 2) throw new UsageError(`name at least two result folders to merge, got ${positionals.length}`);
    const result = await mergeFolders(positionals.map((d) => resolve(io.cwd, d)), resolve(io.cwd, values.out));
    for (const warning of result.warnings) io.stderr(`warning: ${warning}\n`);
    if (values.format === "json") io.stdout(`${JSON.stringify(result)}\n`);
    else {
      const shards = result.runs.map((r) => r.shard ?? "whole run").join(", ");
      io.stdout(`merged ${result.runs.length} run(s) (${shards}) into ${result.out}: ${result.rows.instances} instances, ${result.rows.completions} answers, ${result.rows.judgments} verdict rows\n`);
    }
    return 0;
  }
};

export default command;
