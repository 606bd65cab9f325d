/**
 * Shards: `medhelm run --shard i/n` evaluates a deterministic 1/n of a run, so that a batch
 * scheduler (a Kubernetes Indexed Job, a Slurm job array, a CI matrix) can spread one run over
 * many machines and the results can be read back as one.
 *
 * The unit of work is the (benchmark, instance): every model's answer and every judge's verdict
 * on an instance belong to the same shard, so per-instance statistics (paired comparisons,
 * judge agreement) never straddle shards. Models play no part in the assignment, so adding a
 * model to a run moves no instance between shards.
 *
 * Assignment: each benchmark's evaluated instances (the run's seeded sample, after `--limit`)
 * are ordered by the SHA-256 of (benchmark, instance id) and dealt to the shards in turn,
 * starting at a shard derived from the benchmark id. The hash order makes the deal independent
 * of the dataset's order; dealing rather than taking the hash modulo n makes every shard hold
 * floor(N/n) or ceil(N/n) of each benchmark's N instances, so shards are balanced even for
 * small runs and per benchmark (a jury-scored instance costs far more than a multiple-choice
 * one); and the benchmark-dependent start spreads the remainders over the shards. Every shard
 * of a run computes the same sample, so the shards partition it exactly.
 */
import {createHash} from "node:crypto";

/** One shard of a run: `index` counts from 1 up to `count`. */
export interface Shard {
  index: number;
  count: number;
}

/** A shard as written on the command line and in the runs table: `i/n`. */
export function shardLabel(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}

/** The shard written as `i/n` (as `shardLabel` prints it); null for anything else. */
export function readShardLabel(label: string): Shard | null {
  const m = /^(\d+)\/(\d+)$/.exec(label.trim());
  if (!m) return null;
  const shard = {index: Number(m[1]), count: Number(m[2])};
  return shard.count >= 1 && shard.index >= 1 && shard.index <= shard.count ? shard : null;
}

/** A parsed `--shard` flag and, for `env/n`, the variable the index came from. */
export interface ShardChoice {
  shard: Shard;
  /** How an `env/n` index was found, e.g. `JOB_COMPLETION_INDEX=2 (Kubernetes Indexed Job, counts from 0)`; null for `i/n`. */
  from: string | null;
}

/** A bad `--shard` value; the message names the flag and what is wrong. */
export class ShardError extends Error {}

const digits = /^\d+$/;

/**
 * Reads `--shard`: `i/n` with 1 <= i <= n, or `env/n`, which takes the index from the batch
 * scheduler: `JOB_COMPLETION_INDEX` (Kubernetes Indexed Jobs, 0-based) or else
 * `SLURM_ARRAY_TASK_ID` (Slurm job arrays). A Slurm array may start at any id (`--array=0-3`,
 * `--array=1-4`) and step (`--array=0-30:10`), so its index is the task's position in the array,
 * (SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN) / SLURM_ARRAY_TASK_STEP, counted from 1; when
 * Slurm reports the array's size (SLURM_ARRAY_TASK_COUNT) it must equal n, because an array of
 * another size would silently leave shards out or run some twice.
 */
export function parseShard(value: string, env: Record<string, string | undefined>): ShardChoice {
  const flag = `--shard ${value}`;
  const m = /^([^/]*)\/([^/]*)$/.exec(value.trim());
  if (!m) throw new ShardError(`${flag}: expected i/n (shard i of n, counting from 1, e.g. 2/4) or env/n (the index from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID)`);
  const [, first, second] = m;
  if (!digits.test(second) || (!digits.test(first) && first !== "env")) throw new ShardError(`${flag}: expected i/n (shard i of n, counting from 1, e.g. 2/4) or env/n, got ${JSON.stringify(value)}`);
  if (Number(second) < 1) throw new ShardError(`${flag}: the number of shards n must be at least 1, got ${second}`);
  const count = Number(second);
  if (first === "env") return fromEnvironment(count, env, flag);
  const index = Number(first);
  if (index < 1 || index > count) throw new ShardError(`${flag}: the shard index counts from 1, so it must be from 1 to ${count}, got ${index}`);
  return {shard: {index, count}, from: null};
}

function fromEnvironment(count: number, env: Record<string, string | undefined>, flag: string): ShardChoice {
  const integer = (name: string): number => {
    const v = env[name]!.trim();
    if (!digits.test(v)) throw new ShardError(`${flag}: ${name} must be a non-negative integer, got ${JSON.stringify(env[name])}`);
    return Number(v);
  };
  const check = (index: number, from: string): ShardChoice => {
    if (index > count) throw new ShardError(`${flag}: ${from} is shard ${index}, beyond the ${count} shards asked for; the array or Job must have exactly ${count} tasks`);
    return {shard: {index, count}, from};
  };
  if (env.JOB_COMPLETION_INDEX?.trim()) {
    const k = integer("JOB_COMPLETION_INDEX");
    return check(k + 1, `JOB_COMPLETION_INDEX=${k} (Kubernetes Indexed Job, counts from 0)`);
  }
  if (env.SLURM_ARRAY_TASK_ID?.trim()) {
    const id = integer("SLURM_ARRAY_TASK_ID");
    if (!env.SLURM_ARRAY_TASK_MIN?.trim()) throw new ShardError(`${flag}: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_MIN is not, so the task's position in the array is unknown (Slurm sets both for job arrays)`);
    const min = integer("SLURM_ARRAY_TASK_MIN");
    const step = env.SLURM_ARRAY_TASK_STEP?.trim() ? integer("SLURM_ARRAY_TASK_STEP") : 1;
    if (step < 1) throw new ShardError(`${flag}: SLURM_ARRAY_TASK_STEP must be at least 1, got ${step}`);
    if (id < min || (id - min) % step) throw new ShardError(`${flag}: SLURM_ARRAY_TASK_ID=${id} is not a task of an array starting at ${min} in steps of ${step}`);
    if (env.SLURM_ARRAY_TASK_COUNT?.trim()) {
      const tasks = integer("SLURM_ARRAY_TASK_COUNT");
      if (tasks !== count) throw new ShardError(`${flag}: the Slurm array has ${tasks} tasks (SLURM_ARRAY_TASK_COUNT), not ${count}; use --shard env/${tasks} or an array of ${count} tasks`);
    }
    const position = (id - min) / step;
    const described = step === 1 ? `SLURM_ARRAY_TASK_ID=${id} - SLURM_ARRAY_TASK_MIN=${min} (Slurm job array, counts from 0)` : `(SLURM_ARRAY_TASK_ID=${id} - SLURM_ARRAY_TASK_MIN=${min}) / SLURM_ARRAY_TASK_STEP=${step} (Slurm job array, counts from 0)`;
    return check(position + 1, described);
  }
  throw new ShardError(`${flag}: neither JOB_COMPLETION_INDEX (Kubernetes Indexed Job) nor SLURM_ARRAY_TASK_ID (Slurm job array) is set, so there is no shard index to read; give it as i/${count}`);
}

/** The hash that orders a benchmark's instances for dealing: SHA-256 of the unit, as hex. */
export function unitHash(benchmark: string, instanceId: string): string {
  return createHash("sha256").update(`${benchmark}\u0000${instanceId}`).digest("hex");
}

/** The shard (0-based) that receives the first instance of a benchmark's deal. */
function firstShard(benchmark: string, count: number): number {
  return createHash("sha256").update(benchmark).digest().readUInt32BE(0) % count;
}

/**
 * The shard (0-based) of each of a benchmark's evaluated instances, in the order given: the
 * instances sorted by `unitHash` and dealt round-robin from the benchmark's first shard.
 * Instance ids must be distinct (the sample guarantees it).
 */
export function dealShards(benchmark: string, instanceIds: readonly string[], count: number): number[] {
  const order = instanceIds.map((id, i) => ({i, hash: unitHash(benchmark, id)}));
  order.sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
  const start = firstShard(benchmark, count);
  const shards = new Array<number>(instanceIds.length);
  order.forEach(({i}, rank) => (shards[i] = (start + rank) % count));
  return shards;
}

/** The instances of a benchmark's evaluated sample that belong to `shard`, in the sample's order. */
export function instancesOfShard<T extends {id: string}>(benchmark: string, instances: readonly T[], shard: Shard): T[] {
  if (shard.count === 1) return [...instances];
  const shards = dealShards(benchmark, instances.map((instance) => instance.id), shard.count);
  return instances.filter((_, i) => shards[i] === shard.index - 1);
}
