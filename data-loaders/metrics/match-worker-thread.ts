/**
 * The inside of a BERTScore matching worker (see match-pool.ts): answers each message with the
 * greedy match of its two token matrices, or the error it raised.
 */
import {parentPort} from "node:worker_threads";
import {greedyMatch} from "./bertscore.ts";
import type {MatchReply, MatchRequest} from "./match-pool.ts";

const port = parentPort;
if (!port) throw new Error("match-worker-thread.ts must run in a worker thread");
port.on("message", ({id, candidate, reference}: MatchRequest) => {
  let reply: MatchReply;
  try {
    reply = {id, value: greedyMatch(candidate, reference)};
  } catch (error) {
    reply = {id, error: (error as Error).message};
  }
  port.postMessage(reply);
});
