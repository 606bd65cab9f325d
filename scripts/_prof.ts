import {writeFileSync, existsSync} from "node:fs";
import {fullSuitePlan, writePlan} from "./synthetic-results.ts";
import {siteArchive} from "../data-loaders/site.ts";
if (!existsSync("/tmp/prof/full/scores.parquet")) await writePlan(fullSuitePlan(), "/tmp/prof/full");
writeFileSync("/tmp/prof/config.json", JSON.stringify({site: {run: false, include: ["/tmp/prof/full"]}}));
const t0 = Date.now();
const bytes = await siteArchive({cwd: "/tmp/prof", env: {MEDHELM_CONFIG: "/tmp/prof/config.json"}, log: (m) => console.log(`${((Date.now()-t0)/1000).toFixed(1)}s ${m}`)});
console.log("total", (Date.now()-t0)/1000, "s", bytes.length);
