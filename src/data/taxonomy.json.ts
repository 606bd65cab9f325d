// Loader shim: the MedHELM taxonomy tree with this workbench's coverage and data availability, as JSON.
import {runLoader} from "../../data-loaders/site/loader-cache.ts";
import {projectTaxonomyTree} from "../../data-loaders/site/taxonomy-tree.ts";

await runLoader("data/taxonomy.json", async () => JSON.stringify(await projectTaxonomyTree({cwd: process.cwd(), env: process.env})));
