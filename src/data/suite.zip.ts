// Loader shim: runs the configured suite (cached) and writes the site's tables as a zip to stdout.
import {siteArchive} from "../../data-loaders/site.ts";

process.stdout.write(await siteArchive({cwd: process.cwd(), env: process.env, log: (m) => console.warn(m)}));
