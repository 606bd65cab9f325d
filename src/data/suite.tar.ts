// Loader shim: runs the configured suite (cached) and writes the site's tables as a tar archive to stdout,
// recording the inputs it read so the next build re-runs it when one changes.
import {siteArchive} from "../../data-loaders/site/archive.ts";
import {runLoader} from "../../data-loaders/site/loader-cache.ts";

await runLoader("data/suite.tar", () => siteArchive({cwd: process.cwd(), env: process.env, log: (m) => console.warn(m)}));
