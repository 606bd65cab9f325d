// Loader shim: the published MedHELM results (both versions) as Arrow tables in a zip.
import {paperArchive} from "../../data-loaders/paper-site.ts";

process.stdout.write(paperArchive());
