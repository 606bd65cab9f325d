// Loader shim: the published MedHELM results (both versions) as Arrow tables in a zip.
import {paperArchive} from "../../data-loaders/paper/site-tables.ts";
import {runLoader} from "../../data-loaders/site/loader-cache.ts";

await runLoader("data/paper.zip", () => paperArchive());
